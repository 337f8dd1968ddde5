/**
 * Managed Kubernetes of a Public Cloud project (`/cloud/project/{serviceName}/kube`): clusters
 * (INSTALLING → READY, an upgrade UPDATING → READY, a customization REDEPLOYING → READY, DELETING →
 * gone), their node pools (INSTALLING → READY, UPSCALING/DOWNSCALING/UPDATING → READY, DELETING →
 * gone) with their nodes, the kubeconfig, the update policy and the API server's IP restrictions.
 * A cluster on a private network needs that network active in its region (the project's networks
 * of cloud.ts) and, for `nodesSubnetId`, that network's subnet in the region. The versions offered
 * are the spec's `cloud.kube.VersionEnum`; an upgrade goes one minor version at a time.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { isIP } from "node:net";
import { z } from "zod";
import type { EmulatorRequest, EmulatorResponse, Route } from "../server";
import { done, error, isAnswer, notFound, ok, parseBody } from "./answers";
import { FLAVORS, REGIONS, regionalId } from "./catalog";
import type { Project } from "./cloud";

/** The spec's `cloud.kube.VersionEnum`, oldest first: the newest is installed when none is asked for. */
export const KUBE_VERSIONS = ["1.26", "1.27", "1.28", "1.29"] as const;
const UPDATE_POLICIES = ["ALWAYS_UPDATE", "MINIMAL_DOWNTIME", "NEVER_UPDATE"] as const;
const ADMISSION_PLUGINS = ["AlwaysPullImages", "NodeRestriction"] as const;
/** The emulator's Kubernetes flavors: the project's Linux flavors. */
export const KUBE_FLAVORS = FLAVORS.filter((f) => f.osType === "linux");

type Busy<S extends string> = { status: S; until: number } | undefined;

export interface KubeNode {
  id: string;
  name: string;
  flavor: string;
  createdAt: string;
  readyAt: number;
  version: string;
}

export interface KubeNodePool {
  id: string;
  name: string;
  flavor: string;
  desiredNodes: number;
  minNodes: number;
  maxNodes: number;
  autoscale: boolean;
  monthlyBilled: boolean;
  antiAffinity: boolean;
  autoscaling: { scaleDownUnneededTimeSeconds: number; scaleDownUnreadyTimeSeconds: number; scaleDownUtilizationThreshold: number };
  template: Template;
  createdAt: string;
  updatedAt: string;
  busy: Busy<"INSTALLING" | "UPSCALING" | "DOWNSCALING" | "UPDATING">;
  /** When set, the pool is DELETING until then, and gone after. */
  deletingUntil?: number;
  nodes: Map<string, KubeNode>;
}

export interface KubeCluster {
  id: string;
  name: string;
  region: string;
  version: string;
  updatePolicy: string;
  kubeProxyMode: "iptables" | "ipvs";
  customization: Customization;
  privateNetworkId: string | null;
  nodesSubnetId: string | null;
  ipRestrictions: string[];
  createdAt: string;
  updatedAt: string;
  busy: Busy<"INSTALLING" | "UPDATING" | "REDEPLOYING">;
  deletingUntil?: number;
  /** The kubeconfig's credentials: a secret. */
  token: string;
  pools: Map<string, KubeNodePool>;
  /** Set by a test: the cluster stays in this status. */
  forcedStatus?: string;
}

