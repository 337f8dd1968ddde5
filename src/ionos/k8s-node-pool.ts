/**
 * `ionos.K8sNodePool`: the worker nodes of an `ionos.K8sCluster`, servers in one of the
 * contract's data centers. Like the cluster, its writes answer without a request to follow: each
 * waits on the pool's own state (ACTIVE, or gone), and a create whose answer was lost finds the
 * pool by its name, unique in its cluster.
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { type IonosClient, ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";
import { type MaintenanceWindow, downgrade, k8sName, k8sVersion, maintenanceWindow } from "./k8s-cluster";

/** A LAN of the node pool's data center that the nodes are attached to besides the public one. */
export interface K8sNodePoolLan {
  /** The LAN's number in the data center (`ionos.Lan`'s `lanId`), ≥ 1. */
  id: number;
  /** Whether the nodes get their address on this LAN by DHCP. Left out, IONOS's default (true). */
  dhcp?: boolean;
  /** Extra routes through this LAN: `{ network, gatewayIp }`, a CIDR block and the gateway's address. */
  routes?: { /** The network routed, a CIDR block. */ network: string; /** The gateway's IP address. */ gatewayIp: string }[];
}

/** The inputs of an `ionos.K8sNodePool`. */
export interface K8sNodePoolArgs {
  /** The id of the cluster (`ionos.K8sCluster`'s `clusterId`); it must be ACTIVE. A change replaces the pool. */
  clusterId: string;
  /** The id of the data center the nodes run in (`ionos.Datacenter`'s `datacenterId`). A change replaces the pool. */
  datacenterId: string;
  /**
   * The pool's name, unique in its cluster: at most 63 characters, beginning and ending with a
   * letter or digit, with dashes, underscores, dots, letters and digits between. Defaults to the
   * resource name, a dash and 8 hexadecimal digits of the create key (e.g. `workers-1a2b3c4d`),
   * new for a replacement: that name is how a run after a crash finds the pool it ordered. A
   * change renames the pool in place.
   */
  name: string;
  /**
   * How many nodes the pool has, ≥ 1; with `autoScaling`, the starting count, within its bounds
   * (checked at preview), and a count the autoscaler changed within the bounds is not a change.
   * A change scales the pool in place.
   */
  nodeCount: number;
  /** The nodes' CPU family, one of the data center's `cpuFamilies` (e.g. `INTEL_SKYLAKE`). A change replaces the pool. */
  cpuFamily: string;
  /** The cores of each node, ≥ 1. A change replaces the pool. */
  coresCount: number;
  /** The RAM of each node in MB: at least 2048 and a multiple of 1024 (4096 is 4 GB). A change replaces the pool. */
  ramSize: number;
  /**
   * The type of each node's disk: `HDD` or `SSD`. A change replaces the pool.
   * @default "HDD"
   */
  storageType?: "HDD" | "SSD";
  /** The size of each node's disk in GB, ≥ 10. A change replaces the pool. */
  storageSize: number;
  /**
   * The availability zone of the nodes: `AUTO`, `ZONE_1` or `ZONE_2`. A change replaces the pool.
   * @default "AUTO"
   */
  availabilityZone?: "AUTO" | "ZONE_1" | "ZONE_2";
  /**
   * The nodes' Kubernetes version, `x.y.z`: one of the cluster's `viableNodePoolVersions`. Left
   * out, the cluster's version is taken at creation and the version is not managed. A change
   * upgrades the nodes in place; a downgrade is refused at preview.
   */
  k8sVersion?: string;
  /**
   * Autoscaling between `minNodeCount` (≥ 1) and `maxNodeCount` (≥ `minNodeCount`) nodes. Left
   * out, the pool has no autoscaling (taking it out turns autoscaling off). A change applies in place.
   */
  autoScaling?: { /** The fewest nodes, ≥ 1. */ minNodeCount: number; /** The most nodes, ≥ `minNodeCount`. */ maxNodeCount: number };
  /**
   * Private LANs of the data center the nodes are attached to. A change applies in place.
   * @default []
   */
  lans?: K8sNodePoolLan[];
  /**
   * Kubernetes labels of the nodes (name to value). A change applies in place.
   * @default {}
   */
  labels?: Record<string, string>;
  /**
   * Kubernetes annotations of the nodes (name to value). A change applies in place.
   * @default {}
   */
  annotations?: Record<string, string>;
  /**
   * When IONOS may maintain the pool (`{ dayOfTheWeek, time }`). Left out, IONOS picks one and it
   * is not managed. A change applies in place.
   */
  maintenanceWindow?: MaintenanceWindow;
  /**
   * Reserved public IPv4 addresses (from `ionos.IpBlock`s in the data center's location) for the
   * nodes: exactly one more than the most nodes the pool can have (`nodeCount` + 1, or
   * `maxNodeCount` + 1 with autoscaling; checked at preview), the extra one for rebuilds; empty,
   * IONOS assigns addresses. A change applies in place.
   * @default []
   */
  publicIps?: string[];
  /**
   * How long, in minutes, each wait for the pool to be ACTIVE (after its create or an update) or
   * gone (after its delete) may take: more than 0 and at most 1440 (24 hours); fractions are
   * allowed (0.5 is 30 seconds). It only bounds this provider's waits: a change applies in place
   * without an API call.
   * @default 60
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.K8sNodePool`. */
export type K8sNodePoolOutputs = Omit<Required<K8sNodePoolArgs>, "autoScaling"> &
  Pick<K8sNodePoolArgs, "autoScaling"> & {
    /** The pool's id at IONOS (a UUID); `id` is `<clusterId>/<nodePoolId>`. */
    nodePoolId: string;
    /** The pool's state when last read: `ACTIVE` once it is ready (`DEPLOYING`, `UPDATING` meanwhile). */
    state: string;
    /** The versions the pool can be upgraded to. */
    availableUpgradeVersions: string[];
    /** The public IPv4 address of each node, as `GET .../nodepools/{id}/nodes` lists them. */
    nodePublicIps: string[];
    /** The private IP address of each node, in the same order. */
    nodePrivateIps: string[];
  };

const cidr = z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, "must be a CIDR block such as 10.0.0.0/24");
const lan = z.object({
  id: z.number().int().min(1),
  dhcp: z.boolean().optional(),
  routes: z.array(z.object({ network: cidr, gatewayIp: z.union([z.ipv4(), z.ipv6()]) })).optional(),
});

