/**
 * `ovh.CloudDatabaseUser`: a user of a managed PostgreSQL or MySQL service
 * (`/cloud/project/{serviceName}/database/{engine}/{clusterId}/user`). OVH gives the user's
 * password at creation only, and a new one on a credentials reset: it is a Pulumi secret output,
 * kept in the state by every read. A PostgreSQL user's roles change in place; everything else
 * replaces the user. A create waits until the user is READY. A user left unnamed gets a keyed
 * name: a user of that name is the one an earlier run made (a crashed one too). A user of a name
 * the program gave is only taken for this create's after a lost answer, and only when it was made
 * since the create began: one made outside Pulumi is never taken over. Either way it gets a new
 * password by a credentials reset, since its first one was lost with the answer.
 */
import { z } from "zod";
import { readOrUndefined, type RequestContext } from "../core/errors";
import { type CheckFailure, type OperationScope, type ResourceOutputs, defineResource, documented, isKeyedName } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { createOnce, createdSince, sendOnce } from "../core/reconcile";
import { waitFor } from "../core/wait";
import { type OvhClient, ovh } from "./client";
import { path, serviceName, timeoutMinutes } from "./common";
import { clusterIdInput, databaseEngine } from "./cloud-database";

/** The inputs of an `ovh.CloudDatabaseUser`. */
export interface CloudDatabaseUserArgs {
  /**
   * The id of the Public Cloud project of the service (`serviceName` in OVH's API): 32
   * hexadecimal characters. A change replaces the user.
   */
  serviceName: string;
  /** The service's engine, `postgresql` or `mysql` (the `engine` of its `ovh.CloudDatabase`). A change replaces the user. */
  engine: "postgresql" | "mysql";
  /** The service's id: the `clusterId` of an `ovh.CloudDatabase` (a UUID). A change replaces the user. */
  clusterId: string;
  /**
   * The user's name: 1 to 32 characters, letters, digits, `_`, `.` and `-`, starting with a
   * letter; unique in the service, and not `avnadmin` (OVH's own). Defaults to the resource name, a
   * dash and 8 hexadecimal digits of the create key (e.g. `app-1a2b3c4d`), new for a replacement.
   * A change replaces the user.
   */
  name: string;
  /**
   * PostgreSQL only: the roles the user belongs to, e.g. `["replication"]` (the service's
   * `/roles` lists them); duplicates dropped, sorted. MySQL users have none (refused at preview).
   * Left out, the roles are not managed. A change changes them in place.
   */
  roles?: string[];
  /**
   * Any text: a change gets the user a new password in place (OVH's credentials reset). Left out,
   * the password is the one given at creation.
   */
  passwordRotation?: string;
  /**
   * How long to wait for the user to be READY after a create or a change, in minutes: more than
   * 0, at most 1440 (fractions allowed). A change takes effect in place, at the next wait.
   * @default 10
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ovh.CloudDatabaseUser`. */
export type CloudDatabaseUserOutputs = Omit<CloudDatabaseUserArgs, "roles" | "timeoutMinutes"> &
  Required<Pick<CloudDatabaseUserArgs, "roles" | "timeoutMinutes">> & {
    /** The user's id at OVH, a UUID. */
    userId: string;
    /**
     * The user's password, a Pulumi secret: given by OVH at creation and by a credentials reset
     * only; "" for a user adopted with `get` (rotate it with `passwordRotation` to have one).
     */
    password: string;
    /** The user's status at OVH, e.g. CREATING or READY. */
    status: string;
    /** When the user was created, as an ISO 8601 timestamp. */
    createdAt: string;
  };

const inputs = documented<CloudDatabaseUserArgs>()(z.object({
  serviceName,
  engine: databaseEngine,
  clusterId: clusterIdInput,
  name: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,31}$/, "must be 1 to 32 letters, digits, _, . or -, starting with a letter")
    .refine((name) => name !== "avnadmin", "avnadmin is OVH's own user of the service"),
  roles: z.array(z.string().min(1).max(64)).transform((roles) => [...new Set(roles)].sort()).optional(),
  passwordRotation: z.string().max(255).optional(),
  timeoutMinutes: timeoutMinutes(10),
}));
type Inputs = z.output<typeof inputs>;

const userItem = z.object({
  id: z.string(),
  username: z.string(),
  status: z.string(),
  createdAt: z.string(),
  roles: z.array(z.string()).optional(),
}).loose();
const withPassword = userItem.extend({ password: z.string() });
type UserItem = z.infer<typeof userItem>;

const usersPath = (project: string, engine: string, clusterId: string) => path`/cloud/project/${project}/database/${engine}/${clusterId}/user`;
const userPath = (project: string, engine: string, clusterId: string, userId: string) =>
  path`/cloud/project/${project}/database/${engine}/${clusterId}/user/${userId}`;

function outputsOf(project: string, engine: string, clusterId: string, item: UserItem, known: Partial<CloudDatabaseUserOutputs>): CloudDatabaseUserOutputs {
  return {
    serviceName: project,
    engine: engine as Inputs["engine"],
    clusterId,
    name: item.username,
    roles: [...(item.roles ?? [])].sort(),
    passwordRotation: known.passwordRotation,
    timeoutMinutes: known.timeoutMinutes ?? 10,
    userId: item.id,
    password: known.password ?? "",
    status: item.status,
    createdAt: item.createdAt,
  };
}

function getUser(client: OvhClient, context: RequestContext, project: string, engine: string, clusterId: string, userId: string) {
  return client.request(context, "GET", userPath(project, engine, clusterId, userId), userItem);
}

