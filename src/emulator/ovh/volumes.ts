/**
 * Public Cloud block storage volumes (`/cloud/project/{serviceName}/volume...`), as the spec's
 * `cloud.volume.Volume` describes them: created `creating → available`, attached
 * `attaching → in-use`, detached `detaching → available`, grown `extending → available` (or back
 * to `in-use` when attached). A volume is attached to one instance at a time, in its own region;
 * an attached volume cannot be deleted; a volume never shrinks. An instance deleted while a volume
 * is attached to it leaves the volume detached (`available`).
 *
 * Error texts follow OpenStack Cinder's and Nova's, which OVH passes on (400 for a volume in the
 * wrong status, 409 for an instance that cannot take a volume now): an inference, the spec names
 * no errors.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { EmulatorRequest, EmulatorResponse, Route } from "../server";
import { done, error, isAnswer, notFound, ok, parseBody } from "./answers";
import { REGIONS } from "./catalog";
import type { Instance, Project } from "./cloud";

export type VolumeType = "classic" | "high-speed" | "high-speed-gen2";
export const VOLUME_TYPES: [VolumeType, ...VolumeType[]] = ["classic", "high-speed", "high-speed-gen2"];

/** An operation under way on a volume, and what it changes when it ends. */
type Busy =
  | { status: "creating"; until: number }
  | { status: "attaching" | "detaching"; until: number; instanceId: string }
  | { status: "extending"; until: number; size: number };

export interface Volume {
  id: string;
  name: string;
  description: string;
  region: string;
  /** GB */
  size: number;
  type: VolumeType;
  creationDate: string;
  /** The instances it is attached to (one at most), the one being attached or detached included. */
  attachedTo: string[];
  busy?: Busy;
  /** Set by a test: the volume stays in this status (a stuck operation, an error). */
  forcedStatus?: string;
}

/** Each project's volumes: forgotten with the project (the emulator's reset makes new projects). */
const volumesByProject = new WeakMap<Project, Map<string, Volume>>();

export function volumesOf(project: Project): Map<string, Volume> {
  let volumes = volumesByProject.get(project);
  if (!volumes) volumesByProject.set(project, (volumes = new Map()));
  return volumes;
}

/** The smallest and largest volume OVH offers, in GB (its Control Panel's bounds; the spec gives none). */
export const VOLUME_SIZE = { min: 10, max: 12_000 };

/** An instance's status as cloud.ts computes it. */
const instanceStatus = (instance: Instance) => instance.forcedStatus ?? (Date.now() < instance.busy.until ? instance.busy.status : "ACTIVE");

/** Applies an operation that has ended, and forgets instances deleted since. */
function settle(project: Project, volume: Volume): void {
  const busy = volume.busy;
  if (busy && Date.now() >= busy.until) {
    volume.busy = undefined;
    if (busy.status === "detaching") volume.attachedTo = volume.attachedTo.filter((id) => id !== busy.instanceId);
    if (busy.status === "extending") volume.size = busy.size;
  }
  // Deleting an instance detaches its volumes.
  volume.attachedTo = volume.attachedTo.filter((id) => project.instances.has(id));
  if (volume.busy && "instanceId" in volume.busy && !project.instances.has(volume.busy.instanceId)) volume.busy = undefined;
}

function statusOf(project: Project, volume: Volume): string {
  settle(project, volume);
  if (volume.forcedStatus) return volume.forcedStatus;
  if (volume.busy) return volume.busy.status;
  return volume.attachedTo.length > 0 ? "in-use" : "available";
}

/** The spec's `cloud.volume.Volume`, once what has ended is applied. */
const volumeView = (project: Project, volume: Volume) => volumeFields(volume, statusOf(project, volume));
const volumeFields = (volume: Volume, status: string) => ({
  attachedTo: [...volume.attachedTo],
  bootable: false,
  creationDate: volume.creationDate,
  description: volume.description,
  id: volume.id,
  name: volume.name,
  planCode: `volume.${volume.type}.consumption`,
  region: volume.region,
  size: volume.size,
  status,
  type: volume.type,
});

const cinderStatusError = (volume: Volume, status: string, wanted: string) =>
  error(400, `Invalid volume: Volume ${volume.id} status must be ${wanted}, but current status is: ${status}`);