const inputs = documented<K8sNodePoolArgs>()(z.object({
  clusterId: z.string().min(1),
  datacenterId: z.string().min(1),
  name: k8sName,
  nodeCount: z.number().int().min(1),
  cpuFamily: z.string().min(1),
  coresCount: z.number().int().min(1),
  ramSize: z.number().int().min(2048).multipleOf(1024, "must be a multiple of 1024 MB"),
  storageType: z.enum(["HDD", "SSD"]).default("HDD"),
  storageSize: z.number().int().min(10),
  availabilityZone: z.enum(["AUTO", "ZONE_1", "ZONE_2"]).default("AUTO"),
  k8sVersion: k8sVersion.optional(),
  autoScaling: z.object({ minNodeCount: z.number().int().min(1), maxNodeCount: z.number().int().min(1) }).optional(),
  lans: z.array(lan).default([]),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
  maintenanceWindow: maintenanceWindow.optional(),
  publicIps: z.array(z.ipv4()).default([]),
  timeoutMinutes: timeoutMinutes(60),
}));

const poolItem = resource({
  name: z.string(),
  datacenterId: z.string(),
  nodeCount: z.number().int(),
  cpuFamily: z.string(),
  coresCount: z.number().int(),
  ramSize: z.number().int(),
  storageType: z.enum(["HDD", "SSD"]),
  storageSize: z.number().int(),
  availabilityZone: z.enum(["AUTO", "ZONE_1", "ZONE_2"]),
  k8sVersion: z.string(),
  autoScaling: z.object({ minNodeCount: z.number().int(), maxNodeCount: z.number().int() }).loose().nullish(),
  lans: z.array(lan.loose()).nullish(),
  labels: z.record(z.string(), z.string()).nullish(),
  annotations: z.record(z.string(), z.string()).nullish(),
  maintenanceWindow: z.object({ dayOfTheWeek: maintenanceWindow.shape.dayOfTheWeek, time: z.string() }).loose().nullish(),
  publicIps: z.array(z.string()).nullish(),
  availableUpgradeVersions: z.array(z.string()).nullish(),
});
type PoolItem = z.infer<typeof poolItem>;

