/**
 * `ionos.K8sCluster`: a Managed Kubernetes cluster (its control plane; the workers are
 * `ionos.K8sNodePool`s). Kubernetes writes answer 202 without a request to follow: every create,
 * update and delete waits on the cluster's own state (ACTIVE, or gone), and a create whose answer
 * was lost finds the cluster by its name, which IONOS keeps unique.
 */
import { z } from "zod";
import { type RequestContext } from "../core/errors";
import { type CheckFailure, type OperationScope, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { type IonosClient, ionos } from "./client";
import { IonosKind, apiChanges, resource, timeoutMinutes } from "./common";

/** When a Kubernetes cluster or node pool may be updated by IONOS. */
export interface MaintenanceWindow {
  /** `Monday` to `Sunday`. */
  dayOfTheWeek: "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday" | "Sunday";
  /** The time of day, `HH:mm:ss` (UTC), optionally followed by `Z`, e.g. `02:30:00Z`; IONOS may start up to 15 minutes off. */
  time: string;
}

/** The inputs of an `ionos.K8sCluster`. */
export interface K8sClusterArgs {
  /**
   * The cluster's name, unique in the contract: at most 63 characters, beginning and ending with a
   * letter or digit, with dashes, underscores, dots, letters and digits between. Defaults to the
   * resource name, a dash and 8 hexadecimal digits of the create key (e.g. `k8s-1a2b3c4d`), new
   * for a replacement: that name is how a run after a crash finds the cluster it ordered. A change
   * renames the cluster in place.
   */
  name: string;
  /**
   * The Kubernetes version, `x.y.z`, one of `GET /k8s/versions`. Left out, the API's default
   * version (`GET /k8s/versions/default`) is taken at creation and the version is not managed. A
   * change upgrades the cluster in place (to one of its `availableUpgradeVersions`); a downgrade is
   * refused at preview.
   */
  k8sVersion?: string;
  /**
   * When IONOS may maintain the cluster (`{ dayOfTheWeek, time }`). Left out, IONOS picks one and
   * it is not managed. A change applies in place.
   */
  maintenanceWindow?: MaintenanceWindow;
  /**
   * The only networks allowed to reach the cluster's API server: IPv4 or IPv6 addresses or CIDR
   * blocks (an address alone is a /32 or /128); empty, access is not restricted. A change applies
   * in place.
   * @default []
   */
  apiSubnetAllowList?: string[];
  /**
   * The S3 buckets the cluster uses, `{ name }` each; for now the one bucket IONOS writes the
   * Kubernetes API audit log to. A change applies in place.
   * @default []
   */
  s3Buckets?: { /** The bucket's name. */ name: string }[];
  /**
   * Whether the cluster is public; a private cluster (`false`, in beta at IONOS) needs `location`
   * and `natGatewayIp`. A change replaces the cluster (and so its node pools).
   * @default true
   */
  public?: boolean;
  /**
   * A private cluster's location, such as `de/fra`; required when `public` is `false`, refused
   * otherwise (checked at preview). A change replaces the cluster.
   */
  location?: string;
  /**
   * A private cluster's NAT gateway IPv4 address: one of an `ionos.IpBlock` reserved in its
   * `location`; required when `public` is `false`, refused otherwise. A change replaces the cluster.
   */
  natGatewayIp?: string;
  /**
   * A private cluster's node subnet, an IPv4 CIDR block with a /16 prefix such as `192.168.0.0/16`;
   * left out, IONOS picks one. Only for a private cluster. A change replaces the cluster.
   */
  nodeSubnet?: string;
  /**
   * How long, in minutes, each wait for the cluster to be ACTIVE (after its create or an update)
   * or gone (after its delete) may take: more than 0 and at most 1440 (24 hours); fractions are
   * allowed (0.5 is 30 seconds). It only bounds this provider's waits: a change applies in place
   * without an API call.
   * @default 60
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.K8sCluster`. */
export type K8sClusterOutputs = Omit<Required<K8sClusterArgs>, "location" | "natGatewayIp" | "nodeSubnet"> &
  Pick<K8sClusterArgs, "location" | "natGatewayIp" | "nodeSubnet"> & {
    /** The cluster's id at IONOS (a UUID); `id` is the same string. */
    clusterId: string;
    /** The cluster's state when last read: `ACTIVE` once it is ready (`DEPLOYING`, `UPDATING` meanwhile). */
    state: string;
    /** The versions the cluster can be upgraded to. */
    availableUpgradeVersions: string[];
    /** The versions its node pools may run. */
    viableNodePoolVersions: string[];
    /** The kubeconfig (YAML) to reach the cluster as its administrator, for a Kubernetes provider; a Pulumi secret. */
    kubeconfig: string;
  };

const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export const maintenanceWindow = z.object({
  dayOfTheWeek: z.enum(DAYS),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(Z)?$/, "must be a time of day as HH:mm:ss, optionally followed by Z"),
});
export const k8sVersion = z.string().regex(/^\d+\.\d+\.\d+$/, "must be a Kubernetes version x.y.z, such as 1.31.2");
/** The k8s name rule: at most 63 characters, alphanumeric at both ends, `-`, `_`, `.` between. */
export const k8sName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$/, "must begin and end with a letter or digit, with dashes, underscores, dots, letters and digits between");

