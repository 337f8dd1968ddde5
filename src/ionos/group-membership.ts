/**
 * `ionos.GroupMembership`: an existing user in an existing group (`/um/groups/{groupId}/users`),
 * so the user has the group's privileges and shares. Removing it takes the user out of the group;
 * the user stays.
 */
import { z } from "zod";
import { readOrUndefined } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { createOnce } from "../core/reconcile";
import { CREATE_KEY_HEADER, type RequestRef, ionos } from "./client";
import { IonosKind, apiPath, resource, timeoutMinutes, waitLimit } from "./common";

/** The inputs of an `ionos.GroupMembership`. */
export interface GroupMembershipArgs {
  /** The id of the group (`ionos.Group`'s `groupId`). A change replaces the membership. */
  groupId: string;
  /** The id of the user (`ionos.User`'s `userId`). A change replaces the membership. */
  userId: string;
  /**
   * How long, in minutes, each wait for an IONOS request of this membership (adding or removing
   * the user) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.GroupMembership`; `id` is `<groupId>/<userId>`. */
export type GroupMembershipOutputs = Required<GroupMembershipArgs>;

const inputs = documented<GroupMembershipArgs>()(z.object({
  groupId: z.string().min(1),
  userId: z.string().min(1),
  timeoutMinutes: timeoutMinutes(30),
}));

/** A request of the log (`GET /requests?depth=2`): the call it was and its status. */
const loggedAdd = z.object({
  id: z.string(),
  metadata: z.object({ requestStatus: z.object({ metadata: z.object({ status: z.string() }).loose() }).loose() }).loose(),
  properties: z.object({ method: z.string(), headers: z.record(z.string(), z.string()).default({}) }).loose(),
});

/** A member, as the group's user list shows it: a user. */
const memberItem = resource({ email: z.string().nullish() });

const memberships = new IonosKind({
  noun: "group membership",
  item: memberItem,
  idParts: ["groupId", "userId"],
  collection: (groupId) => apiPath("um", "groups", groupId, "users"),
  defaultMinutes: 30,
  outputsOf: (_member, known: Partial<GroupMembershipOutputs>, ids): GroupMembershipOutputs => ({ groupId: ids.groupId, userId: ids.userId, timeoutMinutes: known.timeoutMinutes ?? 30 }),
});

const GroupMembershipResource = defineResource({
  cloud: ionos,
  kind: "GroupMembership",
  inputs,
  idOutputs: { groupId: (id: string) => id.split("/")[0], userId: (id: string) => id.split("/")[1] },
  outputNames: ["groupId", "userId", "timeoutMinutes"],
  replaceOnChange: ["groupId", "userId"],
  describe: (values, id) => (values.userId && values.groupId ? `membership of user ${values.userId} in group ${values.groupId}` : `group membership ${id}`),

  async create(client, wanted, scope) {
    const { groupId, userId } = wanted;
    const context = scope.context("add the user to the group");
    const members = apiPath("um", "groups", groupId, "users");
    const id = `${groupId}/${userId}`;
    const limit = waitLimit("group membership", wanted.timeoutMinutes);
    const listMembers = () => readOrUndefined(() => client.list(scope.context("look up the group's members"), members, memberItem));
    const isMember = (listed: { id: string }[] | undefined) => listed?.some((user) => user.id === userId) ?? false;
    // A membership is known by its two ids: an earlier run, or a lost answer, left it in the list;
    // or, while the request that adds it still runs, in the request log under the create key (a
    // request of that key that is done, with the user not in the list, added a membership that
    // was taken away since: this create makes it again).
    const accepted = await createOnce<{ request?: RequestRef }>({
      what: `add user ${userId} to group ${groupId}`,
      send: async () => {
        const { request } = await client.accept(context, "POST", members, { id: userId }, memberItem, { [CREATE_KEY_HEADER]: scope.createKey });
        return { request };
      },
      find: async () => {
        if (isMember(await listMembers())) return {};
        const lookup = scope.context("look up the membership by its create key");
        const filters = { "filter.method": "POST", "filter.headers": scope.createKey };
        const logged = await client.list(lookup, "/requests", loggedAdd, 2, 1000, filters);
        const running = logged.find(
          (request) =>
            request.properties.method === "POST" &&
            request.properties.headers[CREATE_KEY_HEADER] === scope.createKey &&
            ["QUEUED", "RUNNING"].includes(request.metadata.requestStatus.metadata.status),
        );
        return running && { request: { id: running.id } };
      },
    });
    scope.created(id, { groupId, userId, timeoutMinutes: wanted.timeoutMinutes });
    if (accepted.request) await client.finished(context, accepted.request, limit);
    return { id, outputs: { groupId, userId, timeoutMinutes: wanted.timeoutMinutes } };
  },

  read: memberships.read,

  // Only timeoutMinutes changes in place, without an API call.
  update: async (_client, _id, wanted): Promise<GroupMembershipOutputs> => wanted,

  delete: memberships.delete,
});

export interface GroupMembership extends ResourceOutputs<GroupMembershipOutputs> {}
export class GroupMembership extends GroupMembershipResource {}
