/**
 * `ovh.CloudKubeNodePool`: a node pool of a Managed Kubernetes cluster: nodes of one flavor, their
 * number (fixed, or left to the autoscaler between minNodes and maxNodes), and the labels,
 * annotations and taints every node gets. A create waits until the pool is READY. Left out, the
 * name is the resource name with a suffix of the create key (`workers-1a2b3c4d`), which lets a run
 * that follows a crashed one find the pool the crashed run made. The sizes, the autoscaling and
 * the template change in place; the rest replaces the pool.
 */
import { z } from "zod";
import { readOrUndefined, type RequestContext } from "../core/errors";
import { type CheckFailure, type OperationScope, type ResourceOutputs, defineResource, documented, isKeyedName } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { createOnce, createdSince, sendOnce } from "../core/reconcile";
import { waitFor } from "../core/wait";
import { type OvhClient, ovh } from "./client";
import { serviceName, timeoutMinutes } from "./common";
import { clusterPath } from "./cloud-kube-cluster";

/** A Kubernetes taint of every node of the pool. */
export interface KubeTaint {
  /** The taint's key, e.g. "dedicated". */
  key: string;
  /** The taint's value. @default "" */
  value?: string;
  /** What happens to pods that do not tolerate it: NoSchedule, PreferNoSchedule or NoExecute. */
  effect: "NoExecute" | "NoSchedule" | "PreferNoSchedule";
}

/** What every node of the pool gets. */
export interface KubeNodeTemplate {
  /** The Kubernetes labels of every node. @default {} */
  labels?: Record<string, string>;
  /** The Kubernetes annotations of every node. @default {} */
  annotations?: Record<string, string>;
  /** The taints of every node. @default [] */
  taints?: KubeTaint[];
}

