/**
 * `ovh.CloudKubeCluster` and `ovh.CloudKubeNodePool` through their lifecycles against the OVH
 * emulator over real HTTP: check, create (waiting for READY), read, diff (in place and replace),
 * update (a version upgrade, a resize), outside change and delete, adoption by id, delete (and
 * again), bad input refused at check with no API call, and a lost create answer that still makes
 * one. Then every request and answer of those lifecycles is checked against OVH's Public Cloud
 * schema.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { OvhEmulator } from "../src/emulator/ovh/emulator";
import { kubeState } from "../src/emulator/ovh/kube";
import { contractProblems } from "./support/openapi";
import { legacyOperations } from "./support/ovh-spec";
import { apiCallsDuring, checkAndCreate, ops, outsideCall, stopOvhEmulator, useOvhEmulator } from "./support/ovh";

const CLOUD_SPEC = join(__dirname, "..", "..", "shared", "specs", "ovh-eu-1.0-cloud.swagger12.json");

let emulator: OvhEmulator;
let project: string;
let networkOpenstackId: string;
let subnetId: string;
beforeAll(async () => {
  emulator = await useOvhEmulator({ buildMs: 300 });
  project = emulator.serviceName;
  const network = await checkAndCreate("CloudPrivateNetwork", { serviceName: project, name: "kube-net", vlanId: 30, regions: ["GRA11"] });
  const subnet = await checkAndCreate("CloudSubnet", {
    serviceName: project, networkId: network.outs.networkId, region: "GRA11", network: "10.30.0.0/24", start: "10.30.0.10", end: "10.30.0.200",
  });
  networkOpenstackId = (network.outs.openstackIds as Record<string, string>).GRA11;
  subnetId = subnet.outs.subnetId as string;
});
afterAll(() => stopOvhEmulator(emulator));

const clusters = () => kubeState(emulator.store.projects.get(project)!).clusters;

/** Check must fail naming these properties, without one API call. */
async function expectRejected(kind: string, news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  let failures: { property: string; reason: string }[] | undefined;
  const calls = await apiCallsDuring(emulator, async () => {
    failures = (await ops(kind).check(olds, news)).failures;
  });
  expect(calls).toBe(0);
  return (failures ?? []).map((f) => f.property);
}

