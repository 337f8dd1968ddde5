/**
 * `contabo.Role`: what API users may do, per API (`apiName`, e.g. `/v1/compute/instances`) and
 * optionally only on resources carrying given tags. Updated in place with a PUT of the whole role.
 */
import { z } from "zod";
import type { RequestContext } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { createAudited } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { idPath, listedRead, numericId } from "./common";

const ACTIONS = ["CREATE", "READ", "UPDATE", "DELETE"] as const;
const sortedUnique = <T extends string | number>(values: T[]) =>
  [...new Set(values)].sort((a, b) => (typeof a === "number" ? a - (b as number) : String(a).localeCompare(String(b))));

/** One permission of a `contabo.Role`: what it allows on one API. */
export interface RolePermission {
  /**
   * The API, as its path, e.g. `/v1/compute/instances`: 1 to 255 characters (Contabo lists them
   * at `GET /v1/roles/api-permissions`).
   */
  apiName: string;
  /**
   * What the permission allows: at least one of `CREATE` (POST), `READ` (GET), `UPDATE` (PATCH,
   * PUT) and `DELETE`. Duplicates are dropped, the order does not matter.
   */
  actions: ("CREATE" | "READ" | "UPDATE" | "DELETE")[];
  /**
   * Ids of `contabo.Tag`s: the permission then holds only for resources carrying one of these
   * tags. Duplicates are dropped, the order does not matter.
   * @default []
   */
  resources?: number[];
}

/**
 * The inputs of a `contabo.Role`. Every change updates the role in place, with a PUT of the whole
 * role.
 */
export interface RoleArgs {
  /**
   * The role's name: 1 to 255 characters. Defaults to the resource name. A change renames the
   * role in place.
   */
  name: string;
  /**
   * Whether the role allows every API on every resource, superseding `permissions` and
   * `accessAllResources`. A change updates the role in place.
   * @default false
   */
  admin?: boolean;
  /**
   * Whether the role's permissions hold for every resource, superseding their `resources` (tags).
   * A change updates the role in place.
   * @default false
   */
  accessAllResources?: boolean;
  /**
   * What the role allows, per API, e.g. `[{ apiName: "/v1/compute/instances", actions: ["READ"] }]`.
   * A change updates the role in place.
   * @default []
   */
  permissions?: RolePermission[];
}

/** The outputs of a `contabo.Role`. */
export type RoleOutputs = Omit<Required<RoleArgs>, "permissions"> & {
  /** What the role allows, per API, with the actions and the tag ids in ascending order. */
  permissions: Required<RolePermission>[];
  /** The role's id at Contabo; `id` is the same number as a string. */
  roleId: number;
  /** The role's type: `custom`, or `default` for a role that cannot be changed or deleted. */
  type: string;
};

const permission = z
  .object({
    apiName: z.string().min(1).max(255),
    actions: z.array(z.enum(ACTIONS)).min(1).transform(sortedUnique),
    resources: z.array(numericId).transform(sortedUnique).default([]),
  })
  .strict();

const inputs = documented<RoleArgs>()(z.object({
  name: z.string().min(1).max(255),
  admin: z.boolean().default(false),
  accessAllResources: z.boolean().default(false),
  permissions: z.array(permission).default([]),
}));

const roleItem = z.object({
  roleId: z.number().int(),
  name: z.string(),
  admin: z.boolean(),
  accessAllResources: z.boolean(),
  type: z.string(),
  permissions: z
    .array(
      z.object({
        apiName: z.string(),
        actions: z.array(z.enum(ACTIONS)),
        resources: z.array(z.object({ tagId: z.number().int() }).loose()).optional(),
      }),
    )
    .optional(),
});


const roles = "/v1/roles";

function outputsOf(role: z.infer<typeof roleItem>): RoleOutputs {
  return {
    name: role.name,
    admin: role.admin,
    accessAllResources: role.accessAllResources,
    // In the order check puts the inputs in, so an unchanged role shows no diff.
    permissions: (role.permissions ?? []).map(({ apiName, actions, resources }) => ({
      apiName,
      actions: sortedUnique(actions),
      resources: sortedUnique((resources ?? []).map((resource) => resource.tagId)),
    })),
    roleId: role.roleId,
    type: role.type,
  };
}

function getRole(client: ContaboClient, context: RequestContext, id: string | number) {
  return client.one(context, "GET", idPath(roles, id), { item: roleItem });
}

const RoleResource = defineResource({
  cloud: contabo,
  kind: "Role",
  inputs,
  idOutputs: { roleId: Number },
  outputNames: ["name", "admin", "accessAllResources", "permissions", "roleId", "type"],
  autoName: "name",
  describe: (values, id) => `role ${values.name ? `"${values.name}"` : id}`,

  async create(client, wanted, scope) {
    const { roleId } = await createAudited(client, scope, {
      what: "role",
      title: `create role "${wanted.name}"`,
      path: roles,
      body: wanted,
      item: z.object({ roleId: z.number().int() }).loose(),
      idField: "roleId",
      read: (context, id) => getRole(client, context, id),
    });
    return { id: String(roleId), outputs: outputsOf(await getRole(client, scope.context("read role"), roleId)) };
  },

  async read(client, id, _olds, scope) {
    const found = await listedRead(client, roles, { item: roleItem, idOf: (role) => role.roleId, getOne: (one) => getRole(client, scope.context("read role"), one) })(id);
    return found && outputsOf(found);
  },

  // The PUT answers with links only: read the role after it.
  async update(client, id, wanted, _olds, _changed, scope) {
    await client.call(scope.context("update role"), "PUT", idPath(roles, id), wanted);
    return outputsOf(await getRole(client, scope.context("read role"), id));
  },

  delete: (client, id, _olds, scope) => client.call(scope.context("delete role"), "DELETE", idPath(roles, id)),
});

export interface Role extends ResourceOutputs<RoleOutputs> {}
export class Role extends RoleResource {}
