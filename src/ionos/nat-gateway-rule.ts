/**
 * `ionos.NatGatewayRule`: a SNAT rule of a NAT gateway: packets from `sourceSubnet` (to
 * `targetSubnet`, on `targetPortRange`) leave with `publicIp`, one of the gateway's public IPs.
 * ICMP rules take no port range, which the preview checks.
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { type CheckFailure, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const PROTOCOLS = ["TCP", "UDP", "ICMP", "ALL"] as const;
const port = z.number().int().min(1).max(65535);
const subnet = z.union([z.ipv4(), z.cidrv4()], { error: "must be an IPv4 address or CIDR block" });

/** The inputs of an `ionos.NatGatewayRule`. */
export interface NatGatewayRuleArgs {
  /** The id of the data center of the rule's NAT gateway (`ionos.Datacenter`'s `datacenterId`). A change replaces the rule. */
  datacenterId: string;
  /** The id of the NAT gateway the rule belongs to (`ionos.NatGateway`'s `natGatewayId`). A change replaces the rule. */
  natGatewayId: string;
  /** The rule's name: 1 to 255 characters. Defaults to the resource name. A change renames the rule in place. */
  name: string;
  /**
   * The rule's type: `SNAT` (source NAT, the only type IONOS has). A change applies in place.
   * @default "SNAT"
   */
  type?: "SNAT";
  /**
   * The protocol the rule applies to: `TCP`, `UDP`, `ICMP` or `ALL`. A change applies in place.
   * @default "ALL"
   */
  protocol?: "TCP" | "UDP" | "ICMP" | "ALL";
  /** The source the rule applies to: an IPv4 address or CIDR block, such as `10.0.1.0/24`. A change applies in place. */
  sourceSubnet: string;
  /**
   * The public IPv4 address packets leave with: one of the NAT gateway's `publicIps`. A change
   * applies in place.
   */
  publicIp: string;
  /**
   * The destination the rule applies to: an IPv4 address or CIDR block. Left out, any destination
   * (and not managed). A change applies in place.
   */
  targetSubnet?: string;
  /**
   * The destination ports the rule applies to, `start` to `end` (1 to 65535, start not above end);
   * not for ICMP (the preview checks both). Left out, all ports (and not managed). A change
   * applies in place.
   */
  targetPortRange?: {
    /** The first port, 1 to 65535. */
    start: number;
    /** The last port, 1 to 65535, not below `start`. */
    end: number;
  };
  /**
   * How long, in minutes, each wait for an IONOS request of this rule (its create, update or
   * delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.NatGatewayRule`. */
export type NatGatewayRuleOutputs = Omit<NatGatewayRuleArgs, "type" | "protocol" | "timeoutMinutes"> &
  Required<Pick<NatGatewayRuleArgs, "type" | "protocol" | "timeoutMinutes">> & {
    /** The rule's id at IONOS (a UUID); `id` is `<datacenterId>/<natGatewayId>/<natGatewayRuleId>`. */
    natGatewayRuleId: string;
  };

const inputs = documented<NatGatewayRuleArgs>()(z.object({
  datacenterId: z.string().min(1),
  natGatewayId: z.string().min(1),
  name: z.string().min(1).max(255),
  type: z.literal("SNAT").default("SNAT"),
  protocol: z.enum(PROTOCOLS).default("ALL"),
  sourceSubnet: subnet,
  publicIp: z.ipv4(),
  targetSubnet: subnet.optional(),
  targetPortRange: z.object({ start: port, end: port }).optional(),
  timeoutMinutes: timeoutMinutes(30),
}));

const ruleItem = resource({
  name: z.string().optional(),
  type: z.literal("SNAT").optional(),
  protocol: z.enum(PROTOCOLS).optional(),
  sourceSubnet: z.string(),
  publicIp: z.string(),
  targetSubnet: z.string().nullish(),
  targetPortRange: z.object({ start: z.number().int().nullish(), end: z.number().int().nullish() }).loose().nullish(),
});

function outputsOf(rule: z.infer<typeof ruleItem>, known: Partial<NatGatewayRuleOutputs>, ids: Record<string, string>): NatGatewayRuleOutputs {
  const p = rule.properties;
  const range = p.targetPortRange;
  return {
    datacenterId: ids.datacenterId,
    natGatewayId: ids.natGatewayId,
    name: p.name ?? known.name ?? "",
    type: p.type ?? "SNAT",
    protocol: p.protocol ?? "ALL",
    sourceSubnet: p.sourceSubnet,
    publicIp: p.publicIp,
    targetSubnet: p.targetSubnet ?? undefined,
    targetPortRange: range?.start != null && range.end != null ? { start: range.start, end: range.end } : undefined,
    timeoutMinutes: known.timeoutMinutes ?? 30,
    natGatewayRuleId: rule.id,
  };
}

const rules = new IonosKind({
  noun: "NAT gateway rule",
  item: ruleItem,
  idParts: ["datacenterId", "natGatewayId", "natGatewayRuleId"],
  collection: (datacenterId, natGatewayId) => apiPath("datacenters", datacenterId, "natgateways", natGatewayId, "rules"),
  defaultMinutes: 30,
  outputsOf,
});

const NatGatewayRuleResource = defineResource({
  cloud: ionos,
  kind: "NatGatewayRule",
  inputs,
  idOutputs: { natGatewayRuleId: idPart(2) },
  outputNames: [
    "datacenterId", "natGatewayId", "name", "type", "protocol", "sourceSubnet", "publicIp", "targetSubnet", "targetPortRange",
    "timeoutMinutes", "natGatewayRuleId",
  ],
  autoName: "name",
  replaceOnChange: ["datacenterId", "natGatewayId"],
  describe: (values, id) => `NAT gateway rule ${values.name ? `"${values.name}"` : id}`,

  validate(news): CheckFailure[] {
    const range = news.targetPortRange;
    if (!range) return [];
    if (news.protocol === "ICMP") return [{ property: "targetPortRange", reason: "a port range does not apply to ICMP" }];
    if (range.start > range.end) return [{ property: "targetPortRange", reason: `the range ends (${range.end}) before it starts (${range.start})` }];
    return [];
  },

  create: (client, wanted, scope) => {
    const { datacenterId, natGatewayId, timeoutMinutes: _timeout, ...properties } = wanted;
    return rules.create(client, scope, { parentIds: [datacenterId, natGatewayId], name: wanted.name, body: { properties }, known: wanted });
  },

  read: rules.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      const { datacenterId: _dc, natGatewayId: _gateway, timeoutMinutes, ...properties } = wanted;
      await rules.change(client, scope, id, { operation: "update", method: "PATCH", body: properties, minutes: timeoutMinutes });
    }
    return rules.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: rules.delete,
});

export interface NatGatewayRule extends ResourceOutputs<NatGatewayRuleOutputs> {}
export class NatGatewayRule extends NatGatewayRuleResource {}