describe("ovh.CloudKubeCluster", () => {
  test("lifecycle: waits for READY, renames, upgrades and restricts in place; a downgrade is refused at preview", async () => {
    const { id, outs, inputs } = await checkAndCreate("CloudKubeCluster", {
      serviceName: project,
      region: "GRA11",
      name: "k8s-a",
      version: "1.27",
      privateNetworkId: networkOpenstackId,
      nodesSubnetId: subnetId,
      ipRestrictions: ["203.0.113.0/24", "198.51.100.7"],
    });
    const cluster = clusters().get(outs.kubeId as string)!;
    expect(id).toBe(`${project}/${cluster.id}`);
    expect(outs).toMatchObject({
      name: "k8s-a", version: "1.27", status: "READY", updatePolicy: "ALWAYS_UPDATE", kubeProxyMode: "iptables",
      privateNetworkId: networkOpenstackId, nodesSubnetId: subnetId, ipRestrictions: ["198.51.100.7", "203.0.113.0/24"],
      url: expect.stringMatching(/^https:\/\//),
    });
    expect(outs.kubeconfig).toContain(cluster.token);

    expect(await ops("CloudKubeCluster").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("CloudKubeCluster").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("CloudKubeCluster").diff(id, outs, { ...inputs, version: "1.29" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await ops("CloudKubeCluster").diff(id, outs, { ...inputs, kubeProxyMode: "ipvs" })).toMatchObject({ replaces: ["kubeProxyMode"] });
    expect(await ops("CloudKubeCluster").diff(id, outs, { ...inputs, nodesSubnetId: "other" })).toMatchObject({ replaces: ["nodesSubnetId"] });

    const wanted = {
      ...inputs, name: "k8s-b", version: "1.29", updatePolicy: "NEVER_UPDATE", ipRestrictions: ["192.0.2.0/24"],
      customization: { apiServer: { admissionPlugins: { enabled: ["NodeRestriction"], disabled: ["AlwaysPullImages"] } }, kubeProxy: { iptables: { syncPeriod: "PT30S" } } },
    };
    const checked = await ops("CloudKubeCluster").check(inputs, wanted);
    expect(checked.failures).toBeUndefined();
    const updated = await ops("CloudKubeCluster").update(id, outs, checked.inputs!);
    expect(updated.outs).toMatchObject({ name: "k8s-b", version: "1.29", updatePolicy: "NEVER_UPDATE", ipRestrictions: ["192.0.2.0/24"], status: "READY" });
    expect(updated.outs.customization).toEqual(checked.inputs!.customization);
    expect(cluster).toMatchObject({ name: "k8s-b", version: "1.29", updatePolicy: "NEVER_UPDATE", ipRestrictions: ["192.0.2.0/24"] });
    expect(await ops("CloudKubeCluster").diff(id, updated.outs, checked.inputs!)).toMatchObject({ changes: false });

    // OVH cannot downgrade: refused at check, naming the field, before any call.
    expect(await expectRejected("CloudKubeCluster", { ...checked.inputs!, version: "1.27" }, checked.inputs!)).toEqual(["version"]);
    expect(await expectRejected("CloudKubeCluster", { ...inputs, privateNetworkId: undefined })).toEqual(["nodesSubnetId"]);

    // Drift: renamed outside Pulumi.
    await outsideCall("PUT", `/cloud/project/${project}/kube/${cluster.id}`, { name: "renamed-outside" });
    expect((await ops("CloudKubeCluster").read(id, updated.outs)).props).toMatchObject({ name: "renamed-outside" });
    // Adoption by id: the kubeconfig is fetched.
    const adopted = await ops("CloudKubeCluster").read(id, {});
    expect(adopted.props).toMatchObject({ kubeId: cluster.id, version: "1.29", kubeconfig: expect.stringContaining(cluster.token) });

    await ops("CloudKubeCluster").delete(id, updated.outs);
    expect(clusters().has(cluster.id)).toBe(false);
    expect(await ops("CloudKubeCluster").read(id, updated.outs)).toEqual({});
    await ops("CloudKubeCluster").delete(id, updated.outs);
  });

  test("a create whose wait timed out keeps the cluster in the state; the next update resumes the wait", async () => {
    const checked = await ops("CloudKubeCluster").check({}, { serviceName: project, region: "GRA11", name: "slow", timeoutMinutes: 0.001 });
    const failed = (await ops("CloudKubeCluster").create(checked.inputs!).catch((e) => e)) as Error & { id: string; properties: Record<string, unknown> };
    expect(failed.message).toMatch(/waiting for status READY/);
    expect(failed.id).toBe(`${project}/${failed.properties.kubeId}`);
    expect(failed.properties).toMatchObject({ status: "INSTALLING", kubeconfig: "" });
    const resumed = await ops("CloudKubeCluster").update(failed.id, failed.properties, { ...checked.inputs!, timeoutMinutes: 1 });
    const token = clusters().get(failed.properties.kubeId as string)!.token;
    expect(resumed.outs).toMatchObject({ status: "READY", kubeconfig: expect.stringContaining(token) });
    // An update that fails (the cluster was deleted outside Pulumi) names the cluster, never its kubeconfig.
    await ops("CloudKubeCluster").delete(failed.id, resumed.outs);
    const error = (await ops("CloudKubeCluster").update(failed.id, resumed.outs, { ...checked.inputs!, name: "slow-2", timeoutMinutes: 1 }).catch((e) => e)) as Error;
    expect(error.message).toMatch(/cluster "slow-2"/);
    expect(error.message).not.toContain(token);
  });

  test("bad input fails at check naming the field, with no API call", async () => {
    const good = { serviceName: project, region: "GRA11", name: "x" };
    expect(await expectRejected("CloudKubeCluster", { ...good, version: "latest" })).toEqual(["version"]);
    expect(await expectRejected("CloudKubeCluster", { ...good, updatePolicy: "SOMETIMES" })).toEqual(["updatePolicy"]);
    expect(await expectRejected("CloudKubeCluster", { ...good, ipRestrictions: ["not-an-ip"] })).toEqual(["ipRestrictions.0"]);
    expect(await expectRejected("CloudKubeCluster", { ...good, customization: { kubeProxy: { ipvs: { syncPeriod: "30s" } } } })).toEqual([
      "customization.kubeProxy.ipvs.syncPeriod",
    ]);
    expect(await expectRejected("CloudKubeCluster", { ...good, serviceName: "nope" })).toEqual(["serviceName"]);
  });

  test("a create whose answer was lost makes one cluster, found by its keyed name; an outside delete is noticed", async () => {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/kube$/ } });
    const before = clusters().size;
    const { id, outs } = await checkAndCreate("CloudKubeCluster", { serviceName: project, region: "GRA11", __autoName: "lost", __createKey: "2d1c9f9e-0000-4000-8000-000000000001" });
    expect(clusters().size).toBe(before + 1);
    expect(outs.name).toMatch(/^lost-[0-9a-f]{8}$/);
    expect(outs.status).toBe("READY");
    await outsideCall("DELETE", `/cloud/project/${project}/kube/${outs.kubeId}`);
    expect(await ops("CloudKubeCluster").read(id, outs)).toEqual({});
    await ops("CloudKubeCluster").delete(id, outs);
  });
});

