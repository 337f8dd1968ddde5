/** Instance snapshots: `/v1/compute/instances/{instanceId}/snapshots`. */
import { z } from "zod";
import type { Route } from "../server";
import { TENANT, isAnswer, notFound, now, ok, page, parseBody, self } from "./answers";

export interface Snapshot {
  snapshotId: string;
  instanceId: number;
  name: string;
  description: string;
  createdDate: string;
  imageId: string;
}

/** Contabo deletes a snapshot by itself this long after it was taken. */
const AUTO_DELETE_MS = 30 * 24 * 3600 * 1000;

const name = z.string().min(1).max(30).regex(/^[A-Za-z0-9 -]+$/, "may contain letters, numbers, spaces and dashes");
const description = z.string().min(1).max(255);

export function snapshotRoutes(world: {
  snapshots: Map<string, Snapshot>;
  instances: Map<number, { instanceId: number; imageId: string }>;
}): Route[] {
  const view = (snapshot: Snapshot) => ({
    ...TENANT,
    ...snapshot,
    autoDeleteDate: new Date(Date.parse(snapshot.createdDate) + AUTO_DELETE_MS).toISOString(),
    imageName: "ubuntu-22.04",
  });
  const base = (instanceId: string) => `/v1/compute/instances/${instanceId}/snapshots`;
  const find = (instanceId: string, snapshotId: string) => {
    const snapshot = world.snapshots.get(snapshotId);
    return snapshot?.instanceId === Number(instanceId) ? snapshot : undefined;
  };

  return [
    {
      method: "GET",
      pattern: /^\/v1\/compute\/instances\/(\d+)\/snapshots$/,
      handle: (request, instanceId) => {
        if (!world.instances.has(Number(instanceId))) return notFound("Instance", instanceId);
        const wanted = request.query.get("name");
        const found = [...world.snapshots.values()].filter(
          (s) => s.instanceId === Number(instanceId) && (!wanted || s.name.includes(wanted)),
        );
        return page(request, base(instanceId), found.map(view));
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/compute\/instances\/(\d+)\/snapshots$/,
      handle: (request, instanceId) => {
        const instance = world.instances.get(Number(instanceId));
        if (!instance) return notFound("Instance", instanceId);
        const body = parseBody(request, z.object({ name, description: description.optional() }));
        if (isAnswer(body)) return body;
        const snapshot: Snapshot = {
          snapshotId: `snap${Date.now()}${world.snapshots.size}`,
          instanceId: instance.instanceId,
          name: body.name,
          description: body.description ?? "",
          createdDate: now(),
          imageId: instance.imageId,
        };
        world.snapshots.set(snapshot.snapshotId, snapshot);
        return ok(201, { data: [view(snapshot)], ...self(`${base(instanceId)}/${snapshot.snapshotId}`) });
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/compute\/instances\/(\d+)\/snapshots\/([^/]+)$/,
      handle: (_request, instanceId, snapshotId) => {
        const snapshot = find(instanceId, snapshotId);
        return snapshot ? ok(200, { data: [view(snapshot)], ...self(`${base(instanceId)}/${snapshotId}`) }) : notFound("Snapshot", snapshotId);
      },
    },
    {
      method: "PATCH",
      pattern: /^\/v1\/compute\/instances\/(\d+)\/snapshots\/([^/]+)$/,
      handle: (request, instanceId, snapshotId) => {
        const snapshot = find(instanceId, snapshotId);
        if (!snapshot) return notFound("Snapshot", snapshotId);
        const body = parseBody(request, z.object({ name: name.optional(), description: description.optional() }));
        if (isAnswer(body)) return body;
        Object.assign(snapshot, { name: body.name ?? snapshot.name, description: body.description ?? snapshot.description });
        return ok(200, { data: [view(snapshot)], ...self(`${base(instanceId)}/${snapshotId}`) });
      },
    },
    {
      method: "DELETE",
      pattern: /^\/v1\/compute\/instances\/(\d+)\/snapshots\/([^/]+)$/,
      handle: (_request, instanceId, snapshotId) => {
        if (!find(instanceId, snapshotId)) return notFound("Snapshot", snapshotId);
        world.snapshots.delete(snapshotId);
        return ok(204);
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/compute\/instances\/(\d+)\/snapshots\/([^/]+)\/rollback$/,
      handle: (_request, instanceId, snapshotId) => {
        if (!find(instanceId, snapshotId)) return notFound("Snapshot", snapshotId);
        // Newer snapshots than the one rolled back to are gone afterwards, as on Contabo.
        const target = world.snapshots.get(snapshotId)!;
        for (const other of world.snapshots.values()) {
          if (other.instanceId === target.instanceId && other.createdDate > target.createdDate) world.snapshots.delete(other.snapshotId);
        }
        return ok(200, self(`${base(instanceId)}/${snapshotId}/rollback`));
      },
    },
  ];
}
