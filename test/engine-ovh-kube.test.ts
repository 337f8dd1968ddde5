/**
 * The OVH Managed Kubernetes example (examples/ovh-k8s) on the real Pulumi engine against the OVH
 * emulator: up, a preview with nothing changed, in-place changes (more nodes, a version upgrade),
 * a replacing change (the pool's flavor), refresh after an outside change and an outside delete,
 * adoption by id, a downgrade refused at preview, and destroy, after which the cloud holds
 * nothing. The kubeconfig's credentials must never show in plain text. Needs `npm run build` and
 * the Pulumi CLI (`bash .ci/pulumi-cli`).
 */
import * as path from "node:path";
import { type OvhEmulator, startOvhEmulator } from "../src/emulator/ovh/emulator";
import { kubeState } from "../src/emulator/ovh/kube";
import { describeWithEngine } from "./engine";
import { findUp } from "./harness/project";
import { adoptById, engineStack, stepLines } from "./support/engine-stack";

const ROOT = findUp(__dirname, "package.json")!;
const PROGRAM = path.join(ROOT, "dist/examples/ovh-k8s/index.js");

describeWithEngine("the OVH Kubernetes example on the Pulumi engine", () => {
  let emulator: OvhEmulator;
  const stack = engineStack(PROGRAM, "engine-ovh-kube-");
  const settings = () => {
    const { applicationKey, applicationSecret, consumerKey } = emulator.credentials;
    return {
      config: { "ovh:endpoint": emulator.apiUrl, serviceName: emulator.serviceName },
      secretConfig: { "ovh:applicationKey": applicationKey, "ovh:applicationSecret": applicationSecret, "ovh:consumerKey": consumerKey },
    };
  };

  beforeAll(async () => {
    emulator = await startOvhEmulator({ buildMs: 400 });
    stack.secrets.push(...Object.values(emulator.credentials));
  });

  afterAll(async () => {
    await emulator.stop();
    stack.remove();
  });

  const clusters = () => [...kubeState(emulator.store.projects.get(emulator.serviceName)!).clusters.values()];
  const pools = () => clusters().flatMap((c) => [...c.pools.values()]);

  test("up creates the network, subnet, cluster and node pool; the kubeconfig is a secret", async () => {
    const up = await stack.run("up", settings());
    expect(stepLines(up)).toEqual([
      "create ovh:CloudKubeCluster k8s",
      "create ovh:CloudKubeNodePool workers",
      "create ovh:CloudPrivateNetwork k8s-net",
      "create ovh:CloudSubnet k8s-gra",
    ]);
    expect(up.summary).toEqual({ create: 5 });
    const [cluster] = clusters();
    // From here on every run's output and every state file is searched for the kubeconfig's token.
    stack.secrets.push(cluster.token);
    expect(cluster).toMatchObject({ version: "1.28", updatePolicy: "MINIMAL_DOWNTIME", ipRestrictions: ["203.0.113.0/24"] });
    expect(cluster.privateNetworkId).not.toBeNull();
    expect(pools()).toEqual([expect.objectContaining({ flavor: "b2-7", desiredNodes: 2 })]);
    expect(up.outputs.kubeconfig.secret).toBe(true);
    expect(up.outputs.apiUrl.value).toMatch(/^https:\/\//);
  });

  test("a preview with nothing changed shows no change", async () => {
    const preview = await stack.run("preview", { expectNoChanges: true });
    expect(preview.steps).toEqual([]);
    expect(preview.summary).toEqual({ same: 5 });
  });

  test("more nodes resize the pool in place", async () => {
    const [before] = pools();
    const { up } = await stack.previewThenUp({ config: { nodes: "3" } });
    expect(stepLines(up)).toEqual(["update ovh:CloudKubeNodePool workers [desiredNodes]"]);
    expect(pools()).toEqual([expect.objectContaining({ id: before.id, desiredNodes: 3 })]);
    expect(before.nodes.size).toBe(3);
  });

  test("a newer version upgrades the cluster in place, and its node pool does not change", async () => {
    const [before] = clusters();
    const { up } = await stack.previewThenUp({ config: { version: "1.29" } });
    expect(stepLines(up)).toEqual(["update ovh:CloudKubeCluster k8s [version]"]);
    expect(clusters()).toEqual([expect.objectContaining({ id: before.id, version: "1.29" })]);
    expect(up.outputs.version.value).toBe("1.29");
  });

  test("a new flavor replaces the node pool (the new one first)", async () => {
    const [before] = pools();
    const { up } = await stack.previewThenUp({ config: { flavor: "b2-15" } });
    // A replacement gets a keyed name of its own.
    expect(stepLines(up)).toEqual(["delete-replaced ovh:CloudKubeNodePool workers", "replace ovh:CloudKubeNodePool workers [flavorName, name]"]);
    expect(pools()).toEqual([expect.objectContaining({ flavor: "b2-15", desiredNodes: 3 })]);
    expect(pools()[0].id).not.toBe(before.id);
  });

  test("refresh notices a change made outside Pulumi, and the next up puts it back", async () => {
    const [cluster] = clusters();
    const name = cluster.name;
    cluster.name = "renamed-outside";
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["update ovh:CloudKubeCluster k8s [name]"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["update ovh:CloudKubeCluster k8s [name]"]);
    expect(cluster.name).toBe(name);
  });

  test("refresh notices a delete made outside Pulumi, and the next up makes it again", async () => {
    const [cluster] = clusters();
    cluster.pools.clear();
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["delete ovh:CloudKubeNodePool workers"]);
    expect(refresh.summary).toEqual({ same: 4, delete: 1 });
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["create ovh:CloudKubeNodePool workers"]);
    expect(pools()).toEqual([expect.objectContaining({ flavor: "b2-15", desiredNodes: 3 })]);
  });

  test("get adopts the cluster and the pool by their ids, and destroying that stack leaves them", async () => {
    const [cluster] = clusters();
    const [pool] = pools();
    const adopted = await adoptById({ type: "ovh:CloudKubeCluster", id: `${emulator.serviceName}/${cluster.id}`, settings: settings(), secrets: stack.secrets });
    expect(adopted).toMatchObject({ kubeId: cluster.id, version: "1.29" });
    const adoptedPool = await adoptById({ type: "ovh:CloudKubeNodePool", id: `${emulator.serviceName}/${cluster.id}/${pool.id}`, settings: settings(), secrets: stack.secrets });
    expect(adoptedPool).toMatchObject({ nodePoolId: pool.id, kubeId: cluster.id, flavorName: "b2-15" });
    expect(clusters()).toHaveLength(1);
    expect(pools()).toHaveLength(1);
  });

  test("an older version is refused at preview, naming the field, with no API call", async () => {
    const before = emulator.log.entries.length;
    const preview = await stack.attempt("preview", { config: { version: "1.28" } });
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toMatch(/version/);
    expect(preview.stdout + preview.stderr).toMatch(/never downgrades/);
    expect(emulator.log.entries.length).toBe(before);
    // The preview kept its config in the stack: back to the version the cluster runs.
    await stack.run("preview", { config: { version: "1.29" }, expectNoChanges: true });
  });

  test("destroy removes everything from the cloud", async () => {
    const destroy = await stack.run("destroy");
    expect(destroy.summary).toEqual({ delete: 5 });
    expect(stack.resources()).toEqual([]);
    expect(emulator.liveResources()).toBe(0);
  });
});
