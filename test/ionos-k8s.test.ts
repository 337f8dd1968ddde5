/**
 * `ionos.K8sCluster` and `ionos.K8sNodePool` through their lifecycles against the emulator over
 * real HTTP: check, create (waiting on the resource's own state: Kubernetes writes answer 202
 * without a request to follow), read, diff (in place and replace), update, outside change, outside
 * delete, adoption by id, delete; bad input at check with no API call; a lost create answer that
 * still makes one resource (found by its unique name); and the contract check of every request
 * and answer against the Cloud API v6 spec.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { keyedName } from "../src/core/kit";
import type { IonosEmulator } from "../src/emulator";
import { TOKEN_PATH } from "../src/emulator/ionos/emulator";
import { K8S_ANSWERS, K8S_DEFAULT_VERSION } from "../src/emulator/ionos/k8s";
import type { LogEntry } from "../src/emulator/server";
import { ionosClient } from "../src/ionos/client";
import { checkAndCreate, ops, stopIonosEmulator, useIonosEmulator } from "./support/ionos";
import { haveIonosSpecs, ionosOperations, ionosRequestSchema } from "./support/ionos-spec";
import { contractProblems } from "./support/openapi";

let emulator: IonosEmulator;
beforeAll(async () => {
  emulator = await useIonosEmulator({ requestMs: 50 });
});
afterAll(() => stopIonosEmulator(emulator));

async function apiCallsDuring(action: () => Promise<unknown>): Promise<number> {
  const before = emulator.log.entries.length;
  await action();
  return emulator.log.entries.length - before;
}

const nodesOf = (type: string) => [...emulator.store.nodes.values()].filter((node) => node.type === type);
const k8sPaths = (entries: LogEntry[]) => entries.filter((entry) => entry.path.includes("/k8s"));

describe("ionos.K8sCluster", () => {
  test("lifecycle: create waits for ACTIVE, the kubeconfig is an output, an upgrade is in place, a private cluster replaces", async () => {
    const from = emulator.log.entries.length;
    const { id, outs, inputs } = await checkAndCreate("K8sCluster", { name: "k8s-life", apiSubnetAllowList: ["203.0.113.0/24"] });
    expect(inputs).toMatchObject({ name: "k8s-life", apiSubnetAllowList: ["203.0.113.0/24"], s3Buckets: [], public: true, timeoutMinutes: 60 });
    expect(outs).toMatchObject({
      name: "k8s-life",
      clusterId: id,
      k8sVersion: K8S_DEFAULT_VERSION,
      state: "ACTIVE",
      public: true,
      apiSubnetAllowList: ["203.0.113.0/24"],
      availableUpgradeVersions: ["1.32.1"],
    });
    expect(outs.maintenanceWindow).toEqual({ dayOfTheWeek: expect.any(String), time: expect.stringMatching(/^\d\d:00:00Z$/) });
    expect(outs.kubeconfig).toMatch(/^apiVersion: v1\nkind: Config\n/);
    // The default version was asked of the API, and no request of the request log was followed.
    const calls = k8sPaths(emulator.log.entries.slice(from)).map((e) => `${e.method} ${e.path.replace(id, "{id}")}`);
    expect(calls).toContain("GET /cloudapi/v6/k8s/versions/default");
    expect(calls).toContain("GET /cloudapi/v6/k8s/{id}/kubeconfig");
    expect(emulator.log.entries.slice(from).some((e) => e.path.includes("/requests/"))).toBe(false);
    expect([...emulator.store.requests.values()].some((r) => r.path.includes("/k8s"))).toBe(false);

    expect(await ops("K8sCluster").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("K8sCluster").diff(id, outs, inputs)).toMatchObject({ changes: false });

    const upgraded = { ...inputs, k8sVersion: "1.32.1", s3Buckets: [{ name: "audit-logs" }] };
    expect(await ops("K8sCluster").diff(id, outs, upgraded)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("K8sCluster").update(id, outs, upgraded);
    expect(updated.outs).toMatchObject({ k8sVersion: "1.32.1", s3Buckets: [{ name: "audit-logs" }], state: "ACTIVE", availableUpgradeVersions: [] });

    const privately = { ...upgraded, public: false, location: "de/fra", natGatewayIp: "198.51.100.7" };
    expect(await ops("K8sCluster").diff(id, updated.outs, privately)).toEqual({
      changes: true,
      replaces: ["public", "location", "natGatewayIp"],
      // Cluster names are unique: the old one goes first when the name stays.
      deleteBeforeReplace: true,
    });
    expect((await ops("K8sCluster").diff(id, updated.outs, { ...privately, name: "k8s-life-2" })).deleteBeforeReplace).toBe(false);

    // A downgrade fails at preview, naming the field, before any call.
    let failures: unknown;
    const checkCalls = await apiCallsDuring(async () => {
      failures = (await ops("K8sCluster").check(upgraded, { ...upgraded, k8sVersion: "1.31.2" })).failures;
    });
    expect(failures).toEqual([{ property: "k8sVersion", reason: "a cluster cannot be downgraded (from 1.32.1 to 1.31.2): IONOS only upgrades" }]);
    expect(checkCalls).toBe(0);

    // Outside change: someone edits the allow list in the DCD; refresh sees it.
    const node = emulator.store.nodes.get(`/k8s/${id}`)!;
    node.properties = { ...node.properties, apiSubnetAllowList: ["0.0.0.0/0"] };
    const refreshed = await ops("K8sCluster").read(id, updated.outs);
    expect(refreshed.props).toMatchObject({ apiSubnetAllowList: ["0.0.0.0/0"] });
    expect(await ops("K8sCluster").diff(id, refreshed.props!, upgraded)).toMatchObject({ changes: true, replaces: [] });

    // Adopt by id: a read with nothing but the id gives the outputs.
    expect(await ops("K8sCluster").read(id, {})).toEqual({ id, props: refreshed.props });

    // An update IONOS refuses fails without the kubeconfig in its message.
    const error = await ops("K8sCluster").update(id, refreshed.props!, { ...upgraded, k8sVersion: "1.40.0" }).catch((e: Error) => e);
    expect(String(error)).toMatch(/update Kubernetes cluster.*1\.40\.0 is not a supported version/);
    expect(String(error)).not.toContain(String(outs.kubeconfig).split("token: ")[1].trim());

    await ops("K8sCluster").delete(id, refreshed.props!);
    expect(emulator.store.nodes.has(`/k8s/${id}`)).toBe(false);
    expect(await ops("K8sCluster").read(id, refreshed.props!)).toEqual({});
    // Deleting what is already gone succeeds.
    await ops("K8sCluster").delete(id, refreshed.props!);
  });

  test("a private cluster takes a location and a reserved NAT gateway IP", async () => {
    const block = await checkAndCreate("IpBlock", { name: "k8s-nat", location: "de/fra", size: 1 });
    const natGatewayIp = (block.outs.ips as string[])[0];
    const { id, outs } = await checkAndCreate("K8sCluster", { name: "k8s-private", public: false, location: "de/fra", natGatewayIp, nodeSubnet: "192.168.0.0/16" });
    expect(outs).toMatchObject({ public: false, location: "de/fra", natGatewayIp, nodeSubnet: "192.168.0.0/16", state: "ACTIVE" });
    await ops("K8sCluster").delete(id, outs);
    await ops("IpBlock").delete(block.id, block.outs);
  });

  test("a read while the cluster is not ACTIVE or UPDATING (no kubeconfig to be had) keeps the kubeconfig known", async () => {
    const { id, outs } = await checkAndCreate("K8sCluster", { name: "k8s-redeploying" });
    const node = emulator.store.nodes.get(`/k8s/${id}`)!;
    node.hidden = { ...node.hidden, phase: "DEPLOYING", until: Date.now() + 60_000 };
    const read = await ops("K8sCluster").read(id, outs);
    expect(read.props).toEqual({ ...outs, state: "DEPLOYING" });
    node.hidden = { ...node.hidden, phase: undefined };
    await ops("K8sCluster").delete(id, outs);
  });

  test("an outside delete: read returns nothing", async () => {
    const { id, outs } = await checkAndCreate("K8sCluster", { name: "k8s-gone" });
    emulator.store.nodes.delete(`/k8s/${id}`);
    expect(await ops("K8sCluster").read(id, outs)).toEqual({});
  });

  test("a wait ends at a FAILED_* state (FAILED_UPDATING, FAILED_DESTROYING) instead of running out its time", async () => {
    const { id, outs } = await checkAndCreate("K8sCluster", { name: "k8s-failing" });
    const node = emulator.store.nodes.get(`/k8s/${id}`)!;
    const context = { cloud: "ionos" as const, operation: "test" };
    const limit = { timeoutMs: 60_000, howToRaise: "-" };
    const started = Date.now();
    node.hidden = { ...node.hidden, failedState: "FAILED_UPDATING" };
    await expect(ionosClient().settled(context, `/k8s/${id}`, ["ACTIVE"], limit)).rejects.toThrow(/is FAILED_UPDATING/);
    node.hidden = { ...node.hidden, failedState: "FAILED_DESTROYING" };
    await expect(ionosClient().settled(context, `/k8s/${id}`, "gone", limit)).rejects.toThrow(/is FAILED_DESTROYING/);
    expect(Date.now() - started).toBeLessThan(5_000);
    node.hidden = { ...node.hidden, failedState: undefined };
    await ops("K8sCluster").delete(id, outs);
  });

  test("a create whose answer was lost makes one cluster, found again by its unique name", async () => {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/k8s$/ } });
    const { id, outs } = await checkAndCreate("K8sCluster", { name: "k8s-lost" });
    const named = nodesOf("k8s").filter((node) => node.properties.name === "k8s-lost");
    expect(named.map((node) => node.id)).toEqual([id]);
    expect(outs).toMatchObject({ state: "ACTIVE", clusterId: id });
    // IONOS refuses a second cluster of that name.
    const again = await ionosClient()
      .accept({ cloud: "ionos", operation: "test" }, "POST", "/k8s", { properties: { name: "k8s-lost" } }, z.unknown())
      .catch((e: Error) => e);
    expect(String(again)).toMatch(/HTTP 422.*already exists/);
    await ops("K8sCluster").delete(id, outs);
  });

  test("after a crash, a keyed auto-name finds the cluster the crashed run ordered; a name the program gave is not taken over", async () => {
    const createKey = randomUUID();
    const name = keyedName("crashy", createKey);
    // The crashed run's POST got through; its process died before the answer.
    const client = ionosClient();
    const context = { cloud: "ionos" as const, operation: "crashed run" };
    await client.accept(context, "POST", "/k8s", { properties: { name } }, z.unknown());
    const from = emulator.log.entries.length;
    const { id, outs } = await checkAndCreate("K8sCluster", { __autoName: "crashy", __createKey: createKey });
    expect(outs).toMatchObject({ name, state: "ACTIVE" });
    expect(nodesOf("k8s").filter((node) => node.properties.name === name).map((node) => node.id)).toEqual([id]);
    expect(emulator.log.entries.slice(from).filter((e) => e.method === "POST")).toEqual([]);
    await ops("K8sCluster").delete(id, outs);

    // Someone else's cluster of the name the program gives: IONOS refuses the create, nothing is adopted.
    await client.accept(context, "POST", "/k8s", { properties: { name: "taken" } }, z.unknown());
    const refused = await checkAndCreate("K8sCluster", { name: "taken", __createKey: randomUUID() }).catch((e: Error) => e);
    expect(String(refused)).toMatch(/HTTP 422.*already exists/);
    const taken = nodesOf("k8s").find((node) => node.properties.name === "taken")!;
    await client.settled(context, `/k8s/${taken.id}`, ["ACTIVE"], { timeoutMs: 10_000, howToRaise: "-" });
    await ops("K8sCluster").delete(taken.id, { name: "taken" });
  });

  test("should the API name a request (as ionosctl's --wait-for-request suggests it may), the waits still go on to ACTIVE, or gone", async () => {
    K8S_ANSWERS.withRequests = true;
    try {
      const from = emulator.log.entries.length;
      const { id, outs, inputs } = await checkAndCreate("K8sCluster", { name: "k8s-requests" });
      expect(outs).toMatchObject({ state: "ACTIVE" });
      const polls = emulator.log.entries.slice(from).filter((e) => /\/requests\/[^/]+\/status$/.test(e.path));
      expect(polls.length).toBeGreaterThan(0);
      const updated = await ops("K8sCluster").update(id, outs, { ...inputs, apiSubnetAllowList: ["192.0.2.0/24"] });
      expect(updated.outs).toMatchObject({ state: "ACTIVE", apiSubnetAllowList: ["192.0.2.0/24"] });
      await ops("K8sCluster").delete(id, updated.outs);
      expect(emulator.store.nodes.has(`/k8s/${id}`)).toBe(false);
    } finally {
      K8S_ANSWERS.withRequests = false;
    }
  });

  test("bad input fails at check, naming the field, with no API call", async () => {
    let failures: unknown;
    const calls = await apiCallsDuring(async () => {
      failures = (
        await ops("K8sCluster").check({}, {
          name: "-bad-",
          k8sVersion: "latest",
          maintenanceWindow: { dayOfTheWeek: "Someday", time: "25:00" },
          apiSubnetAllowList: ["300.1.2.3/8"],
          nodeSubnet: "10.0.0.0/8",
        })
      ).failures;
    });
    expect((failures as { property: string }[]).map((f) => f.property)).toEqual([
      "name", "k8sVersion", "maintenanceWindow.dayOfTheWeek", "maintenanceWindow.time", "apiSubnetAllowList.0", "nodeSubnet",
    ]);
    const rules = await ops("K8sCluster").check({}, { name: "fine", public: false });
    expect(rules.failures).toEqual([
      { property: "location", reason: "is required for a private cluster (public: false)" },
      { property: "natGatewayIp", reason: "is required for a private cluster (public: false)" },
    ]);
    const publicWithNat = await ops("K8sCluster").check({}, { name: "fine", natGatewayIp: "198.51.100.1" });
    expect(publicWithNat.failures).toEqual([{ property: "natGatewayIp", reason: "only a private cluster (public: false) takes it" }]);
    expect(calls).toBe(0);
  });
});

describe("ionos.K8sNodePool", () => {
  let datacenterId: string;
  let cluster: { id: string; outs: Record<string, unknown> };
  beforeAll(async () => {
    datacenterId = (await checkAndCreate("Datacenter", { name: "k8s-dc", location: "de/fra" })).id;
    cluster = await checkAndCreate("K8sCluster", { name: "k8s-pools" });
  });

  const poolArgs = () => ({
    clusterId: cluster.id, datacenterId, name: "workers", nodeCount: 2, cpuFamily: "INTEL_SKYLAKE", coresCount: 2, ramSize: 4096,
    storageSize: 20, labels: { role: "web" },
  });

  test("lifecycle: nodes' IPs as outputs, scaling in place, replacing changes, the autoscaler's count is not drift", async () => {
    const { id, outs, inputs } = await checkAndCreate("K8sNodePool", poolArgs());
    const poolId = outs.nodePoolId as string;
    expect(id).toBe(`${cluster.id}/${poolId}`);
    expect(inputs).toMatchObject({ storageType: "HDD", availabilityZone: "AUTO", lans: [], annotations: {}, publicIps: [], timeoutMinutes: 60 });
    expect(outs).toMatchObject({ ...inputs, state: "ACTIVE", k8sVersion: K8S_DEFAULT_VERSION });
    expect(outs.nodePublicIps).toHaveLength(2);
    expect(outs.nodePrivateIps).toHaveLength(2);
    expect(await ops("K8sNodePool").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("K8sNodePool").diff(id, outs, inputs)).toMatchObject({ changes: false });

    const scaled = { ...inputs, nodeCount: 3, annotations: { team: "platform" } };
    expect(await ops("K8sNodePool").diff(id, outs, scaled)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("K8sNodePool").update(id, outs, scaled);
    expect(updated.outs).toMatchObject({ nodeCount: 3, annotations: { team: "platform" }, state: "ACTIVE" });
    expect(updated.outs.nodePublicIps).toHaveLength(3);

    expect(await ops("K8sNodePool").diff(id, updated.outs, { ...scaled, coresCount: 4, ramSize: 8192 })).toEqual({
      changes: true,
      replaces: ["coresCount", "ramSize"],
      deleteBeforeReplace: true,
    });

    // With autoscaling, the count the autoscaler reaches within the bounds is not drift.
    const autoscaled = { ...scaled, autoScaling: { minNodeCount: 2, maxNodeCount: 5 } };
    const withScaling = await ops("K8sNodePool").update(id, updated.outs, autoscaled);
    expect(withScaling.outs).toMatchObject({ autoScaling: { minNodeCount: 2, maxNodeCount: 5 }, nodeCount: 3 });
    const pool = emulator.store.nodes.get(`/k8s/${cluster.id}/nodepools/${poolId}`)!;
    pool.properties = { ...pool.properties, nodeCount: 5 };
    const afterScaler = await ops("K8sNodePool").read(id, withScaling.outs);
    expect(afterScaler.props).toMatchObject({ nodeCount: 3 });
    expect(await ops("K8sNodePool").diff(id, afterScaler.props!, autoscaled)).toMatchObject({ changes: false });
    // A change of something else keeps the autoscaler's count.
    const relabelled = await ops("K8sNodePool").update(id, afterScaler.props!, { ...autoscaled, labels: { role: "api" } });
    expect(pool.properties).toMatchObject({ nodeCount: 5, labels: { role: "api" } });
    expect(relabelled.outs).toMatchObject({ nodeCount: 3, labels: { role: "api" } });
    // Autoscaling taken out turns it off: the count asked for is what IONOS keeps.
    const fixed = await ops("K8sNodePool").update(id, relabelled.outs, { ...scaled, labels: { role: "api" } });
    expect(pool.properties.autoScaling).toBeUndefined();
    expect(fixed.outs).toMatchObject({ nodeCount: 3 });
    expect(fixed.outs.autoScaling).toBeUndefined();

    // Outside change: the labels edited elsewhere; refresh sees it.
    pool.properties = { ...pool.properties, labels: { role: "changed" } };
    const refreshed = await ops("K8sNodePool").read(id, fixed.outs);
    expect(refreshed.props).toMatchObject({ labels: { role: "changed" } });
    expect(await ops("K8sNodePool").diff(id, refreshed.props!, { ...scaled, labels: { role: "api" } })).toMatchObject({ changes: true, replaces: [] });

    // Adopt by id.
    expect(await ops("K8sNodePool").read(id, {})).toEqual({ id, props: refreshed.props });

    // A cluster that still has a node pool cannot be deleted.
    const refused = await ops("K8sCluster").delete(cluster.id, cluster.outs).catch((e: Error) => e);
    expect(String(refused)).toMatch(/HTTP 422.*still has node pools/);

    await ops("K8sNodePool").delete(id, refreshed.props!);
    expect(await ops("K8sNodePool").read(id, refreshed.props!)).toEqual({});
    await ops("K8sNodePool").delete(id, refreshed.props!);
  });

  test("an upgrade of the nodes is in place; a downgrade fails at check", async () => {
    const { id, outs, inputs } = await checkAndCreate("K8sNodePool", { ...poolArgs(), name: "versions", k8sVersion: "1.30.6" });
    expect(outs).toMatchObject({ k8sVersion: "1.30.6", availableUpgradeVersions: ["1.31.2"] });
    const upgraded = await ops("K8sNodePool").update(id, outs, { ...inputs, k8sVersion: "1.31.2" });
    expect(upgraded.outs).toMatchObject({ k8sVersion: "1.31.2" });
    const down = await ops("K8sNodePool").check({ ...inputs, k8sVersion: "1.31.2" }, { ...inputs, k8sVersion: "1.30.6" });
    expect(down.failures).toEqual([{ property: "k8sVersion", reason: "a node pool cannot be downgraded (from 1.31.2 to 1.30.6): IONOS only upgrades" }]);
    await ops("K8sNodePool").delete(id, upgraded.outs);
  });

  test("an outside delete: read returns nothing", async () => {
    const { id, outs } = await checkAndCreate("K8sNodePool", { ...poolArgs(), name: "gone" });
    emulator.store.nodes.delete(`/k8s/${cluster.id}/nodepools/${outs.nodePoolId as string}`);
    expect(await ops("K8sNodePool").read(id, outs)).toEqual({});
  });

  test("a create whose answer was lost makes one pool, found again by its name in the cluster", async () => {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/nodepools$/ } });
    const { id, outs } = await checkAndCreate("K8sNodePool", { ...poolArgs(), name: "lost" });
    expect(nodesOf("nodepool").filter((node) => node.properties.name === "lost").map((node) => `${cluster.id}/${node.id}`)).toEqual([id]);
    expect(outs.nodePublicIps).toHaveLength(2);
    await ops("K8sNodePool").delete(id, outs);
  });

  test("a pool needs its cluster ACTIVE: IONOS refuses one while the cluster deploys", async () => {
    const client = ionosClient();
    const context = { cloud: "ionos" as const, operation: "test" };
    const { body } = await client.accept(context, "POST", "/k8s", { properties: { name: "k8s-young" } }, z.object({ id: z.string() }).loose());
    const { clusterId: _c, name: _n, labels: _l, ...properties } = poolArgs();
    const refused = await client
      .accept(context, "POST", `/k8s/${body.id}/nodepools`, { properties: { ...properties, name: "early", storageType: "SSD", availabilityZone: "AUTO" } }, z.unknown())
      .catch((e: Error) => e);
    expect(String(refused)).toMatch(/HTTP 422.*DEPLOYING/);
    await client.settled(context, `/k8s/${body.id}`, ["ACTIVE"], { timeoutMs: 10_000, howToRaise: "-" });
    await ops("K8sCluster").delete(body.id, { name: "k8s-young" });
  });

  test("bad input fails at check, naming the field, with no API call", async () => {
    let failures: unknown;
    const calls = await apiCallsDuring(async () => {
      failures = (await ops("K8sNodePool").check({}, { ...poolArgs(), ramSize: 3000, storageSize: 5, storageType: "NVME", availabilityZone: "ZONE_3" })).failures;
    });
    expect((failures as { property: string }[]).map((f) => f.property)).toEqual(["ramSize", "storageType", "storageSize", "availabilityZone"]);
    const bounds = await ops("K8sNodePool").check({}, { ...poolArgs(), nodeCount: 6, autoScaling: { minNodeCount: 1, maxNodeCount: 3 } });
    expect(bounds.failures).toEqual([{ property: "nodeCount", reason: "must be within autoScaling's bounds (1 to 3)" }]);
    const ips = await ops("K8sNodePool").check({}, { ...poolArgs(), publicIps: ["198.51.100.1", "198.51.100.2"] });
    expect(ips.failures).toEqual([
      { property: "publicIps", reason: "must hold exactly 3 addresses (one more than the most nodes the pool can have), got 2" },
    ]);
    expect(calls).toBe(0);
  });

  afterAll(async () => {
    await ops("K8sCluster").delete(cluster.id, cluster.outs);
    await ops("Datacenter").delete(datacenterId, {});
  });
});

const haveSpecs = haveIonosSpecs("the Kubernetes contract check");

(haveSpecs ? describe : describe.skip)("the Kubernetes requests and answers follow the Cloud API v6 spec", () => {
  test("every request these suites sent and every answer the emulator gave", () => {
    const operations = ionosOperations();
    const { problems, checked } = contractProblems(emulator.log.entries, operations,  { requestSchema: ionosRequestSchema, skipAnswer: (entry) => entry.path === TOKEN_PATH });
    const mine = [...checked].filter((name) => name.includes("/k8s")).sort();
    console.log(`checked ${emulator.log.entries.length} requests covering ${checked.size} operations, ${mine.length} of Kubernetes:\n  ${mine.join("\n  ")}`);
    expect(problems).toEqual([]);
    expect(mine).toEqual([
      "DELETE /k8s/{k8sClusterId}",
      "DELETE /k8s/{k8sClusterId}/nodepools/{nodepoolId}",
      "GET /k8s",
      "GET /k8s/versions/default",
      "GET /k8s/{k8sClusterId}",
      "GET /k8s/{k8sClusterId}/kubeconfig",
      "GET /k8s/{k8sClusterId}/nodepools",
      "GET /k8s/{k8sClusterId}/nodepools/{nodepoolId}",
      "GET /k8s/{k8sClusterId}/nodepools/{nodepoolId}/nodes",
      "POST /k8s",
      "POST /k8s/{k8sClusterId}/nodepools",
      "PUT /k8s/{k8sClusterId}",
      "PUT /k8s/{k8sClusterId}/nodepools/{nodepoolId}",
    ]);
  });
});
