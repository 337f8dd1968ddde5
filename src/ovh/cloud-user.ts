/**
 * `ovh.CloudUser`: an OpenStack user of a Public Cloud project (for the OpenStack APIs, Horizon,
 * and S3 credentials), with its roles. OVH makes the username and a password; the password is in
 * the create answer only, so it is kept in the state as a secret output. The roles change in
 * place; OVH cannot change a user's description, so a new one replaces the user.
 */
import { z } from "zod";
import { readOrUndefined, type RequestContext } from "../core/errors";
import { type OperationScope, type ResourceOutputs, defineResource, documented, isKeyedName } from "../core/kit";
import { idParts, numericIdPart } from "../core/ids";
import { createOnce, createdSince, sendOnce } from "../core/reconcile";
import { waitFor } from "../core/wait";
import { type OvhClient, ovh } from "./client";
import { path, serviceName, timeoutMinutes } from "./common";

/** The role names OVH gives Public Cloud users (`cloud.user.RoleEnum`). */
export const CLOUD_USER_ROLES = [
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
/** A role name OVH gives Public Cloud users. */
export type CloudUserRole = (typeof CLOUD_USER_ROLES)[number];

/** The inputs of an `ovh.CloudUser`. */
export interface CloudUserArgs {
  /**
   * The id of the Public Cloud project the user belongs to (`serviceName` in OVH's API): 32
   * hexadecimal characters. A change replaces the user.
   */
  serviceName: string;
  /**
   * The user's description: 1 to 255 characters. Defaults to the resource name, a dash and 8
   * hexadecimal digits of the create key (e.g. `s3-user-1a2b3c4d`), new for a replacement: the
   * description is all a user has that a run following a crashed one can find it by. OVH cannot
   * change it: a change replaces the user.
   */
  description: string;
  /**
   * The user's roles, e.g. `["objectstore_operator"]`: at least one of admin, administrator,
   * ai_training_operator, ai_training_read, authentication, backup_operator, compute_operator,
   * image_operator, infrastructure_supervisor, network_operator, network_security_operator,
   * objectstore_operator, volume_operator (duplicates are dropped, the list is sorted). A change
   * sets the roles in place.
   */
  roles: CloudUserRole[];
  /**
   * How long to wait for the user to be `ok` after a create or before a change of its roles, in
   * minutes: more than 0, at most 1440 (fractions allowed). A change takes effect in place, at the
   * next wait.
   * @default 5
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ovh.CloudUser`. */
export type CloudUserOutputs = Omit<Required<CloudUserArgs>, "roles"> & {
  /** The user's roles at OVH, sorted. */
  roles: string[];
  /** The user's id at OVH. */
  userId: number;
  /** The OpenStack username OVH made, e.g. `user-AbC123dEf456`. */
  username: string;
  /** The user's status at OVH: creating, ok, deleting or deleted. */
  status: string;
  /** When the user was created (ISO 8601). */
  creationDate: string;
  /**
   * The user's password, a Pulumi secret. OVH gives it once, in the create answer: it is kept in
   * the state from then on. Absent for a user adopted by id (`get`), whose password was never seen.
   */
  password?: string;
};

const inputs = documented<CloudUserArgs>()(z.object({
  serviceName,
  description: z.string().min(1).max(255),
  roles: z.array(z.enum(CLOUD_USER_ROLES)).min(1).transform((roles) => [...new Set(roles)].sort()),
  timeoutMinutes: timeoutMinutes(5),
}));
type Inputs = z.output<typeof inputs>;

const roleItem = z.object({ id: z.string(), name: z.string() });
const userItem = z.object({
  id: z.number().int(),
  username: z.string(),
  description: z.string(),
  status: z.string(),
  creationDate: z.string(),
  roles: z.array(roleItem),
});
type UserItem = z.infer<typeof userItem>;
/** The create answer (and `regeneratePassword`'s): the user with its password. */
const userDetail = userItem.extend({ password: z.string().min(1) });

/** Statuses of a user on its way out: such a user is gone, for a read and a create's look-up. */
const LEAVING = ["deleting", "deleted"];

const usersPath = (project: string) => path`/cloud/project/${project}/user`;
export const userPath = (project: string, userId: number | string) => path`/cloud/project/${project}/user/${userId}`;

function outputsOf(project: string, user: UserItem, olds: { timeoutMinutes?: number; password?: string }): CloudUserOutputs {
  return {
    serviceName: project,
    description: user.description,
    roles: user.roles.map((role) => role.name).sort(),
    timeoutMinutes: olds.timeoutMinutes ?? 5,
    userId: user.id,
    username: user.username,
    status: user.status,
    creationDate: user.creationDate,
    password: olds.password,
  };
}

const getUser = (client: OvhClient, context: RequestContext, project: string, userId: number) =>
  client.request(context, "GET", userPath(project, userId), userItem);

function waitUntilOk(client: OvhClient, scope: OperationScope, project: string, userId: number, minutes: number) {
  return waitFor({
    context: scope.context("wait for user to be ok"),
    waitingFor: "the user's status to be ok",
    poll: () => getUser(client, scope.context("read user status"), project, userId),
    isDone: (user) => user.status === "ok",
    failure: (user) => (LEAVING.includes(user.status) ? `the user is ${user.status}` : undefined),
    describe: (user) => user.status,
    kind: "ovh: create CloudUser",
    timeoutMs: minutes * 60_000,
    howToRaise: "the user's timeoutMinutes input",
  });
}

const CloudUserResource = defineResource({
  cloud: ovh,
  kind: "CloudUser",
  inputs,
  idOutputs: { userId: numericIdPart(1) },
  outputNames: ["serviceName", "description", "roles", "timeoutMinutes", "userId", "username", "status", "creationDate", "password"],
  autoName: "description",
  keyedAutoName: true,
  replaceOnChange: ["serviceName", "description"],
  secretOutputs: ["password"],
  describe: (values, id) => `user ${values.description ? `"${values.description}"` : id}`,

  async create(client, wanted, scope) {
    const { serviceName: project, description, roles, timeoutMinutes } = wanted;
    // OVH keeps no request log and a user has only its description: a keyed description is this
    // create's alone, so a user with it (not on its way out) is the one an earlier run made. A
    // description the program gave may be any user's: only the newest with it created since this
    // create began is taken for this create's, and only after a lost answer.
    const keyed = isKeyedName(description, scope.createKey);
    const isNew = createdSince(Date.now());
    const made = await (keyed ? createOnce : sendOnce)<UserItem & { password?: string }>({
      what: `create user "${description}"`,
      send: () => client.request(scope.context("create user"), "POST", usersPath(project), userDetail, { body: { description, roles } }),
      find: async () => {
        const listed = await client.request(scope.context("look up user"), "GET", usersPath(project), z.array(userItem));
        return listed
          .filter((u) => u.description === description && !LEAVING.includes(u.status) && (keyed || isNew(u.creationDate)))
          .sort((a, b) => b.creationDate.localeCompare(a.creationDate) || b.id - a.id)[0];
      },
    });
    const id = `${project}/${made.id}`;
    // From here on the user exists: a failed wait must not lose it (nor its password) from the state.
    scope.created(id, outputsOf(project, made, { timeoutMinutes, password: made.password }));
    const ready = await waitUntilOk(client, scope, project, made.id, timeoutMinutes);
    let password = made.password;
    if (password === undefined) {
      // Found, not made: its password was in an answer that was lost. A new one is the only way to
      // have it (a repeated regeneration just makes another one: the last answer is the password).
      const regenerated = await client.request(scope.context("regenerate user password"), "POST", `${userPath(project, made.id)}/regeneratePassword`, userDetail, {
        idempotent: true,
      });
      password = regenerated.password;
    }
    let user: UserItem = ready;
    const has = ready.roles.map((role) => role.name).sort();
    if (has.join() !== roles.join()) user = await setRoles(client, scope, project, made.id, roles);
    return { id, outputs: outputsOf(project, user, { timeoutMinutes, password }) };
  },

  async read(client, id, olds, scope) {
    const [project, userId] = idParts("ovh", id, ["serviceName", "userId"]);
    const user = await readOrUndefined(() => getUser(client, scope.context("read user"), project, Number(userId)));
    // The password is never read back: the one the create got is kept.
    return user && !LEAVING.includes(user.status) ? outputsOf(project, user, olds) : undefined;
  },

  // Also called with nothing changed after a create whose wait failed: the wait is resumed.
  async update(client, id, wanted, olds, changed, scope) {
    const [project, userId] = idParts("ovh", id, ["serviceName", "userId"]);
    let user = await waitUntilOk(client, scope, project, Number(userId), wanted.timeoutMinutes);
    if (changed.includes("roles")) user = await setRoles(client, scope, project, Number(userId), wanted.roles);
    return outputsOf(project, user, { timeoutMinutes: wanted.timeoutMinutes, password: olds.password });
  },

  async delete(client, id, _olds, scope) {
    const [project, userId] = idParts("ovh", id, ["serviceName", "userId"]);
    await client.call(scope.context("delete user"), "DELETE", userPath(project, userId));
  },
});

/** Sets a user's roles, all at once (`PUT .../role` takes role ids: they come from the project's roles). */
async function setRoles(client: OvhClient, scope: OperationScope, project: string, userId: number, roles: Inputs["roles"]): Promise<UserItem> {
  const known = await client.request(scope.context("list roles"), "GET", path`/cloud/project/${project}/role`, z.object({ roles: z.array(roleItem) }));
  const rolesIds = roles.map((name) => {
    const role = known.roles.find((r) => r.name === name);
    if (!role) throw new Error(`ovh: the project has no role "${name}" (it has ${known.roles.map((r) => r.name).join(", ")})`);
    return role.id;
  });
  // Setting the same roles again is harmless: safe to repeat after a lost answer.
  await client.call(scope.context("set user roles"), "PUT", `${userPath(project, userId)}/role`, { body: { rolesIds } });
  return getUser(client, scope.context("read user"), project, userId);
}

export interface CloudUser extends ResourceOutputs<CloudUserOutputs> {}
export class CloudUser extends CloudUserResource {}