/** Compares two versions `x.y.z` numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** A failure when the new version is lower than the old one: IONOS upgrades, never downgrades. */
export function downgrade(news: { k8sVersion?: string }, olds: { k8sVersion?: string }, what: string): CheckFailure[] {
  if (!news.k8sVersion || !olds.k8sVersion || compareVersions(news.k8sVersion, olds.k8sVersion) >= 0) return [];
  return [{ property: "k8sVersion", reason: `${what} cannot be downgraded (from ${olds.k8sVersion} to ${news.k8sVersion}): IONOS only upgrades` }];
}

const cidrOrIp = z.string().refine((value) => {
  const [address, prefix, ...rest] = value.split("/");
  const v4 = z.ipv4().safeParse(address).success;
  if (rest.length > 0 || (!v4 && !z.ipv6().safeParse(address).success)) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (v4 ? 32 : 128));
}, "must be an IPv4 or IPv6 address or CIDR block");

const inputs = documented<K8sClusterArgs>()(z.object({
  name: k8sName,
  k8sVersion: k8sVersion.optional(),
  maintenanceWindow: maintenanceWindow.optional(),
  apiSubnetAllowList: z.array(cidrOrIp).default([]),
  s3Buckets: z.array(z.object({ name: z.string().min(1) })).default([]),
  public: z.boolean().default(true),
  location: z.string().regex(/^[a-z]{2}\/[a-z]{3}(\/\d+)?$/, "must be an IONOS location such as de/fra").optional(),
  natGatewayIp: z.ipv4().optional(),
  nodeSubnet: z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/16$/, "must be an IPv4 CIDR block with a /16 prefix, such as 192.168.0.0/16").optional(),
  timeoutMinutes: timeoutMinutes(60),
}));

const clusterItem = resource({
  name: z.string(),
  k8sVersion: z.string(),
  maintenanceWindow: z.object({ dayOfTheWeek: z.enum(DAYS), time: z.string() }).loose().optional(),
  apiSubnetAllowList: z.array(z.string()).nullish(),
  s3Buckets: z.array(z.object({ name: z.string() }).loose()).nullish(),
  public: z.boolean().optional(),
  location: z.string().nullish(),
  natGatewayIp: z.string().nullish(),
  nodeSubnet: z.string().nullish(),
  availableUpgradeVersions: z.array(z.string()).nullish(),
  viableNodePoolVersions: z.array(z.string()).nullish(),
});
type ClusterItem = z.infer<typeof clusterItem>;

function outputsOf(cluster: ClusterItem, known: Partial<K8sClusterOutputs>): K8sClusterOutputs {
  const p = cluster.properties;
  return {
    name: p.name,
    k8sVersion: p.k8sVersion,
    maintenanceWindow: p.maintenanceWindow
      ? { dayOfTheWeek: p.maintenanceWindow.dayOfTheWeek, time: p.maintenanceWindow.time }
      : (known.maintenanceWindow as MaintenanceWindow),
    apiSubnetAllowList: p.apiSubnetAllowList ?? [],
    s3Buckets: (p.s3Buckets ?? []).map(({ name }) => ({ name })),
    public: p.public ?? true,
    location: p.location ?? undefined,
    natGatewayIp: p.natGatewayIp ?? undefined,
    nodeSubnet: p.nodeSubnet ?? undefined,
    timeoutMinutes: known.timeoutMinutes ?? 60,
    clusterId: cluster.id,
    state: cluster.metadata?.state ?? "unknown",
    availableUpgradeVersions: p.availableUpgradeVersions ?? [],
    viableNodePoolVersions: p.viableNodePoolVersions ?? [],
    kubeconfig: known.kubeconfig ?? "",
  };
}

