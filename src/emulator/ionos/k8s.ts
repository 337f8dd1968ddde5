/**
 * Managed Kubernetes of the IONOS emulator, as the Cloud API v6 spec describes it: clusters
 * (`/k8s`), their node pools (`/k8s/{id}/nodepools`) and the nodes of a pool, the kubeconfig and
 * the version catalogue. Unlike the rest of the API, Kubernetes writes answer 202 WITHOUT a
 * request Location and are not in the `/requests` log (the official Terraform provider waits on the
 * resource's state instead): a cluster or pool is DEPLOYING and then ACTIVE, UPDATING after a PUT,
 * DESTROYING after a DELETE and then gone, each phase a few `requestMs` long. Cluster names are
 * unique in the contract and pool names within their cluster (a 422 otherwise), which is how a
 * create whose answer was lost finds what it made. A node pool needs its cluster ACTIVE; a cluster
 * that still has node pools cannot be deleted (a 422).
 */
import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import { jsonBody, type EmulatorRequest, type EmulatorResponse } from "../server";
import { invalid, isAnswer, notAllowed, notFound, parse } from "./answers";
import { LOCATIONS } from "./catalog";
import type { IonosService, IonosStore, Node, Properties, TypeSpec } from "./store";

/** The versions on offer, oldest first, and the default of new clusters and pools. */
export const K8S_VERSIONS = ["1.29.10", "1.30.6", "1.31.2", "1.32.1"];
export const K8S_DEFAULT_VERSION = "1.31.2";

/** Compares two versions `x.y.z` numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
const minor = (version: string) => version.split(".").slice(0, 2).join(".");

/** How long each phase lasts, in `requestMs`. */
const PHASE_REQUESTS = { DEPLOYING: 3, UPDATING: 2, DESTROYING: 2 } as const;
type Phase = keyof typeof PHASE_REQUESTS;

interface K8sHidden {
  phase?: Phase;
  /** When the phase ends (ms). */
  until?: number;
  /** A state it is stuck in, set by a test (FAILED_UPDATING, ...): shown from the end of the phase on. */
  failedState?: string;
}

const hiddenOf = (node: Node): K8sHidden => (node.hidden ??= {}) as K8sHidden;

function startPhase(store: IonosStore, node: Node, phase: Phase) {
  Object.assign(hiddenOf(node), { phase, until: Date.now() + PHASE_REQUESTS[phase] * store.requestMs });
}

const clusterName = z
  .string()
  .max(63)
  .regex(/^([a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?)?$/, "at most 63 characters, beginning and ending with a letter or digit, with dashes, underscores, dots and alphanumerics between");
const maintenanceWindow = z.strictObject({
  dayOfTheWeek: z.enum(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(Z|"Z")?$/, "HH:mm:ss, optionally followed by Z"),
});
const cidrOrIp = z.string().refine((value) => {
  const [address, prefix, ...rest] = value.split("/");
  const v4 = z.ipv4().safeParse(address).success;
  const v6 = z.ipv6().safeParse(address).success;
  if (rest.length > 0 || (!v4 && !v6)) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (v4 ? 32 : 128));
}, "must be an IP address or a CIDR block");
const s3Bucket = z.strictObject({ name: z.string().min(1) });

const CLUSTER_POST = z.strictObject({
  name: clusterName,
  k8sVersion: z.string().optional(),
  maintenanceWindow: maintenanceWindow.optional(),
  apiSubnetAllowList: z.array(cidrOrIp).optional(),
  s3Buckets: z.array(s3Bucket).optional(),
  public: z.boolean().optional(),
  location: z.string().optional(),
  natGatewayIp: z.ipv4().optional(),
  nodeSubnet: z.string().optional(),
});
const CLUSTER_PUT = CLUSTER_POST.pick({ name: true, k8sVersion: true, maintenanceWindow: true, apiSubnetAllowList: true, s3Buckets: true });

const lan = z.strictObject({
  id: z.number().int().min(1),
  dhcp: z.boolean().optional(),
  routes: z.array(z.strictObject({ network: cidrOrIp, gatewayIp: z.union([z.ipv4(), z.ipv6()]) })).optional(),
});
const autoScaling = z.strictObject({ minNodeCount: z.number().int(), maxNodeCount: z.number().int() });
const POOL_PUT = z.strictObject({
  name: clusterName.optional(),
  nodeCount: z.number().int().min(1),
  k8sVersion: z.string().optional(),
  maintenanceWindow: maintenanceWindow.optional(),
  autoScaling: autoScaling.optional(),
  lans: z.array(lan).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  publicIps: z.array(z.ipv4()).optional(),
});
const POOL_POST = POOL_PUT.extend({
  name: clusterName,
  datacenterId: z.string(),
  cpuFamily: z.string(),
  coresCount: z.number().int().min(1),
  ramSize: z.number().int().min(2048).multipleOf(1024, "must be a multiple of 1024 MB"),
  availabilityZone: z.enum(["AUTO", "ZONE_1", "ZONE_2"]),
  storageType: z.enum(["HDD", "SSD"]),
  storageSize: z.number().int().min(10),
});

