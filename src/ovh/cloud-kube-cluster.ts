/**
 * `ovh.CloudKubeCluster`: a Managed Kubernetes cluster of a Public Cloud project. A create waits
 * until it is READY and fetches its kubeconfig (a secret output). Left out, the name is the
 * resource name with a suffix of the create key (`k8s-1a2b3c4d`): OVH keeps no request log, so
 * only such a name lets a run that follows a crashed one find the cluster the crashed run ordered.
 * The name, the update policy, the customization and the API server's IP restrictions change in
 * place; a newer version upgrades the cluster in place, one minor version at a time (an older one
 * is refused at preview: OVH cannot downgrade). Everything else replaces the cluster.
 */
import { z } from "zod";
import { readOrUndefined, type RequestContext } from "../core/errors";
import { type CheckFailure, type OperationScope, type ResourceOutputs, defineResource, documented, isKeyedName } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { createOnce, createdSince, sendOnce } from "../core/reconcile";
import { waitFor } from "../core/wait";
import { type OvhClient, ovh } from "./client";
import { cloudRegion, path, serviceName, timeoutMinutes } from "./common";

const duration = z.string().regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/, "must be an RFC3339 duration such as PT60S");
const admissionPlugin = z.enum(["AlwaysPullImages", "NodeRestriction"]);
const version = z.string().regex(/^\d+\.\d+$/, "must be a Kubernetes minor version such as 1.29");

/** How kube-proxy refreshes its iptables rules (durations in RFC3339 format, e.g. PT60S). */
export interface KubeProxyIptables {
  /** The shortest time between two refreshes of the rules, e.g. PT1S. */
  minSyncPeriod?: string;
  /** The time between two refreshes of the rules, e.g. PT30S. */
  syncPeriod?: string;
}
/** How kube-proxy runs IPVS (durations in RFC3339 format, e.g. PT60S). */
export interface KubeProxyIpvs extends KubeProxyIptables {
  /** The IPVS scheduler: dh, lc, nq, rr, sed or sh. */
  scheduler?: "dh" | "lc" | "nq" | "rr" | "sed" | "sh";
  /** The timeout of TCP sessions after a FIN, e.g. PT120S. */
  tcpFinTimeout?: string;
  /** The timeout of idle TCP sessions, e.g. PT900S. */
  tcpTimeout?: string;
  /** The timeout of UDP packets, e.g. PT300S. */
  udpTimeout?: string;
}

/** A cluster's customization: the API server's admission plugins and kube-proxy's settings. */
export interface KubeCustomization {
  /** The API server's customization. @default {"admissionPlugins":{"enabled":["AlwaysPullImages","NodeRestriction"],"disabled":[]}} */
  apiServer?: {
    /** The admission plugins (AlwaysPullImages, NodeRestriction) enabled and disabled. */
    admissionPlugins?: {
      /** @default ["AlwaysPullImages","NodeRestriction"] */
      enabled?: ("AlwaysPullImages" | "NodeRestriction")[];
      /** @default [] */
      disabled?: ("AlwaysPullImages" | "NodeRestriction")[];
    };
  };
  /** kube-proxy's settings for each mode (the cluster's kubeProxyMode picks the one used). @default {} */
  kubeProxy?: { iptables?: KubeProxyIptables; ipvs?: KubeProxyIpvs };
}

