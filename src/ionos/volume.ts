/**
 * `ionos.Volume`: a block storage volume in a data center, blank or from a public image, and
 * optionally attached to a server (the first volume attached becomes its boot volume). It grows in
 * place; it cannot shrink, which the preview refuses. Image, password and SSH keys are written once
 * at creation: changing them, the type or the zone replaces the volume.
 */
import { z } from "zod";
import { readOrUndefined } from "../core/errors";
import { idPart } from "../core/ids";
import { type CheckFailure, type OperationScope, type ResourceOutputs, defineResource } from "../core/kit";
import { type IonosClient, ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes, waitLimit } from "./common";

const LICENCE_TYPES = ["UNKNOWN", "WINDOWS", "WINDOWS2016", "WINDOWS2022", "LINUX", "OTHER"] as const;

const inputs = z.object({
  datacenterId: z.string().min(1),
  /** Defaults to the resource name. */
  name: z.string().min(1).max(255),
  /** GB; grows in place, never shrinks. */
  size: z.number().positive().max(4096),
  type: z.enum(["HDD", "SSD", "SSD Standard", "SSD Premium"]).default("HDD"),
  /** A public image or snapshot id. */
  image: z.string().min(1).optional(),
  /** A public image by alias, such as `ubuntu:latest`. */
  imageAlias: z.string().min(1).optional(),
  /** The root password of an image volume: 8 to 50 letters and digits (IONOS's rule). A secret. */
  imagePassword: z.string().regex(/^[A-Za-z0-9]{8,50}$/, "must be 8 to 50 letters and digits").optional(),
  /** Public keys authorized for SSH on an image volume. Secrets. */
  sshKeys: z.array(z.string().min(1)).default([]),
  /** Required for a volume without an image. */
  licenceType: z.enum(LICENCE_TYPES).optional(),
  availabilityZone: z.enum(["AUTO", "ZONE_1", "ZONE_2", "ZONE_3"]).default("AUTO"),
  /** The server to attach the volume to; left out, attachment is not managed. */
  serverId: z.string().min(1).optional(),
  timeoutMinutes: timeoutMinutes(60),
});

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

type Inputs = z.output<typeof inputs>;
export type VolumeArgs = z.input<typeof inputs>;
export type VolumeOutputs = Omit<Inputs, "type" | "serverId" | "licenceType"> & {
  type: string;
  licenceType: string;
  /** The server the volume is attached to, "" when none. */
  serverId: string;
  volumeId: string;
  deviceNumber: number;
};

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