export function volumeRoutes(world: { projects: Map<string, Project>; buildMs: number }): Route[] {
  const { buildMs } = world;
  const createMs = buildMs / 2;
  const changeMs = buildMs / 4;
  const inProject = (
    method: string,
    path: string,
    handle: (project: Project, volumes: Map<string, Volume>, request: EmulatorRequest, ...params: string[]) => EmulatorResponse,
  ): Route => ({
    method,
    pattern: new RegExp(`^/cloud/project/([^/]+)${path}$`),
    handle: (request, serviceName, ...params) => {
      const project = world.projects.get(serviceName);
      return project ? handle(project, volumesOf(project), request, ...params) : error(404, "This service does not exist");
    },
  });
  /** A route on one volume: 404 when it does not exist. */
  const onVolume = (method: string, path: string, handle: (project: Project, volume: Volume, request: EmulatorRequest) => EmulatorResponse) =>
    inProject(method, `/volume/([^/]+)${path}`, (project, volumes, request, volumeId) => {
      const volume = volumes.get(volumeId);
      return volume ? handle(project, volume, request) : notFound(volumeId);
    });
  const region = z.enum(Object.keys(REGIONS) as [string, ...string[]]);
  const instanceBody = z.object({ instanceId: z.string().min(1) });

  return [
    inProject("GET", "/volume", (project, volumes, request) => {
      const at = request.query.get("region");
      return ok([...volumes.values()].filter((v) => !at || v.region === at).map((v) => volumeView(project, v)));
    }),
    inProject("POST", "/volume", (project, volumes, request) => {
      const body = parseBody(
        request,
        z.object({
          description: z.string().max(255).nullable().optional(),
          imageId: z.string().nullable().optional(),
          name: z.string().max(255).nullable().optional(),
          region,
          size: z.number().int().min(VOLUME_SIZE.min).max(VOLUME_SIZE.max),
          snapshotId: z.string().nullable().optional(),
          type: z.enum(VOLUME_TYPES),
        }),
      );
      if (isAnswer(body)) return body;
      if (body.imageId || body.snapshotId) return error(400, "Creating a volume from an image or a snapshot is not offered by this emulator");
      const volume: Volume = {
        id: randomUUID(),
        name: body.name ?? "",
        description: body.description ?? "",
        region: body.region,
        size: body.size,
        type: body.type,
        creationDate: new Date().toISOString(),
        attachedTo: [],
        busy: { status: "creating", until: Date.now() + createMs },
      };
      volumes.set(volume.id, volume);
      return ok(volumeView(project, volume));
    }),
    onVolume("GET", "", (project, volume) => ok(volumeView(project, volume))),
    onVolume("PUT", "", (project, volume, request) => {
      const body = parseBody(request, z.object({ name: z.string().max(255).nullable().optional(), description: z.string().max(255).nullable().optional() }));
      if (isAnswer(body)) return body;
      if (body.name != null) volume.name = body.name;
      if (body.description != null) volume.description = body.description;
      return ok(volumeView(project, volume));
    }),
    inProject("DELETE", "/volume/([^/]+)", (project, volumes, _request, volumeId) => {
      const volume = volumes.get(volumeId);
      if (!volume) return notFound(volumeId);
      const status = statusOf(project, volume);
      if (!["available", "error", "error_extending", "error_restoring"].includes(status)) {
        return error(
          400,
          `Invalid volume: Volume status must be available or error or error_restoring or error_extending and must not be attached, but current status is: ${status}`,
        );
      }
      volumes.delete(volumeId);
      return done();
    }),
    onVolume("POST", "/attach", (project, volume, request) => {
      const body = parseBody(request, instanceBody);
      if (isAnswer(body)) return body;
      const instance = project.instances.get(body.instanceId);
      if (!instance) return notFound(body.instanceId);
      if (instance.region !== volume.region) {
        return error(400, `Volume ${volume.id} is in region ${volume.region} and instance ${instance.id} in ${instance.region}: they must be in the same region`);
      }
      const status = statusOf(project, volume);
      if (status !== "available") return cinderStatusError(volume, status, "available to attach");
      const vm = instanceStatus(instance);
      if (vm !== "ACTIVE" && vm !== "SHUTOFF") return error(409, `Cannot 'attach_volume' instance ${instance.id} while it is in status ${vm}`);
      volume.attachedTo = [instance.id];
      volume.busy = { status: "attaching", until: Date.now() + changeMs, instanceId: instance.id };
      return ok(volumeView(project, volume));
    }),
    onVolume("POST", "/detach", (project, volume, request) => {
      const body = parseBody(request, instanceBody);
      if (isAnswer(body)) return body;
      const status = statusOf(project, volume);
      if (!volume.attachedTo.includes(body.instanceId)) return error(400, `Volume ${volume.id} is not attached to instance ${body.instanceId}`);
      if (status !== "in-use") return cinderStatusError(volume, status, "in-use to detach");
      volume.busy = { status: "detaching", until: Date.now() + changeMs, instanceId: body.instanceId };
      return ok(volumeView(project, volume));
    }),
    onVolume("POST", "/upsize", (project, volume, request) => {
      const body = parseBody(request, z.object({ size: z.number().int() }));
      if (isAnswer(body)) return body;
      const status = statusOf(project, volume);
      if (status !== "available" && status !== "in-use") return cinderStatusError(volume, status, "available or in-use to extend");
      if (body.size <= volume.size) {
        return error(400, `Invalid input received: New size for extend must be greater than current size. (current: ${volume.size}, extended: ${body.size})`);
      }
      if (body.size > VOLUME_SIZE.max) return error(400, `Volume size ${body.size} GB exceeds the maximum of ${VOLUME_SIZE.max} GB`);
      volume.busy = { status: "extending", until: Date.now() + changeMs, size: body.size };
      return ok(volumeView(project, volume));
    }),
  ];
}
