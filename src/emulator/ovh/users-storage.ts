/**
 * Public Cloud users, their roles and S3 credentials, and Swift object-storage containers, as the
 * cloud schema describes them (`/cloud/project/{serviceName}/user`, `/role`, `/storage`):
 * - a user is `creating` for a while after its create, then `ok`; a delete makes it `deleting`
 *   for a while, then it is gone (with its S3 credentials). Its password is in the create answer
 *   (and in that of `regeneratePassword`, which makes a new one) and nowhere else;
 * - roles are changed one by one (`POST .../role`, `DELETE .../role/{roleId}`) or all at once
 *   (`PUT .../role`), only once the user is `ok`;
 * - an S3 credential (`POST .../s3Credentials`, user `ok` only) answers its access key and secret
 *   (the schema's `S3CredentialsWithSecret`); reads give the access key only, the secret comes
 *   from `POST .../s3Credentials/{access}/secret`;
 * - a container (`POST /storage`: region, name, archive) is private when made; `PUT` sets its
 *   type (private, public, static). Names are unique in a region (an inference: Swift has one
 *   namespace per account and region).
 * State is kept per project object (a reset makes new projects, so it forgets everything).
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { EmulatorRequest, EmulatorResponse, Route } from "../server";
import { done, error, isAnswer, notFound, ok, parseBody } from "./answers";
import { REGIONS } from "./catalog";
import type { Project } from "./cloud";

export const USER_ROLES = [
  "admin",
  "administrator",
  "ai_training_operator",
  "ai_training_read",
  "authentication",
  "backup_operator",
  "compute_operator",
  "image_operator",
  "infrastructure_supervisor",
  "network_operator",
  "network_security_operator",
  "objectstore_operator",
  "volume_operator",
] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type UserStatus = "creating" | "ok" | "deleting" | "deleted";
export type ContainerType = "private" | "public" | "static";

export interface CloudUser {
  id: number;
  username: string;
  description: string;
  openstackId: string;
  creationDate: string;
  roles: Set<UserRole>;
  /** When the user becomes `ok` (creating until then). */
  readyAt: number;
  /** Set by a delete: the user is `deleting` until then, then gone. */
  goneAt?: number;
  /** Access key → secret. */
  s3: Map<string, string>;
}

export interface StorageContainer {
  id: string;
  name: string;
  region: string;
  archive: boolean;
  type: ContainerType;
}

export interface UsersStorage {
  users: Map<number, CloudUser>;
  containers: Map<string, StorageContainer>;
}

const states = new WeakMap<Project, UsersStorage>();

/** The users and containers of a project (made empty on first use). */
export function usersStorageOf(project: Project): UsersStorage {
  let state = states.get(project);
  if (!state) {
    state = { users: new Map(), containers: new Map() };
    states.set(project, state);
  }
  return state;
}

/** Users (not on their way out), S3 credentials and containers: what a stack may have left. */
export function liveUsersStorage(projects: Iterable<Project>): number {
  let count = 0;
  for (const project of projects) {
    const state = states.get(project);
    if (!state) continue;
    for (const user of state.users.values()) if (user.goneAt === undefined) count += 1 + user.s3.size;
    count += state.containers.size;
  }
  return count;
}

/** The Swift storage regions: the location part of the compute regions (GRA, SBG, DE, UK, WAW, BHS). */
export const STORAGE_REGIONS = [...new Set(Object.values(REGIONS).map((r) => r.datacenterLocation))];

const roleId = (name: string) => createHash("md5").update(`role ${name}`).digest("hex");
const PERMISSIONS: Record<string, string[]> = {
  objectstore_operator: ["objectstore:*"],
  compute_operator: ["compute:*"],
  network_operator: ["network:*"],
  volume_operator: ["volume:*"],
  image_operator: ["image:*"],
  backup_operator: ["backup:*"],
};
const roleView = (name: UserRole) => ({
  description: name.replace(/_/g, " "),
  id: roleId(name),
  name,
  permissions: PERMISSIONS[name] ?? [`${name}:*`],
});
const roleNamed = (id: string) => USER_ROLES.find((name) => roleId(name) === id);

const containerId = (region: string, name: string) => Buffer.from(`${region}:${name}`).toString("base64url");
const randomText = (length: number) => {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join("");
};