describe("the emulator's Kubernetes API", () => {
  test("refuses what OVH refuses, with {class, message} errors and a query id", async () => {
    const kube = `/cloud/project/${project}/kube`;
    const refused = (method: "POST" | "PUT", at: string, body: unknown) => outsideCall(method, at, body).then(() => undefined, (e) => e as { status: number; apiMessage: string; requestId?: string });
    expect(await refused("POST", kube, { region: "GRA11", privateNetworkId: "no-such-network" })).toMatchObject({ status: 400, apiMessage: expect.stringMatching(/does not exist/), requestId: expect.stringMatching(/^EU\./) });
    expect(await refused("POST", kube, { region: "GRA11", nodesSubnetId: subnetId })).toMatchObject({ status: 400, apiMessage: expect.stringMatching(/needs a privateNetworkId/) });
    expect(await refused("POST", kube, { region: "GRA11", version: "1.10" })).toMatchObject({ status: 400, apiMessage: expect.stringMatching(/version/) });
    const { id, outs } = await checkAndCreate("CloudKubeCluster", { serviceName: project, region: "GRA11", name: "refusing", version: "1.29" });
    const at = `${kube}/${outs.kubeId}`;
    // The newest version has no next one.
    expect(await refused("POST", `${at}/update`, { strategy: "NEXT_MINOR" })).toMatchObject({ status: 400 });
    await outsideCall("POST", `${at}/update`, { strategy: "LATEST_PATCH" });
    // Busy updating: no second update.
    expect(await refused("POST", `${at}/update`, { strategy: "LATEST_PATCH" })).toMatchObject({ status: 409 });
    const pool = { name: "twin", flavorName: "b2-7" };
    await outsideCall("POST", `${at}/nodepool`, pool);
    expect(await refused("POST", `${at}/nodepool`, pool)).toMatchObject({ status: 409 });
    expect(await refused("POST", `${at}/nodepool`, { name: "other", flavorName: "win-b2-7" })).toMatchObject({ status: 400, apiMessage: expect.stringMatching(/flavorName/) });
    expect(await refused("POST", `${at}/nodepool`, { name: "other", flavorName: "b2-7", desiredNodes: 5, maxNodes: 3 })).toMatchObject({ status: 400, apiMessage: expect.stringMatching(/desiredNodes/) });
    expect(await refused("PUT", `${at}/ipRestrictions`, { ips: ["nonsense"] })).toMatchObject({ status: 400 });
    await ops("CloudKubeCluster").delete(id, outs);
  });
});