/** A phase that has run its time ends: DESTROYING removes the resource, the others make it ACTIVE. */
function settle(store: IonosStore): void {
  const now = Date.now();
  for (const node of [...store.nodes.values()]) {
    if (node.type !== "k8s" && node.type !== "nodepool") continue;
    const hidden = hiddenOf(node);
    if (!hidden.phase || (hidden.until ?? 0) > now) continue;
    if (hidden.phase === "DESTROYING") {
      store.remove(node);
      continue;
    }
    hidden.phase = undefined;
    if (node.type === "nodepool") syncNodes(store, node);
  }
}

/** The pool's nodes, one per `nodeCount`, with the pool's version; public IPs from `publicIps` when given. */
function syncNodes(store: IonosStore, pool: Node): void {
  const count = pool.properties.nodeCount as number;
  const nodes = store.childrenIn(`${pool.path}/nodes`);
  for (const extra of nodes.slice(count)) store.remove(extra);
  const reserved = (pool.properties.publicIps as string[]) ?? [];
  const taken = new Set(nodes.slice(0, count).map((node) => node.properties.publicIP as string));
  for (let i = nodes.length; i < count; i++) {
    const publicIP = reserved.find((ip) => !taken.has(ip)) ?? store.nextPublicIp();
    taken.add(publicIP);
    const id = randomUUID();
    store.insert(`${pool.path}/nodes/${id}`, "node", {
      name: `${pool.properties.name}-${id.slice(0, 5)}`,
      publicIP,
      privateIP: `10.208.${(i >> 8) & 255}.${(i & 255) + 10}`,
      k8sVersion: pool.properties.k8sVersion,
    });
  }
  for (const node of store.childrenIn(`${pool.path}/nodes`)) store.touch(node, { ...node.properties, k8sVersion: pool.properties.k8sVersion });
}

function stateOf(node: Node): string {
  const { phase, until, failedState } = hiddenOf(node);
  return phase && (until ?? 0) > Date.now() ? phase : (failedState ?? "ACTIVE");
}

const clusters = (store: IonosStore) => store.childrenIn("/k8s");
const upgradesOf = (version: string) =>
  K8S_VERSIONS.filter((v) => compareVersions(v, version) > 0 && compareVersions(minor(v) + ".0", bumpMinor(version)) <= 0);
const bumpMinor = (version: string) => {
  const [major, min] = version.split(".").map(Number);
  return `${major}.${min + 1}.0`;
};
/** Node pools may run the cluster's minor version or the one before, never above the cluster. */
const viablePoolVersions = (version: string) =>
  K8S_VERSIONS.filter((v) => compareVersions(v, version) <= 0 && compareVersions(bumpMinor(v), minor(version) + ".0") >= 0);

