/**
 * `contabo.Snapshot`: a snapshot of an instance's disk. Contabo deletes it by itself at
 * `autoDeleteDate`; a refresh after that drops it from the state. Rolling an instance back is an
 * action, not a property: call `POST /v1/compute/instances/{instanceId}/snapshots/{snapshotId}/rollback`
 * (for example with the Contabo CLI: `cntb rollback snapshot <instanceId> <snapshotId>`).
 */
import { z } from "zod";
import { type RequestContext, readOrUndefined } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { createAudited } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { numericId } from "./common";

/** The inputs of a `contabo.Snapshot`. */
export interface SnapshotArgs {
  /** The id of the `contabo.Instance` whose disk to snapshot. A change replaces the snapshot. */
  instanceId: number;
  /**
   * The snapshot's name: 1 to 30 letters, numbers, spaces and dashes. Defaults to the resource
   * name. A change renames the snapshot in place.
   */
  name: string;
  /**
   * The snapshot's description: 1 to 255 characters. A change is made in place. Left out, it is
   * not managed: removing it later changes nothing.
   */
  description?: string;
}

const inputs = documented<SnapshotArgs>()(z.object({
  instanceId: numericId,
  name: z
    .string()
    .min(1)
    .max(30)
    .regex(/^[A-Za-z0-9 -]+$/, "may contain only letters, numbers, spaces and dashes"),
  description: z.string().min(1).max(255).optional(),
}));

const snapshotItem = z.object({
  snapshotId: z.string(),
  instanceId: z.number().int(),
  name: z.string(),
  description: z.string(),
  createdDate: z.string(),
  autoDeleteDate: z.string(),
  imageId: z.string(),
  imageName: z.string(),
});

/** The outputs of a `contabo.Snapshot`. */
export type SnapshotOutputs = Pick<SnapshotArgs, "instanceId" | "name" | "description"> & {
  /** The snapshot's id at Contabo; `id` is `<instanceId>/<snapshotId>`. */
  snapshotId: string;
  /** When the snapshot was taken, as an ISO 8601 timestamp. */
  createdDate: string;
  /** When Contabo deletes the snapshot by itself, as an ISO 8601 timestamp; a refresh after it drops the snapshot from the state. */
  autoDeleteDate: string;
  /** The id of the image the instance ran when the snapshot was taken. */
  imageId: string;
  /** The name of the image the instance ran when the snapshot was taken. */
  imageName: string;
};

const snapshots = (instanceId: number | string) => `/v1/compute/instances/${instanceId}/snapshots`;

/** A snapshot's id in the state is `<instanceId>/<snapshotId>`: the API path needs both. */
function snapshotPath(id: string): string {
  const [instanceId, snapshotId] = idParts("contabo", id, ["instanceId", "snapshotId"]);
  return `${snapshots(instanceId)}/${encodeURIComponent(snapshotId)}`;
}

function outputsOf(snapshot: z.infer<typeof snapshotItem>): SnapshotOutputs {
  const { instanceId, snapshotId, name, description, createdDate, autoDeleteDate, imageId, imageName } = snapshot;
  return { instanceId, snapshotId, name, description: description || undefined, createdDate, autoDeleteDate, imageId, imageName };
}

function getSnapshot(client: ContaboClient, context: RequestContext, id: string) {
  return client.one(context, "GET", snapshotPath(id), { item: snapshotItem });
}

const SnapshotResource = defineResource({
  cloud: contabo,
  kind: "Snapshot",
  inputs,
  idOutputs: { snapshotId: idPart(1) },
  outputNames: ["instanceId", "name", "description", "snapshotId", "createdDate", "autoDeleteDate", "imageId", "imageName"],
  replaceOnChange: ["instanceId"],
  autoName: "name",
  describe: (values, id) => `snapshot ${values.name ? `"${values.name}"` : id}`,

  async create(client, { instanceId, name, description }, scope) {
    const snapshot = await createAudited(client, scope, {
      what: "snapshot",
      title: `snapshot instance ${instanceId} as "${name}"`,
      path: snapshots(instanceId),
      // One audit log for the snapshots of all instances.
      audits: "/v1/compute/snapshots/audits",
      body: { name, description },
      item: snapshotItem,
      idField: "snapshotId",
      read: (context, snapshotId) => getSnapshot(client, context, `${instanceId}/${snapshotId}`),
    });
    return { id: `${instanceId}/${snapshot.snapshotId}`, outputs: outputsOf(snapshot) };
  },

  read: (client, id, _olds, scope) =>
    readOrUndefined(async () => outputsOf(await getSnapshot(client, scope.context("read snapshot"), id))),

  async update(client, id, { name, description }, _olds, _changed, scope) {
    const snapshot = await client.one(scope.context("update snapshot"), "PATCH", snapshotPath(id), {
      body: { name, description },
      item: snapshotItem,
    });
    return outputsOf(snapshot);
  },

  delete: (client, id, _olds, scope) => client.call(scope.context("delete snapshot"), "DELETE", snapshotPath(id)),
});

export interface Snapshot extends ResourceOutputs<SnapshotOutputs> {}
export class Snapshot extends SnapshotResource {}
