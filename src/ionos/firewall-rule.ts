/**
 * `ionos.FirewallRule`: a rule of a NIC's firewall. Ports apply to TCP and UDP, ICMP type and code
 * to ICMP; both are checked at preview. The protocol is fixed at creation (changing it replaces the
 * rule).
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { type CheckFailure, type ResourceOutputs, defineResource } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const PROTOCOLS = ["TCP", "UDP", "ICMP", "ANY"] as const;
const port = z.number().int().min(1).max(65535);
const icmp = z.number().int().min(0).max(254);
const ipOrCidr = z.union([z.ipv4(), z.cidrv4()], { error: "must be an IPv4 address or CIDR block" });

const inputs = z.object({
  /** Changing the data center, server or NIC replaces the rule. */
  datacenterId: z.string().min(1),
  serverId: z.string().min(1),
  nicId: z.string().min(1),
  /** Defaults to the resource name. */
  name: z.string().min(1).max(255),
  protocol: z.enum(PROTOCOLS),
  /** TCP and UDP: the allowed ports; left out, all ports. A single port is start = end. */
  portRangeStart: port.optional(),
  portRangeEnd: port.optional(),
  /** ICMP only; left out, all. */
  icmpType: icmp.optional(),
  icmpCode: icmp.optional(),
  /** Left out, any source MAC, source IP or target IP. */
  sourceMac: z.string().regex(/^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$/, "must be a MAC address such as aa:bb:cc:dd:ee:ff").optional(),
  sourceIp: ipOrCidr.optional(),
  targetIp: ipOrCidr.optional(),
  type: z.enum(["INGRESS", "EGRESS"]).default("INGRESS"),
  timeoutMinutes: timeoutMinutes(30),
});

const ruleItem = resource({
  name: z.string().optional(),
  protocol: z.enum(PROTOCOLS),
  portRangeStart: z.number().int().nullish(),
  portRangeEnd: z.number().int().nullish(),
  icmpType: z.number().int().nullish(),
  icmpCode: z.number().int().nullish(),
  sourceMac: z.string().nullish(),
  sourceIp: z.string().nullish(),
  targetIp: z.string().nullish(),
  type: z.enum(["INGRESS", "EGRESS"]).optional(),
});

export type FirewallRuleArgs = z.input<typeof inputs>;
export type FirewallRuleOutputs = z.output<typeof inputs> & { firewallRuleId: string };

/** Settings the API reports as null (any) are left out of the outputs. */
function outputsOf(rule: z.infer<typeof ruleItem>, known: Partial<FirewallRuleOutputs>, ids: Record<string, string>): FirewallRuleOutputs {
  const p = rule.properties;
  return {
    datacenterId: ids.datacenterId,
    serverId: ids.serverId,
    nicId: ids.nicId,
    name: p.name ?? known.name ?? "",
    protocol: p.protocol,
    portRangeStart: p.portRangeStart ?? undefined,
    portRangeEnd: p.portRangeEnd ?? undefined,
    icmpType: p.icmpType ?? undefined,
    icmpCode: p.icmpCode ?? undefined,
    sourceMac: p.sourceMac ?? undefined,
    sourceIp: p.sourceIp ?? undefined,
    targetIp: p.targetIp ?? undefined,
    type: p.type ?? "INGRESS",
    timeoutMinutes: known.timeoutMinutes ?? 30,
    firewallRuleId: rule.id,
  };
}

const rules = new IonosKind({
  noun: "firewall rule",
  item: ruleItem,
  idParts: ["datacenterId", "serverId", "nicId", "firewallRuleId"],
  collection: (datacenterId, serverId, nicId) =>
    apiPath("datacenters", datacenterId, "servers", serverId, "nics", nicId, "firewallrules"),
  defaultMinutes: 30,
  outputsOf,
});

const CLEARABLE = ["portRangeStart", "portRangeEnd", "icmpType", "icmpCode", "sourceMac", "sourceIp", "targetIp"] as const;

const FirewallRuleResource = defineResource({
  cloud: ionos,
  kind: "FirewallRule",
  inputs,
  idOutputs: { firewallRuleId: idPart(3) },
  outputNames: [
    "datacenterId", "serverId", "nicId", "name", "protocol", "portRangeStart", "portRangeEnd", "icmpType", "icmpCode",
    "sourceMac", "sourceIp", "targetIp", "type", "timeoutMinutes", "firewallRuleId",
  ],
  autoName: "name",
  replaceOnChange: ["datacenterId", "serverId", "nicId", "protocol"],
  // Left out, a rule allows every port, ICMP type, source and target: removing one widens the rule.
  clearable: CLEARABLE,
  describe: (values, id) => `firewall rule ${values.name ? `"${values.name}"` : id}`,

  validate(news): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const ported = news.protocol === "TCP" || news.protocol === "UDP";
    const { portRangeStart: start, portRangeEnd: end } = news;
    if (!ported && (start !== undefined || end !== undefined)) {
      failures.push({ property: "portRangeStart", reason: `ports apply to TCP and UDP only, not ${news.protocol}` });
    } else if ((start === undefined) !== (end === undefined)) {
      failures.push({ property: start === undefined ? "portRangeStart" : "portRangeEnd", reason: "give both ends of the port range (start = end for one port)" });
    } else if (start !== undefined && end !== undefined && start > end) {
      failures.push({ property: "portRangeEnd", reason: `the range ends (${end}) before it starts (${start})` });
    }
    if (news.protocol !== "ICMP" && (news.icmpType !== undefined || news.icmpCode !== undefined)) {
      failures.push({ property: "icmpType", reason: `ICMP type and code apply to ICMP only, not ${news.protocol}` });
    }
    return failures;
  },

  create: (client, wanted, scope) => {
    const { datacenterId, serverId, nicId, timeoutMinutes: _timeout, ...properties } = wanted;
    const parentIds = [datacenterId, serverId, nicId];
    return rules.create(client, scope, { parentIds, name: wanted.name, body: { properties }, known: wanted });
  },

  read: rules.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      const { datacenterId: _dc, serverId: _server, nicId: _nic, protocol: _fixed, timeoutMinutes, ...properties } = wanted;
      // IONOS clears a property sent as null ("null allows traffic from any IP").
      const cleared = Object.fromEntries(CLEARABLE.filter((key) => changed.includes(key) && wanted[key] === undefined).map((key) => [key, null]));
      await rules.change(client, scope, id, { operation: "update", method: "PATCH", body: { ...properties, ...cleared }, minutes: timeoutMinutes });
    }
    return rules.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: rules.delete,
});

export interface FirewallRule extends ResourceOutputs<FirewallRuleOutputs> {}
export class FirewallRule extends FirewallRuleResource {}
