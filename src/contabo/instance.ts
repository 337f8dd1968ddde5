/**
 * `contabo.Instance`: a VPS or VDS. Creating one places an order (`period` months); destroying it
 * cancels the contract, which ends at the cancel date. Only the display name changes in place;
 * the image, SSH keys, root password, user data and default user change by reinstalling, which
 * wipes the disk (the preview warns); product, region and period replace the instance. The
 * power state, when given, is kept with the start and stop actions.
 */
import { z } from "zod";
import type { RequestContext } from "../core/errors";
import { type OperationScope, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { report } from "../core/report";
import { createOnce, sendOnce } from "../core/reconcile";
import { onOwner } from "../core/coalesce";
import { PollBatch, readEach, timeoutMinutes, waitFor } from "../core/wait";
import { createdByKey, uncancelled } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { idPath, listedRead, numericId } from "./common";

const REGIONS = ["EU", "US-central", "US-east", "US-west", "SIN", "UK", "AUS", "JPN", "IND"] as const;
const POWER_STATES = ["running", "stopped"] as const;
const REINSTALL_FIELDS = ["imageId", "sshKeys", "rootPassword", "userData", "defaultUser"] as const;

/** The inputs of a `contabo.Instance`. */
export interface InstanceArgs {
  /**
   * The name the instance shows in Contabo's panel: 1 to 255 characters. Defaults to the resource
   * name. A change renames the instance in place.
   */
  displayName: string;
  /**
   * The Contabo product to order, as its product id (for example `V92`). A change replaces the
   * instance.
   * @default "V92"
   */
  productId?: string;
  /**
   * The region to order the instance in: `EU`, `US-central`, `US-east`, `US-west`, `SIN`, `UK`,
   * `AUS`, `JPN` or `IND`. A change replaces the instance.
   * @default "EU"
   */
  region?: "EU" | "US-central" | "US-east" | "US-west" | "SIN" | "UK" | "AUS" | "JPN" | "IND";
  /**
   * The contract period in months: 1, 3, 6 or 12. A change replaces the instance.
   * @default 1
   */
  period?: 1 | 3 | 6 | 12;
  /**
   * The id of the image to install, a standard one or a `contabo.Image`; the default is Ubuntu
   * 22.04. A change reinstalls the instance, which wipes its disk (the preview warns).
   * @default "afecbb85-e2fc-46f0-9684-b46b1faf00bb"
   */
  imageId?: string;
  /**
   * The ids of `contabo.Secret`s of type ssh whose keys may log in as `defaultUser`; duplicates
   * are dropped and the ids kept sorted. A change reinstalls the instance, which wipes its disk
   * (the preview warns).
   * @default []
   */
  sshKeys?: number[];
  /**
   * The id of a `contabo.Secret` of type password, the password of `defaultUser`. Left out, it is
   * not managed: removing it later changes nothing. A change reinstalls the instance, which wipes
   * its disk (the preview warns).
   */
  rootPassword?: number;
  /**
   * cloud-init user data, at most 65,536 characters; stored as a Pulumi secret, since it often
   * carries keys. Left out, it is not managed: removing it later changes nothing. A change
   * reinstalls the instance, which wipes its disk (the preview warns).
   */
  userData?: string;
  /**
   * The user created for logging in with administrative rights: `root`, `admin` or
   * `administrator` (Windows). A change reinstalls the instance, which wipes its disk (the
   * preview warns).
   * @default "admin"
   */
  defaultUser?: "root" | "admin" | "administrator";
  /**
   * Paid add-ons, ordered with the instance or added later in place (an upgrade). Contabo's API
   * cannot remove one: turning one off fails at preview (cancel it in the customer panel). A
   * `contabo.PrivateNetwork` needs `privateNetworking`.
   * @default {"privateNetworking":false,"backup":false}
   */
  addOns?: {
    /**
     * Private networking, which attaching the instance to a `contabo.PrivateNetwork` needs.
     * @default false
     */
    privateNetworking?: boolean;
    /**
     * Automatic backups of the instance.
     * @default false
     */
    backup?: boolean;
  };
  /**
   * The power state to keep: `running` or `stopped`. A change starts or stops the instance in
   * place. Left out, the power state is not managed.
   */
  powerState?: "running" | "stopped";
  /**
   * How long to wait, in minutes, for the instance to be running after an order or a reinstall
   * (and for a start or stop): more than 0 and at most 1440; fractions are allowed (0.5 is 30 s).
   * A change only affects later waits; nothing changes at Contabo.
   * @default 30
   */
  timeoutMinutes?: number;
}

const inputs = documented<InstanceArgs>()(z.object({
  displayName: z.string().min(1).max(255),
  productId: z.string().min(1).default("V92"),
  region: z.enum(REGIONS).default("EU"),
  period: z.union([z.literal(1), z.literal(3), z.literal(6), z.literal(12)]).default(1),
  imageId: z.string().min(1).default("afecbb85-e2fc-46f0-9684-b46b1faf00bb"),
  sshKeys: z.array(numericId).transform((ids) => [...new Set(ids)].sort((a, b) => a - b)).default([]),
  rootPassword: numericId.optional(),
  userData: z.string().max(65_536).optional(),
  defaultUser: z.enum(["root", "admin", "administrator"]).default("admin"),
  addOns: z
    .object({ privateNetworking: z.boolean().default(false), backup: z.boolean().default(false) })
    .strict()
    .default({ privateNetworking: false, backup: false }),
  powerState: z.enum(POWER_STATES).optional(),
  timeoutMinutes: timeoutMinutes(30),
}));

export const instanceItem = z.object({
  instanceId: z.number().int(),
  name: z.string(),
  displayName: z.string(),
  productId: z.string(),
  productName: z.string(),
  productType: z.string(),
  region: z.string(),
  regionName: z.string(),
  dataCenter: z.string(),
  imageId: z.string(),
  osType: z.string(),
  defaultUser: z.string().optional(),
  sshKeys: z.array(z.number().int()),
  cpuCores: z.number(),
  ramMb: z.number(),
  diskMb: z.number(),
  status: z.string(),
  errorMessage: z.string().optional(),
  createdDate: z.string(),
  cancelDate: z.string(),
  ipConfig: z.object({
    v4: z.object({ ip: z.string() }).loose(),
    v6: z.object({ ip: z.union([z.string(), z.number()]) }).loose(),
  }),
});
type InstanceItem = z.infer<typeof instanceItem>;
type Inputs = z.output<typeof inputs>;

/** The outputs of a `contabo.Instance`. */
export type InstanceOutputs = Required<Omit<InstanceArgs, "rootPassword" | "userData" | "powerState" | "addOns">> &
  Pick<InstanceArgs, "rootPassword" | "userData" | "powerState"> & {
    /** The add-ons ordered; the API does not list them by name, so they are kept from the inputs. */
    addOns: Required<NonNullable<InstanceArgs["addOns"]>>;
    /** The instance's id at Contabo; `id` is the same number as a string. */
    instanceId: number;
    /** The instance's name, which Contabo chooses (for example `vmd12345`). */
    name: string;
    /** The instance's status at Contabo, for example `provisioning`, `installing`, `running` or `stopped`. */
    status: string;
    /** The instance's public IPv4 address. */
    ipv4: string;
    /** The instance's public IPv6 address. */
    ipv6: string;
    /** The product's name, for example `VPS M`. */
    productName: string;
    /** The product's category, for example `ssd`. */
    productType: string;
    /** The region's name, for example `European Union`. */
    regionName: string;
    /** The data center the instance runs in. */
    dataCenter: string;
    /** The installed operating system's type, for example `Linux`. */
    osType: string;
    /** The number of CPU cores. */
    cpuCores: number;
    /** The memory, in MB. */
    ramMb: number;
    /** The disk size, in MB. */
    diskMb: number;
    /** When the instance was created, as an ISO 8601 timestamp. */
    createdDate: string;
    /** The date the cancelled contract ends, as `YYYY-MM-DD`; empty while it is not cancelled. */
    cancelDate: string;
  };

/** Outputs from the API's view, keeping what the API does not return (period, password, user data). */
function outputsOf(item: InstanceItem, known: Partial<InstanceOutputs>): InstanceOutputs {
  return {
    displayName: item.displayName,
    productId: item.productId,
    region: item.region as Inputs["region"],
    period: known.period ?? 1,
    imageId: item.imageId,
    sshKeys: [...item.sshKeys].sort((a, b) => a - b),
    rootPassword: known.rootPassword,
    userData: known.userData,
    defaultUser: (item.defaultUser ?? known.defaultUser ?? "admin") as Inputs["defaultUser"],
    powerState: POWER_STATES.find((state) => state === item.status) ?? known.powerState,
    // The API lists add-ons by product ids only: the outputs keep what was ordered.
    addOns: known.addOns ?? { privateNetworking: false, backup: false },
    timeoutMinutes: known.timeoutMinutes ?? 30,
    instanceId: item.instanceId,
    name: item.name,
    status: item.status,
    ipv4: item.ipConfig.v4.ip,
    ipv6: String(item.ipConfig.v6.ip),
    productName: item.productName,
    productType: item.productType,
    regionName: item.regionName,
    dataCenter: item.dataCenter,
    osType: item.osType,
    cpuCores: item.cpuCores,
    ramMb: item.ramMb,
    diskMb: item.diskMb,
    createdDate: item.createdDate,
    cancelDate: item.cancelDate,
  };
}

const instances = "/v1/compute/instances";

function getInstance(client: ContaboClient, context: RequestContext, id: string | number) {
  return client.one(context, "GET", idPath(instances, id), { item: instanceItem });
}

/** The instances of these ids, from one list call filtered by them. */
function listInstances(client: ContaboClient, context: RequestContext, ids: (string | number)[]) {
  return client.list(context, instances, { query: { instanceIds: ids.join(",") }, item: instanceItem });
}

/** Statuses an instance does not leave by itself: waiting for them is pointless. */
const STUCK_STATUSES: Record<string, (message?: string) => string> = {
  error: (message) => `instance is in status error: ${message ?? "no message"}`,
  product_not_available: () => "the product is not available in this region (status product_not_available)",
  verification_required: () => "Contabo asks to verify the account first (status verification_required): see the customer panel",
  pending_payment: () => "the order waits for a payment (status pending_payment): see the customer panel",
};

/** The instances, by id: one alone read directly, several from one list filtered by their ids. */
async function instancesById(client: ContaboClient, ids: string[]): Promise<Map<string, InstanceItem | Error>> {
  const context: RequestContext = { cloud: "contabo", operation: "read instance status", resource: `instance ${ids.join(", ")}` };
  const found = ids.length > 1 ? await listInstances(client, context, ids) : [];
  const listed = new Map(found.filter((item) => ids.includes(String(item.instanceId))).map((item) => [String(item.instanceId), item]));
  // Not listed (a cancelled one may be left out): read on its own.
  const unlisted = await readEach(ids.filter((id) => !listed.has(id)), (id) => getInstance(client, context, id));
  return new Map([...listed, ...unlisted]);
}

/**
 * Waits until the instance reaches a status; `error` fails at once with the API's own message.
 * Concurrent waits share their polls; `after` (what was done) names the kind whose durations are learned.
 */
function waitForStatus(
  client: ContaboClient,
  scope: OperationScope,
  id: string | number,
  status: (typeof POWER_STATES)[number],
  timeoutMinutes: number,
  after: "order" | "start" | "stop" | "reinstall",
) {
  return waitFor({
    context: scope.context(`wait for instance to be ${status}`),
    waitingFor: `status ${status}`,
    batch: { polls: onOwner(client, "instance polls", () => new PollBatch((ids) => instancesById(client, ids))), key: String(id) },
    kind: `contabo: instance ${after}`,
    isDone: (item) => item.status === status,
    failure: (item) => STUCK_STATUSES[item.status]?.(item.errorMessage),
    describe: (item) => item.status,
    timeoutMs: timeoutMinutes * 60_000,
    howToRaise: "the instance's timeoutMinutes input",
    pacing: { maxIntervalMs: 10_000 },
  });
}

type AddOns = Inputs["addOns"];

/** The add-ons to order, each as the empty object the API asks for; undefined when there are none. */
function addOnsRequest(wanted: AddOns, had: AddOns): Record<string, object> | undefined {
  const added = (Object.keys(wanted) as (keyof AddOns)[]).filter((name) => wanted[name] && !had[name]);
  return added.length > 0 ? Object.fromEntries(added.map((name) => [name, {}])) : undefined;
}

/** Starts or stops the instance and waits until it is in that state. */
async function setPowerState(
  client: ContaboClient,
  scope: OperationScope,
  id: string | number,
  state: (typeof POWER_STATES)[number],
  timeoutMinutes: number,
) {
  const action = state === "running" ? "start" : "stop";
  await client.request(scope.context(`${action} instance`), "POST", `${idPath(instances, id)}/actions/${action}`, {
    item: z.object({ action: z.string() }).loose(),
    // Starting a running instance or stopping a stopped one changes nothing: safe to repeat.
    idempotent: true,
  });
  return waitForStatus(client, scope, id, state, timeoutMinutes, action);
}

/** The instance this create (or an earlier run's, which died) already ordered, unless cancelled since. */
function findOrdered(client: ContaboClient, scope: OperationScope) {
  return createdByKey(client, scope, {
    what: "instance",
    audits: `${instances}/audits`,
    idField: "instanceId",
    readLive: uncancelled((id) => getInstance(client, scope.context("read ordered instance"), id)),
  });
}

const InstanceResource = defineResource({
  cloud: contabo,
  kind: "Instance",
  inputs,
  idOutputs: { instanceId: Number },
  outputNames: [
    "displayName", "productId", "region", "period", "imageId", "sshKeys", "rootPassword", "userData", "defaultUser",
    "addOns", "powerState", "timeoutMinutes", "instanceId", "name", "status", "ipv4", "ipv6", "productName", "productType", "regionName",
    "dataCenter", "osType", "cpuCores", "ramMb", "diskMb", "createdDate", "cancelDate",
  ],
  autoName: "displayName",
  replaceOnChange: ["productId", "region", "period"],
  secretInputs: ["userData"],
  describe: (values, id) => `instance ${values.displayName ? `"${values.displayName}"` : id}`,
  validate(news, olds) {
    const removed = (Object.keys(news.addOns) as (keyof AddOns)[]).filter((name) => olds.addOns?.[name] && !news.addOns[name]);
    return removed.map((name) => ({
      property: `addOns.${name}`,
      reason: "Contabo's API cannot remove an add-on: cancel it in the customer panel (the program may keep it set)",
    }));
  },

  changeWarning: (changed) => {
    const reinstall = changed.filter((key) => (REINSTALL_FIELDS as readonly string[]).includes(key));
    return reinstall.length > 0 ? `changing ${reinstall.join(", ")} reinstalls the instance: its disk is wiped` : undefined;
  },

  async create(client, wanted, scope) {
    const { timeoutMinutes, powerState, addOns, ...order } = wanted;
    // A paid order: never placed twice, even when the process that placed it died.
    const ordered = await createOnce({
      what: `order instance "${wanted.displayName}"`,
      send: async () => {
        const [created] = await client.request(scope.context("order instance"), "POST", instances, {
          body: { ...order, addOns: addOnsRequest(addOns, { privateNetworking: false, backup: false }) },
          item: z.object({ instanceId: z.number().int() }).loose(),
          requestId: scope.createKey,
        });
        return created;
      },
      find: () => findOrdered(client, scope),
    });
    const id = ordered.instanceId;
    // From here on the instance exists: a failed read or wait must not lose it from the state.
    scope.created(String(id), { ...wanted, instanceId: id });
    scope.created(String(id), outputsOf(await getInstance(client, scope.context("read instance"), id), wanted));
    let ready = await waitForStatus(client, scope, id, "running", timeoutMinutes, "order");
    if (powerState === "stopped") ready = await setPowerState(client, scope, id, "stopped", timeoutMinutes);
    return { id: String(id), outputs: outputsOf(ready, wanted) };
  },

  // Reads that come together (a refresh) share the pages of the instance list, as tags do.
  async read(client, id, olds, scope) {
    const item = await listedRead(client, instances, { item: instanceItem, idOf: (instance) => instance.instanceId, getOne: (one) => getInstance(client, scope.context("read instance"), one) })(id);
    return item && outputsOf(item, olds);
  },

  async update(client, id, wanted, olds, changed, scope) {
    if (changed.includes("displayName")) {
      await client.call(scope.context("rename instance"), "PATCH", idPath(instances, id), { displayName: wanted.displayName });
    }
    if (changed.includes("addOns")) {
      await client.call(scope.context("upgrade instance"), "POST", `${idPath(instances, id)}/upgrade`, addOnsRequest(wanted.addOns, olds.addOns));
    }
    const reinstall = changed.some((key) => (REINSTALL_FIELDS as readonly string[]).includes(key));
    if (reinstall) {
      const { imageId, sshKeys, rootPassword, userData, defaultUser } = wanted;
      report("info", `reinstalling instance "${wanted.displayName}" (${id}): its disk is wiped`, "contabo");
      // Sent once: a second reinstall would wipe the disk again. After a lost answer, an instance
      // installing shows the first one was taken.
      await sendOnce<unknown>({
        what: `reinstall instance ${id}`,
        send: () =>
          client.call(scope.context("reinstall instance"), "PUT", idPath(instances, id), { imageId, sshKeys, rootPassword, userData, defaultUser }, { idempotent: false }),
        find: async () => ((await getInstance(client, scope.context("read instance"), id)).status === "installing" ? true : undefined),
      });
      await waitForStatus(client, scope, id, "running", wanted.timeoutMinutes, "reinstall");
    }
    // A reinstalled instance runs.
    const powerState = reinstall ? "running" : olds.powerState;
    if (wanted.powerState && wanted.powerState !== powerState) {
      await setPowerState(client, scope, id, wanted.powerState, wanted.timeoutMinutes);
    }
    return outputsOf(await getInstance(client, scope.context("read instance"), id), { ...olds, ...wanted });
  },

  async delete(client, id, olds, scope) {
    // Cancelled already (outside Pulumi, as a refresh shows): the contract ends anyway.
    if (olds.cancelDate) return;
    const context = scope.context("cancel instance");
    const cancelled = await sendOnce({
      what: `cancel instance ${id}`,
      send: async () => {
        const [answer] = await client.request(context, "POST", `${idPath(instances, id)}/cancel`, {
          // No cancelDate: the contract ends with its current period.
          body: {},
          item: z.object({ cancelDate: z.string() }).loose(),
        });
        return answer.cancelDate;
      },
      find: async () => (await getInstance(client, scope.context("read instance"), id)).cancelDate || undefined,
    });
    report("info", `cancelled the contract of instance ${id}; it ends on ${cancelled}`, "contabo");
  },
});

export interface Instance extends ResourceOutputs<InstanceOutputs> {}
export class Instance extends InstanceResource {}
