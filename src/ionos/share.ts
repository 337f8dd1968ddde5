/**
 * `ionos.Share`: a group's rights on one resource (a data center, an IP block, a snapshot, a
 * Kubernetes cluster, ...), `/um/groups/{groupId}/shares/{resourceId}`: its members may then see
 * the resource, and, as granted, edit it and share it further.
 */
import { z } from "zod";
import { readOrUndefined } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { createOnce } from "../core/reconcile";
import { CREATE_KEY_HEADER, ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes, waitLimit } from "./common";

/** The inputs of an `ionos.Share`. */
export interface ShareArgs {
  /** The id of the group given the rights (`ionos.Group`'s `groupId`). A change replaces the share. */
  groupId: string;
  /**
   * The id of the resource shared: a data center, IP block, snapshot, image, Kubernetes cluster,
   * backup unit or cross connect that exists. A change replaces the share.
   */
  resourceId: string;
  /**
   * Whether the group's members may change the resource (otherwise they may only see it). A change
   * applies in place.
   * @default false
   */
  editPrivilege?: boolean;
  /**
   * Whether the group's members may share the resource with further groups. A change applies in place.
   * @default false
   */
  sharePrivilege?: boolean;
  /**
   * How long, in minutes, each wait for an IONOS request of this share (its create, update or
   * delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.Share`; `id` is `<groupId>/<resourceId>`. */
export type ShareOutputs = Required<ShareArgs>;

const inputs = documented<ShareArgs>()(z.object({
  groupId: z.string().min(1),
  resourceId: z.string().min(1),
  editPrivilege: z.boolean().default(false),
  sharePrivilege: z.boolean().default(false),
  timeoutMinutes: timeoutMinutes(30),
}));

const shareItem = resource({ editPrivilege: z.boolean().nullish(), sharePrivilege: z.boolean().nullish() });

const shares = new IonosKind({
  noun: "share",
  item: shareItem,
  idParts: ["groupId", "resourceId"],
  collection: (groupId) => apiPath("um", "groups", groupId, "shares"),
  defaultMinutes: 30,
  outputsOf: (share, known: Partial<ShareOutputs>, ids): ShareOutputs => ({
    groupId: ids.groupId,
    resourceId: ids.resourceId,
    editPrivilege: share.properties.editPrivilege ?? false,
    sharePrivilege: share.properties.sharePrivilege ?? false,
    timeoutMinutes: known.timeoutMinutes ?? 30,
  }),
});

const bodyOf = (wanted: z.output<typeof inputs>) => ({
  properties: { editPrivilege: wanted.editPrivilege, sharePrivilege: wanted.sharePrivilege },
});

const ShareResource = defineResource({
  cloud: ionos,
  kind: "Share",
  inputs,
  idOutputs: { groupId: (id: string) => id.split("/")[0], resourceId: (id: string) => id.split("/")[1] },
  outputNames: ["groupId", "resourceId", "editPrivilege", "sharePrivilege", "timeoutMinutes"],
  replaceOnChange: ["groupId", "resourceId"],
  describe: (values, id) => (values.resourceId && values.groupId ? `share of ${values.resourceId} with group ${values.groupId}` : `share ${id}`),

  async create(client, wanted, scope) {
    const id = `${wanted.groupId}/${wanted.resourceId}`;
    const path = shares.path(id);
    const context = scope.context("create share");
    const limit = waitLimit("share", wanted.timeoutMinutes);
    // The POST is on the share's own path: a share is known by its two ids.
    const accepted = await createOnce({
      what: `share ${wanted.resourceId} with group ${wanted.groupId}`,
      send: () => client.accept(context, "POST", path, bodyOf(wanted), shareItem, { [CREATE_KEY_HEADER]: scope.createKey }),
      find: async () => {
        const found = await readOrUndefined(() => client.get(scope.context("look up the share"), path, shareItem));
        return found && { body: found, request: undefined };
      },
    });
    scope.created(id, wanted);
    if (accepted.request) await client.finished(context, accepted.request, limit);
    else await client.settled(context, path, "available", limit);
    let outputs = await shares.outputs(client, scope, id, wanted);
    // A share found in place (made earlier) gets the rights asked for.
    if (outputs.editPrivilege !== wanted.editPrivilege || outputs.sharePrivilege !== wanted.sharePrivilege) {
      await shares.change(client, scope, id, { operation: "update", method: "PUT", body: bodyOf(wanted), minutes: wanted.timeoutMinutes });
      outputs = await shares.outputs(client, scope, id, wanted);
    }
    return { id, outputs };
  },

  read: shares.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      await shares.change(client, scope, id, { operation: "update", method: "PUT", body: bodyOf(wanted), minutes: wanted.timeoutMinutes });
    }
    return shares.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: shares.delete,
});

export interface Share extends ResourceOutputs<ShareOutputs> {}
export class Share extends ShareResource {}
