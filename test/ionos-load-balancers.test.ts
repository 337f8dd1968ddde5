/**
 * IONOS load balancing against the emulator over real HTTP: network load balancers and their
 * forwarding rules, application load balancers and theirs, target groups. Each type through its
 * lifecycle (check, create, read, diff in place and replace, update, outside change, outside
 * delete, adoption, delete twice), bad input refused at check with no API call, a lost create
 * answer that still makes one resource; the API's rules across resources (LANs, listener IPs,
 * target groups in use); and every request and answer checked against the Cloud API v6 spec.
 */
import type { IonosEmulator } from "../src/emulator";
import { TOKEN_PATH } from "../src/emulator/ionos/emulator";
import { ionosClient } from "../src/ionos/client";
import { checkAndCreate, ops, stopIonosEmulator, useIonosEmulator } from "./support/ionos";
import { haveIonosSpecs, ionosOperations, ionosRequestSchema } from "./support/ionos-spec";
import { contractProblems } from "./support/openapi";

let emulator: IonosEmulator;
let dc: string;
let listenerLan: number;
let targetLan: number;
let publicLan: number;
let blockIps: string[];

beforeAll(async () => {
  emulator = await useIonosEmulator({ requestMs: 30 });
  dc = (await checkAndCreate("Datacenter", { name: "lb", location: "de/fra" })).id;
  listenerLan = (await checkAndCreate("Lan", { datacenterId: dc, name: "listen" })).outs.lanId as number;
  targetLan = (await checkAndCreate("Lan", { datacenterId: dc, name: "targets" })).outs.lanId as number;
  publicLan = (await checkAndCreate("Lan", { datacenterId: dc, name: "internet", public: true })).outs.lanId as number;
  blockIps = (await checkAndCreate("IpBlock", { name: "lb-ips", location: "de/fra", size: 2 })).outs.ips as string[];
});
afterAll(() => stopIonosEmulator(emulator));

const outside = { cloud: "ionos" as const, operation: "outside change" };
const limit = { timeoutMs: 10_000, howToRaise: "-" };
/** Calls the API directly, as someone outside Pulumi would, and waits for the request. */
const outsideCall = (method: "PATCH" | "DELETE", path: string, body?: unknown) => ionosClient().write(outside, method, path, body, limit);
const nodesOf = (type: string) => [...emulator.store.nodes.values()].filter((node) => node.type === type);

async function apiCallsDuring<T>(action: () => Promise<T>): Promise<{ calls: number; result: T }> {
  const before = emulator.log.entries.length;
  const result = await action();
  return { calls: emulator.log.entries.length - before, result };
}

interface Lifecycle {
  kind: string;
  args: Record<string, unknown>;
  /** The API path of the resource, from its outputs. */
  path(outs: Record<string, unknown>): string;
  /** An in-place change and what the outputs then show. */
  change: Record<string, unknown>;
  /** An input whose change replaces the resource. */
  replace: Record<string, unknown>;
  /** A change made outside Pulumi (a PATCH body) and the output it shows in. */
  drift: { body: Record<string, unknown>; shows: Record<string, unknown> };
}

