/**
 * `ovh.CloudVolume`: a Public Cloud block storage volume (an additional disk) in one region. A
 * create waits until it is `available`. Left out, the name is the resource name with a suffix of
 * the create key (`data-1a2b3c4d`): OVH keeps nothing else a create could be found by. The name
 * and description change in place, a larger size grows the volume in place (`upsize`, the volume
 * `extending` meanwhile); a smaller size is refused at preview, since OVH cannot shrink a volume.
 * A new project, region or type replaces it.
 */
import { z } from "zod";
import { listedCollection } from "../core/coalesce";
import { readOrUndefined, type RequestContext } from "../core/errors";
import { type CheckFailure, type OperationScope, type ResourceOutputs, defineResource, documented, isKeyedName } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { createOnce, createdSince, sendOnce } from "../core/reconcile";
import { waitFor } from "../core/wait";
import { type OvhClient, ovh } from "./client";
import { cloudRegion, path, serviceName, timeoutMinutes } from "./common";

/** The volume types of the spec's `cloud.volume.VolumeTypeEnum`. */
export const VOLUME_TYPES = ["classic", "high-speed", "high-speed-gen2"] as const;

/** The inputs of an `ovh.CloudVolume`. */
export interface CloudVolumeArgs {
  /**
   * The id of the Public Cloud project the volume belongs to (`serviceName` in OVH's API): 32
   * hexadecimal characters. A change replaces the volume.
   */
  serviceName: string;
  /** The volume's region, e.g. GRA11, SBG5 or BHS5; it attaches to instances of that region only. A change replaces the volume. */
  region: string;
  /**
   * The volume's name: 1 to 255 characters. Defaults to the resource name, a dash and 8
   * hexadecimal digits of the create key (e.g. `data-1a2b3c4d`), new for a replacement; left out,
   * a volume keeps the name it has. A change renames the volume in place.
   */
  name: string;
  /**
   * The volume's description: at most 255 characters, "" for none. A change takes effect in place.
   * @default ""
   */
  description?: string;
  /**
   * The volume type: `classic`, `high-speed` or `high-speed-gen2` (OVH's
   * `cloud.volume.VolumeTypeEnum`). A change replaces the volume (and so its attachments).
   * @default "classic"
   */
  type?: "classic" | "high-speed" | "high-speed-gen2";
  /**
   * The volume's size in GB: a whole number from 10 to 12000. A larger size grows the volume in
   * place (OVH's upsize; attached, the file system must be grown inside the instance); a smaller
   * one is refused at preview: OVH cannot shrink a volume.
   */
  size: number;
  /**
   * How long to wait for the volume to be `available` (or `in-use`, attached) after a create or
   * an upsize, in minutes: more than 0, at most 1440 (fractions allowed). A change takes effect in
   * place, at the next wait.
   * @default 10
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ovh.CloudVolume`. */
export type CloudVolumeOutputs = Required<CloudVolumeArgs> & {
  /** The volume's id at OVH (a UUID). */
  volumeId: string;
  /** The volume's status at OVH, e.g. available, in-use, creating, extending or error. */
  status: string;
  /** The ids of the instances the volume is attached to (one at most). */
  attachedTo: string[];
};

const inputs = documented<CloudVolumeArgs>()(z.object({
  serviceName,
  region: cloudRegion,
  name: z.string().min(1).max(255),
  description: z.string().max(255).default(""),
  type: z.enum(VOLUME_TYPES).default("classic"),
  size: z.number().int().min(10).max(12_000),
  timeoutMinutes: timeoutMinutes(10),
}));

/** The spec's `cloud.volume.Volume`, the fields this resource uses. */
export const volumeItem = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  region: z.string(),
  size: z.number(),
  type: z.string(),
  status: z.string(),
  attachedTo: z.array(z.string()),
  creationDate: z.string(),
}).loose();
export type VolumeItem = z.infer<typeof volumeItem>;

