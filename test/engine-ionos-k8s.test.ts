/**
 * The IONOS Kubernetes example (examples/ionos-k8s: a data center, a cluster, a node pool) on the
 * real Pulumi engine against the IONOS emulator: up, a preview with nothing changed, in-place
 * changes (a node pool scaled, a cluster upgraded), a downgrade refused at preview, a replacing
 * change, refresh after an outside change and an outside delete, adoption by id, destroy. The
 * kubeconfig is a secret output: it must show in no state file and no output. Needs `npm run
 * build` and the Pulumi CLI (`bash .ci/pulumi-cli`).
 */
import * as path from "node:path";
import { z } from "zod";
import { type IonosEmulator, startIonosEmulator } from "../src/emulator";
import { describeWithEngine } from "./engine";
import { findUp } from "./harness/project";
import { adoptById, engineStack, stepLines } from "./support/engine-stack";

const ROOT = findUp(__dirname, "package.json")!;
const PROGRAM = path.join(ROOT, "dist/examples/ionos-k8s/index.js");

describeWithEngine("the IONOS Kubernetes example on the Pulumi engine", () => {
  let emulator: IonosEmulator;
  const stack = engineStack(PROGRAM, "engine-ionos-k8s-");
  const settings = () => ({ config: { "ionos:apiUrl": emulator.apiUrl }, secretConfig: { "ionos:token": emulator.credentials.token } });

  beforeAll(async () => {
    emulator = await startIonosEmulator({ requestMs: 50 });
    stack.secrets.push(...Object.values(emulator.credentials));
  });

  afterAll(async () => {
    await emulator.stop();
    stack.remove();
  });

  const nodes = (type: string) => [...emulator.store.nodes.values()].filter((node) => node.type === type);
  const k8sCalls = (from: number) => emulator.log.entries.slice(from).filter((entry) => entry.path.includes("/k8s")).length;

  test("up creates the data center, the cluster and the node pool, and exports the kubeconfig as a secret", async () => {
    const up = await stack.run("up", settings());
    expect(stepLines(up)).toEqual(["create ionos:Datacenter k8s", "create ionos:K8sCluster k8s", "create ionos:K8sNodePool workers"]);
    expect(up.summary).toEqual({ create: 4 });
    expect(up.outputs.kubeconfig).toEqual({ value: "[secret]", secret: true });
    expect(up.outputs.nodePublicIps.value).toHaveLength(2);
    expect(nodes("k8s").map((c) => c.properties.k8sVersion)).toEqual(["1.31.2"]);
    expect(nodes("node")).toHaveLength(2);
    // From now on, the kubeconfig's credential must show in no output and no state file.
    const kubeconfig = String(emulator.log.entries.find((e) => e.path.endsWith("/kubeconfig") && e.status === 200)!.answer);
    stack.secrets.push(/token: (\S+)/.exec(kubeconfig)![1]);
  });

  test("a preview with nothing changed shows no change", async () => {
    const preview = await stack.run("preview", { expectNoChanges: true });
    expect(preview.steps).toEqual([]);
    expect(preview.summary).toEqual({ same: 4 });
  });

  test("more nodes preview one in-place update of the pool, and the up scales it", async () => {
    const { up } = await stack.previewThenUp({ config: { nodeCount: "3" } });
    expect(stepLines(up)).toEqual(["update ionos:K8sNodePool workers [nodeCount]"]);
    expect(up.summary).toEqual({ same: 3, update: 1 });
    expect(nodes("node")).toHaveLength(3);
  });

  test("a newer Kubernetes version upgrades the cluster in place and changes nothing else", async () => {
    const { up } = await stack.previewThenUp({ config: { k8sVersion: "1.32.1" } });
    expect(stepLines(up)).toEqual(["update ionos:K8sCluster k8s [k8sVersion]"]);
    expect(up.summary).toEqual({ same: 3, update: 1 });
    expect(nodes("k8s").map((c) => c.properties.k8sVersion)).toEqual(["1.32.1"]);
  });

  test("a downgrade fails at preview, naming k8sVersion, with no Kubernetes API call", async () => {
    const from = emulator.log.entries.length;
    const preview = await stack.attempt("preview", { config: { k8sVersion: "1.31.2" } });
    expect(preview.code).not.toBe(0);
    expect(preview.errors.join("\n")).toMatch(/k8sVersion.*cannot be downgraded \(from 1\.32\.1 to 1\.31\.2\)/);
    expect(k8sCalls(from)).toBe(0);
    // Back to the version the cluster runs.
    await stack.run("preview", { config: { k8sVersion: "1.32.1" }, expectNoChanges: true });
  });

  test("more cores replace the node pool (the replacement, with a keyed name of its own, first), nothing else", async () => {
    const before = nodes("nodepool")[0].id;
    const { up } = await stack.previewThenUp({ config: { coresCount: "4" } });
    expect(stepLines(up).filter((line) => line.startsWith("replace "))).toEqual(["replace ionos:K8sNodePool workers [coresCount, name]"]);
    expect(up.summary).toEqual({ same: 3, replace: 1 });
    expect(nodes("nodepool").map((pool) => [pool.id === before, pool.properties.coresCount])).toEqual([[false, 4]]);
  });

  test("a private cluster replaces the cluster, and so its node pool", async () => {
    const before = nodes("k8s")[0].id;
    const { up } = await stack.previewThenUp({ config: { private: "true" } });
    expect(stepLines(up).filter((line) => !line.startsWith("delete-replaced "))).toEqual([
      "create ionos:IpBlock k8s-nat",
      "replace ionos:K8sCluster k8s [location, name, natGatewayIp, public]",
      "replace ionos:K8sNodePool workers [clusterId, name]",
    ]);
    expect(up.summary).toEqual({ same: 2, create: 1, replace: 2 });
    const [cluster] = nodes("k8s");
    expect(cluster.id).not.toBe(before);
    expect(cluster.properties).toMatchObject({ public: false, location: "de/fra", natGatewayIp: (nodes("ipblock")[0].properties.ips as string[])[0] });
    expect(nodes("nodepool").map((pool) => pool.path.startsWith(`/k8s/${cluster.id}/`))).toEqual([true]);
  });

  test("refresh notices a change made outside Pulumi, and the next up puts it back", async () => {
    const pool = nodes("nodepool")[0];
    pool.properties = { ...pool.properties, labels: { pool: "changed-outside" } };
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["update ionos:K8sNodePool workers [labels]"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["update ionos:K8sNodePool workers [labels]"]);
    expect(nodes("nodepool")[0].properties.labels).toEqual({ pool: "workers" });
  });

  test("refresh notices a delete made outside Pulumi, and the next up makes it again", async () => {
    emulator.store.nodes.delete(nodes("nodepool")[0].path);
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["delete ionos:K8sNodePool workers"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["create ionos:K8sNodePool workers"]);
    expect(nodes("nodepool")).toHaveLength(1);
  });

  test("get adopts the cluster and the node pool by their ids, and destroying that stack leaves them", async () => {
    const cluster = nodes("k8s")[0];
    const pool = nodes("nodepool")[0];
    // The kubeconfig's token is searched for in the adopting stack's state and output too.
    const adoptedCluster = await adoptById({ type: "ionos:K8sCluster", id: cluster.id, settings: settings(), secrets: stack.secrets });
    expect(adoptedCluster).toMatchObject({ clusterId: cluster.id, name: expect.stringMatching(/^k8s-[0-9a-f]{8}$/), k8sVersion: "1.32.1", state: "ACTIVE", kubeconfig: "[secret]" });
    const adoptedPool = z.object({ nodePoolId: z.string(), nodeCount: z.number() }).loose().parse(
      await adoptById({ type: "ionos:K8sNodePool", id: `${cluster.id}/${pool.id}`, settings: settings(), secrets: stack.secrets }),
    );
    expect(adoptedPool).toMatchObject({ nodePoolId: pool.id, nodeCount: 3, clusterId: cluster.id });
    expect(emulator.store.nodes.has(cluster.path) && emulator.store.nodes.has(pool.path)).toBe(true);
  });

  test("destroy removes everything from the cloud, and returns only once it is gone", async () => {
    const destroy = await stack.run("destroy");
    expect(destroy.summary).toEqual({ delete: 5 });
    expect(stack.resources()).toEqual([]);
    expect(emulator.liveResources()).toBe(0);
  });
});