/** The lifecycle every type goes through; returns the last outputs (the resource is deleted). */
async function lifecycle(t: Lifecycle) {
  const { id, outs, inputs } = await checkAndCreate(t.kind, t.args);
  expect(await ops(t.kind).read(id, outs)).toEqual({ id, props: outs });
  expect(await ops(t.kind).diff(id, outs, inputs)).toMatchObject({ changes: false });
  const [replaced] = Object.keys(t.replace);
  expect(await ops(t.kind).diff(id, outs, { ...inputs, ...t.replace })).toEqual({ changes: true, replaces: [replaced], deleteBeforeReplace: false });

  const changedInputs = (await ops(t.kind).check(inputs, { ...inputs, ...t.change })).inputs!;
  expect(await ops(t.kind).diff(id, outs, changedInputs)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  const updated = await ops(t.kind).update(id, outs, changedInputs);
  expect(updated.outs).toMatchObject(t.change);
  expect(await ops(t.kind).diff(id, updated.outs, changedInputs)).toMatchObject({ changes: false });

  await outsideCall("PATCH", t.path(outs), t.drift.body);
  const drifted = await ops(t.kind).read(id, updated.outs);
  expect(drifted.props).toMatchObject(t.drift.shows);
  expect(await ops(t.kind).diff(id, drifted.props!, changedInputs)).toMatchObject({ changes: true, replaces: [] });

  // Adoption by id: a read with nothing but the id.
  expect((await ops(t.kind).read(id, {})).props).toEqual({ ...drifted.props, timeoutMinutes: expect.any(Number) });

  // Deleted outside Pulumi: the read says it is gone.
  await outsideCall("DELETE", t.path(outs));
  expect(await ops(t.kind).read(id, updated.outs)).toEqual({});
  // Deleting what is already gone succeeds.
  await ops(t.kind).delete(id, updated.outs);
  return updated.outs;
}

/** A lost create answer: the create finds what its POST made, and there is exactly one. */
async function lostAnswer(kind: string, type: string, args: Record<string, unknown>, collection: RegExp) {
  emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: collection } });
  const { id, outs } = await checkAndCreate(kind, args);
  expect(nodesOf(type).filter((node) => node.properties.name === args.name)).toHaveLength(1);
  await ops(kind).delete(id, outs);
  await ops(kind).delete(id, outs);
  expect(nodesOf(type).filter((node) => node.properties.name === args.name)).toHaveLength(0);
}

async function badInput(kind: string, args: Record<string, unknown>, properties: string[]) {
  const { calls, result } = await apiCallsDuring(() => ops(kind).check({}, args));
  // Each input once, as its top-level name (a failure inside a list names its place: `ips.0`).
  expect([...new Set((result.failures ?? []).map((f) => f.property.split(".")[0]))]).toEqual(properties);
  expect(calls).toBe(0);
  return result.failures!;
}

const nlbArgs = () => ({ datacenterId: dc, name: "nlb", listenerLan, targetLan, ips: ["10.10.0.10", "10.10.0.11"] });
const albArgs = () => ({ datacenterId: dc, name: "alb", listenerLan, targetLan, ips: ["10.10.0.20"] });
const groupArgs = { name: "web", algorithm: "ROUND_ROBIN", targets: [{ ip: "10.20.0.5", port: 8080 }] };