const duration = z.string().regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, "must be an RFC3339 duration such as PT60S");
const iptablesBody = z.object({ minSyncPeriod: duration.nullable().optional(), syncPeriod: duration.nullable().optional() });
const ipvsBody = iptablesBody.extend({
  scheduler: z.enum(["dh", "lc", "nq", "rr", "sed", "sh"]).nullable().optional(),
  tcpFinTimeout: duration.nullable().optional(),
  tcpTimeout: duration.nullable().optional(),
  udpTimeout: duration.nullable().optional(),
});
const customizationBody = z.object({
  apiServer: z
    .object({
      admissionPlugins: z
        .object({ enabled: z.array(z.enum(ADMISSION_PLUGINS)).nullable().optional(), disabled: z.array(z.enum(ADMISSION_PLUGINS)).nullable().optional() })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
  kubeProxy: z.object({ iptables: iptablesBody.nullable().optional(), ipvs: ipvsBody.nullable().optional() }).nullable().optional(),
});
type CustomizationBody = z.infer<typeof customizationBody>;

interface Customization {
  apiServer: { admissionPlugins: { enabled: string[]; disabled: string[] } };
  kubeProxy: { iptables: Record<string, string | null> | null; ipvs: Record<string, string | null> | null };
}

/** What OVH keeps of a customization: every field, null where none was given; the admission plugins OVH enables by default. */
function customizationOf(body: CustomizationBody | null | undefined): Customization {
  const plugins = body?.apiServer?.admissionPlugins;
  const filled = (given: Record<string, unknown> | null | undefined, keys: string[]) =>
    given ? Object.fromEntries(keys.map((key) => [key, (given[key] as string | null | undefined) ?? null])) : null;
  return {
    apiServer: { admissionPlugins: { enabled: plugins?.enabled ?? [...ADMISSION_PLUGINS], disabled: plugins?.disabled ?? [] } },
    kubeProxy: {
      iptables: filled(body?.kubeProxy?.iptables, ["minSyncPeriod", "syncPeriod"]),
      ipvs: filled(body?.kubeProxy?.ipvs, ["minSyncPeriod", "scheduler", "syncPeriod", "tcpFinTimeout", "tcpTimeout", "udpTimeout"]),
    },
  };
}

const templateBody = z.object({
  metadata: z.object({ annotations: z.record(z.string(), z.string()), finalizers: z.array(z.string()), labels: z.record(z.string(), z.string()) }),
  spec: z.object({
    taints: z.array(z.object({ effect: z.enum(["NoExecute", "NoSchedule", "PreferNoSchedule"]), key: z.string().min(1), value: z.string().optional() })),
    unschedulable: z.boolean(),
  }),
});
type Template = z.infer<typeof templateBody>;
const emptyTemplate = (): Template => ({ metadata: { annotations: {}, finalizers: [], labels: {} }, spec: { taints: [], unschedulable: false } });

const autoscalingBody = z.object({
  scaleDownUnneededTimeSeconds: z.number().int().nonnegative().optional(),
  scaleDownUnreadyTimeSeconds: z.number().int().nonnegative().optional(),
  scaleDownUtilizationThreshold: z.number().min(0).max(1).optional(),
});

/** Kubernetes's rule for a node pool's name (a DNS label); OVH refuses "_". */
const POOL_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const ipBlock = z.string().refine((text) => {
  const [address, bits, ...rest] = text.split("/");
  const family = isIP(address);
  if (!family || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}, "must be an IP address or CIDR block");

interface KubeState {
  clusters: Map<string, KubeCluster>;
}
const states = new WeakMap<Project, KubeState>();

/** A project's Kubernetes clusters (the node pools are in each cluster). */
export function kubeState(project: Project): KubeState {
  let state = states.get(project);
  if (!state) states.set(project, (state = { clusters: new Map() }));
  sweep(state);
  return state;
}

/** Forgets what finished deleting. */
function sweep(state: KubeState): void {
  const now = Date.now();
  for (const [id, cluster] of state.clusters) {
    if (cluster.deletingUntil !== undefined && now >= cluster.deletingUntil) {
      state.clusters.delete(id);
      continue;
    }
    for (const [poolId, pool] of cluster.pools) if (pool.deletingUntil !== undefined && now >= pool.deletingUntil) cluster.pools.delete(poolId);
  }
}

/** The clusters and node pools of a project, for "destroy leaves nothing". */
export function kubeResources(project: Project): number {
  const { clusters } = kubeState(project);
  return [...clusters.values()].reduce((n, cluster) => n + 1 + cluster.pools.size, 0);
}

const nextVersion = (version: string) => KUBE_VERSIONS[KUBE_VERSIONS.indexOf(version as (typeof KUBE_VERSIONS)[number]) + 1];

export function kubeRoutes(world: { projects: Map<string, Project>; buildMs: number }): Route[] {
  const { buildMs } = world;
  const inProject = (method: string, path: string, handle: (state: KubeState, project: Project, request: EmulatorRequest, ...params: string[]) => EmulatorResponse): Route => ({
    method,
    pattern: new RegExp(`^/cloud/project/([^/]+)/kube${path}$`),
    handle: (request, serviceName, ...params) => {
      const project = world.projects.get(serviceName);
      return project ? handle(kubeState(project), project, request, ...params) : error(404, "This service does not exist");
    },
  });
  /** Routes of one cluster. */
  const inCluster = (method: string, path: string, handle: (cluster: KubeCluster, request: EmulatorRequest, project: Project, ...params: string[]) => EmulatorResponse) =>
    inProject(method, `/([^/]+)${path}`, (state, project, request, kubeId, ...params) => {
      const cluster = state.clusters.get(kubeId);
      return cluster ? handle(cluster, request, project, ...params) : notFound(kubeId);
    });
  /** Routes of one node pool. */
  const inPool = (method: string, path: string, handle: (pool: KubeNodePool, cluster: KubeCluster, request: EmulatorRequest, project: Project, ...params: string[]) => EmulatorResponse) =>
    inCluster(method, `/nodepool/([^/]+)${path}`, (cluster, request, project, poolId, ...params) => {
      const pool = cluster.pools.get(poolId);
      return pool ? handle(pool, cluster, request, project, ...params) : notFound(poolId);
    });

  const now = () => new Date().toISOString();
  const clusterStatus = (cluster: KubeCluster): string => {
    if (cluster.deletingUntil !== undefined) return "DELETING";
    if (cluster.forcedStatus) return cluster.forcedStatus;
    return cluster.busy && Date.now() < cluster.busy.until ? cluster.busy.status : "READY";
  };
  const nodeStatus = (node: KubeNode) => (Date.now() < node.readyAt ? "INSTALLING" : "READY");
  const poolStatus = (pool: KubeNodePool): string => {
    if (pool.deletingUntil !== undefined) return "DELETING";
    return pool.busy && Date.now() < pool.busy.until ? pool.busy.status : "READY";
  };
  const host = (cluster: KubeCluster) => `${cluster.id.slice(0, 6)}.c1.${cluster.region.toLowerCase().replace(/[0-9]+$/, "")}.k8s.ovh.net`;

  const clusterView = (cluster: KubeCluster) => {
    const next = nextVersion(cluster.version);
    const status = clusterStatus(cluster);
    return {
      auditLogsSubscribed: false,
      controlPlaneIsUpToDate: status !== "UPDATING",
      createdAt: cluster.createdAt,
      customization: cluster.customization,
      id: cluster.id,
      isUpToDate: status !== "UPDATING",
      kubeProxyMode: cluster.kubeProxyMode,
      loadBalancersSubnetId: null,
      name: cluster.name,
      nextUpgradeVersions: next ? [next] : [],
      nodesSubnetId: cluster.nodesSubnetId,
      nodesUrl: `${cluster.id.slice(0, 6)}.nodes.c1.${cluster.region.toLowerCase().replace(/[0-9]+$/, "")}.k8s.ovh.net`,
      privateNetworkConfiguration: null,
      privateNetworkId: cluster.privateNetworkId,
      region: cluster.region,
      status,
      updatePolicy: cluster.updatePolicy,
      updatedAt: cluster.updatedAt,
      url: `https://${host(cluster)}`,
      version: cluster.version,
    };
  };
  const nodeView = (project: Project, cluster: KubeCluster, pool: KubeNodePool, node: KubeNode) => ({
    createdAt: node.createdAt,
    deployedAt: nodeStatus(node) === "READY" ? new Date(node.readyAt).toISOString() : null,
    flavor: node.flavor,
    id: node.id,
    instanceId: nodeStatus(node) === "READY" ? regionalId(cluster.region, node.id) : null,
    isUpToDate: node.version === cluster.version,
    name: node.name,
    nodePoolId: pool.id,
    projectId: project.serviceName,
    status: pool.deletingUntil !== undefined ? "DELETING" : nodeStatus(node),
    updatedAt: node.createdAt,
    version: node.version,
  });
  const poolView = (project: Project, cluster: KubeCluster, pool: KubeNodePool) => {
    const nodes = [...pool.nodes.values()];
    const available = nodes.filter((n) => nodeStatus(n) === "READY").length;
    return {
      antiAffinity: pool.antiAffinity,
      autoscale: pool.autoscale,
      autoscaling: pool.autoscaling,
      availableNodes: available,
      createdAt: pool.createdAt,
      currentNodes: nodes.length,
      desiredNodes: pool.desiredNodes,
      flavor: pool.flavor,
      id: pool.id,
      maxNodes: pool.maxNodes,
      minNodes: pool.minNodes,
      monthlyBilled: pool.monthlyBilled,
      name: pool.name,
      projectId: project.serviceName,
      sizeStatus: available < pool.desiredNodes ? "UNDER_CAPACITY" : nodes.length > pool.desiredNodes ? "OVER_CAPACITY" : "CAPACITY_OK",
      status: poolStatus(pool),
      template: pool.template,
      upToDateNodes: nodes.filter((n) => n.version === cluster.version).length,
      updatedAt: pool.updatedAt,
    };
  };

  /** Adds or removes nodes until the pool has `desiredNodes`; new nodes are ready at `readyAt`. */
  function resize(cluster: KubeCluster, pool: KubeNodePool, readyAt: number) {
    while (pool.nodes.size > pool.desiredNodes) pool.nodes.delete([...pool.nodes.keys()].pop()!);
    while (pool.nodes.size < pool.desiredNodes) {
      const id = randomUUID();
      pool.nodes.set(id, { id, name: `${pool.name}-node-${id.slice(0, 6)}`, flavor: pool.flavor, createdAt: now(), readyAt, version: cluster.version });
    }
  }

  /** Why the cluster's private network or nodes' subnet cannot be used, or undefined. */
  function networkProblem(project: Project, region: string, privateNetworkId?: string, nodesSubnetId?: string): string | undefined {
    if (!privateNetworkId) return nodesSubnetId ? "nodesSubnetId needs a privateNetworkId" : undefined;
    const network = [...project.networks.values()].find((n) => n.regions.has(region) && regionalId(region, n.id) === privateNetworkId);
    if (!network) return `Private network ${privateNetworkId} does not exist in region ${region}`;
    if (nodesSubnetId) {
      const subnet = network.subnets.get(nodesSubnetId);
      if (!subnet || subnet.region !== region) return `Subnet ${nodesSubnetId} is not a subnet of network ${network.id} in region ${region}`;
    }
    return undefined;
  }

  const sizes = (pool: { desiredNodes: number; minNodes: number; maxNodes: number }) =>
    pool.minNodes <= pool.desiredNodes && pool.desiredNodes <= pool.maxNodes
      ? undefined
      : error(400, `[desiredNodes] ${pool.desiredNodes} must be between minNodes (${pool.minNodes}) and maxNodes (${pool.maxNodes})`);

  const poolCreation = z.object({
    antiAffinity: z.boolean().nullable().optional(),
    autoscale: z.boolean().nullable().optional(),
    autoscaling: autoscalingBody.optional(),
    desiredNodes: z.number().int().min(0).max(100).optional(),
    flavorName: z.string(),
    maxNodes: z.number().int().min(0).max(100).optional(),
    minNodes: z.number().int().min(0).max(100).optional(),
    monthlyBilled: z.boolean().nullable().optional(),
    name: z.string().regex(POOL_NAME, "must be lowercase letters, digits and '-' (at most 63)").optional(),
    template: templateBody.optional(),
  });

  function addPool(cluster: KubeCluster, body: z.infer<typeof poolCreation>): KubeNodePool | EmulatorResponse {
    const flavor = KUBE_FLAVORS.find((f) => f.name === body.flavorName);
    if (!flavor) return error(400, `[flavorName] Flavor ${body.flavorName} is not available for Kubernetes in region ${cluster.region}`);
    const name = body.name ?? `nodepool-${randomBytes(3).toString("hex")}`;
    if ([...cluster.pools.values()].some((p) => p.name === name && p.deletingUntil === undefined)) {
      return error(409, `A node pool named ${name} already exists in cluster ${cluster.id}`);
    }
    const counts = { desiredNodes: body.desiredNodes ?? 1, minNodes: body.minNodes ?? 0, maxNodes: body.maxNodes ?? 100 };
    const refused = sizes(counts);
    if (refused) return refused;
    if (body.antiAffinity && counts.maxNodes > 5) return error(400, "[maxNodes] a node pool with anti-affinity has at most 5 nodes");
    const until = Date.now() + buildMs;
    const pool: KubeNodePool = {
      id: randomUUID(),
      name,
      flavor: flavor.name,
      ...counts,
      autoscale: body.autoscale ?? false,
      monthlyBilled: body.monthlyBilled ?? false,
      antiAffinity: body.antiAffinity ?? false,
      autoscaling: { scaleDownUnneededTimeSeconds: 600, scaleDownUnreadyTimeSeconds: 1200, scaleDownUtilizationThreshold: 0.5, ...body.autoscaling },
      template: body.template ?? emptyTemplate(),
      createdAt: now(),
      updatedAt: now(),
      busy: { status: "INSTALLING", until },
      nodes: new Map(),
    };
    resize(cluster, pool, until);
    cluster.pools.set(pool.id, pool);
    return pool;
  }

  return [
    inProject("GET", "", (state) => ok([...state.clusters.keys()])),
    inProject("POST", "", (state, project, request) => {
      const body = parseBody(
        request,
        z.object({
          customization: customizationBody.nullable().optional(),
          kubeProxyMode: z.enum(["iptables", "ipvs"]).optional(),
          loadBalancersSubnetId: z.string().optional(),
          name: z.string().min(1).max(255).optional(),
          nodepool: poolCreation.optional(),
          nodesSubnetId: z.string().optional(),
          privateNetworkConfiguration: z.unknown().optional(),
          privateNetworkId: z.string().optional(),
          region: z.enum(Object.keys(REGIONS) as [string, ...string[]]),
          updatePolicy: z.enum(UPDATE_POLICIES).nullable().optional(),
          version: z.enum(KUBE_VERSIONS).optional(),
        }),
      );
      if (isAnswer(body)) return body;
      const problem = networkProblem(project, body.region, body.privateNetworkId, body.nodesSubnetId);
      if (problem) return error(400, problem);
      const id = randomUUID();
      const cluster: KubeCluster = {
        id,
        name: body.name ?? id,
        region: body.region,
        version: body.version ?? KUBE_VERSIONS[KUBE_VERSIONS.length - 1],
        updatePolicy: body.updatePolicy ?? "ALWAYS_UPDATE",
        kubeProxyMode: body.kubeProxyMode ?? "iptables",
        customization: customizationOf(body.customization),
        privateNetworkId: body.privateNetworkId ?? null,
        nodesSubnetId: body.nodesSubnetId ?? null,
        ipRestrictions: [],
        createdAt: now(),
        updatedAt: now(),
        busy: { status: "INSTALLING", until: Date.now() + buildMs },
        token: randomBytes(24).toString("base64url"),
        pools: new Map(),
      };
      if (body.nodepool) {
        const pool = addPool(cluster, body.nodepool);
        if (isAnswer(pool)) return pool;
      }
      state.clusters.set(id, cluster);
      return ok(clusterView(cluster));
    }),
    inCluster("GET", "", (cluster) => ok(clusterView(cluster))),
    inCluster("PUT", "", (cluster, request) => {
      const body = parseBody(request, z.object({ name: z.string().min(1).max(255).optional(), updatePolicy: z.enum(UPDATE_POLICIES).optional() }));
      if (isAnswer(body)) return body;
      if (body.name !== undefined) cluster.name = body.name;
      if (body.updatePolicy !== undefined) cluster.updatePolicy = body.updatePolicy;
      cluster.updatedAt = now();
      return done();
    }),
    inCluster("DELETE", "", (cluster) => {
      if (cluster.deletingUntil === undefined) {
        cluster.deletingUntil = Date.now() + buildMs / 4;
        for (const pool of cluster.pools.values()) pool.deletingUntil ??= cluster.deletingUntil;
      }
      return done();
    }),
    inCluster("POST", "/update", (cluster, request) => {
      const body = parseBody(request, z.object({ force: z.boolean().nullable().optional(), strategy: z.enum(["LATEST_PATCH", "NEXT_MINOR"]).optional() }));
      if (isAnswer(body)) return body;
      const status = clusterStatus(cluster);
      if (status !== "READY") return error(409, `Cluster ${cluster.id} is ${status}: it cannot be updated now`);
      if (body.strategy === "NEXT_MINOR") {
        const next = nextVersion(cluster.version);
        if (!next) return error(400, `Cluster ${cluster.id} already runs the latest version ${cluster.version}`);
        cluster.version = next;
      }
      const until = Date.now() + buildMs / 2;
      cluster.busy = { status: "UPDATING", until };
      for (const pool of cluster.pools.values()) for (const node of pool.nodes.values()) Object.assign(node, { version: cluster.version, readyAt: until });
      cluster.updatedAt = now();
      return done();
    }),
    inCluster("PUT", "/updatePolicy", (cluster, request) => {
      const body = parseBody(request, z.object({ updatePolicy: z.enum(UPDATE_POLICIES) }));
      if (isAnswer(body)) return body;
      cluster.updatePolicy = body.updatePolicy;
      cluster.updatedAt = now();
      return done();
    }),
    inCluster("GET", "/customization", (cluster) => ok(cluster.customization)),
    inCluster("PUT", "/customization", (cluster, request) => {
      const body = parseBody(request, customizationBody);
      if (isAnswer(body)) return body;
      const status = clusterStatus(cluster);
      if (status !== "READY") return error(409, `Cluster ${cluster.id} is ${status}: its customization cannot change now`);
      cluster.customization = customizationOf(body);
      cluster.busy = { status: "REDEPLOYING", until: Date.now() + buildMs / 4 };
      cluster.updatedAt = now();
      return ok({ message: "The cluster's API server is being redeployed with the new customization" });
    }),
    inCluster("GET", "/ipRestrictions", (cluster) => ok(cluster.ipRestrictions)),
    ...(["PUT", "POST"] as const).map((method) =>
      inCluster(method, "/ipRestrictions", (cluster, request) => {
        const body = parseBody(request, z.object({ ips: z.array(ipBlock).optional() }));
        if (isAnswer(body)) return body;
        const given = body.ips ?? [];
        cluster.ipRestrictions = [...new Set(method === "PUT" ? given : [...cluster.ipRestrictions, ...given])];
        return ok(cluster.ipRestrictions);
      }),
    ),
    inCluster("DELETE", "/ipRestrictions/([^/]+)", (cluster, _request, _project, ip) => {
      const block = decodeURIComponent(ip);
      if (!cluster.ipRestrictions.includes(block)) return notFound(block);
      cluster.ipRestrictions = cluster.ipRestrictions.filter((b) => b !== block);
      return done();
    }),
    inCluster("POST", "/kubeconfig", (cluster) => {
      const status = clusterStatus(cluster);
      if (status === "INSTALLING" || status === "DELETING") return error(409, `Cluster ${cluster.id} is ${status}: no kubeconfig yet`);
      const content = [
        "apiVersion: v1",
        "kind: Config",
        `clusters:\n- cluster:\n    server: https://${host(cluster)}\n  name: ${cluster.name}`,
        `contexts:\n- context:\n    cluster: ${cluster.name}\n    user: kubernetes-admin-${cluster.name}\n  name: kubernetes-admin@${cluster.name}`,
        `current-context: kubernetes-admin@${cluster.name}`,
        `users:\n- name: kubernetes-admin-${cluster.name}\n  user:\n    token: ${cluster.token}`,
        "",
      ].join("\n");
      return ok({ content });
    }),

    // Nodes
    inCluster("GET", "/node", (cluster, _request, project) =>
      ok([...cluster.pools.values()].flatMap((pool) => [...pool.nodes.values()].map((node) => nodeView(project, cluster, pool, node)))),
    ),
    inCluster("GET", "/node/([^/]+)", (cluster, _request, project, nodeId) => {
      const pool = [...cluster.pools.values()].find((p) => p.nodes.has(nodeId));
      return pool ? ok(nodeView(project, cluster, pool, pool.nodes.get(nodeId)!)) : notFound(nodeId);
    }),
    inCluster("DELETE", "/node/([^/]+)", (cluster, _request, _project, nodeId) => {
      const pool = [...cluster.pools.values()].find((p) => p.nodes.has(nodeId));
      if (!pool) return notFound(nodeId);
      pool.nodes.delete(nodeId);
      pool.desiredNodes = Math.max(pool.minNodes, pool.desiredNodes - 1);
      resize(cluster, pool, Date.now() + buildMs / 2);
      return done();
    }),

    // Node pools
    inCluster("GET", "/nodepool", (cluster, _request, project) => ok([...cluster.pools.values()].map((pool) => poolView(project, cluster, pool)))),
    inCluster("POST", "/nodepool", (cluster, request, project) => {
      const body = parseBody(request, poolCreation);
      if (isAnswer(body)) return body;
      const status = clusterStatus(cluster);
      if (status === "INSTALLING" || status === "DELETING") return error(409, `Cluster ${cluster.id} is ${status}: node pools cannot be added now`);
      const pool = addPool(cluster, body);
      return isAnswer(pool) ? pool : ok(poolView(project, cluster, pool));
    }),
    inPool("GET", "", (pool, cluster, _request, project) => ok(poolView(project, cluster, pool))),
    inPool("GET", "/nodes", (pool, cluster, _request, project) => ok([...pool.nodes.values()].map((node) => nodeView(project, cluster, pool, node)))),
    inPool("PUT", "", (pool, cluster, request) => {
      const body = parseBody(
        request,
        z.object({
          autoscale: z.boolean().nullable().optional(),
          autoscaling: autoscalingBody.optional(),
          desiredNodes: z.number().int().min(0).max(100).optional(),
          maxNodes: z.number().int().min(0).max(100).optional(),
          minNodes: z.number().int().min(0).max(100).optional(),
          nodesToRemove: z.array(z.string()).optional(),
          template: templateBody.optional(),
        }),
      );
      if (isAnswer(body)) return body;
      if (pool.deletingUntil !== undefined) return error(409, `Node pool ${pool.id} is DELETING`);
      const counts = {
        desiredNodes: body.desiredNodes ?? pool.desiredNodes,
        minNodes: body.minNodes ?? pool.minNodes,
        maxNodes: body.maxNodes ?? pool.maxNodes,
      };
      const refused = sizes(counts);
      if (refused) return refused;
      if (pool.antiAffinity && counts.maxNodes > 5) return error(400, "[maxNodes] a node pool with anti-affinity has at most 5 nodes");
      const status =
        counts.desiredNodes > pool.desiredNodes ? "UPSCALING" : counts.desiredNodes < pool.desiredNodes ? "DOWNSCALING" : body.template ? "UPDATING" : undefined;
      Object.assign(pool, counts);
      if (body.autoscale !== undefined && body.autoscale !== null) pool.autoscale = body.autoscale;
      if (body.autoscaling) pool.autoscaling = { ...pool.autoscaling, ...body.autoscaling };
      if (body.template) pool.template = body.template;
      for (const nodeId of body.nodesToRemove ?? []) pool.nodes.delete(nodeId);
      const until = Date.now() + buildMs / 2;
      if (status) pool.busy = { status, until };
      resize(cluster, pool, until);
      pool.updatedAt = now();
      return done();
    }),
    inPool("DELETE", "", (pool) => {
      pool.deletingUntil ??= Date.now() + buildMs / 4;
      return done();
    }),

    // What the project may use
    {
      method: "GET",
      pattern: /^\/cloud\/project\/([^/]+)\/capabilities\/kube\/flavors$/,
      handle: (_request: EmulatorRequest, serviceName: string) =>
        world.projects.has(serviceName)
          ? ok(KUBE_FLAVORS.map((f) => ({ category: f.name[0], gpus: 0, name: f.name, ram: f.ram, state: "available", vCPUs: f.vcpus })))
          : error(404, "This service does not exist"),
    },
    {
      method: "GET",
      pattern: /^\/cloud\/project\/([^/]+)\/capabilities\/kube\/regions$/,
      handle: (_request: EmulatorRequest, serviceName: string) =>
        world.projects.has(serviceName) ? ok(Object.keys(REGIONS)) : error(404, "This service does not exist"),
    },
  ];
}
