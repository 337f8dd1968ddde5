/**
 * `ionos.Snapshot`: a snapshot of a volume, made by the volume's `create-snapshot` action (a form
 * body, as the spec says) and then living on its own at `/snapshots/{id}`, in the data center's
 * location, with the volume's size; a volume can later be made from it (`ionos.Volume`'s `image`).
 * Name, description, protection and licence type change in place; another volume replaces it.
 */
import { z } from "zod";
import { readOrUndefined } from "../core/errors";
import { idPart } from "../core/ids";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { createOnce } from "../core/reconcile";
import { type Accepted, CREATE_KEY_HEADER, ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes, waitLimit } from "./common";

const LICENCE_TYPES = ["UNKNOWN", "WINDOWS", "WINDOWS2016", "WINDOWS2022", "LINUX", "OTHER"] as const;

/** The inputs of an `ionos.Snapshot`. */
export interface SnapshotArgs {
  /** The id of the data center of the volume (`ionos.Datacenter`'s `datacenterId`). A change replaces the snapshot. */
  datacenterId: string;
  /** The id of the volume the snapshot is taken of (`ionos.Volume`'s `volumeId`). A change replaces the snapshot. */
  volumeId: string;
  /** The snapshot's name: 1 to 255 characters. Defaults to the resource name. A change renames the snapshot in place. */
  name: string;
  /**
   * A description of the snapshot: at most 255 characters. A change applies in place.
   * @default ""
   */
  description?: string;
  /**
   * Whether using the snapshot needs extra protection, such as two-step verification. A change
   * applies in place.
   * @default false
   */
  secAuthProtection?: boolean;
  /**
   * The licence type of the snapshot's operating system: `UNKNOWN`, `WINDOWS`, `WINDOWS2016`,
   * `WINDOWS2022`, `LINUX` or `OTHER`. Left out, IONOS takes the volume's, and it is not managed.
   * A change applies in place.
   */
  licenceType?: "UNKNOWN" | "WINDOWS" | "WINDOWS2016" | "WINDOWS2022" | "LINUX" | "OTHER";
  /**
   * How long, in minutes, each wait for an IONOS request of this snapshot (its create, update or
   * delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 60
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.Snapshot`. */
export type SnapshotOutputs = Required<Omit<SnapshotArgs, "licenceType">> & {
  /** The licence type as IONOS reports it. */
  licenceType: string;
  /** The snapshot's id at IONOS (a UUID); `id` is `<datacenterId>/<volumeId>/<snapshotId>`. */
  snapshotId: string;
  /** The snapshot's size in GB (the volume's when it was taken). */
  size: number;
  /** The IONOS location the snapshot is kept in (the data center's), such as `de/fra`. */
  location: string;
};

const inputs = documented<SnapshotArgs>()(z.object({
  datacenterId: z.string().min(1),
  volumeId: z.string().min(1),
  name: z.string().min(1).max(255),
  description: z.string().max(255).default(""),
  secAuthProtection: z.boolean().default(false),
  licenceType: z.enum(LICENCE_TYPES).optional(),
  timeoutMinutes: timeoutMinutes(60),
}));

const snapshotItem = resource({
  name: z.string().optional(),
  description: z.string().nullish(),
  secAuthProtection: z.boolean().nullish(),
  licenceType: z.string().nullish(),
  size: z.number().nullish(),
  location: z.string().nullish(),
});

function outputsOf(snapshot: z.infer<typeof snapshotItem>, known: Partial<SnapshotOutputs>, ids: Record<string, string>): SnapshotOutputs {
  const p = snapshot.properties;
  return {
    datacenterId: ids.datacenterId,
    volumeId: ids.volumeId,
    name: p.name ?? known.name ?? "",
    description: p.description ?? "",
    secAuthProtection: p.secAuthProtection ?? false,
    licenceType: p.licenceType ?? "UNKNOWN",
    timeoutMinutes: known.timeoutMinutes ?? 60,
    snapshotId: snapshot.id,
    size: p.size ?? 0,
    location: p.location ?? "",
  };
}

/** Snapshots live at `/snapshots/{id}`, whatever volume they were taken of. */
const snapshots = new IonosKind({
  noun: "snapshot",
  item: snapshotItem,
  idParts: ["datacenterId", "volumeId", "snapshotId"],
  collection: () => "/snapshots",
  defaultMinutes: 60,
  outputsOf,
});

const SnapshotResource = defineResource({
  cloud: ionos,
  kind: "Snapshot",
  inputs,
  idOutputs: { snapshotId: idPart(2) },
  outputNames: [
    "datacenterId", "volumeId", "name", "description", "secAuthProtection", "licenceType", "timeoutMinutes", "snapshotId", "size", "location",
  ],
  autoName: "name",
  replaceOnChange: ["datacenterId", "volumeId"],
  describe: (values, id) => `snapshot ${values.name ? `"${values.name}"` : id}`,

  /**
   * As `IonosKind.create`, but the POST goes to the volume's action, not to `/snapshots`: it
   * carries the create key, and a lost answer (or a crashed run) is found in the request log, the
   * request's target being the snapshot.
   */
  async create(client, wanted, scope) {
    const { datacenterId, volumeId, name, description, secAuthProtection, licenceType, timeoutMinutes: minutes } = wanted;
    const what = `snapshot "${name}"`;
    const context = scope.context("create snapshot");
    const form = new URLSearchParams({ name, description, secAuthProtection: String(secAuthProtection), ...(licenceType ? { licenceType } : {}) });
    const action = apiPath("datacenters", datacenterId, "volumes", volumeId, "create-snapshot");
    const accepted: Partial<Accepted<z.infer<typeof snapshotItem>>> & { body: z.infer<typeof snapshotItem> } = await createOnce({
      what: `create ${what}`,
      send: () => client.accept(context, "POST", action, form, snapshotItem, { [CREATE_KEY_HEADER]: scope.createKey }),
      find: async () => {
        const lookup = scope.context(`look up ${what} by its create key`);
        for (const createdId of await client.createdByKey(lookup, scope.createKey)) {
          // The volume is a target of the request too: only a snapshot is looked for.
          const found = await readOrUndefined(() => client.get(lookup, apiPath("snapshots", createdId), snapshotItem));
          if (found) return { body: found };
        }
        return undefined;
      },
    });
    const id = [datacenterId, volumeId, accepted.body.id].join("/");
    scope.created(id, outputsOf(accepted.body, wanted, snapshots.ids(id)));
    const limit = waitLimit("snapshot", minutes);
    if (accepted.request) await client.finished(context, accepted.request, limit);
    else await client.settled(context, snapshots.path(id), "available", limit);
    return { id, outputs: await snapshots.outputs(client, scope, id, wanted) };
  },

  read: snapshots.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      const { name, description, secAuthProtection, licenceType } = wanted;
      const body = { name, description, secAuthProtection, ...(licenceType ? { licenceType } : {}) };
      await snapshots.change(client, scope, id, { operation: "update", method: "PATCH", body, minutes: wanted.timeoutMinutes });
    }
    return snapshots.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: snapshots.delete,
});

export interface Snapshot extends ResourceOutputs<SnapshotOutputs> {}
export class Snapshot extends SnapshotResource {}
