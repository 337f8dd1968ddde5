/**
 * IONOS load balancing on the real Pulumi engine against the IONOS emulator, one stack of the
 * declared program (test/programs/declared.ts): a data center, two LANs, a network load balancer
 * with a forwarding rule, a target group, and an application load balancer with a rule that
 * forwards to the group. In-place changes of the NLB rule, the target group and the ALB change
 * just them; a new balancer for the rule and a `--replace` of the ALB replace what they must;
 * refresh after outside changes and outside deletes; adoption by id with `get`; bad input failing
 * at preview; destroy in the engine's order (rules before their balancers and the group), after
 * which the cloud holds nothing. Needs `npm run build` and the Pulumi CLI.
 */
import { type IonosEmulator, startIonosEmulator } from "../src/emulator";
import { describeWithEngine } from "./engine";
import { DECLARED_PROGRAM, adoptById, engineStack, stepLines } from "./support/engine-stack";

const TYPES = ["networkloadbalancer", "nlb-forwarding-rule", "applicationloadbalancer", "alb-forwarding-rule", "target-group"];

type Args = Record<string, unknown>;

describeWithEngine("IONOS load balancers, their rules and target groups on the Pulumi engine", () => {
  // Steps of several engine runs (a preview and an up, or an adoption's up and destroy, each a few seconds, more on a busy machine).
  jest.setTimeout(300_000);
  let emulator: IonosEmulator;
  const stack = engineStack(DECLARED_PROGRAM, "engine-ionos-lb-");

  /** The stack's resources; `changes` are merged into the arguments of the resources they name. */
  const declared = (changes: Record<string, Args> = {}, extra: { type: string; name: string; args: Args }[] = []) => {
    const dc = "@dc.datacenterId";
    const resources = [
      { type: "ionos:Datacenter", name: "dc", args: { name: "lb", location: "de/fra" } },
      { type: "ionos:Lan", name: "listen", args: { datacenterId: dc, name: "listen" } },
      { type: "ionos:Lan", name: "targets", args: { datacenterId: dc, name: "targets" } },
      { type: "ionos:NetworkLoadBalancer", name: "nlb", args: { datacenterId: dc, listenerLan: "@listen.lanId", targetLan: "@targets.lanId", ips: ["10.10.0.10"] } },
      ...extra,
      {
        type: "ionos:NetworkLoadBalancerForwardingRule",
        name: "nlb-rule",
        args: {
          datacenterId: dc, networkLoadBalancerId: "@nlb.networkLoadBalancerId", algorithm: "ROUND_ROBIN", protocol: "TCP",
          listenerIp: "10.10.0.10", listenerPort: 443, targets: [{ ip: "10.20.0.5", port: 8443, healthCheck: { check: true } }],
        },
      },
      { type: "ionos:TargetGroup", name: "group", args: { algorithm: "ROUND_ROBIN", targets: [{ ip: "10.20.0.6", port: 8080 }] } },
      { type: "ionos:ApplicationLoadBalancer", name: "alb", args: { datacenterId: dc, listenerLan: "@listen.lanId", targetLan: "@targets.lanId", ips: ["10.10.0.20"] } },
      {
        type: "ionos:ApplicationLoadBalancerForwardingRule",
        name: "alb-rule",
        args: {
          datacenterId: dc, applicationLoadBalancerId: "@alb.applicationLoadBalancerId", listenerIp: "10.10.0.20", listenerPort: 80,
          httpRules: [{ name: "to-group", type: "FORWARD", targetGroup: "@group.targetGroupId", conditions: [{ type: "PATH", condition: "STARTS_WITH", value: "/" }] }],
        },
      },
    ];
    return JSON.stringify(resources.map((r) => ({ ...r, args: { ...r.args, ...changes[r.name] } })));
  };
  const settings = () => ({
    config: { "ionos:apiUrl": emulator.apiUrl, resources: declared() },
    secretConfig: { "ionos:token": emulator.credentials.token },
  });
  /** Only the resource list changes after the first up: the rest of the config stays in the stack. */
  const withResources = (...args: Parameters<typeof declared>) => ({ config: { resources: declared(...args) } });

  beforeAll(async () => {
    emulator = await startIonosEmulator({ requestMs: 50 });
    stack.secrets.push(...Object.values(emulator.credentials));
  });

  afterAll(async () => {
    await emulator.stop();
    stack.remove();
  });

  const nodes = (type: string) => [...emulator.store.nodes.values()].filter((node) => node.type === type);
  const one = (type: string) => {
    const found = nodes(type);
    expect(found).toHaveLength(1);
    return found[0];
  };

  test("up creates the data center, the LANs, both balancers with a rule each, and the target group", async () => {
    const up = await stack.run("up", settings());
    expect(stepLines(up)).toEqual([
      "create ionos:ApplicationLoadBalancer alb",
      "create ionos:ApplicationLoadBalancerForwardingRule alb-rule",
      "create ionos:Datacenter dc",
      "create ionos:Lan listen",
      "create ionos:Lan targets",
      "create ionos:NetworkLoadBalancer nlb",
      "create ionos:NetworkLoadBalancerForwardingRule nlb-rule",
      "create ionos:TargetGroup group",
    ]);
    expect(up.summary).toEqual({ create: 9 });
    expect(one("alb-forwarding-rule").properties.httpRules).toEqual([expect.objectContaining({ targetGroup: one("target-group").id })]);
    expect(emulator.liveResources()).toBe(8);
  });

  test("a preview with nothing changed shows no change", async () => {
    const preview = await stack.run("preview", { expectNoChanges: true });
    expect(preview.steps).toEqual([]);
    expect(preview.summary).toEqual({ same: 9 });
  });

  test("a new port of the NLB rule, new targets of the group and a new name of the ALB change just those, in place", async () => {
    const ids = TYPES.map((type) => one(type).id);
    const { up } = await stack.previewThenUp(
      withResources({ "nlb-rule": { listenerPort: 8443 }, group: { targets: [{ ip: "10.20.0.7", port: 8081, weight: 3 }] }, alb: { name: "front" } }),
    );
    expect(stepLines(up)).toEqual([
      "update ionos:ApplicationLoadBalancer alb [name]",
      "update ionos:NetworkLoadBalancerForwardingRule nlb-rule [listenerPort]",
      "update ionos:TargetGroup group [targets]",
    ]);
    expect(up.summary).toEqual({ same: 6, update: 3 });
    expect(TYPES.map((type) => one(type).id)).toEqual(ids);
    expect(one("nlb-forwarding-rule").properties.listenerPort).toBe(8443);
    expect(one("target-group").properties.targets).toEqual([{ ip: "10.20.0.7", port: 8081, weight: 3, healthCheckEnabled: true, maintenanceEnabled: false }]);
    expect(one("applicationloadbalancer").properties.name).toBe("front");
  });

  const current = { "nlb-rule": { listenerPort: 8443 }, group: { targets: [{ ip: "10.20.0.7", port: 8081, weight: 3 }] }, alb: { name: "front" } };
  /** The stack after the ALB moved to a second data center. */
  let moved: Record<string, Args> = current;
  let extra: { type: string; name: string; args: Args }[] = [];

  test("moving the NLB rule to another balancer replaces the rule, and nothing else", async () => {
    const before = one("nlb-forwarding-rule").id;
    const other = { type: "ionos:NetworkLoadBalancer", name: "nlb-b", args: { datacenterId: "@dc.datacenterId", listenerLan: "@listen.lanId", targetLan: "@targets.lanId", ips: ["10.10.0.30"] } };
    const moved = { ...current, "nlb-rule": { ...current["nlb-rule"], networkLoadBalancerId: "@nlb-b.networkLoadBalancerId", listenerIp: "10.10.0.30" } };
    const { up } = await stack.previewThenUp(withResources(moved, [other]));
    expect(stepLines(up)).toEqual([
      "create ionos:NetworkLoadBalancer nlb-b",
      "delete-replaced ionos:NetworkLoadBalancerForwardingRule nlb-rule",
      "replace ionos:NetworkLoadBalancerForwardingRule nlb-rule [listenerIp, networkLoadBalancerId]",
    ]);
    const rule = one("nlb-forwarding-rule");
    expect(rule.id).not.toBe(before);
    expect(rule.path).toContain(nodes("networkloadbalancer").find((n) => String(n.properties.ips) === "10.10.0.30")!.id);
    // Back to the first balancer; the second goes (after the rule has left it).
    const { up: back } = await stack.previewThenUp(withResources(current));
    expect(stepLines(back)).toEqual([
      "delete ionos:NetworkLoadBalancer nlb-b",
      "delete-replaced ionos:NetworkLoadBalancerForwardingRule nlb-rule",
      "replace ionos:NetworkLoadBalancerForwardingRule nlb-rule [listenerIp, networkLoadBalancerId]",
    ]);
    expect(nodes("networkloadbalancer")).toHaveLength(1);
  });

  test("moving the ALB to another data center replaces it and its rule, and nothing else", async () => {
    const before = [one("applicationloadbalancer").id, one("alb-forwarding-rule").id];
    const dc2 = "@dc2.datacenterId";
    const others = [
      { type: "ionos:Datacenter", name: "dc2", args: { name: "lb-2", location: "de/fra" } },
      { type: "ionos:Lan", name: "listen2", args: { datacenterId: dc2, name: "listen" } },
      { type: "ionos:Lan", name: "targets2", args: { datacenterId: dc2, name: "targets" } },
    ];
    moved = {
      ...current,
      alb: { ...current.alb, datacenterId: dc2, listenerLan: "@listen2.lanId", targetLan: "@targets2.lanId" },
      "alb-rule": { datacenterId: dc2 },
    };
    extra = others;
    const { up } = await stack.previewThenUp(withResources(moved, extra));
    // The LANs of the new data center may get the numbers the old ones have: those keys may or may not change.
    expect(up.steps.map((step) => `${step.op} ${step.type} ${step.name}`).sort()).toEqual([
      "create ionos:Datacenter dc2",
      "create ionos:Lan listen2",
      "create ionos:Lan targets2",
      "delete-replaced ionos:ApplicationLoadBalancer alb",
      "delete-replaced ionos:ApplicationLoadBalancerForwardingRule alb-rule",
      "replace ionos:ApplicationLoadBalancer alb",
      "replace ionos:ApplicationLoadBalancerForwardingRule alb-rule",
    ]);
    expect(up.steps.find((step) => step.op === "replace" && step.name === "alb")!.keys).toContain("datacenterId");
    expect(up.steps.find((step) => step.op === "replace" && step.name === "alb-rule")!.keys).toEqual(["applicationLoadBalancerId", "datacenterId"]);
    const alb = one("applicationloadbalancer");
    expect([alb.id, one("alb-forwarding-rule").id].filter((id) => before.includes(id))).toEqual([]);
    expect(alb.path).toContain(nodes("datacenter").find((dc) => dc.properties.name === "lb-2")!.id);
    expect(one("alb-forwarding-rule").path).toContain(alb.id);
  });

  test("refresh notices changes made outside Pulumi, and the next up puts them back", async () => {
    one("nlb-forwarding-rule").properties.listenerPort = 9999;
    one("target-group").properties.algorithm = "RANDOM";
    one("applicationloadbalancer").properties.name = "renamed-outside";
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual([
      "update ionos:ApplicationLoadBalancer alb [name]",
      "update ionos:NetworkLoadBalancerForwardingRule nlb-rule [listenerPort]",
      "update ionos:TargetGroup group [algorithm]",
    ]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual([
      "update ionos:ApplicationLoadBalancer alb [name]",
      "update ionos:NetworkLoadBalancerForwardingRule nlb-rule [listenerPort]",
      "update ionos:TargetGroup group [algorithm]",
    ]);
    expect([one("nlb-forwarding-rule").properties.listenerPort, one("target-group").properties.algorithm, one("applicationloadbalancer").properties.name]).toEqual([8443, "ROUND_ROBIN", "front"]);
  });

  test("refresh notices deletes made outside Pulumi, and the next up makes them again", async () => {
    // The ALB goes with its rule, as a delete at IONOS takes the children; the group goes too.
    const alb = one("applicationloadbalancer");
    for (const node of [one("nlb-forwarding-rule"), one("alb-forwarding-rule"), alb, one("target-group")]) emulator.store.nodes.delete(node.path);
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual([
      "delete ionos:ApplicationLoadBalancer alb",
      "delete ionos:ApplicationLoadBalancerForwardingRule alb-rule",
      "delete ionos:NetworkLoadBalancerForwardingRule nlb-rule",
      "delete ionos:TargetGroup group",
    ]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual([
      "create ionos:ApplicationLoadBalancer alb",
      "create ionos:ApplicationLoadBalancerForwardingRule alb-rule",
      "create ionos:NetworkLoadBalancerForwardingRule nlb-rule",
      "create ionos:TargetGroup group",
    ]);
    expect(one("alb-forwarding-rule").properties.httpRules).toEqual([expect.objectContaining({ targetGroup: one("target-group").id })]);
  });

  test("get adopts the NLB rule, the target group and the ALB by their ids, and destroying that stack leaves them", async () => {
    const dcOf = (node: { path: string }) => node.path.split("/")[2];
    const nlb = one("networkloadbalancer").id;
    const rule = one("nlb-forwarding-rule");
    expect(await adoptById({ type: "ionos:NetworkLoadBalancerForwardingRule", id: `${dcOf(rule)}/${nlb}/${rule.id}`, settings: settings(), secrets: stack.secrets })).toMatchObject({
      forwardingRuleId: rule.id, networkLoadBalancerId: nlb, listenerPort: 8443, protocol: "TCP",
    });
    const group = one("target-group");
    expect(await adoptById({ type: "ionos:TargetGroup", id: group.id, settings: settings(), secrets: stack.secrets })).toMatchObject({
      targetGroupId: group.id, algorithm: "ROUND_ROBIN", targets: [{ ip: "10.20.0.7", port: 8081, weight: 3 }],
    });
    const alb = one("applicationloadbalancer");
    expect(await adoptById({ type: "ionos:ApplicationLoadBalancer", id: `${dcOf(alb)}/${alb.id}`, settings: settings(), secrets: stack.secrets })).toMatchObject({
      applicationLoadBalancerId: alb.id, name: "front", ips: ["10.10.0.20"],
    });
    expect(TYPES.map((type) => nodes(type).length)).toEqual([1, 1, 1, 1, 1]);
  });

  test("bad input fails at preview naming the field, with no API call", async () => {
    const before = emulator.log.entries.length;
    const preview = await stack.attempt("preview", withResources({ ...moved, "nlb-rule": { listenerPort: 0 } }, extra));
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toMatch(/ionos:NetworkLoadBalancerForwardingRule nlb-rule.*property listenerPort value \{0\} has a problem/);
    expect(emulator.log.entries.slice(before).filter((e) => /loadbalancers|targetgroups/.test(e.path))).toEqual([]);
  });

  test("destroy removes everything from the cloud, rules before their balancers and the group", async () => {
    const destroy = await stack.run("destroy");
    expect(destroy.summary).toEqual({ delete: 12 });
    expect(stack.resources()).toEqual([]);
    expect(emulator.liveResources()).toBe(0);
    // Every delete was accepted: none refused (a group in use, a LAN with a balancer).
    expect(emulator.log.entries.filter((e) => e.method === "DELETE" && e.status !== 202)).toEqual([]);
  });
});