const nodeItem = z.object({
  id: z.string(),
  properties: z.object({ name: z.string(), publicIP: z.string().optional(), privateIP: z.string().optional() }).loose(),
});

/** Whether an autoscaler may have set this count: autoscaling on, and the count within its bounds. */
const scaledWithin = (scaling: K8sNodePoolArgs["autoScaling"] | null | undefined, count: number) =>
  scaling != null && count >= scaling.minNodeCount && count <= scaling.maxNodeCount;

function outputsOf(pool: PoolItem, known: Partial<K8sNodePoolOutputs>, ids: Record<string, string>): K8sNodePoolOutputs {
  const p = pool.properties;
  const scaling = p.autoScaling ? { minNodeCount: p.autoScaling.minNodeCount, maxNodeCount: p.autoScaling.maxNodeCount } : undefined;
  return {
    clusterId: ids.clusterId,
    datacenterId: p.datacenterId,
    name: p.name,
    // The autoscaler's count is not drift: the count asked for stays while the pool is within its bounds.
    nodeCount: known.nodeCount !== undefined && scaledWithin(scaling, p.nodeCount) && scaledWithin(scaling, known.nodeCount) ? known.nodeCount : p.nodeCount,
    cpuFamily: p.cpuFamily,
    coresCount: p.coresCount,
    ramSize: p.ramSize,
    storageType: p.storageType,
    storageSize: p.storageSize,
    availabilityZone: p.availabilityZone,
    k8sVersion: p.k8sVersion,
    autoScaling: scaling,
    lans: (p.lans ?? []).map(({ id, dhcp, routes }) => ({ id, dhcp, routes: routes?.map(({ network, gatewayIp }) => ({ network, gatewayIp })) })),
    labels: p.labels ?? {},
    annotations: p.annotations ?? {},
    maintenanceWindow: p.maintenanceWindow
      ? { dayOfTheWeek: p.maintenanceWindow.dayOfTheWeek, time: p.maintenanceWindow.time }
      : (known.maintenanceWindow as MaintenanceWindow),
    publicIps: p.publicIps ?? [],
    timeoutMinutes: known.timeoutMinutes ?? 60,
    nodePoolId: pool.id,
    state: pool.metadata?.state ?? "unknown",
    availableUpgradeVersions: p.availableUpgradeVersions ?? [],
    nodePublicIps: known.nodePublicIps ?? [],
    nodePrivateIps: known.nodePrivateIps ?? [],
  };
}

const pools = new IonosKind({
  noun: "Kubernetes node pool",
  item: poolItem,
  idParts: ["clusterId", "nodePoolId"],
  collection: (clusterId) => apiPath("k8s", clusterId, "nodepools"),
  defaultMinutes: 60,
  readyStates: ["ACTIVE"],
  uniqueName: (pool) => pool.properties.name,
  outputsOf,
});

/** The outputs with the nodes' addresses (`GET /k8s/{id}/nodepools/{id}/nodes`). */
async function withNodes(client: IonosClient, id: string, outputs: K8sNodePoolOutputs): Promise<K8sNodePoolOutputs> {
  const context = { cloud: "ionos" as const, operation: "list the nodes of Kubernetes node pool", resource: `Kubernetes node pool "${outputs.name}"` };
  const nodes = await client.list(context, `${pools.path(id)}/nodes`, nodeItem);
  return {
    ...outputs,
    nodePublicIps: nodes.flatMap((node) => node.properties.publicIP ?? []),
    nodePrivateIps: nodes.flatMap((node) => node.properties.privateIP ?? []),
  };
}