function clusterRules(store: IonosStore, p: Properties, existing?: Node): Properties | EmulatorResponse {
  const clash = clusters(store).find((c) => c !== existing && c.properties.name === p.name && stateOf(c) !== "DESTROYING");
  if (clash) return invalid(`Attribute 'properties.name': a Kubernetes cluster named ${String(p.name)} already exists (${clash.id})`);
  const version = p.k8sVersion as string;
  if (!K8S_VERSIONS.includes(version)) return invalid(`Attribute 'properties.k8sVersion': ${version} is not a supported version; use one of ${K8S_VERSIONS.join(", ")}`);
  if (existing) {
    const before = existing.properties.k8sVersion as string;
    if (compareVersions(version, before) < 0) return invalid(`Attribute 'properties.k8sVersion': a cluster cannot be downgraded (from ${before} to ${version})`);
    if (version !== before && !upgradesOf(before).includes(version)) return invalid(`Attribute 'properties.k8sVersion': ${before} can be upgraded to ${upgradesOf(before).join(", ") || "nothing"}`);
    return p;
  }
  if (p.public === false) {
    if (!p.location) return invalid("Attribute 'properties.location': is mandatory for a private cluster");
    if (!LOCATIONS[p.location as string]) return invalid(`Attribute 'properties.location': ${String(p.location)} is not a location`);
    if (!p.natGatewayIp) return invalid("Attribute 'properties.natGatewayIp': is mandatory for a private cluster");
    const reserved = [...store.nodes.values()].some(
      (n) => n.type === "ipblock" && n.properties.location === p.location && (n.properties.ips as string[]).includes(p.natGatewayIp as string),
    );
    if (!reserved) return invalid(`Attribute 'properties.natGatewayIp': ${String(p.natGatewayIp)} is not in an IP block reserved in ${String(p.location)}`);
    if (p.nodeSubnet !== undefined && !/^(\d{1,3}\.){3}\d{1,3}\/16$/.test(p.nodeSubnet as string)) {
      return invalid("Attribute 'properties.nodeSubnet': must be an IPv4 CIDR block with a /16 prefix");
    }
  } else {
    const privateOnly = (["location", "natGatewayIp", "nodeSubnet"] as const).find((key) => p[key] !== undefined);
    if (privateOnly) return invalid(`Attribute 'properties.${privateOnly}': only a private cluster (public: false) takes it`);
  }
  return p;
}

function poolRules(store: IonosStore, cluster: Node, p: Properties, existing?: Node): Properties | EmulatorResponse {
  const pools = store.childrenIn(`${cluster.path}/nodepools`);
  if (pools.some((pool) => pool !== existing && pool.properties.name === p.name && stateOf(pool) !== "DESTROYING")) {
    return invalid(`Attribute 'properties.name': the cluster already has a node pool named ${String(p.name)}`);
  }
  const version = p.k8sVersion as string;
  const viable = viablePoolVersions(cluster.properties.k8sVersion as string);
  if (!viable.includes(version)) return invalid(`Attribute 'properties.k8sVersion': ${version} is not viable in this cluster; use one of ${viable.join(", ")}`);
  if (existing && compareVersions(version, existing.properties.k8sVersion as string) < 0) {
    return invalid(`Attribute 'properties.k8sVersion': a node pool cannot be downgraded (from ${String(existing.properties.k8sVersion)} to ${version})`);
  }
  const scaling = p.autoScaling as { minNodeCount: number; maxNodeCount: number } | undefined;
  if (scaling) {
    if (scaling.minNodeCount < 1 || scaling.maxNodeCount < scaling.minNodeCount) {
      return invalid("Attribute 'properties.autoScaling': minNodeCount must be at least 1 and maxNodeCount at least minNodeCount");
    }
    if ((p.nodeCount as number) < scaling.minNodeCount || (p.nodeCount as number) > scaling.maxNodeCount) {
      return invalid("Attribute 'properties.nodeCount': must be within autoScaling's minNodeCount and maxNodeCount");
    }
  }
  const publicIps = (p.publicIps as string[]) ?? [];
  const most = scaling ? scaling.maxNodeCount : (p.nodeCount as number);
  if (publicIps.length > 0 && publicIps.length !== most + 1) {
    return invalid(`Attribute 'properties.publicIps': must hold one more IP than the most nodes the pool can have (${most + 1})`);
  }
  const dcPath = `/datacenters/${p.datacenterId as string}`;
  const dc = store.nodes.get(dcPath);
  if (!dc) return invalid(`Attribute 'properties.datacenterId': no data center ${String(p.datacenterId)}`);
  if (cluster.properties.public === false && dc.properties.location !== cluster.properties.location) {
    return invalid(`Attribute 'properties.datacenterId': a private cluster's pools must be in its location ${String(cluster.properties.location)}`);
  }
  const families = LOCATIONS[dc.properties.location as string].cpuArchitecture.map((cpu) => cpu.cpuFamily);
  if (!families.includes(p.cpuFamily as string)) {
    return invalid(`Attribute 'properties.cpuFamily': ${String(p.cpuFamily)} is not available in ${String(dc.properties.location)}; use one of ${families.join(", ")}`);
  }
  const missing = ((p.lans as { id: number }[]) ?? []).find((l) => !store.nodes.has(`${dcPath}/lans/${l.id}`));
  if (missing) return invalid(`Attribute 'properties.lans': no LAN ${missing.id} in data center ${String(p.datacenterId)}`);
  return p;
}

