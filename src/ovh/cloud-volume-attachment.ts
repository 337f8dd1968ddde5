/**
 * `ovh.CloudVolumeAttachment`: an `ovh.CloudVolume` attached to an `ovh.CloudInstance` of the same
 * region (`POST .../volume/{volumeId}/attach`). A create waits until the volume is `in-use` on the
 * instance, a delete until it is detached (`available`). Every change replaces the attachment.
 * An attachment whose volume or instance is gone is gone too: deleting it succeeds.
 */
import { z } from "zod";
import { CloudApiError, readOrUndefined } from "../core/errors";
import { type OperationScope, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { createOnce } from "../core/reconcile";
import { waitFor } from "../core/wait";
import { type OvhClient, ovh } from "./client";
import { serviceName, timeoutMinutes } from "./common";
import { type VolumeItem, TRANSITIONAL_VOLUME_STATUSES, getVolume, volumeItem, volumePath, waitUntilSettled } from "./cloud-volume";

/** The inputs of an `ovh.CloudVolumeAttachment`. */
export interface CloudVolumeAttachmentArgs {
  /**
   * The id of the Public Cloud project of the volume and the instance (`serviceName` in OVH's
   * API): 32 hexadecimal characters. A change replaces the attachment.
   */
  serviceName: string;
  /** The volume to attach: the `volumeId` of an `ovh.CloudVolume`. A change replaces the attachment. */
  volumeId: string;
  /**
   * The instance to attach it to: the `instanceId` of an `ovh.CloudInstance` in the volume's
   * region (OVH refuses another region). A change replaces the attachment.
   */
  instanceId: string;
  /**
   * How long to wait for the volume to be attached (`in-use`) after a create, and detached
   * (`available`) after a delete, in minutes: more than 0, at most 1440 (fractions allowed). A
   * change takes effect in place, at the next wait.
   * @default 5
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ovh.CloudVolumeAttachment`: the inputs. */
export type CloudVolumeAttachmentOutputs = Required<CloudVolumeAttachmentArgs>;

const inputs = documented<CloudVolumeAttachmentArgs>()(z.object({
  serviceName,
  volumeId: z.string().regex(/^[^/]+$/, "must be a volume id (the volumeId of an ovh.CloudVolume), without '/'"),
  instanceId: z.string().regex(/^[^/]+$/, "must be an instance id (the instanceId of an ovh.CloudInstance), without '/'"),
  timeoutMinutes: timeoutMinutes(5),
}));

const HOW_TO_RAISE = "the attachment's timeoutMinutes input";

const outputsOf = (project: string, volumeId: string, instanceId: string, timeoutMinutes: number): CloudVolumeAttachmentOutputs => ({
  serviceName: project,
  volumeId,
  instanceId,
  timeoutMinutes,
});

/** The volume, or undefined when it is gone. */
const volumeOrUndefined = (client: OvhClient, scope: OperationScope, project: string, volumeId: string) =>
  readOrUndefined(() => getVolume(client, scope.context("read volume"), project, volumeId));

/** Waits until the volume is attached to the instance (true) or detached from it (false); a volume gone counts as detached. */
function waitForAttachment(client: OvhClient, scope: OperationScope, project: string, volumeId: string, instanceId: string, attached: boolean, minutes: number) {
  const isAttached = (volume: VolumeItem | undefined) => volume?.status === "in-use" && volume.attachedTo.includes(instanceId);
  const isDetached = (volume: VolumeItem | undefined) => !volume || (!volume.attachedTo.includes(instanceId) && !TRANSITIONAL_VOLUME_STATUSES.includes(volume.status));
  return waitFor({
    context: scope.context(attached ? "wait for volume to be attached" : "wait for volume to be detached"),
    waitingFor: attached ? `the volume to be in-use on instance ${instanceId}` : `the volume to be detached from instance ${instanceId}`,
    poll: () => volumeOrUndefined(client, scope, project, volumeId),
    kind: attached ? "ovh: volume attach" : "ovh: volume detach",
    isDone: attached ? isAttached : isDetached,
    failure: (volume) => {
      if (!volume) return attached ? "the volume is gone" : undefined;
      if (volume.status.startsWith("error")) return `the volume is in status ${volume.status}`;
      // Neither attached nor on its way: the attach did not take.
      if (attached && !volume.attachedTo.includes(instanceId) && !TRANSITIONAL_VOLUME_STATUSES.includes(volume.status)) {
        return `the volume is ${volume.status}, not attached to instance ${instanceId}`;
      }
      return undefined;
    },
    describe: (volume) => (volume ? `${volume.status}${volume.attachedTo.length ? ` on ${volume.attachedTo.join(", ")}` : ""}` : "gone"),
    timeoutMs: minutes * 60_000,
    howToRaise: HOW_TO_RAISE,
  });
}

const CloudVolumeAttachmentResource = defineResource({
  cloud: ovh,
  kind: "CloudVolumeAttachment",
  inputs,
  idOutputs: { serviceName: idPart(0), volumeId: idPart(1), instanceId: idPart(2) },
  outputNames: ["serviceName", "volumeId", "instanceId", "timeoutMinutes"],
  replaceOnChange: ["serviceName", "volumeId", "instanceId"],
  describe: (values, id) => (values.volumeId ? `attachment of volume ${values.volumeId} to instance ${values.instanceId}` : `volume attachment ${id}`),

  async create(client, wanted, scope) {
    const { serviceName: project, volumeId, instanceId, timeoutMinutes } = wanted;
    const id = `${project}/${volumeId}/${instanceId}`;
    // An attach is found by its effect: the volume attached (or being attached) to the instance.
    const attachedNow = (volume: VolumeItem) => volume.attachedTo.includes(instanceId) && volume.status !== "detaching";
    await createOnce({
      what: `attach volume ${volumeId} to instance ${instanceId}`,
      send: async () => {
        // A volume still being created, grown or detached from elsewhere cannot be attached yet.
        const volume = await getVolume(client, scope.context("read volume"), project, volumeId);
        if (TRANSITIONAL_VOLUME_STATUSES.includes(volume.status)) {
          await waitUntilSettled(client, scope, project, volumeId, { after: "settle", minutes: timeoutMinutes, howToRaise: HOW_TO_RAISE });
        }
        return client.request(scope.context("attach volume"), "POST", `${volumePath(project, volumeId)}/attach`, volumeItem, { body: { instanceId } });
      },
      find: async () => {
        const volume = await getVolume(client, scope.context("look up attachment"), project, volumeId);
        return attachedNow(volume) ? volume : undefined;
      },
    });
    scope.created(id, outputsOf(project, volumeId, instanceId, timeoutMinutes));
    await waitForAttachment(client, scope, project, volumeId, instanceId, true, timeoutMinutes);
    return { id, outputs: outputsOf(project, volumeId, instanceId, timeoutMinutes) };
  },

  // Gone when the volume is gone or no longer attached to the instance (detached outside, or the
  // instance deleted), or on its way off it (detaching).
  async read(client, id, olds, scope) {
    const [project, volumeId, instanceId] = idParts("ovh", id, ["serviceName", "volumeId", "instanceId"]);
    const volume = await volumeOrUndefined(client, scope, project, volumeId);
    if (!volume || !volume.attachedTo.includes(instanceId) || volume.status === "detaching") return undefined;
    return outputsOf(project, volumeId, instanceId, olds.timeoutMinutes ?? 5);
  },

  // Only timeoutMinutes changes in place; after a create whose wait failed, the wait is resumed.
  async update(client, id, wanted, _olds, _changed, scope) {
    const [project, volumeId, instanceId] = idParts("ovh", id, ["serviceName", "volumeId", "instanceId"]);
    await waitForAttachment(client, scope, project, volumeId, instanceId, true, wanted.timeoutMinutes);
    return outputsOf(project, volumeId, instanceId, wanted.timeoutMinutes);
  },

  async delete(client, id, olds, scope) {
    const [project, volumeId, instanceId] = idParts("ovh", id, ["serviceName", "volumeId", "instanceId"]);
    const minutes = olds.timeoutMinutes ?? 5;
    let volume = await volumeOrUndefined(client, scope, project, volumeId);
    // The volume or the instance is gone (a deleted instance leaves its volumes detached): nothing to detach.
    if (!volume || !volume.attachedTo.includes(instanceId)) return;
    if (volume.status === "attaching") {
      volume = await waitForAttachment(client, scope, project, volumeId, instanceId, true, minutes);
    }
    if (volume?.status !== "detaching") {
      try {
        await client.request(scope.context("detach volume"), "POST", `${volumePath(project, volumeId)}/detach`, volumeItem, { body: { instanceId } });
      } catch (error) {
        // Detached meanwhile (or the instance deleted): what the delete wanted.
        if (!(error instanceof CloudApiError) || error.isNotFound) throw error;
        const now = await volumeOrUndefined(client, scope, project, volumeId);
        if (now && now.attachedTo.includes(instanceId) && now.status !== "detaching") throw error;
      }
    }
    await waitForAttachment(client, scope, project, volumeId, instanceId, false, minutes);
  },
});

export interface CloudVolumeAttachment extends ResourceOutputs<CloudVolumeAttachmentOutputs> {}
export class CloudVolumeAttachment extends CloudVolumeAttachmentResource {}