const K8sNodePoolResource = defineResource({
  cloud: ionos,
  kind: "K8sNodePool",
  inputs,
  idOutputs: { nodePoolId: idPart(1) },
  outputNames: [
    "clusterId", "datacenterId", "name", "nodeCount", "cpuFamily", "coresCount", "ramSize", "storageType", "storageSize",
    "availabilityZone", "k8sVersion", "autoScaling", "lans", "labels", "annotations", "maintenanceWindow", "publicIps",
    "timeoutMinutes", "nodePoolId", "state", "availableUpgradeVersions", "nodePublicIps", "nodePrivateIps",
  ],
  autoName: "name",
  keyedAutoName: true,
  replaceOnChange: ["clusterId", "datacenterId", "cpuFamily", "coresCount", "ramSize", "storageType", "storageSize", "availabilityZone"],
  // Pool names are unique in a cluster: a replacement keeping its name and cluster waits for the old one to go.
  deleteBeforeReplace: (olds, news) => olds.name === news.name && olds.clusterId === news.clusterId,
  clearable: ["autoScaling"],
  describe: (values, id) => `Kubernetes node pool ${values.name ? `"${values.name}"` : id}`,

  validate(news, olds) {
    const failures = downgrade(news, olds, "a node pool");
    const scaling = news.autoScaling;
    if (scaling) {
      if (scaling.maxNodeCount < scaling.minNodeCount) failures.push({ property: "autoScaling.maxNodeCount", reason: "must be at least minNodeCount" });
      else if (!scaledWithin(scaling, news.nodeCount)) {
        failures.push({ property: "nodeCount", reason: `must be within autoScaling's bounds (${scaling.minNodeCount} to ${scaling.maxNodeCount})` });
      }
    }
    const most = scaling ? scaling.maxNodeCount : news.nodeCount;
    if (news.publicIps.length > 0 && news.publicIps.length !== most + 1) {
      failures.push({ property: "publicIps", reason: `must hold exactly ${most + 1} addresses (one more than the most nodes the pool can have), got ${news.publicIps.length}` });
    }
    return failures;
  },

  async create(client, wanted, scope) {
    const { clusterId, timeoutMinutes: _timeout, ...properties } = wanted;
    const created = await pools.create(client, scope, { parentIds: [clusterId], name: wanted.name, body: { properties }, known: wanted });
    return { id: created.id, outputs: await withNodes(client, created.id, created.outputs) };
  },

  async read(client, id, olds) {
    const found = await pools.read(client, id, olds);
    return found && withNodes(client, id, found);
  },

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      // The count the autoscaler reached stays, unless the program asks for another one.
      const current = await client.get(scope.context("read Kubernetes node pool"), pools.path(id), poolItem);
      const keepScaled = !changed.includes("nodeCount") && scaledWithin(wanted.autoScaling, current.properties.nodeCount);
      const body = {
        properties: {
          name: wanted.name,
          nodeCount: keepScaled ? current.properties.nodeCount : wanted.nodeCount,
          k8sVersion: wanted.k8sVersion ?? current.properties.k8sVersion,
          maintenanceWindow: wanted.maintenanceWindow ?? olds.maintenanceWindow,
          autoScaling: wanted.autoScaling,
          lans: wanted.lans,
          labels: wanted.labels,
          annotations: wanted.annotations,
          publicIps: wanted.publicIps,
        },
      };
      await pools.change(client, scope, id, { operation: "update", method: "PUT", body, minutes: wanted.timeoutMinutes });
    }
    return withNodes(client, id, await pools.outputs(client, scope, id, { ...olds, ...wanted }));
  },

  delete: pools.delete,
});

export interface K8sNodePool extends ResourceOutputs<K8sNodePoolOutputs> {}
export class K8sNodePool extends K8sNodePoolResource {}