function waitUntilReady(client: OvhClient, scope: OperationScope, place: [string, string, string], userId: string, minutes: number) {
  return waitFor({
    context: scope.context("wait for database user to be READY"),
    waitingFor: "status READY",
    poll: () => readOrUndefined(() => getUser(client, scope.context("read database user status"), ...place, userId)),
    kind: "ovh: database user",
    isDone: (item) => item?.status === "READY",
    failure: (item) => (item === undefined ? "the user is gone" : item.status.startsWith("ERROR") ? `the user is in status ${item.status}` : undefined),
    describe: (item) => item?.status ?? "gone",
    timeoutMs: minutes * 60_000,
    howToRaise: "the database user's timeoutMinutes input",
  });
}

/** OVH's answer to a credentials reset: the user with a new password. */
function resetPassword(client: OvhClient, scope: OperationScope, place: [string, string, string], userId: string) {
  return client.request(scope.context("reset database user password"), "POST", `${userPath(...place, userId)}/credentials/reset`, withPassword);
}

const CloudDatabaseUserResource = defineResource({
  cloud: ovh,
  kind: "CloudDatabaseUser",
  inputs,
  idOutputs: { userId: idPart(3) },
  outputNames: ["serviceName", "engine", "clusterId", "name", "roles", "passwordRotation", "timeoutMinutes", "userId", "password", "status", "createdAt"],
  autoName: "name",
  keyedAutoName: true,
  replaceOnChange: ["serviceName", "engine", "clusterId", "name"],
  secretOutputs: ["password"],
  describe: (values, id) => `database user ${values.name ? `"${values.name}"` : id}`,

  validate(news): CheckFailure[] {
    return news.engine !== "postgresql" && news.roles && news.roles.length > 0
      ? [{ property: "roles", reason: `${news.engine} users have no roles: only PostgreSQL users do` }]
      : [];
  },

  async create(client, wanted, scope) {
    const { serviceName: project, engine, clusterId } = wanted;
    const place: [string, string, string] = [project, engine, clusterId];
    const body = engine === "postgresql" && wanted.roles ? { name: wanted.name, roles: wanted.roles } : { name: wanted.name };
    // A keyed name is this create's alone: the user of that name is the one an earlier run made,
    // looked for before sending. A name the program gave may be someone else's: after a lost
    // answer, only a user of that name made since this create began is taken for this create's.
    const keyed = isKeyedName(wanted.name, scope.createKey);
    const isNew = createdSince(Date.now());
    const created = await (keyed ? createOnce : sendOnce)<z.infer<typeof withPassword>>({
      what: `create database user "${wanted.name}"`,
      send: () => client.request(scope.context("create database user"), "POST", usersPath(...place), withPassword, { body }),
      // Its password went with the lost answer: a credentials reset gives it one again.
      find: async () => {
        const ids = await client.request(scope.context("look up database user"), "GET", usersPath(...place), z.array(z.string()));
        for (const userId of ids) {
          const user = await readOrUndefined(() => getUser(client, scope.context("read database user"), ...place, userId));
          if (user?.username === wanted.name && (keyed || isNew(user.createdAt))) {
            await waitUntilReady(client, scope, place, userId, wanted.timeoutMinutes);
            return resetPassword(client, scope, place, userId);
          }
        }
        return undefined;
      },
    });
    const id = `${project}/${engine}/${clusterId}/${created.id}`;
    const known = { ...wanted, password: created.password };
    scope.created(id, outputsOf(project, engine, clusterId, created, known));
    const ready = await waitUntilReady(client, scope, place, created.id, wanted.timeoutMinutes);
    return { id, outputs: outputsOf(project, engine, clusterId, ready!, known) };
  },

  // The password is not in OVH's answer: the one in the state is kept.
  async read(client, id, olds, scope) {
    const [project, engine, clusterId, userId] = idParts("ovh", id, ["serviceName", "engine", "clusterId", "userId"]);
    const user = await readOrUndefined(() => getUser(client, scope.context("read database user"), project, engine, clusterId, userId));
    return user && outputsOf(project, engine, clusterId, user, olds);
  },

  // Also called with nothing changed after a create whose wait failed: the wait is resumed.
  async update(client, id, wanted, olds, changed, scope) {
    const [project, engine, clusterId, userId] = idParts("ovh", id, ["serviceName", "engine", "clusterId", "userId"]);
    const place: [string, string, string] = [project, engine, clusterId];
    let password = olds.password;
    if (changed.includes("roles") && wanted.roles) {
      await waitUntilReady(client, scope, place, userId, wanted.timeoutMinutes);
      await client.call(scope.context("change database user roles"), "PUT", userPath(...place, userId), { body: { roles: wanted.roles } });
    }
    if (changed.includes("passwordRotation")) {
      await waitUntilReady(client, scope, place, userId, wanted.timeoutMinutes);
      password = (await resetPassword(client, scope, place, userId)).password;
    }
    const ready = await waitUntilReady(client, scope, place, userId, wanted.timeoutMinutes);
    return outputsOf(project, engine, clusterId, ready!, { ...olds, ...wanted, password });
  },

  async delete(client, id, _olds, scope) {
    const [project, engine, clusterId, userId] = idParts("ovh", id, ["serviceName", "engine", "clusterId", "userId"]);
    await client.call(scope.context("delete database user"), "DELETE", userPath(project, engine, clusterId, userId));
  },
});

export interface CloudDatabaseUser extends ResourceOutputs<CloudDatabaseUserOutputs> {}
export class CloudDatabaseUser extends CloudDatabaseUserResource {}