export function usersStorageRoutes(world: { projects: Map<string, Project>; buildMs: number }): Route[] {
  const userMs = world.buildMs / 4;
  let nextUserId = 310_000 + randomBytes(2).readUInt16BE();

  const inProject = (method: string, path: string, handle: (state: UsersStorage, request: EmulatorRequest, ...params: string[]) => EmulatorResponse): Route => ({
    method,
    pattern: new RegExp(`^/cloud/project/([^/]+)${path}$`),
    handle: (request, serviceName, ...params) => {
      const project = world.projects.get(serviceName);
      if (!project) return error(404, "This service does not exist");
      const state = usersStorageOf(project);
      // Users whose delete is over are gone.
      for (const [id, user] of state.users) if (user.goneAt !== undefined && Date.now() >= user.goneAt) state.users.delete(id);
      return handle(state, request, ...params);
    },
  });
  /** Routes of one user: a userId that is not a number is refused, as the API's `long` parameter is. */
  const ofUser = (method: string, path: string, handle: (user: CloudUser, request: EmulatorRequest, ...params: string[]) => EmulatorResponse) =>
    inProject(method, `/user/([^/]+)${path}`, (state, request, userId, ...params) => {
      if (!/^\d+$/.test(userId)) return error(400, `[userId] Given data (${userId}) is not valid for type long`);
      const user = state.users.get(Number(userId));
      return user ? handle(user, request, ...params) : notFound(userId);
    });

  const statusOf = (user: CloudUser): UserStatus => (user.goneAt !== undefined ? "deleting" : Date.now() < user.readyAt ? "creating" : "ok");
  const userView = (user: CloudUser) => ({
    creationDate: user.creationDate,
    description: user.description,
    id: user.id,
    openstackId: user.openstackId,
    roles: [...user.roles].sort().map(roleView),
    status: statusOf(user),
    username: user.username,
  });
  const notReady = (user: CloudUser) => error(409, `User ${user.id} is not ready (status ${statusOf(user)}): try again once it is ok`);
  const credentialView = (user: CloudUser, access: string) => ({ access, tenantId: user.openstackId.slice(0, 16) + "tenant", userId: user.openstackId });

  const containerSummary = (container: StorageContainer, withType: boolean) => ({
    archive: container.archive,
    containerType: withType ? container.type : null,
    id: container.id,
    name: container.name,
    region: container.region,
    storedBytes: 0,
    storedObjects: 0,
  });
  const containerDetail = (container: StorageContainer) => ({
    archive: container.archive,
    containerType: container.type,
    cors: [],
    name: container.name,
    objects: [],
    public: container.type !== "private",
    region: container.region,
    staticUrl: `https://storage.${container.region.toLowerCase()}.cloud.ovh.net/v1/AUTH_${container.id.slice(0, 12)}/${container.name}`,
    storedBytes: 0,
    storedObjects: 0,
  });

  const roleName = z.enum(USER_ROLES);

  return [
    inProject("GET", "/role", () => ok({ roles: USER_ROLES.map(roleView), services: [] })),

    // Users
    inProject("GET", "/user", (state) => ok([...state.users.values()].map(userView))),
    inProject("POST", "/user", (state, request) => {
      const body = parseBody(
        request,
        z.object({ description: z.string().max(255).nullable().optional(), role: roleName.nullable().optional(), roles: z.array(roleName).nullable().optional() }),
      );
      if (isAnswer(body)) return body;
      const id = nextUserId++;
      const user: CloudUser = {
        id,
        username: `user-${randomText(12)}`,
        description: body.description ?? "",
        openstackId: randomBytes(16).toString("hex"),
        creationDate: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        roles: new Set([...(body.role ? [body.role] : []), ...(body.roles ?? [])]),
        readyAt: Date.now() + userMs,
        s3: new Map(),
      };
      state.users.set(id, user);
      // The only answer with the password in it.
      return ok({ ...userView(user), password: randomText(32) });
    }),
    ofUser("GET", "", (user) => ok(userView(user))),
    inProject("DELETE", "/user/([^/]+)", (state, _request, userId) => {
      const user = state.users.get(Number(userId));
      if (!user || user.goneAt !== undefined) return notFound(userId);
      user.goneAt = Date.now() + userMs;
      user.s3.clear();
      return done();
    }),
    ofUser("POST", "/regeneratePassword", (user) => (statusOf(user) === "ok" ? ok({ ...userView(user), password: randomText(32) }) : notReady(user))),

    // Roles
    ofUser("GET", "/role", (user) => ok([...user.roles].sort().map(roleView))),
    ofUser("POST", "/role", (user, request) => {
      const body = parseBody(request, z.object({ roleId: z.string() }));
      if (isAnswer(body)) return body;
      if (statusOf(user) !== "ok") return notReady(user);
      const name = roleNamed(body.roleId);
      if (!name) return error(400, `Role ${body.roleId} does not exist`);
      user.roles.add(name);
      return ok(userView(user));
    }),
    ofUser("PUT", "/role", (user, request) => {
      const body = parseBody(request, z.object({ rolesIds: z.array(z.string()) }));
      if (isAnswer(body)) return body;
      if (statusOf(user) !== "ok") return notReady(user);
      const names = body.rolesIds.map(roleNamed);
      const unknown = body.rolesIds.filter((_id, i) => !names[i]);
      if (unknown.length > 0) return error(400, `Role(s) ${unknown.join(", ")} do not exist`);
      user.roles = new Set(names as UserRole[]);
      return ok(userView(user));
    }),
    ofUser("GET", "/role/([^/]+)", (user, _request, id) => {
      const name = roleNamed(id);
      return name && user.roles.has(name) ? ok(roleView(name)) : notFound(id);
    }),
    ofUser("DELETE", "/role/([^/]+)", (user, _request, id) => {
      const name = roleNamed(id);
      if (!name || !user.roles.has(name)) return notFound(id);
      if (statusOf(user) !== "ok") return notReady(user);
      user.roles.delete(name);
      return done();
    }),

    // S3 credentials
    ofUser("GET", "/s3Credentials", (user) => ok([...user.s3.keys()].map((access) => credentialView(user, access)))),
    ofUser("POST", "/s3Credentials", (user) => {
      if (statusOf(user) !== "ok") return notReady(user);
      const access = randomBytes(16).toString("hex");
      const secret = randomBytes(16).toString("hex");
      user.s3.set(access, secret);
      return ok({ ...credentialView(user, access), secret });
    }),
    ofUser("GET", "/s3Credentials/([^/]+)", (user, _request, access) => (user.s3.has(access) ? ok(credentialView(user, access)) : notFound(access))),
    ofUser("DELETE", "/s3Credentials/([^/]+)", (user, _request, access) => (user.s3.delete(access) ? done() : notFound(access))),
    ofUser("POST", "/s3Credentials/([^/]+)/secret", (user, _request, access) => {
      const secret = user.s3.get(access);
      return secret === undefined ? notFound(access) : ok({ secret });
    }),

    // Swift containers
    inProject("GET", "/storage", (state, request) =>
      ok([...state.containers.values()].map((c) => containerSummary(c, request.query.get("includeType") === "true"))),
    ),
    inProject("POST", "/storage", (state, request) => {
      const body = parseBody(
        request,
        z.object({
          archive: z.boolean(),
          containerName: z.string().min(1).max(255).refine((name) => !name.includes("/"), "must not contain /"),
          region: z.string(),
        }),
      );
      if (isAnswer(body)) return body;
      if (!STORAGE_REGIONS.includes(body.region)) return error(400, `Region ${body.region} does not exist or has no object storage (regions: ${STORAGE_REGIONS.join(", ")})`);
      const id = containerId(body.region, body.containerName);
      if (state.containers.has(id)) return error(409, `Container ${body.containerName} already exists in ${body.region}`);
      const container: StorageContainer = { id, name: body.containerName, region: body.region, archive: body.archive, type: "private" };
      state.containers.set(id, container);
      return ok(containerSummary(container, true));
    }),
    inProject("GET", "/storage/([^/]+)", (state, _request, id) => {
      const container = state.containers.get(id);
      return container ? ok(containerDetail(container)) : notFound(id);
    }),
    inProject("PUT", "/storage/([^/]+)", (state, request, id) => {
      const container = state.containers.get(id);
      if (!container) return notFound(id);
      const body = parseBody(request, z.object({ containerType: z.enum(["private", "public", "static"]).nullable().optional() }));
      if (isAnswer(body)) return body;
      if (body.containerType) container.type = body.containerType;
      return done();
    }),
    inProject("DELETE", "/storage/([^/]+)", (state, _request, id) => (state.containers.delete(id) ? done() : notFound(id))),
  ];
}
