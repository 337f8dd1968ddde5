/**
 * `ionos.Volume`: a block storage volume in a data center, blank or from a public image, and
 * optionally attached to a server (the first volume attached becomes its boot volume). It grows in
 * place; it cannot shrink, which the preview refuses. Image, password and SSH keys are written once
 * at creation: changing them, the type or the zone replaces the volume.
 */
import { z } from "zod";
import { readOrUndefined } from "../core/errors";
import { idPart } from "../core/ids";
import { type CheckFailure, type OperationScope, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { type IonosClient, ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes, waitLimit } from "./common";

const LICENCE_TYPES = ["UNKNOWN", "WINDOWS", "WINDOWS2016", "WINDOWS2022", "LINUX", "OTHER"] as const;

/** The inputs of an `ionos.Volume`. */
export interface VolumeArgs {
  /** The id of the data center the volume is in (`ionos.Datacenter`'s `datacenterId`). A change replaces the volume. */
  datacenterId: string;
  /** The volume's name: 1 to 255 characters. Defaults to the resource name. A change renames the volume in place. */
  name: string;
  /**
   * The volume's size in GB: more than 0 and at most 4096. A larger size grows the volume in place;
   * a smaller one fails at preview (a volume cannot shrink).
   */
  size: number;
  /**
   * The storage type: `HDD`, `SSD`, `SSD Standard` or `SSD Premium`. A change replaces the volume.
   * @default "HDD"
   */
  type?: "HDD" | "SSD" | "SSD Standard" | "SSD Premium";
  /**
   * The id of a public image or of a snapshot to create the volume from. Give either `image` or
   * `imageAlias`, not both; with neither, the volume is blank. Written once at creation: a change
   * replaces the volume.
   */
  image?: string;
  /**
   * A public image by its alias, such as `ubuntu:latest`, instead of `image`. IONOS does not return
   * it: the outputs keep the value given. Written once at creation: a change replaces the volume.
   */
  imageAlias?: string;
  /**
   * The root password of a volume made from an image: 8 to 50 letters and digits (IONOS's rule).
   * Needs `image` or `imageAlias`. Stored as a Pulumi secret; IONOS does not return it. Written
   * once at creation: a change replaces the volume.
   */
  imagePassword?: string;
  /**
   * Public SSH keys authorized on a volume made from an image, each a non-empty string. Needs
   * `image` or `imageAlias`. Stored as Pulumi secrets; IONOS does not return them. Written once at
   * creation: a change replaces the volume.
   * @default []
   */
  sshKeys?: string[];
  /**
   * The licence type of the volume's operating system: `UNKNOWN`, `WINDOWS`, `WINDOWS2016`,
   * `WINDOWS2022`, `LINUX` or `OTHER`. Required for a volume without an image (the preview fails
   * without it); with an image it may be left out, and is then not managed. A change replaces the
   * volume.
   */
  licenceType?: "UNKNOWN" | "WINDOWS" | "WINDOWS2016" | "WINDOWS2022" | "LINUX" | "OTHER";
  /**
   * The storage availability zone: `AUTO` (IONOS chooses), `ZONE_1`, `ZONE_2` or `ZONE_3`. A
   * change replaces the volume.
   * @default "AUTO"
   */
  availabilityZone?: "AUTO" | "ZONE_1" | "ZONE_2" | "ZONE_3";
  /**
   * The id of a server in the same data center to attach the volume to (`ionos.Server`'s
   * `serverId`); the first volume attached to a server becomes its boot volume. A change detaches
   * the volume from its old server and attaches it to the new one, in place. Left out, the
   * attachment is not managed: removing it does not detach the volume.
   */
  serverId?: string;
  /**
   * How long, in minutes, each wait for an IONOS request of this volume (its create, update,
   * attach, detach or delete) may take: more than 0 and at most 1440 (24 hours); fractions are
   * allowed (0.5 is 30 seconds). It only bounds this provider's waits: a change applies in place
   * without an API call.
   * @default 60
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.Volume`: the write-once image inputs stay optional. */
export type VolumeOutputs = Pick<VolumeArgs, "image" | "imageAlias" | "imagePassword"> &
  Required<Omit<VolumeArgs, "image" | "imageAlias" | "imagePassword" | "type" | "licenceType" | "serverId">> & {
    /** The storage type as IONOS reports it: one of the input's types, or `DAS` or `ISO`. */
    type: string;
    /** The licence type as IONOS reports it (`UNKNOWN` when IONOS does not say). */
    licenceType: string;
    /** The id of the server the volume is attached to, "" when none. */
    serverId: string;
    /** The volume's id at IONOS (a UUID); `id` is `<datacenterId>/<volumeId>`. */
    volumeId: string;
    /** The volume's device number (LUN) on its server, 0 when it is not attached. */
    deviceNumber: number;
  };

const inputs = documented<VolumeArgs>()(z.object({
  datacenterId: z.string().min(1),
  name: z.string().min(1).max(255),
  size: z.number().positive().max(4096),
  type: z.enum(["HDD", "SSD", "SSD Standard", "SSD Premium"]).default("HDD"),
  image: z.string().min(1).optional(),
  imageAlias: z.string().min(1).optional(),
  imagePassword: z.string().regex(/^[A-Za-z0-9]{8,50}$/, "must be 8 to 50 letters and digits").optional(),
  sshKeys: z.array(z.string().min(1)).default([]),
  licenceType: z.enum(LICENCE_TYPES).optional(),
  availabilityZone: z.enum(["AUTO", "ZONE_1", "ZONE_2", "ZONE_3"]).default("AUTO"),
  serverId: z.string().min(1).optional(),
  timeoutMinutes: timeoutMinutes(60),
}));

const volumeItem = resource({
  name: z.string().optional(),
  size: z.number(),
  type: z.enum(["HDD", "SSD", "SSD Standard", "SSD Premium", "DAS", "ISO"]).optional(),
  image: z.string().nullish(),
  licenceType: z.string().optional(),
  availabilityZone: z.enum(["AUTO", "ZONE_1", "ZONE_2", "ZONE_3"]).optional(),
  bootServer: z.string().nullish(),
  deviceNumber: z.number().int().nullish(),
});

/** Outputs from the API's view, keeping what it never returns (alias, password, keys). */
function outputsOf(volume: z.infer<typeof volumeItem>, known: Partial<VolumeOutputs>, ids: Record<string, string>): VolumeOutputs {
  const p = volume.properties;
  return {
    datacenterId: ids.datacenterId,
    name: p.name ?? known.name ?? "",
    size: p.size,
    type: p.type ?? "HDD",
    image: p.image ?? known.image,
    imageAlias: known.imageAlias,
    imagePassword: known.imagePassword,
    sshKeys: known.sshKeys ?? [],
    licenceType: p.licenceType ?? known.licenceType ?? "UNKNOWN",
    availabilityZone: p.availabilityZone ?? "AUTO",
    serverId: p.bootServer ?? "",
    timeoutMinutes: known.timeoutMinutes ?? 60,
    volumeId: volume.id,
    deviceNumber: p.deviceNumber ?? 0,
  };
}

const volumes = new IonosKind({
  noun: "volume",
  item: volumeItem,
  idParts: ["datacenterId", "volumeId"],
  collection: (datacenterId) => apiPath("datacenters", datacenterId, "volumes"),
  defaultMinutes: 60,
  outputsOf,
});

/** Attaches and detaches through the server's volumes collection. */
const attachments = (datacenterId: string, serverId: string) => apiPath("datacenters", datacenterId, "servers", serverId, "volumes");

const VolumeResource = defineResource({
  cloud: ionos,
  kind: "Volume",
  inputs,
  idOutputs: { volumeId: idPart(1) },
  outputNames: [
    "datacenterId", "name", "size", "type", "image", "imageAlias", "imagePassword", "sshKeys", "licenceType",
    "availabilityZone", "serverId", "timeoutMinutes", "volumeId", "deviceNumber",
  ],
  autoName: "name",
  replaceOnChange: ["datacenterId", "type", "image", "imageAlias", "imagePassword", "sshKeys", "licenceType", "availabilityZone"],
  secretInputs: ["imagePassword", "sshKeys"],
  describe: (values, id) => `volume ${values.name ? `"${values.name}"` : id}`,

  validate(news, olds): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const fromImage = news.image !== undefined || news.imageAlias !== undefined;
    if (news.image !== undefined && news.imageAlias !== undefined) {
      failures.push({ property: "imageAlias", reason: "give either image or imageAlias, not both" });
    }
    if (!fromImage && (news.imagePassword !== undefined || news.sshKeys.length > 0)) {
      failures.push({ property: "imagePassword", reason: "imagePassword and sshKeys need an image or imageAlias" });
    }
    if (!fromImage && news.licenceType === undefined) {
      failures.push({ property: "licenceType", reason: "a volume without an image needs a licenceType (e.g. LINUX or OTHER)" });
    }
    if (olds.size !== undefined && news.size < olds.size) {
      failures.push({ property: "size", reason: `a volume cannot shrink (from ${olds.size} GB to ${news.size} GB): only a larger size is possible` });
    }
    return failures;
  },

  async create(client, wanted, scope) {
    const { datacenterId, serverId, timeoutMinutes, sshKeys, ...rest } = wanted;
    const body = { properties: { ...rest, ...(sshKeys.length > 0 ? { sshKeys } : {}) } };
    const created = await volumes.create(client, scope, { parentIds: [datacenterId], name: wanted.name, body, known: wanted });
    if (!serverId) return created;
    await attach(client, scope, created.id, serverId, timeoutMinutes);
    return { id: created.id, outputs: await volumes.outputs(client, scope, created.id, wanted) };
  },

  read: volumes.read,

  async update(client, id, wanted, olds, changed, scope) {
    const { name, size, serverId, timeoutMinutes: minutes } = wanted;
    if (apiChanges(changed).some((key) => key === "name" || key === "size")) {
      await volumes.change(client, scope, id, { operation: "update", method: "PATCH", body: { name, size }, minutes });
    }
    if (changed.includes("serverId")) {
      if (olds.serverId) await detach(client, scope, id, olds.serverId, minutes);
      if (serverId) await attach(client, scope, id, serverId, minutes);
    }
    return volumes.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: volumes.delete,
});

/** Attaches; already attached to that server (by a create whose process died) is what was wanted. */
async function attach(client: IonosClient, scope: OperationScope, id: string, serverId: string, minutes: number) {
  const { datacenterId, volumeId } = volumes.ids(id);
  const context = scope.context(`attach volume to server ${serverId}`);
  const attached = z.object({ id: z.string() }).loose();
  const attachment = attachments(datacenterId, serverId) + apiPath(volumeId);
  if (await readOrUndefined(() => client.get(context, attachment, attached))) return;
  await client.write(context, "POST", attachments(datacenterId, serverId), { id: volumeId }, waitLimit("volume", minutes), attachment);
}

/** Detaches; a server or attachment that is already gone is what was wanted. */
function detach(client: IonosClient, scope: OperationScope, id: string, serverId: string, minutes: number) {
  const { datacenterId, volumeId } = volumes.ids(id);
  const context = scope.context(`detach volume from server ${serverId}`);
  const path = attachments(datacenterId, serverId) + apiPath(volumeId);
  return readOrUndefined(() => client.write(context, "DELETE", path, undefined, waitLimit("volume", minutes)));
}

export interface Volume extends ResourceOutputs<VolumeOutputs> {}
export class Volume extends VolumeResource {}