/** Statuses of a volume on its way out: never adopted by a create. */
const LEAVING_STATUSES = ["deleting", "error_deleting"];
/** Statuses a volume leaves by itself. */
export const TRANSITIONAL_VOLUME_STATUSES = ["creating", "attaching", "detaching", "extending", "retyping", "backing-up", "restoring-backup", "downloading"];

function outputsOf(project: string, item: VolumeItem, timeoutMinutes: number): CloudVolumeOutputs {
  return {
    serviceName: project,
    region: item.region,
    name: item.name,
    description: item.description ?? "",
    type: item.type as CloudVolumeOutputs["type"],
    size: item.size,
    timeoutMinutes,
    volumeId: item.id,
    status: item.status,
    attachedTo: item.attachedTo,
  };
}

export const volumesPath = (project: string) => path`/cloud/project/${project}/volume`;
export const volumePath = (project: string, volumeId: string) => path`/cloud/project/${project}/volume/${volumeId}`;

export function getVolume(client: OvhClient, context: RequestContext, project: string, volumeId: string) {
  return client.request(context, "GET", volumePath(project, volumeId), volumeItem);
}

/**
 * The volumes of a project (the list shows each one whole), one list call for the create look-ups
 * that come together and for the reads of a refresh.
 */
const projectVolumes = (client: OvhClient) =>
  listedCollection(
    client,
    "volumes",
    (project) => readOrUndefined(() => client.request({ cloud: "ovh", operation: "list volumes" }, "GET", volumesPath(project), z.array(volumeItem))),
    (volume) => volume.id,
  );

/** What a wait follows: it names the kind whose durations are learned; "settle" (whatever is under way) learns nothing. */
type WaitAfter = "create" | "upsize" | "settle";

/** Waits until the volume is in none of the statuses it leaves by itself; fails on an error status. */
export function waitUntilSettled(
  client: OvhClient,
  scope: OperationScope,
  project: string,
  volumeId: string,
  wait: { after: WaitAfter; minutes: number; howToRaise: string },
) {
  return waitFor({
    context: scope.context(wait.after === "settle" ? "wait for volume to be available" : `wait for volume ${wait.after} to end`),
    waitingFor: "the volume to be available",
    poll: () => getVolume(client, scope.context("read volume status"), project, volumeId),
    kind: wait.after === "settle" ? undefined : `ovh: volume ${wait.after}`,
    isDone: (volume) => !TRANSITIONAL_VOLUME_STATUSES.includes(volume.status) && !volume.status.startsWith("error"),
    failure: (volume) => (volume.status.startsWith("error") ? `the volume is in status ${volume.status}` : undefined),
    describe: (volume) => volume.status,
    timeoutMs: wait.minutes * 60_000,
    howToRaise: wait.howToRaise,
  });
}

