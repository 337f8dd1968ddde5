/**
 * `contabo.ObjectStorage`: S3-compatible storage, one per region. The purchased space only grows
 * (a shrink fails at preview); destroying cancels the contract, which ends at the cancel date.
 */
import { z } from "zod";
import type { RequestContext } from "../core/errors";
import { type OperationScope, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { report } from "../core/report";
import { createOnce, sendOnce } from "../core/reconcile";
import { timeoutMinutes, waitFor } from "../core/wait";
import { createdByKey, uncancelled } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { idPath, listedRead } from "./common";

/** The inputs of a `contabo.ObjectStorage`. */
export interface ObjectStorageArgs {
  /**
   * The name the storage shows in Contabo's panel: 1 to 255 characters. Defaults to the resource
   * name. A change renames the storage in place.
   */
  displayName: string;
  /**
   * The region to order the storage in: `EU`, `US-central` or `SIN`; an account has one storage
   * per region. A change replaces the storage: the old one is cancelled before the new one is
   * ordered.
   * @default "EU"
   */
  region?: "EU" | "US-central" | "SIN";
  /**
   * The purchased space, in TB: more than 0 and at most 1000. It can only grow: a change to more
   * resizes the storage in place, a change to less fails at preview.
   */
  totalPurchasedSpaceTB: number;
  /**
   * Whether the space grows by itself when it runs full, and up to which size. A change resizes
   * the storage in place.
   * @default {"state":"disabled","sizeLimitTB":0}
   */
  autoScaling?: {
    /** `enabled` or `disabled`. */
    state: "enabled" | "disabled";
    /** The size auto-scaling may grow the storage to, in TB: 0 to 1000. */
    sizeLimitTB: number;
  };
  /**
   * How long to wait, in minutes, for the storage to be `READY` after an order or a resize: more
   * than 0 and at most 1440; fractions are allowed (0.5 is 30 s). A change only affects later
   * waits; nothing changes at Contabo.
   * @default 30
   */
  timeoutMinutes?: number;
}

const inputs = documented<ObjectStorageArgs>()(z.object({
  displayName: z.string().min(1).max(255),
  region: z.enum(["EU", "US-central", "SIN"]).default("EU"),
  totalPurchasedSpaceTB: z.number().positive().max(1000),
  autoScaling: z
    .object({ state: z.enum(["enabled", "disabled"]), sizeLimitTB: z.number().min(0).max(1000) })
    .strict()
    .default({ state: "disabled", sizeLimitTB: 0 }),
  timeoutMinutes: timeoutMinutes(30),
}));

const storageItem = z.object({
  objectStorageId: z.string(),
  displayName: z.string(),
  region: z.string(),
  dataCenter: z.string(),
  totalPurchasedSpaceTB: z.number(),
  autoScaling: z.object({ state: z.string(), sizeLimitTB: z.number() }).loose(),
  s3Url: z.string(),
  s3TenantId: z.string(),
  status: z.string(),
  createdDate: z.string(),
  cancelDate: z.string(),
});
type StorageItem = z.infer<typeof storageItem>;
type Inputs = z.output<typeof inputs>;

/** The outputs of a `contabo.ObjectStorage`. */
export type ObjectStorageOutputs = Required<ObjectStorageArgs> & {
  /** The storage's id at Contabo; `id` is the same string. */
  objectStorageId: string;
  /** The data center the storage is in. */
  dataCenter: string;
  /** The S3 endpoint to connect to, for example `eu1-s3.contabo.com`. */
  s3Url: string;
  /** The S3 tenant id, needed for public sharing. */
  s3TenantId: string;
  /** The storage's status at Contabo, for example `PROVISIONING`, `UPGRADING` or `READY`. */
  status: string;
  /** When the storage was created, as an ISO 8601 timestamp. */
  createdDate: string;
  /** The date the cancelled contract ends; empty while it is not cancelled. */
  cancelDate: string;
};

const storages = "/v1/object-storages";

function outputsOf(item: StorageItem, known: Partial<Inputs>): ObjectStorageOutputs {
  return {
    displayName: item.displayName,
    region: item.region as Inputs["region"],
    totalPurchasedSpaceTB: item.totalPurchasedSpaceTB,
    autoScaling: { state: item.autoScaling.state as "enabled" | "disabled", sizeLimitTB: item.autoScaling.sizeLimitTB },
    timeoutMinutes: known.timeoutMinutes ?? 30,
    objectStorageId: item.objectStorageId,
    dataCenter: item.dataCenter,
    s3Url: item.s3Url,
    s3TenantId: item.s3TenantId,
    status: item.status,
    createdDate: item.createdDate,
    cancelDate: item.cancelDate,
  };
}

function getStorage(client: ContaboClient, context: RequestContext, id: string) {
  return client.one(context, "GET", idPath(storages, id), { item: storageItem });
}

function waitUntilReady(client: ContaboClient, scope: OperationScope, id: string, timeoutMinutes: number) {
  return waitFor({
    context: scope.context("wait for object storage to be ready"),
    waitingFor: "status READY",
    poll: () => getStorage(client, scope.context("read object storage status"), id),
    isDone: (item) => item.status === "READY",
    failure: (item) => (["ERROR", "LIMIT_EXCEEDED", "PRODUCT_NOT_AVAILABLE"].includes(item.status) ? `status ${item.status}` : undefined),
    describe: (item) => item.status,
    timeoutMs: timeoutMinutes * 60_000,
    howToRaise: "the object storage's timeoutMinutes input",
    pacing: { maxIntervalMs: 10_000 },
  });
}

const ObjectStorageResource = defineResource({
  cloud: contabo,
  kind: "ObjectStorage",
  inputs,
  idOutputs: { objectStorageId: String },
  outputNames: [
    "displayName", "region", "totalPurchasedSpaceTB", "autoScaling", "timeoutMinutes", "objectStorageId", "dataCenter",
    "s3Url", "s3TenantId", "status", "createdDate", "cancelDate",
  ],
  replaceOnChange: ["region"],
  // One storage per region: the old one must be cancelled before its replacement is ordered.
  deleteBeforeReplace: true,
  autoName: "displayName",
  describe: (values, id) => `object storage ${values.displayName ? `"${values.displayName}"` : id}`,

  validate(news, olds) {
    if (olds.totalPurchasedSpaceTB !== undefined && news.totalPurchasedSpaceTB < olds.totalPurchasedSpaceTB) {
      return [{ property: "totalPurchasedSpaceTB", reason: `can only grow: it is ${olds.totalPurchasedSpaceTB} TB` }];
    }
    return [];
  },

  async create(client, wanted, scope) {
    const { timeoutMinutes, ...order } = wanted;
    const ordered = await createOnce({
      what: `order object storage "${wanted.displayName}"`,
      send: () =>
        client.one(scope.context("order object storage"), "POST", storages, { body: order, item: storageItem, requestId: scope.createKey }),
      find: () =>
        createdByKey(client, scope, {
          what: "object storage",
          audits: `${storages}/audits`,
          idField: "objectStorageId",
          readLive: uncancelled((id) => getStorage(client, scope.context("read ordered object storage"), id)),
        }),
    });
    const id = ordered.objectStorageId;
    scope.created(id, outputsOf(ordered, wanted));
    return { id, outputs: outputsOf(await waitUntilReady(client, scope, id, timeoutMinutes), wanted) };
  },

  async read(client, id, olds, scope) {
    const found = await listedRead(client, storages, { item: storageItem, idOf: (storage) => storage.objectStorageId, getOne: (one) => getStorage(client, scope.context("read object storage"), one) })(id);
    return found && outputsOf(found, olds);
  },

  async update(client, id, wanted, _olds, changed, scope) {
    if (changed.includes("displayName")) {
      await client.call(scope.context("rename object storage"), "PATCH", idPath(storages, id), { displayName: wanted.displayName });
    }
    if (changed.includes("totalPurchasedSpaceTB") || changed.includes("autoScaling")) {
      // Asking for the same size and scaling twice changes nothing: safe to repeat.
      await client.call(scope.context("resize object storage"), "POST", `${idPath(storages, id)}/resize`, {
        totalPurchasedSpaceTB: wanted.totalPurchasedSpaceTB,
        autoScaling: wanted.autoScaling,
      });
      return outputsOf(await waitUntilReady(client, scope, id, wanted.timeoutMinutes), wanted);
    }
    return outputsOf(await getStorage(client, scope.context("read object storage"), id), wanted);
  },

  async delete(client, id, olds, scope) {
    if (olds.cancelDate) return;
    const cancelDate = await sendOnce({
      what: `cancel object storage ${id}`,
      send: async () => {
        const [answer] = await client.request(scope.context("cancel object storage"), "PATCH", `${idPath(storages, id)}/cancel`, {
          body: {},
          item: z.object({ cancelDate: z.string() }).loose(),
          // A second cancel is refused: after a lost answer, look before sending again.
          idempotent: false,
        });
        return answer.cancelDate;
      },
      find: async () => (await getStorage(client, scope.context("read object storage"), id)).cancelDate || undefined,
    });
    report("info", `cancelled the contract of object storage ${id}; it ends on ${cancelDate}`, "contabo");
  },
});

export interface ObjectStorage extends ResourceOutputs<ObjectStorageOutputs> {}
export class ObjectStorage extends ObjectStorageResource {}