/** A maintenance window IONOS picks when none is given, the same for the same id. */
function pickedWindow(id: string) {
  const digest = createHash("sha256").update(id).digest();
  const days = maintenanceWindow.shape.dayOfTheWeek.options;
  return { dayOfTheWeek: days[digest[0] % 7], time: `${String(digest[1] % 24).padStart(2, "0")}:00:00Z` };
}

/**
 * A switch for tests: Kubernetes writes answered as the rest of the API answers them (202 with the
 * Location of a request in the request log, the resource BUSY until it is DONE and then in its
 * phase), as the live API may do (ionosctl offers `--wait-for-request` on Kubernetes creates,
 * where the spec documents no Location). Off, as the spec says.
 */
export const K8S_ANSWERS = { withRequests: false };

/** The 202 of a write: the resource as it is now (none for a delete). */
function accepted(store: IonosStore, request: EmulatorRequest, node: Node, withBody = true): EmulatorResponse {
  const body = withBody ? () => store.view(node, 0) : undefined;
  if (K8S_ANSWERS.withRequests) return store.accept(request, [node], { body });
  return { status: 202, body: body?.() };
}

function createCluster(store: IonosStore, request: EmulatorRequest): EmulatorResponse {
  const body = parse(jsonBody(request), z.object({ properties: CLUSTER_POST }).loose());
  if (isAnswer(body)) return body;
  const id = randomUUID();
  const p = body.properties;
  const properties = clusterRules(store, {
    k8sVersion: K8S_DEFAULT_VERSION,
    maintenanceWindow: pickedWindow(id),
    apiSubnetAllowList: [],
    s3Buckets: [],
    public: true,
    ...p,
  });
  if (isAnswer(properties)) return properties;
  const node = store.insert(`/k8s/${id}`, "k8s", properties);
  startPhase(store, node, "DEPLOYING");
  return accepted(store, request, node);
}

function updateCluster(store: IonosStore, request: EmulatorRequest, node: Node): EmulatorResponse {
  const body = parse(jsonBody(request), z.object({ properties: CLUSTER_PUT }).loose());
  if (isAnswer(body)) return body;
  if (stateOf(node) !== "ACTIVE") return invalid(`The cluster is ${stateOf(node)}: it can be modified only when it is ACTIVE`);
  const p = body.properties;
  // A PUT sets what it names; the version and the window stay when left out, the lists are emptied.
  const wanted = clusterRules(
    store,
    {
      ...node.properties,
      apiSubnetAllowList: [],
      s3Buckets: [],
      ...p,
    },
    node,
  );
  if (isAnswer(wanted)) return wanted;
  store.touch(node, wanted);
  startPhase(store, node, "UPDATING");
  return accepted(store, request, node);
}

function createPool(store: IonosStore, request: EmulatorRequest, cluster: Node): EmulatorResponse {
  const body = parse(jsonBody(request), z.object({ properties: POOL_POST }).loose());
  if (isAnswer(body)) return body;
  if (stateOf(cluster) !== "ACTIVE") return invalid(`The cluster is ${stateOf(cluster)}: node pools can be created only in an ACTIVE cluster`);
  const id = randomUUID();
  const properties = poolRules(store, cluster, {
    k8sVersion: cluster.properties.k8sVersion,
    maintenanceWindow: pickedWindow(id),
    lans: [],
    labels: {},
    annotations: {},
    publicIps: [],
    ...body.properties,
  });
  if (isAnswer(properties)) return properties;
  const node = store.insert(`${cluster.path}/nodepools/${id}`, "nodepool", properties);
  startPhase(store, node, "DEPLOYING");
  return accepted(store, request, node);
}

function updatePool(store: IonosStore, request: EmulatorRequest, cluster: Node, pool: Node): EmulatorResponse {
  const body = parse(jsonBody(request), z.object({ properties: POOL_PUT }).loose());
  if (isAnswer(body)) return body;
  if (stateOf(pool) !== "ACTIVE") return invalid(`The node pool is ${stateOf(pool)}: it can be modified only when it is ACTIVE`);
  const { autoScaling: _scaling, ...kept } = pool.properties;
  // What a PUT leaves out is reset (autoScaling left out turns autoscaling off), but the version and the window.
  const wanted = poolRules(store, cluster, { ...kept, lans: [], labels: {}, annotations: {}, publicIps: [], ...body.properties }, pool);
  if (isAnswer(wanted)) return wanted;
  store.touch(pool, wanted);
  startPhase(store, pool, "UPDATING");
  return accepted(store, request, pool);
}

