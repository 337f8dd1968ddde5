/** API users and roles: `/v1/users` (PATCH) and `/v1/roles` (PUT); the account owner cannot be deleted. */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Route } from "../server";
import { TENANT, error, isAnswer, notFound, ok, page, parseBody, self } from "./answers";

export interface Role {
  roleId: number;
  name: string;
  admin: boolean;
  accessAllResources: boolean;
  type: "default" | "custom";
  permissions: { apiName: string; actions: string[]; resources?: number[] }[];
}

export interface User {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  enabled: boolean;
  totp: boolean;
  locale: "de-DE" | "de" | "en-US" | "en";
  roles: number[];
  owner: boolean;
}

const ACTIONS = ["CREATE", "READ", "UPDATE", "DELETE"] as const;
const roleBody = z.object({
  name: z.string().min(1).max(255),
  admin: z.boolean(),
  accessAllResources: z.boolean(),
  permissions: z
    .array(z.object({ apiName: z.string().min(1).max(255), actions: z.array(z.enum(ACTIONS)), resources: z.array(z.number().int()).optional() }))
    .optional(),
});
const userFields = {
  firstName: z.string().min(1).max(255),
  lastName: z.string().min(1).max(255),
  email: z.email().max(255),
  enabled: z.boolean(),
  totp: z.boolean(),
  locale: z.enum(["de-DE", "de", "en-US", "en"]),
  roles: z.array(z.number().int()),
};

/** The account owner, present in every account. */
export function ownerUser(email: string): User {
  return { userId: randomUUID(), email, firstName: "Account", lastName: "Owner", enabled: true, totp: false, locale: "en", roles: [], owner: true };
}

export function userRoutes(world: {
  users: Map<string, User>;
  roles: Map<number, Role>;
  nextId(): number;
  tagName(tagId: number): string | undefined;
}): Route[] {
  // A permission limited to resources names them by the tags they carry.
  const roleView = (role: Role) => ({
    ...TENANT,
    ...role,
    permissions: role.permissions.map((permission) => ({
      ...permission,
      resources: (permission.resources ?? []).map((tagId) => ({ tagId, tagName: world.tagName(tagId) ?? "" })),
    })),
  });
  const userView = (user: User) => ({
    ...TENANT,
    ...user,
    emailVerified: user.owner,
    roles: user.roles.flatMap((roleId) => {
      const role = world.roles.get(roleId);
      return role ? [roleView(role)] : [];
    }),
  });
  const unknownRoles = (roles: number[] = []) => roles.filter((roleId) => !world.roles.has(roleId));
  const emailTaken = (email: string, except?: User) =>
    [...world.users.values()].some((user) => user !== except && user.email.toLowerCase() === email.toLowerCase());

  return [
    {
      method: "GET",
      pattern: /^\/v1\/roles$/,
      handle: (request) => {
        const name = request.query.get("name");
        return page(request, "/v1/roles", [...world.roles.values()].filter((r) => !name || r.name.includes(name)).map(roleView));
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/roles$/,
      handle: (request) => {
        const body = parseBody(request, roleBody);
        if (isAnswer(body)) return body;
        if ([...world.roles.values()].some((role) => role.name === body.name)) return error(409, `Role with name ${body.name} already exists`);
        const role: Role = { roleId: world.nextId(), ...body, type: "custom", permissions: body.permissions ?? [] };
        world.roles.set(role.roleId, role);
        return ok(201, { data: [{ ...TENANT, roleId: role.roleId }], ...self(`/v1/roles/${role.roleId}`) });
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/roles\/(\d+)$/,
      handle: (_request, roleId) => {
        const role = world.roles.get(Number(roleId));
        return role ? ok(200, { data: [roleView(role)], ...self(`/v1/roles/${roleId}`) }) : notFound("Role", roleId);
      },
    },
    {
      method: "PUT",
      pattern: /^\/v1\/roles\/(\d+)$/,
      handle: (request, roleId) => {
        const role = world.roles.get(Number(roleId));
        if (!role) return notFound("Role", roleId);
        const body = parseBody(request, roleBody);
        if (isAnswer(body)) return body;
        Object.assign(role, { ...body, permissions: body.permissions ?? [] });
        return ok(200, self(`/v1/roles/${roleId}`));
      },
    },
    {
      method: "DELETE",
      pattern: /^\/v1\/roles\/(\d+)$/,
      handle: (_request, roleId) => {
        if (!world.roles.delete(Number(roleId))) return notFound("Role", roleId);
        for (const user of world.users.values()) user.roles = user.roles.filter((id) => id !== Number(roleId));
        return ok(204);
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/users$/,
      handle: (request) => {
        const email = request.query.get("email");
        const found = [...world.users.values()].filter((u) => !email || u.email.toLowerCase().includes(email.toLowerCase()));
        return page(request, "/v1/users", found.map(userView));
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/users$/,
      handle: (request) => {
        const { email, enabled, totp, locale, ...optional } = userFields;
        const body = parseBody(request, z.object({ email, enabled, totp, locale, ...z.object(optional).partial().shape }));
        if (isAnswer(body)) return body;
        if (emailTaken(body.email)) return error(409, `User with email ${body.email} already exists`);
        const missing = unknownRoles(body.roles);
        if (missing.length > 0) return error(400, `roles ${missing.join(", ")} do not exist`);
        const user: User = { userId: randomUUID(), firstName: "", lastName: "", roles: [], ...body, owner: false };
        world.users.set(user.userId, user);
        return ok(201, { data: [{ ...TENANT, userId: user.userId }], ...self(`/v1/users/${user.userId}`) });
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/users\/([^/]+)$/,
      handle: (_request, userId) => {
        const user = world.users.get(userId);
        return user ? ok(200, { data: [userView(user)], ...self(`/v1/users/${userId}`) }) : notFound("User", userId);
      },
    },
    {
      method: "PATCH",
      pattern: /^\/v1\/users\/([^/]+)$/,
      handle: (request, userId) => {
        const user = world.users.get(userId);
        if (!user) return notFound("User", userId);
        const body = parseBody(request, z.object(userFields).partial());
        if (isAnswer(body)) return body;
        if (body.email && emailTaken(body.email, user)) return error(409, `User with email ${body.email} already exists`);
        const missing = unknownRoles(body.roles);
        if (missing.length > 0) return error(400, `roles ${missing.join(", ")} do not exist`);
        Object.assign(user, body);
        return ok(200, self(`/v1/users/${userId}`));
      },
    },
    {
      method: "DELETE",
      pattern: /^\/v1\/users\/([^/]+)$/,
      handle: (_request, userId) => {
        const user = world.users.get(userId);
        if (!user) return notFound("User", userId);
        if (user.owner) return error(403, "The account owner cannot be deleted");
        world.users.delete(userId);
        return ok(204);
      },
    },
  ];
}