describe("ovh.CloudKubeNodePool", () => {
  let cluster: { id: string; outs: Record<string, unknown> };
  beforeAll(async () => {
    cluster = await checkAndCreate("CloudKubeCluster", { serviceName: project, region: "GRA11", name: "pools", version: "1.28" });
  });
  afterAll(() => ops("CloudKubeCluster").delete(cluster.id, cluster.outs));
  const pools = () => clusters().get(cluster.outs.kubeId as string)!.pools;

  test("lifecycle: waits for READY, resizes and relabels in place, a new flavor replaces; the autoscaler's choice is no drift", async () => {
    const kubeId = cluster.outs.kubeId as string;
    const { id, outs, inputs } = await checkAndCreate("CloudKubeNodePool", {
      serviceName: project, kubeId, name: "workers", flavorName: "b2-7", desiredNodes: 2, maxNodes: 5,
      template: { labels: { role: "worker" }, taints: [{ key: "dedicated", effect: "NoSchedule" }] },
    });
    const pool = pools().get(outs.nodePoolId as string)!;
    expect(id).toBe(`${project}/${kubeId}/${pool.id}`);
    expect(outs).toMatchObject({
      name: "workers", flavorName: "b2-7", desiredNodes: 2, minNodes: 0, maxNodes: 5, autoscale: false, status: "READY", currentNodes: 2,
      template: { labels: { role: "worker" }, annotations: {}, taints: [{ key: "dedicated", value: "", effect: "NoSchedule" }] },
    });
    expect(await ops("CloudKubeNodePool").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("CloudKubeNodePool").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("CloudKubeNodePool").diff(id, outs, { ...inputs, flavorName: "b2-15" })).toMatchObject({ replaces: ["flavorName"] });
    expect(await ops("CloudKubeNodePool").diff(id, outs, { ...inputs, desiredNodes: 3 })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });

    const resized = await ops("CloudKubeNodePool").update(id, outs, { ...inputs, desiredNodes: 3, template: { labels: { role: "big" }, annotations: {}, taints: [] } });
    expect(resized.outs).toMatchObject({ desiredNodes: 3, currentNodes: 3, status: "READY", template: { labels: { role: "big" }, taints: [] } });
    expect(pool.nodes.size).toBe(3);
    await outsideCall("GET", `/cloud/project/${project}/kube/${kubeId}/nodepool/${pool.id}/nodes`);
    await outsideCall("GET", `/cloud/project/${project}/kube/${kubeId}/node`);

    // With autoscale, the autoscaler's number is not drift.
    const autoscaled = await ops("CloudKubeNodePool").update(id, resized.outs, { ...inputs, desiredNodes: 3, autoscale: true, template: resized.outs.template });
    await outsideCall("PUT", `/cloud/project/${project}/kube/${kubeId}/nodepool/${pool.id}`, { desiredNodes: 4 });
    const read = await ops("CloudKubeNodePool").read(id, autoscaled.outs);
    expect(read.props).toMatchObject({ desiredNodes: 3, currentNodes: 4, autoscale: true });
    expect(await ops("CloudKubeNodePool").diff(id, read.props!, { ...inputs, desiredNodes: 3, autoscale: true, template: resized.outs.template })).toMatchObject({ changes: false });
    // Without autoscale it is: someone changed the number.
    pool.autoscale = false;
    expect((await ops("CloudKubeNodePool").read(id, autoscaled.outs)).props).toMatchObject({ desiredNodes: 4, autoscale: false });

    // Adoption by id.
    expect((await ops("CloudKubeNodePool").read(id, {})).props).toMatchObject({ nodePoolId: pool.id, kubeId, name: "workers", flavorName: "b2-7" });

    await ops("CloudKubeNodePool").delete(id, autoscaled.outs);
    expect(pools().has(pool.id)).toBe(false);
    expect(await ops("CloudKubeNodePool").read(id, autoscaled.outs)).toEqual({});
    await ops("CloudKubeNodePool").delete(id, autoscaled.outs);
  });

  test("bad input fails at check naming the field, with no API call", async () => {
    const good = { serviceName: project, kubeId: "k", name: "ok", flavorName: "b2-7" };
    expect(await expectRejected("CloudKubeNodePool", { ...good, name: "Bad_Name" })).toEqual(["name"]);
    expect(await expectRejected("CloudKubeNodePool", { ...good, desiredNodes: 200 })).toEqual(["desiredNodes"]);
    expect(await expectRejected("CloudKubeNodePool", { ...good, desiredNodes: 6, maxNodes: 5 })).toEqual(["desiredNodes"]);
    expect(await expectRejected("CloudKubeNodePool", { ...good, minNodes: 4, maxNodes: 3, desiredNodes: 3 })).toEqual(["minNodes"]);
    expect(await expectRejected("CloudKubeNodePool", { ...good, antiAffinity: true })).toEqual(["maxNodes"]);
    expect(await expectRejected("CloudKubeNodePool", { ...good, template: { taints: [{ key: "a", effect: "Never" }] } })).toEqual(["template.taints.0.effect"]);
  });

  test("a create whose answer was lost makes one pool; an outside delete is noticed", async () => {
    const kubeId = cluster.outs.kubeId as string;
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/nodepool$/ } });
    const { id, outs } = await checkAndCreate("CloudKubeNodePool", {
      serviceName: project, kubeId, flavorName: "d2-4", __autoName: "spare", __createKey: "2d1c9f9e-0000-4000-8000-000000000002",
    });
    expect([...pools().values()].filter((p) => p.name.startsWith("spare-"))).toHaveLength(1);
    expect(outs).toMatchObject({ status: "READY", currentNodes: 1 });
    await outsideCall("DELETE", `/cloud/project/${project}/kube/${kubeId}/nodepool/${outs.nodePoolId}`);
    expect(await ops("CloudKubeNodePool").read(id, outs)).toEqual({});
    await ops("CloudKubeNodePool").delete(id, outs);
  });
});

const describeWithSpecs = existsSync(CLOUD_SPEC) ? describe : describe.skip;
if (!existsSync(CLOUD_SPEC)) console.warn(`skipping the Kubernetes contract check: ${CLOUD_SPEC} is absent (it lives beside the checkout)`);

describeWithSpecs("the Kubernetes resources and emulator follow OVH's Public Cloud schema", () => {
  test("every request and answer of the lifecycles above", async () => {
    await outsideCall("GET", `/cloud/project/${project}/capabilities/kube/flavors`);
    // The requests refused with 400 were made bad on purpose (the emulator's own test).
    const covered = emulator.log.entries.filter((entry) => /^\/1\.0\/cloud\/project\/[^/]+\/(kube|capabilities\/kube)(\/|$)/.test(entry.path) && entry.status !== 400);
    const { problems, checked } = contractProblems(covered, legacyOperations(CLOUD_SPEC), { skipAnswer: (entry) => entry.answer === null });
    console.log(`checked ${covered.length} requests covering ${checked.size} operations of the schema:\n  ${[...checked].sort().join("\n  ")}`);
    expect(problems).toEqual([]);
    expect(checked.size).toBeGreaterThanOrEqual(12);
  });
});