const CloudVolumeResource = defineResource({
  cloud: ovh,
  kind: "CloudVolume",
  inputs,
  idOutputs: { volumeId: idPart(1) },
  outputNames: ["serviceName", "region", "name", "description", "type", "size", "timeoutMinutes", "volumeId", "status", "attachedTo"],
  autoName: "name",
  keyedAutoName: true,
  replaceOnChange: ["serviceName", "region", "type"],
  describe: (values, id) => `volume ${values.name ? `"${values.name}"` : id}`,

  validate(news, olds): CheckFailure[] {
    return typeof olds.size === "number" && news.size < olds.size
      ? [{ property: "size", reason: `a volume cannot shrink: OVH only grows it (from ${olds.size} GB, not down to ${news.size} GB)` }]
      : [];
  },

  async create(client, wanted, scope) {
    const { serviceName: project, timeoutMinutes, ...body } = wanted;
    // A keyed name is this create's alone: a volume of that name (not on its way out) is the one
    // an earlier run made. Other names are not unique: only the newest of the name created since
    // this create began is taken for this create's, after a lost answer.
    const keyed = isKeyedName(wanted.name, scope.createKey);
    const isNew = createdSince(Date.now());
    const created = await (keyed ? createOnce : sendOnce)({
      what: `create volume "${wanted.name}"`,
      send: () => client.request(scope.context("create volume"), "POST", volumesPath(project), volumeItem, { body }),
      find: async () => {
        return ((await projectVolumes(client).list(project)) ?? [])
          .filter((v) => v.region === wanted.region && v.name === wanted.name && !LEAVING_STATUSES.includes(v.status) && (keyed || isNew(v.creationDate)))
          .sort((a, b) => b.creationDate.localeCompare(a.creationDate))[0];
      },
    });
    const id = `${project}/${created.id}`;
    // From here on the volume exists: a failed wait must not lose it from the state.
    scope.created(id, outputsOf(project, created, timeoutMinutes));
    const ready = await waitUntilSettled(client, scope, project, created.id, { after: "create", minutes: timeoutMinutes, howToRaise: "the volume's timeoutMinutes input" });
    return { id, outputs: outputsOf(project, ready, timeoutMinutes) };
  },

  // Read from the project's list of volumes, shared by the reads that come together (a refresh).
  async read(client, id, olds) {
    const [project, volumeId] = idParts("ovh", id, ["serviceName", "volumeId"]);
    const found = await projectVolumes(client).read(volumeId, project);
    return found && outputsOf(project, found, olds.timeoutMinutes ?? 10);
  },

  // Also called with nothing changed after a create whose wait failed: the wait is resumed.
  async update(client, id, wanted, _olds, changed, scope) {
    const [project, volumeId] = idParts("ovh", id, ["serviceName", "volumeId"]);
    const howToRaise = "the volume's timeoutMinutes input";
    if (changed.includes("name") || changed.includes("description")) {
      await client.request(scope.context("rename volume"), "PUT", volumePath(project, volumeId), volumeItem, {
        body: { name: wanted.name, description: wanted.description },
      });
    }
    let current = await getVolume(client, scope.context("read volume"), project, volumeId);
    if (current.size < wanted.size) {
      // OVH extends a volume that is available or in use, not one in the middle of something else.
      if (TRANSITIONAL_VOLUME_STATUSES.includes(current.status)) {
        current = await waitUntilSettled(client, scope, project, volumeId, { after: "settle", minutes: wanted.timeoutMinutes, howToRaise });
      }
      // Not repeated after a lost answer: a second upsize to the same size is refused, and the wait shows whether the first was done.
      if (current.size < wanted.size) {
        await sendOnce({
          what: `upsize volume ${volumeId} to ${wanted.size} GB`,
          send: () => client.request(scope.context(`upsize volume to ${wanted.size} GB`), "POST", `${volumePath(project, volumeId)}/upsize`, volumeItem, { body: { size: wanted.size } }),
          find: async () => {
            const now = await getVolume(client, scope.context("read volume"), project, volumeId);
            return now.status === "extending" || now.size >= wanted.size ? now : undefined;
          },
        });
        current = await waitUntilSettled(client, scope, project, volumeId, { after: "upsize", minutes: wanted.timeoutMinutes, howToRaise });
      }
    }
    if (TRANSITIONAL_VOLUME_STATUSES.includes(current.status)) {
      current = await waitUntilSettled(client, scope, project, volumeId, { after: "settle", minutes: wanted.timeoutMinutes, howToRaise });
    }
    return outputsOf(project, current, wanted.timeoutMinutes);
  },

  async delete(client, id, _olds, scope) {
    const [project, volumeId] = idParts("ovh", id, ["serviceName", "volumeId"]);
    await client.call(scope.context("delete volume"), "DELETE", volumePath(project, volumeId));
  },
});

export interface CloudVolume extends ResourceOutputs<CloudVolumeOutputs> {}
export class CloudVolume extends CloudVolumeResource {}