describe("ionos.NetworkLoadBalancer", () => {
  test("lifecycle: LANs and addresses in place, data center replaces, drift, adopt, delete", async () => {
    const { id, outs, inputs } = await checkAndCreate("NetworkLoadBalancer", nlbArgs());
    expect(inputs).toEqual({ ...nlbArgs(), timeoutMinutes: 60 });
    expect(id).toBe(`${dc}/${outs.networkLoadBalancerId}`);
    // IONOS gives it a private address with a /24 mask in the target LAN.
    expect(outs.lbPrivateIps).toEqual([expect.stringMatching(/^10\.\d+\.\d+\.\d+\/24$/)]);
    await ops("NetworkLoadBalancer").delete(id, outs);

    await lifecycle({
      kind: "NetworkLoadBalancer",
      args: nlbArgs(),
      path: (o) => `/datacenters/${dc}/networkloadbalancers/${o.networkLoadBalancerId}`,
      change: { name: "nlb-2", ips: ["10.10.0.12"], lbPrivateIps: ["10.30.0.5/24"] },
      replace: { datacenterId: "another-dc" },
      drift: { body: { name: "renamed" }, shows: { name: "renamed" } },
    });
  });

  test("a public listening LAN takes only reserved addresses; the LANs must exist, the target LAN private", async () => {
    const pub = await checkAndCreate("NetworkLoadBalancer", { ...nlbArgs(), name: "public", listenerLan: publicLan, ips: [blockIps[0]] });
    expect(pub.outs.ips).toEqual([blockIps[0]]);
    await ops("NetworkLoadBalancer").delete(pub.id, pub.outs);
    await expect(checkAndCreate("NetworkLoadBalancer", { ...nlbArgs(), name: "foreign", listenerLan: publicLan, ips: ["203.0.113.9"] })).rejects.toThrow(
      /HTTP 422.*properties\.ips.*203\.0\.113\.9 is not in an IP block reserved in de\/fra/s,
    );
    await expect(checkAndCreate("NetworkLoadBalancer", { ...nlbArgs(), name: "nolan", targetLan: 99 })).rejects.toThrow(/properties\.targetLan.*LAN 99 does not exist/s);
    await expect(checkAndCreate("NetworkLoadBalancer", { ...nlbArgs(), name: "pubtarget", targetLan: publicLan })).rejects.toThrow(/targetLan.*must be private/s);
    expect(nodesOf("networkloadbalancer")).toHaveLength(0);
  });

  test("bad input fails at check, naming the field, with no API call", async () => {
    await badInput("NetworkLoadBalancer", { ...nlbArgs(), listenerLan: 0, ips: ["10.0.0.300"], lbPrivateIps: ["10.0.0.5"], colour: "red" }, [
      "listenerLan", "ips", "lbPrivateIps", "colour",
    ]);
  });

  test("a lost create answer still makes exactly one", async () => {
    await lostAnswer("NetworkLoadBalancer", "networkloadbalancer", { ...nlbArgs(), name: "lost-nlb" }, /\/networkloadbalancers$/);
  });
});

describe("ionos.NetworkLoadBalancerForwardingRule", () => {
  let nlb: string;
  const ruleArgs = () => ({
    datacenterId: dc, networkLoadBalancerId: nlb, name: "tcp", algorithm: "ROUND_ROBIN", protocol: "TCP", listenerIp: "10.10.0.10", listenerPort: 443,
    targets: [{ ip: "10.20.0.5", port: 8443 }, { ip: "10.20.0.6", port: 8443, weight: 5, healthCheck: { check: true } }],
  });
  beforeAll(async () => {
    nlb = (await checkAndCreate("NetworkLoadBalancer", { ...nlbArgs(), name: "rules-nlb" })).outs.networkLoadBalancerId as string;
  });

  test("lifecycle: defaults, targets and port in place, balancer replaces, drift, adopt, delete", async () => {
    const { id, outs } = await checkAndCreate("NetworkLoadBalancerForwardingRule", ruleArgs());
    expect(id).toBe(`${dc}/${nlb}/${outs.forwardingRuleId}`);
    expect(outs).toMatchObject({
      healthCheck: { clientTimeout: 50000, connectTimeout: 5000, targetTimeout: 50000, retries: 3 },
      targets: [{ ip: "10.20.0.5", port: 8443, weight: 1 }, { ip: "10.20.0.6", port: 8443, weight: 5, healthCheck: { check: true, checkInterval: 2000 } }],
    });
    await ops("NetworkLoadBalancerForwardingRule").delete(id, outs);

    await lifecycle({
      kind: "NetworkLoadBalancerForwardingRule",
      args: ruleArgs(),
      path: (o) => `/datacenters/${dc}/networkloadbalancers/${nlb}/forwardingrules/${o.forwardingRuleId}`,
      change: { listenerPort: 8443, algorithm: "LEAST_CONNECTION", targets: [{ ip: "10.20.0.7", port: 80, weight: 1 }], healthCheck: { clientTimeout: 1000, connectTimeout: 5000, targetTimeout: 50000, retries: 1 } },
      replace: { networkLoadBalancerId: "another-nlb" },
      drift: { body: { listenerPort: 9000 }, shows: { listenerPort: 9000 } },
    });
  });

  test("the listener must be one of the balancer's ips, and one rule per address and port", async () => {
    await expect(checkAndCreate("NetworkLoadBalancerForwardingRule", { ...ruleArgs(), name: "elsewhere", listenerIp: "10.10.0.99" })).rejects.toThrow(
      /HTTP 422.*properties\.listenerIp.*not one of the load balancer's ips/s,
    );
    const first = await checkAndCreate("NetworkLoadBalancerForwardingRule", ruleArgs());
    await expect(checkAndCreate("NetworkLoadBalancerForwardingRule", { ...ruleArgs(), name: "same-port" })).rejects.toThrow(/listenerPort.*already used/s);
    await ops("NetworkLoadBalancerForwardingRule").delete(first.id, first.outs);
  });

  test("bad input fails at check, naming the field, with no API call", async () => {
    await badInput("NetworkLoadBalancerForwardingRule", { ...ruleArgs(), protocol: "UDP", listenerPort: 70000, targets: [{ ip: "x", port: 1, weight: 300 }] }, [
      "protocol", "listenerPort", "targets",
    ]);
  });

  test("a lost create answer still makes exactly one", async () => {
    await lostAnswer("NetworkLoadBalancerForwardingRule", "nlb-forwarding-rule", { ...ruleArgs(), name: "lost-rule" }, /\/networkloadbalancers\/[^/]+\/forwardingrules$/);
  });
});

