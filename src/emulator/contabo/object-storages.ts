/** Object storages: one per region, ordered, grown (never shrunk) and cancelled. */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Route } from "../server";
import { TENANT, error, isAnswer, notFound, now, ok, page, parseBody, self } from "./answers";
import { REGIONS } from "./catalog";

export interface ObjectStorage {
  objectStorageId: string;
  displayName: string;
  region: string;
  totalPurchasedSpaceTB: number;
  autoScaling: { state: "enabled" | "disabled"; sizeLimitTB: number };
  s3TenantId: string;
  createdDate: string;
  cancelDate: string;
  /** The latest order or resize: the storage is busy until it is done. */
  busy: { status: "PROVISIONING" | "UPGRADING"; until: number };
}

const autoScaling = z.object({ state: z.enum(["enabled", "disabled"]), sizeLimitTB: z.number().min(0) });
const displayName = z.string().min(1).max(255);

export function objectStorageRoutes(world: {
  objectStorages: Map<string, ObjectStorage>;
  provisioningMs: number;
  cancelDateFrom(createdDate: string, periodMonths: number): string;
}): Route[] {
  const base = "/v1/object-storages";
  const view = (storage: ObjectStorage) => {
    const { busy, region, ...shown } = storage;
    return {
      ...TENANT,
      ...shown,
      region,
      dataCenter: REGIONS[region].dataCenter,
      s3Url: REGIONS[region].s3Url,
      status: storage.cancelDate ? "CANCELLED" : Date.now() < busy.until ? busy.status : "READY",
      usedSpaceTB: 0,
      usedSpacePercentage: 0,
    };
  };
  const answer = (status: number, storage: ObjectStorage, path = "") =>
    ok(status, { data: [view(storage)], ...self(`${base}/${storage.objectStorageId}${path}`) });
  const live = (storageId: string) => {
    const storage = world.objectStorages.get(storageId);
    return storage && !storage.cancelDate ? storage : undefined;
  };

  return [
    {
      method: "GET",
      pattern: /^\/v1\/object-storages$/,
      handle: (request) => {
        const q = (name: string) => request.query.get(name);
        const found = [...world.objectStorages.values()].filter(
          (s) => (!q("region") || s.region === q("region")) && (!q("displayName") || s.displayName.includes(q("displayName")!)),
        );
        return page(request, base, found.map(view));
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/object-storages$/,
      handle: (request) => {
        const body = parseBody(
          request,
          z.object({
            region: z.enum(Object.keys(REGIONS) as [string, ...string[]]),
            totalPurchasedSpaceTB: z.number().positive(),
            autoScaling: autoScaling.optional(),
            displayName: displayName.optional(),
          }),
        );
        if (isAnswer(body)) return body;
        if ([...world.objectStorages.values()].some((s) => s.region === body.region && !s.cancelDate)) {
          return error(409, `There is already an object storage in region ${body.region}: resize it instead`);
        }
        const storage: ObjectStorage = {
          objectStorageId: randomUUID(),
          displayName: body.displayName ?? `Object Storage ${body.region}`,
          region: body.region,
          totalPurchasedSpaceTB: body.totalPurchasedSpaceTB,
          autoScaling: body.autoScaling ?? { state: "disabled", sizeLimitTB: 0 },
          s3TenantId: randomUUID().replaceAll("-", ""),
          createdDate: now(),
          cancelDate: "",
          busy: { status: "PROVISIONING", until: Date.now() + world.provisioningMs },
        };
        world.objectStorages.set(storage.objectStorageId, storage);
        return answer(201, storage);
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/object-storages\/([^/]+)$/,
      handle: (_request, storageId) => {
        const storage = world.objectStorages.get(storageId);
        return storage ? answer(200, storage) : notFound("ObjectStorage", storageId);
      },
    },
    {
      method: "PATCH",
      pattern: /^\/v1\/object-storages\/([^/]+)$/,
      handle: (request, storageId) => {
        const storage = live(storageId);
        if (!storage) return notFound("ObjectStorage", storageId);
        const body = parseBody(request, z.object({ displayName }));
        if (isAnswer(body)) return body;
        storage.displayName = body.displayName;
        const { objectStorageId, cancelDate } = storage;
        return ok(200, { data: [{ ...TENANT, objectStorageId, cancelDate, displayName: body.displayName }], ...self(`${base}/${storageId}`) });
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/object-storages\/([^/]+)\/resize$/,
      handle: (request, storageId) => {
        const storage = live(storageId);
        if (!storage) return notFound("ObjectStorage", storageId);
        const body = parseBody(
          request,
          z.object({ totalPurchasedSpaceTB: z.number().positive().optional(), autoScaling: autoScaling.partial().optional() }),
        );
        if (isAnswer(body)) return body;
        if (body.totalPurchasedSpaceTB !== undefined && body.totalPurchasedSpaceTB < storage.totalPurchasedSpaceTB) {
          return error(400, `totalPurchasedSpaceTB can only grow: it is ${storage.totalPurchasedSpaceTB}`);
        }
        storage.totalPurchasedSpaceTB = body.totalPurchasedSpaceTB ?? storage.totalPurchasedSpaceTB;
        storage.autoScaling = { ...storage.autoScaling, ...body.autoScaling };
        storage.busy = { status: "UPGRADING", until: Date.now() + world.provisioningMs / 2 };
        return answer(200, storage, "/resize");
      },
    },
    {
      method: "PATCH",
      pattern: /^\/v1\/object-storages\/([^/]+)\/cancel$/,
      handle: (request, storageId) => {
        const storage = world.objectStorages.get(storageId);
        if (!storage) return notFound("ObjectStorage", storageId);
        const body = parseBody(request, z.object({ cancelDate: z.string().optional() }));
        if (isAnswer(body)) return body;
        if (storage.cancelDate) return error(409, `Object storage ${storageId} is already cancelled as of ${storage.cancelDate}`);
        storage.cancelDate = body.cancelDate?.slice(0, 10) ?? world.cancelDateFrom(storage.createdDate, 1);
        const { objectStorageId, cancelDate } = storage;
        return ok(200, { data: [{ ...TENANT, objectStorageId, cancelDate, displayName: storage.displayName }], ...self(`${base}/${storageId}/cancel`) });
      },
    },
  ];
}