/** The inputs of an `ovh.CloudKubeCluster`. */
export interface CloudKubeClusterArgs {
  /**
   * The id of the Public Cloud project the cluster belongs to (`serviceName` in OVH's API): 32
   * hexadecimal characters. A change replaces the cluster.
   */
  serviceName: string;
  /** The cluster's region, e.g. GRA11, SBG5 or BHS5. A change replaces the cluster. */
  region: string;
  /**
   * The cluster's name: 1 to 255 characters. Defaults to the resource name, a dash and 8
   * hexadecimal digits of the create key (e.g. `k8s-1a2b3c4d`), new for a replacement; left out,
   * a cluster keeps the name it has. A change renames the cluster in place.
   */
  name: string;
  /**
   * The Kubernetes minor version, e.g. "1.29": one OVH offers. Left out, OVH installs its newest,
   * and the version is not managed (leaving it out later changes nothing). A newer version
   * upgrades the cluster in place, one minor version at a time (each waits for READY); an older
   * one is refused at preview (OVH cannot downgrade).
   */
  version?: string;
  /**
   * The OpenStack id of the private network the nodes are attached to, in the cluster's region:
   * `openstackIds[region]` of an `ovh.CloudPrivateNetwork` active there. Left out, the nodes are on
   * the public network only, and it is not managed. A change replaces the cluster.
   */
  privateNetworkId?: string;
  /**
   * The id of the subnet of `privateNetworkId` the nodes take their addresses from (`subnetId` of
   * an `ovh.CloudSubnet` in the cluster's region); needs `privateNetworkId`. Left out, OVH picks,
   * and it is not managed. A change replaces the cluster.
   */
  nodesSubnetId?: string;
  /**
   * When OVH applies security patches and minor updates: ALWAYS_UPDATE, MINIMAL_DOWNTIME or
   * NEVER_UPDATE. A change takes effect in place.
   * @default "ALWAYS_UPDATE"
   */
  updatePolicy?: "ALWAYS_UPDATE" | "MINIMAL_DOWNTIME" | "NEVER_UPDATE";
  /**
   * kube-proxy's mode: iptables or ipvs. A change replaces the cluster (OVH sets it at creation
   * only).
   * @default "iptables"
   */
  kubeProxyMode?: "iptables" | "ipvs";
  /**
   * The API server's admission plugins and kube-proxy's settings. Left out, OVH's defaults stay
   * and it is not managed. A change takes effect in place (the API server is redeployed; the wait
   * for READY follows).
   */
  customization?: KubeCustomization;
  /**
   * The IP addresses or CIDR blocks allowed to reach the API server, e.g. ["203.0.113.0/24"]
   * (duplicates are dropped, the list is sorted); [] allows every address. Left out, they are not
   * managed. A change takes effect in place.
   */
  ipRestrictions?: string[];
  /**
   * How long to wait for the cluster to be READY after a create, an upgrade or a customization,
   * and to be gone after a delete, in minutes: more than 0, at most 1440 (fractions allowed). A
   * change takes effect in place, at the next wait.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ovh.CloudKubeCluster`. */
export type CloudKubeClusterOutputs = Omit<Required<CloudKubeClusterArgs>, "privateNetworkId" | "nodesSubnetId"> &
  Pick<CloudKubeClusterArgs, "privateNetworkId" | "nodesSubnetId"> & {
    /** The cluster's id at OVH. */
    kubeId: string;
    /** The cluster's status at OVH, e.g. INSTALLING, READY, UPDATING or ERROR. */
    status: string;
    /** The URL of the cluster's Kubernetes API server. */
    url: string;
    /** The cluster's kubeconfig file (YAML), with admin credentials: a Pulumi secret. */
    kubeconfig: string;
  };

const pluginList = z.array(admissionPlugin);
const iptables = z.object({ minSyncPeriod: duration.optional(), syncPeriod: duration.optional() }).strict();
const customization = z
  .object({
    apiServer: z
      .object({
        admissionPlugins: z
          .object({ enabled: pluginList.default(["AlwaysPullImages", "NodeRestriction"]), disabled: pluginList.default([]) })
          .strict()
          .default({ enabled: ["AlwaysPullImages", "NodeRestriction"], disabled: [] }),
      })
      .strict()
      .default({ admissionPlugins: { enabled: ["AlwaysPullImages", "NodeRestriction"], disabled: [] } }),
    kubeProxy: z
      .object({
        iptables: iptables.optional(),
        ipvs: iptables
          .extend({
            scheduler: z.enum(["dh", "lc", "nq", "rr", "sed", "sh"]).optional(),
            tcpFinTimeout: duration.optional(),
            tcpTimeout: duration.optional(),
            udpTimeout: duration.optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

const ipBlock = z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()], { error: "must be an IP address or CIDR block, e.g. 203.0.113.0/24" });

const inputs = documented<CloudKubeClusterArgs>()(z.object({
  serviceName,
  region: cloudRegion,
  name: z.string().min(1).max(255),
  version: version.optional(),
  privateNetworkId: z.string().min(1).optional(),
  nodesSubnetId: z.string().min(1).optional(),
  updatePolicy: z.enum(["ALWAYS_UPDATE", "MINIMAL_DOWNTIME", "NEVER_UPDATE"]).default("ALWAYS_UPDATE"),
  kubeProxyMode: z.enum(["iptables", "ipvs"]).default("iptables"),
  customization: customization.optional(),
  ipRestrictions: z.array(ipBlock).transform((ips) => [...new Set(ips)].sort()).optional(),
  timeoutMinutes: timeoutMinutes(30),
}));

/** Drops the nulls OVH answers for what was never set. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

const clusterItem = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  version: z.string(),
  status: z.string(),
  url: z.string(),
  updatePolicy: z.string(),
  kubeProxyMode: z.enum(["iptables", "ipvs"]),
  privateNetworkId: z.string().nullable().optional(),
  nodesSubnetId: z.string().nullable().optional(),
  // Nulls for what was never set; compared with the inputs once they are dropped.
  customization: z.unknown().transform(withoutNulls),
  createdAt: z.string(),
  nextUpgradeVersions: z.array(z.string()).nullable().optional(),
}).loose();
type ClusterItem = z.infer<typeof clusterItem>;

/** The minor version of a version OVH reports ("1.29" of "1.29.3-1"). */
const minorOf = (text: string) => text.split(".").slice(0, 2).join(".");
const compareVersions = (a: string, b: string) => {
  const [aMajor, aMinor] = a.split(".").map(Number);
  const [bMajor, bMinor] = b.split(".").map(Number);
  return aMajor - bMajor || aMinor - bMinor;
};

const LEAVING = ["DELETING", "DELETED"];

function outputsOf(project: string, item: ClusterItem, known: { ipRestrictions: string[]; kubeconfig: string; timeoutMinutes?: number }): CloudKubeClusterOutputs {
  return {
    serviceName: project,
    region: item.region,
    name: item.name,
    version: minorOf(item.version),
    privateNetworkId: item.privateNetworkId ?? undefined,
    nodesSubnetId: item.nodesSubnetId ?? undefined,
    updatePolicy: item.updatePolicy as CloudKubeClusterOutputs["updatePolicy"],
    kubeProxyMode: item.kubeProxyMode,
    customization: (customization.safeParse(item.customization ?? {}).data ?? item.customization ?? {}) as CloudKubeClusterOutputs["customization"],
    ipRestrictions: [...known.ipRestrictions].sort(),
    timeoutMinutes: known.timeoutMinutes ?? 30,
    kubeId: item.id,
    status: item.status,
    url: item.url,
    kubeconfig: known.kubeconfig,
  };
}

const clustersPath = (project: string) => path`/cloud/project/${project}/kube`;
export const clusterPath = (project: string, kubeId: string) => path`/cloud/project/${project}/kube/${kubeId}`;

const getCluster = (client: OvhClient, context: RequestContext, project: string, kubeId: string) =>
  client.request(context, "GET", clusterPath(project, kubeId), clusterItem);
const getIpRestrictions = (client: OvhClient, context: RequestContext, project: string, kubeId: string) =>
  client.request(context, "GET", `${clusterPath(project, kubeId)}/ipRestrictions`, z.array(z.string()));
const getKubeconfig = async (client: OvhClient, context: RequestContext, project: string, kubeId: string) =>
  (await client.request(context, "POST", `${clusterPath(project, kubeId)}/kubeconfig`, z.object({ content: z.string() }), { idempotent: true })).content;

/** Waits for the cluster to be READY (or, after a delete, gone). */
function waitForCluster(client: OvhClient, scope: OperationScope, project: string, kubeId: string, wait: { after: string; minutes: number; gone?: boolean }) {
  return waitFor({
    context: scope.context(wait.gone ? "wait for cluster to be deleted" : "wait for cluster to be READY"),
    waitingFor: wait.gone ? "the cluster to be gone" : "status READY",
    poll: () => readOrUndefined(() => getCluster(client, scope.context("read cluster status"), project, kubeId)),
    kind: `ovh: kube cluster ${wait.after}`,
    isDone: (item) => (wait.gone ? item === undefined : item?.status === "READY"),
    failure: (item) => {
      if (!item) return wait.gone ? undefined : "the cluster is gone";
      if (wait.gone) return undefined;
      return item.status.includes("ERROR") || item.status.startsWith("SUSPEND") ? `the cluster is in status ${item.status}` : undefined;
    },
    describe: (item) => item?.status ?? "gone",
    timeoutMs: wait.minutes * 60_000,
    howToRaise: "the cluster's timeoutMinutes input",
    pacing: { maxIntervalMs: 10_000 },
  });
}

async function waitUntilReady(client: OvhClient, scope: OperationScope, project: string, kubeId: string, after: string, minutes: number) {
  return (await waitForCluster(client, scope, project, kubeId, { after, minutes }))!;
}

/** Upgrades, one minor version at a time, until the cluster runs `wanted`. */
async function upgrade(client: OvhClient, scope: OperationScope, project: string, kubeId: string, wanted: string, minutes: number) {
  for (;;) {
    const current = await waitUntilReady(client, scope, project, kubeId, "settle", minutes);
    const running = minorOf(current.version);
    const order = compareVersions(running, wanted);
    if (order === 0) return;
    if (order > 0) throw new Error(`ovh: cluster ${kubeId} runs ${running}, newer than ${wanted}: OVH cannot downgrade a cluster`);
    await sendOnce<unknown>({
      what: `upgrade cluster ${kubeId} from ${running}`,
      send: () => client.call(scope.context(`upgrade cluster from ${running} to the next minor version`), "POST", `${clusterPath(project, kubeId)}/update`, { body: { strategy: "NEXT_MINOR" } }),
      // A lost answer: the upgrade is under way (UPDATING) or done (a newer version).
      find: async () => {
        const now = await getCluster(client, scope.context("read cluster"), project, kubeId);
        return now.status === "UPDATING" || compareVersions(minorOf(now.version), running) > 0 ? true : undefined;
      },
    });
    await waitUntilReady(client, scope, project, kubeId, "upgrade", minutes);
  }
}

const CloudKubeClusterResource = defineResource({
  cloud: ovh,
  kind: "CloudKubeCluster",
  inputs,
  idOutputs: { kubeId: idPart(1) },
  outputNames: [
    "serviceName", "region", "name", "version", "privateNetworkId", "nodesSubnetId", "updatePolicy", "kubeProxyMode", "customization",
    "ipRestrictions", "timeoutMinutes", "kubeId", "status", "url", "kubeconfig",
  ],
  autoName: "name",
  keyedAutoName: true,
  replaceOnChange: ["serviceName", "region", "privateNetworkId", "nodesSubnetId", "kubeProxyMode"],
  secretOutputs: ["kubeconfig"],
  describe: (values, id) => `cluster ${values.name ? `"${values.name}"` : id}`,
  changeWarning: (changed) => (changed.includes("version") ? "a newer version upgrades the cluster in place, one minor version at a time (its nodes are redeployed)" : undefined),

  validate(news, olds): CheckFailure[] {
    const failures: CheckFailure[] = [];
    if (news.nodesSubnetId && !news.privateNetworkId) failures.push({ property: "nodesSubnetId", reason: "needs privateNetworkId: the subnet must be one of that network's" });
    if (news.version && olds.version && compareVersions(news.version, olds.version) < 0) {
      failures.push({ property: "version", reason: `cannot go from ${olds.version} down to ${news.version}: OVH upgrades a cluster, it never downgrades one` });
    }
    return failures;
  },

  async create(client, wanted, scope) {
    const { serviceName: project, timeoutMinutes, ipRestrictions } = wanted;
    const body = {
      name: wanted.name,
      region: wanted.region,
      version: wanted.version,
      updatePolicy: wanted.updatePolicy,
      kubeProxyMode: wanted.kubeProxyMode,
      customization: wanted.customization,
      privateNetworkId: wanted.privateNetworkId,
      nodesSubnetId: wanted.nodesSubnetId,
    };
    // A keyed name is this create's alone: a cluster of that name (not on its way out) is the one
    // an earlier run ordered. Other names are not unique: only one created since this create began.
    const keyed = isKeyedName(wanted.name, scope.createKey);
    const isNew = createdSince(Date.now());
    const created = await (keyed ? createOnce : sendOnce)({
      what: `create cluster "${wanted.name}"`,
      send: () => client.request(scope.context("create cluster"), "POST", clustersPath(project), clusterItem, { body }),
      find: async () => {
        const ids = await client.request(scope.context("look up cluster"), "GET", clustersPath(project), z.array(z.string()));
        for (const kubeId of ids) {
          const item = await readOrUndefined(() => getCluster(client, scope.context("look up cluster"), project, kubeId));
          if (item && item.name === wanted.name && item.region === wanted.region && !LEAVING.includes(item.status) && (keyed || isNew(item.createdAt))) return item;
        }
        return undefined;
      },
    });
    const id = `${project}/${created.id}`;
    // From here on the cluster exists: a failed wait must not lose it from the state.
    scope.created(id, outputsOf(project, created, { ipRestrictions: [], kubeconfig: "", timeoutMinutes }));
    const ready = await waitUntilReady(client, scope, project, created.id, "create", timeoutMinutes);
    const restrictions = ipRestrictions?.length
      ? await client.request(scope.context("restrict API server addresses"), "PUT", `${clusterPath(project, created.id)}/ipRestrictions`, z.array(z.string()), { body: { ips: ipRestrictions } })
      : [];
    const kubeconfig = await getKubeconfig(client, scope.context("fetch kubeconfig"), project, created.id);
    return { id, outputs: outputsOf(project, ready, { ipRestrictions: restrictions, kubeconfig, timeoutMinutes }) };
  },

  async read(client, id, olds, scope) {
    const [project, kubeId] = idParts("ovh", id, ["serviceName", "kubeId"]);
    const item = await readOrUndefined(() => getCluster(client, scope.context("read cluster"), project, kubeId));
    if (!item || LEAVING.includes(item.status)) return undefined;
    const restrictions = await getIpRestrictions(client, scope.context("read API server IP restrictions"), project, kubeId);
    // The kubeconfig stays valid until it is reset: fetched once (on adoption too), then kept.
    const kubeconfig = olds.kubeconfig || (item.status === "INSTALLING" ? "" : await getKubeconfig(client, scope.context("fetch kubeconfig"), project, kubeId));
    return outputsOf(project, item, { ipRestrictions: restrictions, kubeconfig, timeoutMinutes: olds.timeoutMinutes });
  },

  // Also called with nothing changed after a create whose wait failed: the wait is resumed.
  async update(client, id, wanted, olds, changed, scope) {
    const [project, kubeId] = idParts("ovh", id, ["serviceName", "kubeId"]);
    const minutes = wanted.timeoutMinutes;
    const cluster = clusterPath(project, kubeId);
    if (changed.includes("name")) await client.call(scope.context("rename cluster"), "PUT", cluster, { body: { name: wanted.name } });
    if (changed.includes("updatePolicy")) {
      await client.call(scope.context("change update policy"), "PUT", `${cluster}/updatePolicy`, { body: { updatePolicy: wanted.updatePolicy } });
    }
    if (changed.includes("ipRestrictions") && wanted.ipRestrictions) {
      await client.request(scope.context("restrict API server addresses"), "PUT", `${cluster}/ipRestrictions`, z.array(z.string()), { body: { ips: wanted.ipRestrictions } });
    }
    if (changed.includes("customization") && wanted.customization) {
      await waitUntilReady(client, scope, project, kubeId, "settle", minutes);
      await client.request(scope.context("customize cluster"), "PUT", `${cluster}/customization`, z.object({ message: z.string() }).loose(), { body: wanted.customization });
    }
    if (wanted.version) await upgrade(client, scope, project, kubeId, wanted.version, minutes);
    const ready = await waitUntilReady(client, scope, project, kubeId, "settle", minutes);
    const restrictions = await getIpRestrictions(client, scope.context("read API server IP restrictions"), project, kubeId);
    const kubeconfig = olds.kubeconfig || (await getKubeconfig(client, scope.context("fetch kubeconfig"), project, kubeId));
    return outputsOf(project, ready, { ipRestrictions: restrictions, kubeconfig, timeoutMinutes: minutes });
  },

  async delete(client, id, olds, scope) {
    const [project, kubeId] = idParts("ovh", id, ["serviceName", "kubeId"]);
    await client.call(scope.context("delete cluster"), "DELETE", clusterPath(project, kubeId));
    // What the cluster used (its private network and subnet) is free only once it is gone.
    await waitForCluster(client, scope, project, kubeId, { after: "delete", minutes: olds.timeoutMinutes ?? 30, gone: true });
  },
});

export interface CloudKubeCluster extends ResourceOutputs<CloudKubeClusterOutputs> {}
export class CloudKubeCluster extends CloudKubeClusterResource {}
