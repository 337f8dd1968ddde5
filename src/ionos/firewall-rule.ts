/**
 * `ionos.FirewallRule`: a rule of a NIC's firewall. Ports apply to TCP and UDP, ICMP type and code
 * to ICMP; both are checked at preview. The protocol is fixed at creation (changing it replaces the
 * rule).
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { type CheckFailure, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const PROTOCOLS = ["TCP", "UDP", "ICMP", "ANY"] as const;
const port = z.number().int().min(1).max(65535);
const icmp = z.number().int().min(0).max(254);
const ipOrCidr = z.union([z.ipv4(), z.cidrv4()], { error: "must be an IPv4 address or CIDR block" });

/** The inputs of an `ionos.FirewallRule`. */
export interface FirewallRuleArgs {
  /** The id of the data center of the rule's NIC (`ionos.Datacenter`'s `datacenterId`). A change replaces the rule. */
  datacenterId: string;
  /** The id of the server of the rule's NIC (`ionos.Server`'s `serverId`). A change replaces the rule. */
  serverId: string;
  /** The id of the NIC whose firewall the rule belongs to (`ionos.Nic`'s `nicId`). A change replaces the rule. */
  nicId: string;
  /** The rule's name: 1 to 255 characters. Defaults to the resource name. A change renames the rule in place. */
  name: string;
  /** The protocol the rule allows: `TCP`, `UDP`, `ICMP` or `ANY`. A change replaces the rule. */
  protocol: "TCP" | "UDP" | "ICMP" | "ANY";
  /**
   * The first port of the allowed range, 1 to 65535; TCP and UDP only. Give both ends or neither
   * (one port: start = end), start not above end; the preview checks this. Left out, all ports are
   * allowed. A change applies in place; removing it widens the rule to all ports.
   */
  portRangeStart?: number;
  /**
   * The last port of the allowed range, 1 to 65535, not below `portRangeStart`; TCP and UDP only.
   * Left out, all ports are allowed. A change applies in place; removing it widens the rule to all
   * ports.
   */
  portRangeEnd?: number;
  /**
   * The ICMP type allowed, 0 to 254; ICMP only (the preview checks this). Left out, all types are
   * allowed. A change applies in place; removing it widens the rule to all types.
   */
  icmpType?: number;
  /**
   * The ICMP code allowed, 0 to 254; ICMP only (the preview checks this). Left out, all codes are
   * allowed. A change applies in place; removing it widens the rule to all codes.
   */
  icmpCode?: number;
  /**
   * The source MAC address allowed, such as `aa:bb:cc:dd:ee:ff`. Left out, any source MAC. A change
   * applies in place; removing it widens the rule to any source MAC.
   */
  sourceMac?: string;
  /**
   * The source allowed: an IPv4 address or CIDR block. Left out, any source IP. A change applies in
   * place; removing it widens the rule to any source IP.
   */
  sourceIp?: string;
  /**
   * The target allowed: an IPv4 address or CIDR block. Left out, any target IP. A change applies in
   * place; removing it widens the rule to any target IP.
   */
  targetIp?: string;
  /**
   * The direction of the traffic the rule allows: `INGRESS` (incoming) or `EGRESS` (outgoing). A
   * change applies in place.
   * @default "INGRESS"
   */
  type?: "INGRESS" | "EGRESS";
  /**
   * How long, in minutes, each wait for an IONOS request of this rule (its create, update or
   * delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.FirewallRule`: a setting IONOS reports as any is left out. */
export type FirewallRuleOutputs = Omit<FirewallRuleArgs, "type" | "timeoutMinutes"> &
  Required<Pick<FirewallRuleArgs, "type" | "timeoutMinutes">> & {
    /** The rule's id at IONOS (a UUID); `id` is `<datacenterId>/<serverId>/<nicId>/<firewallRuleId>`. */
    firewallRuleId: string;
  };

const inputs = documented<FirewallRuleArgs>()(z.object({
  datacenterId: z.string().min(1),
  serverId: z.string().min(1),
  nicId: z.string().min(1),
  name: z.string().min(1).max(255),
  protocol: z.enum(PROTOCOLS),
  portRangeStart: port.optional(),
  portRangeEnd: port.optional(),
  icmpType: icmp.optional(),
  icmpCode: icmp.optional(),
  sourceMac: z.string().regex(/^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$/, "must be a MAC address such as aa:bb:cc:dd:ee:ff").optional(),
  sourceIp: ipOrCidr.optional(),
  targetIp: ipOrCidr.optional(),
  type: z.enum(["INGRESS", "EGRESS"]).default("INGRESS"),
  timeoutMinutes: timeoutMinutes(30),
}));

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
      const { datacenterId: _dc, serverId: _server, nicId: _nic, protocol, timeoutMinutes, ...properties } = wanted;
      const cleared = CLEARABLE.filter((key) => changed.includes(key) && wanted[key] === undefined);
      if (cleared.some((key) => key === "portRangeStart" || key === "portRangeEnd")) {
        // The ports are not nullable: a PUT of every setting, without them, allows all ports
        // (as IONOS's Terraform provider clears them).
        await rules.change(client, scope, id, { operation: "update", method: "PUT", body: { properties: { ...properties, protocol } }, minutes: timeoutMinutes });
      } else {
        // IONOS clears a nullable property sent as null ("null allows traffic from any IP").
        const nulls = Object.fromEntries(cleared.map((key) => [key, null]));
        await rules.change(client, scope, id, { operation: "update", method: "PATCH", body: { ...properties, ...nulls }, minutes: timeoutMinutes });
      }
    }
    return rules.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: rules.delete,
});

export interface FirewallRule extends ResourceOutputs<FirewallRuleOutputs> {}
export class FirewallRule extends FirewallRuleResource {}