const clusters = new IonosKind({
  noun: "Kubernetes cluster",
  item: clusterItem,
  idParts: ["clusterId"],
  collection: () => "/k8s",
  defaultMinutes: 60,
  readyStates: ["ACTIVE"],
  uniqueName: (cluster) => cluster.properties.name,
  outputsOf,
});

/** The cluster's kubeconfig (`GET /k8s/{id}/kubeconfig`, asked for as JSON: a string holding the YAML). */
function kubeconfigOf(client: IonosClient, context: RequestContext, clusterId: string): Promise<string> {
  return client.get(context, `/k8s/${encodeURIComponent(clusterId)}/kubeconfig`, z.string().min(1));
}

/** States in which IONOS hands out the kubeconfig: not while the cluster is still DEPLOYING (the one known stays). */
const SERVING_STATES = ["ACTIVE", "UPDATING"];

async function withKubeconfig(client: IonosClient, scope: OperationScope | undefined, outputs: K8sClusterOutputs): Promise<K8sClusterOutputs> {
  if (!SERVING_STATES.includes(outputs.state)) return outputs;
  const context: RequestContext = scope?.context("read the kubeconfig of Kubernetes cluster") ?? {
    cloud: "ionos",
    operation: "read the kubeconfig of Kubernetes cluster",
    resource: `Kubernetes cluster "${outputs.name}"`,
  };
  return { ...outputs, kubeconfig: await kubeconfigOf(client, context, outputs.clusterId) };
}

/** The PUT body: the whole cluster as wanted, what is not managed as it is. */
function putBody(wanted: Partial<K8sClusterOutputs>, olds: Partial<K8sClusterOutputs>) {
  return {
    properties: {
      name: wanted.name,
      k8sVersion: wanted.k8sVersion ?? olds.k8sVersion,
      maintenanceWindow: wanted.maintenanceWindow ?? olds.maintenanceWindow,
      apiSubnetAllowList: wanted.apiSubnetAllowList,
      s3Buckets: wanted.s3Buckets,
    },
  };
}

const K8sClusterResource = defineResource({
  cloud: ionos,
  kind: "K8sCluster",
  inputs,
  idOutputs: { clusterId: String },
  outputNames: [
    "name", "k8sVersion", "maintenanceWindow", "apiSubnetAllowList", "s3Buckets", "public", "location", "natGatewayIp", "nodeSubnet",
    "timeoutMinutes", "clusterId", "state", "availableUpgradeVersions", "viableNodePoolVersions", "kubeconfig",
  ],
  autoName: "name",
  keyedAutoName: true,
  replaceOnChange: ["public", "location", "natGatewayIp", "nodeSubnet"],
  // Cluster names are unique: a replacement that keeps the name can only be made once the old one is gone.
  deleteBeforeReplace: (olds, news) => olds.name === news.name,
  secretOutputs: ["kubeconfig"],
  describe: (values, id) => `Kubernetes cluster ${values.name ? `"${values.name}"` : id}`,

  validate(news, olds) {
    const failures = downgrade(news, olds, "a cluster");
    if (news.public) {
      for (const key of ["location", "natGatewayIp", "nodeSubnet"] as const) {
        if (news[key] !== undefined) failures.push({ property: key, reason: "only a private cluster (public: false) takes it" });
      }
    } else {
      if (news.location === undefined) failures.push({ property: "location", reason: "is required for a private cluster (public: false)" });
      if (news.natGatewayIp === undefined) failures.push({ property: "natGatewayIp", reason: "is required for a private cluster (public: false)" });
    }
    return failures;
  },

  async create(client, wanted, scope) {
    const { timeoutMinutes: _timeout, ...properties } = wanted;
    // Left out, the version is the API's default now (what IONOS would pick), named in the POST.
    properties.k8sVersion ??= await client.get(scope.context("read the default Kubernetes version"), "/k8s/versions/default", k8sVersion);
    const created = await clusters.create(client, scope, { parentIds: [], name: wanted.name, body: { properties }, known: wanted });
    return { id: created.id, outputs: await withKubeconfig(client, scope, created.outputs) };
  },

  async read(client, id, olds, scope) {
    const found = await clusters.read(client, id, olds);
    return found && withKubeconfig(client, scope, found);
  },

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      await clusters.change(client, scope, id, { operation: "update", method: "PUT", body: putBody(wanted, olds), minutes: wanted.timeoutMinutes });
    }
    return withKubeconfig(client, scope, await clusters.outputs(client, scope, id, { ...olds, ...wanted }));
  },

  delete: clusters.delete,
});

export interface K8sCluster extends ResourceOutputs<K8sClusterOutputs> {}
export class K8sCluster extends K8sClusterResource {}