/** The inputs of an `ovh.CloudKubeNodePool`. */
export interface CloudKubeNodePoolArgs {
  /**
   * The id of the Public Cloud project the cluster belongs to (`serviceName` in OVH's API): 32
   * hexadecimal characters. A change replaces the pool.
   */
  serviceName: string;
  /** The cluster's id: the `kubeId` of an `ovh.CloudKubeCluster`. A change replaces the pool. */
  kubeId: string;
  /**
   * The pool's name: lowercase letters, digits and "-", starting and ending with a letter or
   * digit, at most 63 characters (no "_"). Defaults to the resource name, a dash and 8
   * hexadecimal digits of the create key (e.g. `workers-1a2b3c4d`); left out, a pool keeps the
   * name it has. A change replaces the pool.
   */
  name: string;
  /** The nodes' flavor, e.g. b2-7 or d2-8: one OVH offers for Kubernetes in the region. A change replaces the pool. */
  flavorName: string;
  /**
   * How many nodes the pool should have: 0 to 100, from minNodes to maxNodes. With autoscale, the
   * autoscaler changes the number: what it chose is not drift (a refresh keeps the number given,
   * `currentNodes` shows the nodes there are), and only a new number given here is sent. A change
   * takes effect in place.
   * @default 1
   */
  desiredNodes?: number;
  /**
   * The fewest nodes the autoscaler may leave: 0 to 100, at most desiredNodes. A change takes
   * effect in place.
   * @default 0
   */
  minNodes?: number;
  /**
   * The most nodes the autoscaler may make: 0 to 100, at least desiredNodes (at most 5 with
   * antiAffinity). A change takes effect in place.
   * @default 100
   */
  maxNodes?: number;
  /**
   * Whether the autoscaler sets the number of nodes, between minNodes and maxNodes. A change takes
   * effect in place.
   * @default false
   */
  autoscale?: boolean;
  /**
   * Whether the nodes are billed monthly instead of hourly. A change replaces the pool.
   * @default false
   */
  monthlyBilled?: boolean;
  /**
   * Whether the nodes are placed on different hypervisors (at most 5 nodes then). A change
   * replaces the pool.
   * @default false
   */
  antiAffinity?: boolean;
  /**
   * The labels, annotations and taints of every node. A change takes effect in place.
   * @default {"labels":{},"annotations":{},"taints":[]}
   */
  template?: KubeNodeTemplate;
  /**
   * How long to wait for the pool to be READY after a create or a change, and to be gone after a
   * delete, in minutes: more than 0, at most 1440 (fractions allowed). A change takes effect in
   * place, at the next wait.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ovh.CloudKubeNodePool`. */
export type CloudKubeNodePoolOutputs = Required<CloudKubeNodePoolArgs> & {
  /** The pool's id at OVH. */
  nodePoolId: string;
  /** The pool's status at OVH, e.g. INSTALLING, READY, UPSCALING, DOWNSCALING or ERROR. */
  status: string;
  /** How many nodes the pool has now (with autoscale, the autoscaler's choice). */
  currentNodes: number;
};

const POOL_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const count = z.number().int().min(0).max(100);
const taint = z.object({ key: z.string().min(1), value: z.string().default(""), effect: z.enum(["NoExecute", "NoSchedule", "PreferNoSchedule"]) }).strict();
const template = z
  .object({ labels: z.record(z.string(), z.string()).default({}), annotations: z.record(z.string(), z.string()).default({}), taints: z.array(taint).default([]) })
  .strict();

const inputs = documented<CloudKubeNodePoolArgs>()(z.object({
  serviceName,
  kubeId: z.string().min(1),
  name: z.string().regex(POOL_NAME, "must be lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"),
  flavorName: z.string().min(1),
  desiredNodes: count.default(1),
  minNodes: count.default(0),
  maxNodes: count.default(100),
  autoscale: z.boolean().default(false),
  monthlyBilled: z.boolean().default(false),
  antiAffinity: z.boolean().default(false),
  template: template.default({ labels: {}, annotations: {}, taints: [] }),
  timeoutMinutes: timeoutMinutes(30),
}));
type Inputs = z.output<typeof inputs>;

const poolItem = z.object({
  id: z.string(),
  name: z.string(),
  flavor: z.string(),
  status: z.string(),
  desiredNodes: z.number().int(),
  currentNodes: z.number().int(),
  minNodes: z.number().int(),
  maxNodes: z.number().int(),
  autoscale: z.boolean(),
  monthlyBilled: z.boolean(),
  antiAffinity: z.boolean(),
  createdAt: z.string(),
  template: z.object({
    metadata: z.object({ labels: z.record(z.string(), z.string()).nullable(), annotations: z.record(z.string(), z.string()).nullable() }).loose(),
    spec: z.object({ taints: z.array(z.object({ key: z.string(), value: z.string().nullable().optional(), effect: taint.shape.effect })).nullable() }).loose(),
  }).loose(),
}).loose();
type PoolItem = z.infer<typeof poolItem>;

const LEAVING = ["DELETING", "DELETED"];

/** The API's template: every field is required in a request. */
const templateBody = (given: Inputs["template"]) => ({
  metadata: { annotations: given.annotations, finalizers: [], labels: given.labels },
  spec: { taints: given.taints, unschedulable: false },
});

function outputsOf(project: string, kubeId: string, item: PoolItem, known: Partial<CloudKubeNodePoolOutputs>): CloudKubeNodePoolOutputs {
  return {
    serviceName: project,
    kubeId,
    name: item.name,
    flavorName: item.flavor,
    // The autoscaler's choice is not drift: the number given stays (currentNodes shows what there is).
    desiredNodes: item.autoscale && known.desiredNodes !== undefined ? known.desiredNodes : item.desiredNodes,
    minNodes: item.minNodes,
    maxNodes: item.maxNodes,
    autoscale: item.autoscale,
    monthlyBilled: item.monthlyBilled,
    antiAffinity: item.antiAffinity,
    template: {
      labels: item.template.metadata.labels ?? {},
      annotations: item.template.metadata.annotations ?? {},
      taints: (item.template.spec.taints ?? []).map((t) => ({ key: t.key, value: t.value ?? "", effect: t.effect })),
    },
    timeoutMinutes: known.timeoutMinutes ?? 30,
    nodePoolId: item.id,
    status: item.status,
    currentNodes: item.currentNodes,
  };
}

const poolsPath = (project: string, kubeId: string) => `${clusterPath(project, kubeId)}/nodepool`;
const poolPath = (project: string, kubeId: string, poolId: string) => `${poolsPath(project, kubeId)}/${encodeURIComponent(poolId)}`;
const getPool = (client: OvhClient, context: RequestContext, project: string, kubeId: string, poolId: string) =>
  client.request(context, "GET", poolPath(project, kubeId, poolId), poolItem);

function waitForPool(client: OvhClient, scope: OperationScope, ids: { project: string; kubeId: string; poolId: string }, wait: { after: string; minutes: number; gone?: boolean }) {
  return waitFor({
    context: scope.context(wait.gone ? "wait for node pool to be deleted" : "wait for node pool to be READY"),
    waitingFor: wait.gone ? "the node pool to be gone" : "status READY",
    poll: () => readOrUndefined(() => getPool(client, scope.context("read node pool status"), ids.project, ids.kubeId, ids.poolId)),
    kind: `ovh: kube node pool ${wait.after}`,
    isDone: (item) => (wait.gone ? item === undefined : item?.status === "READY"),
    failure: (item) => {
      if (!item) return wait.gone ? undefined : "the node pool is gone";
      if (wait.gone) return undefined;
      return item.status.includes("ERROR") || item.status.startsWith("USER_") ? `the node pool is in status ${item.status}` : undefined;
    },
    describe: (item) => (item ? `${item.status}, ${item.currentNodes} of ${item.desiredNodes} nodes` : "gone"),
    timeoutMs: wait.minutes * 60_000,
    howToRaise: "the node pool's timeoutMinutes input",
    pacing: { maxIntervalMs: 10_000 },
  });
}

const CloudKubeNodePoolResource = defineResource({
  cloud: ovh,
  kind: "CloudKubeNodePool",
  inputs,
  idOutputs: { nodePoolId: idPart(2) },
  outputNames: [
    "serviceName", "kubeId", "name", "flavorName", "desiredNodes", "minNodes", "maxNodes", "autoscale", "monthlyBilled", "antiAffinity", "template",
    "timeoutMinutes", "nodePoolId", "status", "currentNodes",
  ],
  autoName: "name",
  keyedAutoName: true,
  replaceOnChange: ["serviceName", "kubeId", "name", "flavorName", "monthlyBilled", "antiAffinity"],
  describe: (values, id) => `node pool ${values.name ? `"${values.name}"` : id}`,

  validate(news): CheckFailure[] {
    const failures: CheckFailure[] = [];
    if (news.minNodes > news.maxNodes) failures.push({ property: "minNodes", reason: `must not be more than maxNodes (${news.maxNodes})` });
    else if (news.desiredNodes < news.minNodes || news.desiredNodes > news.maxNodes) {
      failures.push({ property: "desiredNodes", reason: `must be from minNodes (${news.minNodes}) to maxNodes (${news.maxNodes})` });
    }
    if (news.antiAffinity && news.maxNodes > 5) failures.push({ property: "maxNodes", reason: "must be at most 5 with antiAffinity" });
    return failures;
  },

  async create(client, wanted, scope) {
    const { serviceName: project, kubeId, timeoutMinutes } = wanted;
    const body = {
      name: wanted.name,
      flavorName: wanted.flavorName,
      desiredNodes: wanted.desiredNodes,
      minNodes: wanted.minNodes,
      maxNodes: wanted.maxNodes,
      autoscale: wanted.autoscale,
      monthlyBilled: wanted.monthlyBilled,
      antiAffinity: wanted.antiAffinity,
      template: templateBody(wanted.template),
    };
    // A cluster's pools have unique names: with a keyed name, the pool of that name is this
    // create's; with another, only one created since this create began.
    const keyed = isKeyedName(wanted.name, scope.createKey);
    const isNew = createdSince(Date.now());
    const created = await (keyed ? createOnce : sendOnce)({
      what: `create node pool "${wanted.name}"`,
      send: () => client.request(scope.context("create node pool"), "POST", poolsPath(project, kubeId), poolItem, { body }),
      find: async () => {
        const pools = await client.request(scope.context("look up node pool"), "GET", poolsPath(project, kubeId), z.array(poolItem));
        return pools.find((p) => p.name === wanted.name && !LEAVING.includes(p.status) && (keyed || isNew(p.createdAt)));
      },
    });
    const id = `${project}/${kubeId}/${created.id}`;
    scope.created(id, outputsOf(project, kubeId, created, wanted));
    const ready = await waitForPool(client, scope, { project, kubeId, poolId: created.id }, { after: "create", minutes: timeoutMinutes });
    return { id, outputs: outputsOf(project, kubeId, ready!, wanted) };
  },

  async read(client, id, olds, scope) {
    const [project, kubeId, poolId] = idParts("ovh", id, ["serviceName", "kubeId", "nodePoolId"]);
    const item = await readOrUndefined(() => getPool(client, scope.context("read node pool"), project, kubeId, poolId));
    return item && !LEAVING.includes(item.status) ? outputsOf(project, kubeId, item, olds) : undefined;
  },

  // Also called with nothing changed after a create whose wait failed: the wait is resumed.
  async update(client, id, wanted, olds, changed, scope) {
    const [project, kubeId, poolId] = idParts("ovh", id, ["serviceName", "kubeId", "nodePoolId"]);
    const ids = { project, kubeId, poolId };
    if (changed.length > 0 && changed.some((key) => key !== "timeoutMinutes")) {
      await waitForPool(client, scope, ids, { after: "settle", minutes: wanted.timeoutMinutes });
      const body = {
        // With autoscale, the autoscaler's number stays unless a new one is given.
        desiredNodes: !wanted.autoscale || changed.includes("desiredNodes") ? wanted.desiredNodes : undefined,
        minNodes: wanted.minNodes,
        maxNodes: wanted.maxNodes,
        autoscale: wanted.autoscale,
        template: templateBody(wanted.template),
      };
      await client.call(scope.context("update node pool"), "PUT", poolPath(project, kubeId, poolId), { body });
    }
    const ready = await waitForPool(client, scope, ids, { after: "resize", minutes: wanted.timeoutMinutes });
    return outputsOf(project, kubeId, ready!, { ...olds, ...wanted });
  },

  async delete(client, id, olds, scope) {
    const [project, kubeId, poolId] = idParts("ovh", id, ["serviceName", "kubeId", "nodePoolId"]);
    await client.call(scope.context("delete node pool"), "DELETE", poolPath(project, kubeId, poolId));
    await waitForPool(client, scope, { project, kubeId, poolId }, { after: "delete", minutes: olds.timeoutMinutes ?? 30, gone: true });
  },
});

export interface CloudKubeNodePool extends ResourceOutputs<CloudKubeNodePoolOutputs> {}
export class CloudKubeNodePool extends CloudKubeNodePoolResource {}