describe("ionos.TargetGroup", () => {
  test("lifecycle: defaults, targets and checks in place, drift, adopt, delete; the HTTP check is removed by leaving it out", async () => {
    const { id, outs, inputs } = await checkAndCreate("TargetGroup", groupArgs);
    expect(id).toBe(outs.targetGroupId);
    expect(outs).toMatchObject({
      protocol: "HTTP",
      targets: [{ ip: "10.20.0.5", port: 8080, weight: 1, healthCheckEnabled: true, maintenanceEnabled: false }],
      healthCheck: { checkInterval: 2000, retries: 3 },
    });
    expect(outs.httpHealthCheck).toBeUndefined();
    const withCheck = (await ops("TargetGroup").check(inputs, { ...inputs, httpHealthCheck: { matchType: "STATUS_CODE", response: "200", method: "GET" } })).inputs!;
    const checked = await ops("TargetGroup").update(id, outs, withCheck);
    expect(checked.outs.httpHealthCheck).toEqual({ path: "/", matchType: "STATUS_CODE", response: "200", method: "GET" });
    const { httpHealthCheck: _check, ...without } = withCheck;
    expect(await ops("TargetGroup").diff(id, checked.outs, without)).toMatchObject({ changes: true, replaces: [] });
    const removed = await ops("TargetGroup").update(id, checked.outs, without);
    expect(removed.outs.httpHealthCheck).toBeUndefined();
    expect(nodesOf("target-group")[0].properties.httpHealthCheck).toBeUndefined();
    await ops("TargetGroup").delete(id, removed.outs);

    // A target group has no replacing input: the lifecycle's replace step uses a parentless stand-in.
    const { id: id2, outs: outs2, inputs: inputs2 } = await checkAndCreate("TargetGroup", { ...groupArgs, name: "web-2" });
    expect(await ops("TargetGroup").diff(id2, outs2, { ...inputs2, algorithm: "RANDOM" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("TargetGroup").update(id2, outs2, { ...inputs2, algorithm: "RANDOM", targets: [{ ip: "10.20.0.9", port: 80, weight: 3, healthCheckEnabled: false, maintenanceEnabled: true }] });
    expect(updated.outs).toMatchObject({ algorithm: "RANDOM", targets: [{ ip: "10.20.0.9", port: 80, weight: 3, healthCheckEnabled: false, maintenanceEnabled: true }] });
    await outsideCall("PATCH", `/targetgroups/${id2}`, { algorithm: "SOURCE_IP" });
    const drifted = await ops("TargetGroup").read(id2, updated.outs);
    expect(drifted.props).toMatchObject({ algorithm: "SOURCE_IP" });
    expect((await ops("TargetGroup").read(id2, {})).props).toEqual({ ...drifted.props, timeoutMinutes: 30 });
    await outsideCall("DELETE", `/targetgroups/${id2}`);
    expect(await ops("TargetGroup").read(id2, updated.outs)).toEqual({});
    await ops("TargetGroup").delete(id2, updated.outs);
  });

  test("bad input fails at check, naming the field, with no API call", async () => {
    await badInput("TargetGroup", { name: "bad", algorithm: "FASTEST", protocol: "TCP", httpHealthCheck: { matchType: "STATUS_CODE" } }, [
      "algorithm", "protocol", "httpHealthCheck",
    ]);
  });

  test("a lost create answer still makes exactly one", async () => {
    await lostAnswer("TargetGroup", "target-group", { ...groupArgs, name: "lost-group" }, /\/targetgroups$/);
  });
});

describe("ionos.ApplicationLoadBalancer and ApplicationLoadBalancerForwardingRule", () => {
  let alb: string;
  let group: string;
  const ruleArgs = () => ({
    datacenterId: dc, applicationLoadBalancerId: alb, name: "http", listenerIp: "10.10.0.20", listenerPort: 80,
    httpRules: [
      { name: "to-web", type: "FORWARD", targetGroup: group, conditions: [{ type: "PATH", condition: "STARTS_WITH", value: "/app" }] },
      { name: "moved", type: "REDIRECT", location: "https://example.com" },
      { name: "down", type: "STATIC", responseMessage: "Down for maintenance", contentType: "text/plain" },
    ],
  });
  beforeAll(async () => {
    group = (await checkAndCreate("TargetGroup", { ...groupArgs, name: "alb-group" })).id;
  });

  test("balancer lifecycle: LANs and addresses in place, data center replaces, drift, adopt, delete", async () => {
    await lifecycle({
      kind: "ApplicationLoadBalancer",
      args: albArgs(),
      path: (o) => `/datacenters/${dc}/applicationloadbalancers/${o.applicationLoadBalancerId}`,
      change: { name: "alb-2", ips: ["10.10.0.21", "10.10.0.22"] },
      replace: { datacenterId: "another-dc" },
      drift: { body: { ips: ["10.10.0.23"] }, shows: { ips: ["10.10.0.23"] } },
    });
    await badInput("ApplicationLoadBalancer", { ...albArgs(), targetLan: "two" }, ["targetLan"]);
    await lostAnswer("ApplicationLoadBalancer", "applicationloadbalancer", { ...albArgs(), name: "lost-alb" }, /\/applicationloadbalancers$/);
    alb = (await checkAndCreate("ApplicationLoadBalancer", albArgs())).outs.applicationLoadBalancerId as string;
  });

  test("rule lifecycle: the types' defaults, HTTP rules in place, balancer replaces, drift, adopt, delete", async () => {
    const { id, outs } = await checkAndCreate("ApplicationLoadBalancerForwardingRule", ruleArgs());
    expect(id).toBe(`${dc}/${alb}/${outs.forwardingRuleId}`);
    expect(outs).toMatchObject({
      protocol: "HTTP", clientTimeout: 50000, serverCertificates: [],
      httpRules: [
        { name: "to-web", type: "FORWARD", targetGroup: group, conditions: [{ type: "PATH", condition: "STARTS_WITH", value: "/app", negate: false }] },
        { name: "moved", type: "REDIRECT", location: "https://example.com", dropQuery: false, statusCode: 301, conditions: [] },
        { name: "down", type: "STATIC", responseMessage: "Down for maintenance", contentType: "text/plain", statusCode: 503, conditions: [] },
      ],
    });
    await ops("ApplicationLoadBalancerForwardingRule").delete(id, outs);

    await lifecycle({
      kind: "ApplicationLoadBalancerForwardingRule",
      args: ruleArgs(),
      path: (o) => `/datacenters/${dc}/applicationloadbalancers/${alb}/forwardingrules/${o.forwardingRuleId}`,
      change: { clientTimeout: 10000, httpRules: [{ name: "to-web", type: "FORWARD", targetGroup: group, conditions: [] }] },
      replace: { applicationLoadBalancerId: "another-alb" },
      drift: { body: { clientTimeout: 20000 }, shows: { clientTimeout: 20000 } },
    });
  });

  test("a FORWARD rule needs an existing target group; a group in use is not deleted", async () => {
    await expect(
      checkAndCreate("ApplicationLoadBalancerForwardingRule", { ...ruleArgs(), name: "nowhere", listenerPort: 81, httpRules: [{ name: "x", type: "FORWARD", targetGroup: "00000000-0000-4000-8000-000000000000" }] }),
    ).rejects.toThrow(/HTTP 422.*httpRules\.0\.targetGroup.*does not exist/s);
    const rule = await checkAndCreate("ApplicationLoadBalancerForwardingRule", ruleArgs());
    await expect(ops("TargetGroup").delete(group, { timeoutMinutes: 1 } as never)).rejects.toThrow(/HTTP 422.*in use by the forwarding rules/s);
    // In the engine's order (the rule first), both go.
    await ops("ApplicationLoadBalancerForwardingRule").delete(rule.id, rule.outs);
    await ops("TargetGroup").delete(group, { timeoutMinutes: 1 } as never);
    expect(nodesOf("target-group").filter((n) => n.id === group)).toHaveLength(0);
    group = (await checkAndCreate("TargetGroup", { ...groupArgs, name: "alb-group" })).id;
  });

  test("bad input fails at check, naming the field, with no API call", async () => {
    const failures = await badInput(
      "ApplicationLoadBalancerForwardingRule",
      { ...ruleArgs(), httpRules: [{ name: "a", type: "FORWARD" }, { name: "b", type: "REDIRECT", statusCode: 200 }, { name: "c", type: "STATIC", conditions: [{ type: "SOURCE_IP", condition: "EQUALS", value: "10.0.0.0/8" }] }] },
      ["httpRules"],
    );
    expect(failures.map((f) => f.reason)).toEqual([
      "rule 0 (a): a FORWARD rule needs a targetGroup",
      "rule 1 (b): a REDIRECT rule needs a location",
      "rule 1 (b): a REDIRECT status code is 301, 302, 303, 307 or 308",
      "rule 2 (c): a STATIC rule needs a responseMessage",
      "rule 2 (c), condition 0: condition is required, except for SOURCE_IP, which takes none",
    ]);
    await badInput("ApplicationLoadBalancerForwardingRule", { ...ruleArgs(), serverCertificates: ["not-a-uuid"], listenerIp: "nowhere" }, ["listenerIp", "serverCertificates"]);
  });

  test("a lost create answer still makes exactly one", async () => {
    await lostAnswer("ApplicationLoadBalancerForwardingRule", "alb-forwarding-rule", { ...ruleArgs(), name: "lost-rule" }, /\/applicationloadbalancers\/[^/]+\/forwardingrules$/);
  });
});

const haveSpecs = haveIonosSpecs("the load balancer contract check");

(haveSpecs ? describe : describe.skip)("the load balancer requests and answers follow the Cloud API v6 spec", () => {
  test("every request these suites sent and every answer the emulator gave", () => {
    const operations = ionosOperations();
    const { problems, checked } = contractProblems(emulator.log.entries, operations,  { requestSchema: ionosRequestSchema, skipAnswer: (entry) => entry.path === TOKEN_PATH });
    const mine = [...checked].filter((name) => /loadbalancers|targetgroups/.test(name)).sort();
    console.log(`checked ${emulator.log.entries.length} requests covering ${checked.size} operations, ${mine.length} of load balancing:\n  ${mine.join("\n  ")}`);
    expect(problems).toEqual([]);
    expect(mine.length).toBeGreaterThanOrEqual(20);
  });
});