function destroy(store: IonosStore, request: EmulatorRequest, node: Node): EmulatorResponse {
  if (stateOf(node) === "DESTROYING") return accepted(store, request, node, false);
  if (node.type === "k8s" && store.childrenIn(`${node.path}/nodepools`).length > 0) {
    return invalid(`The cluster ${node.id} still has node pools: delete them before the cluster`);
  }
  startPhase(store, node, "DESTROYING");
  return accepted(store, request, node, false);
}

/** A kubeconfig as IONOS hands it out: the cluster's API server and a client certificate. */
function kubeconfig(cluster: Node): string {
  const name = cluster.properties.name as string;
  const secret = (label: string) => Buffer.from(createHash("sha256").update(`${label}:${cluster.id}`).digest("hex")).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- cluster:",
    `    certificate-authority-data: ${secret("ca")}`,
    `    server: https://${cluster.id.slice(0, 8)}.k8s.emulator.invalid:443`,
    `  name: ${name}`,
    "contexts:",
    "- context:",
    `    cluster: ${name}`,
    `    user: cluster-admin`,
    `  name: cluster-admin@${name}`,
    `current-context: cluster-admin@${name}`,
    "users:",
    "- name: cluster-admin",
    "  user:",
    `    token: ${secret("token")}`,
    "",
  ].join("\n");
}

const TYPES: TypeSpec[] = [
  {
    type: "k8s",
    shape: "k8s",
    properties: CLUSTER_POST,
    entities: ["nodepools"],
    state: (_store, node) => stateOf(node),
    computed: (_store, node) => ({
      availableUpgradeVersions: upgradesOf(node.properties.k8sVersion as string),
      viableNodePoolVersions: viablePoolVersions(node.properties.k8sVersion as string),
    }),
  },
  {
    type: "nodepool",
    shape: "k8s/nodepools",
    properties: POOL_POST,
    state: (_store, node) => stateOf(node),
    computed: (store, node) => {
      const cluster = store.nodes.get(store.up(store.up(node.path)));
      const version = node.properties.k8sVersion as string;
      const viable = cluster ? viablePoolVersions(cluster.properties.k8sVersion as string) : [];
      return { availableUpgradeVersions: viable.filter((v) => compareVersions(v, version) > 0) };
    },
  },
  {
    type: "node",
    shape: "k8s/nodepools/nodes",
    properties: z.strictObject({}),
    state: () => "READY",
  },
];

function route(store: IonosStore, request: EmulatorRequest, path: string): EmulatorResponse | undefined {
  if (path !== "/k8s" && !path.startsWith("/k8s/")) return undefined;
  settle(store);
  if (path === "/k8s/versions") return request.method === "GET" ? { status: 200, body: K8S_VERSIONS } : notAllowed();
  if (path === "/k8s/versions/default") return request.method === "GET" ? { status: 200, body: K8S_DEFAULT_VERSION } : notAllowed();
  const segments = path.split("/").slice(2).map(decodeURIComponent);
  const cluster = segments[0] ? store.nodes.get(`/k8s/${segments[0]}`) : undefined;
  if (segments.length === 0) return request.method === "POST" ? createCluster(store, request) : request.method === "GET" ? undefined : notAllowed();
  if (!cluster) return notFound();
  if (segments.length === 1) {
    if (request.method === "PUT") return updateCluster(store, request, cluster);
    if (request.method === "DELETE") return destroy(store, request, cluster);
    return request.method === "GET" ? undefined : notAllowed();
  }
  if (segments[1] === "kubeconfig" && segments.length === 2) {
    if (request.method !== "GET") return notAllowed();
    if (stateOf(cluster) === "DEPLOYING") return invalid("The cluster is DEPLOYING: its kubeconfig is available once it is ACTIVE");
    return { status: 200, body: kubeconfig(cluster) };
  }
  if (segments[1] !== "nodepools") return notFound();
  if (segments.length === 2) return request.method === "POST" ? createPool(store, request, cluster) : request.method === "GET" ? undefined : notAllowed();
  const pool = store.nodes.get(`${cluster.path}/nodepools/${segments[2]}`);
  if (!pool) return notFound();
  if (segments.length === 3) {
    if (request.method === "PUT") return updatePool(store, request, cluster, pool);
    if (request.method === "DELETE") return destroy(store, request, pool);
    return request.method === "GET" ? undefined : notAllowed();
  }
  // The nodes are read-only here (their delete and replace actions are not modelled).
  if (segments[3] === "nodes" && segments.length <= 5) return request.method === "GET" ? undefined : notAllowed();
  return notFound();
}

export const KUBERNETES: IonosService = { types: TYPES, route };
