/**
 * `ionos.NetworkLoadBalancerForwardingRule`: what a network load balancer does with what arrives
 * on one of its addresses and one port: it balances it over targets (IP and port), checking their
 * health. IONOS accepts only a `listenerIp` among the load balancer's `ips`.
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const ALGORITHMS = ["ROUND_ROBIN", "LEAST_CONNECTION", "RANDOM", "SOURCE_IP"] as const;
const port = z.number().int().min(1).max(65535);
const millis = z.number().int().min(0);
const HEALTH_CHECK = { clientTimeout: 50_000, connectTimeout: 5_000, targetTimeout: 50_000, retries: 3 };

/** How the load balancer checks the connections of a rule. */
export interface NetworkLoadBalancerHealthCheck {
  /** How long, in milliseconds, to wait for the client to acknowledge or send data. Default 50000. */
  clientTimeout?: number;
  /** How long, in milliseconds, to wait for a connection attempt to a target. Default 5000. */
  connectTimeout?: number;
  /** How long, in milliseconds, a target may stay inactive. Default 50000. */
  targetTimeout?: number;
  /** How many attempts to reconnect to a target after a connection failure: 0 to 65535. Default 3. */
  retries?: number;
}

/** One balanced target of a rule. */
export interface NetworkLoadBalancerTarget {
  /** The target's IPv4 address (in the load balancer's target LAN). */
  ip: string;
  /** The target's port: 1 to 65535. */
  port: number;
  /** The target's share of the traffic, relative to the others: 0 to 256 (0 takes no new connections). Default 1. */
  weight?: number;
  /** The target's health check; left out, IONOS's own settings apply. */
  healthCheck?: {
    /** Whether the target must accept periodic TCP connection attempts to be used; off, it is always used. */
    check?: boolean;
    /** The interval between checks, in milliseconds. Default 2000. */
    checkInterval?: number;
    /** Maintenance mode: the target gets no balanced traffic. */
    maintenance?: boolean;
  };
}

/** The inputs of an `ionos.NetworkLoadBalancerForwardingRule`. */
export interface NetworkLoadBalancerForwardingRuleArgs {
  /** The id of the load balancer's data center (`ionos.Datacenter`'s `datacenterId`). A change replaces the rule. */
  datacenterId: string;
  /** The id of the load balancer (`ionos.NetworkLoadBalancer`'s `networkLoadBalancerId`). A change replaces the rule. */
  networkLoadBalancerId: string;
  /** The rule's name: 1 to 255 characters. Defaults to the resource name. A change renames it in place. */
  name: string;
  /** How connections are spread over the targets: `ROUND_ROBIN`, `LEAST_CONNECTION`, `RANDOM` or `SOURCE_IP`. A change applies in place. */
  algorithm: "ROUND_ROBIN" | "LEAST_CONNECTION" | "RANDOM" | "SOURCE_IP";
  /** The balanced protocol: `TCP` or `HTTP`. A change applies in place. */
  protocol: "HTTP" | "TCP";
  /** The address the rule listens on: one of the load balancer's `ips`. A change applies in place. */
  listenerIp: string;
  /** The port the rule listens on: 1 to 65535, one rule per address and port. A change applies in place. */
  listenerPort: number;
  /**
   * The rule's connection timeouts and retries (milliseconds; retries 0 to 65535). A change applies in place.
   * @default {"clientTimeout":50000,"connectTimeout":5000,"targetTimeout":50000,"retries":3}
   */
  healthCheck?: NetworkLoadBalancerHealthCheck;
  /**
   * The balanced targets: IP, port, weight (default 1) and an optional health check. A change sets
   * the targets in place.
   */
  targets: NetworkLoadBalancerTarget[];
  /**
   * How long, in minutes, each wait for an IONOS request of this rule (its create, update or
   * delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

type Target = Omit<NetworkLoadBalancerTarget, "weight"> & { weight: number };

/** The outputs of an `ionos.NetworkLoadBalancerForwardingRule`. */
export type NetworkLoadBalancerForwardingRuleOutputs = Omit<Required<NetworkLoadBalancerForwardingRuleArgs>, "healthCheck" | "targets"> & {
  /** The rule's connection timeouts (milliseconds) and retries, as IONOS has them. */
  healthCheck: Required<NetworkLoadBalancerHealthCheck>;
  /** The balanced targets as IONOS has them, each with its weight. */
  targets: Target[];
  /** The rule's id at IONOS (a UUID); `id` is `<datacenterId>/<networkLoadBalancerId>/<forwardingRuleId>`. */
  forwardingRuleId: string;
};

const inputs = documented<NetworkLoadBalancerForwardingRuleArgs>()(z.object({
  datacenterId: z.string().min(1),
  networkLoadBalancerId: z.string().min(1),
  name: z.string().min(1).max(255),
  algorithm: z.enum(ALGORITHMS),
  protocol: z.enum(["HTTP", "TCP"]),
  listenerIp: z.ipv4(),
  listenerPort: port,
  healthCheck: z
    .strictObject({
      clientTimeout: millis.default(HEALTH_CHECK.clientTimeout),
      connectTimeout: millis.default(HEALTH_CHECK.connectTimeout),
      targetTimeout: millis.default(HEALTH_CHECK.targetTimeout),
      retries: z.number().int().min(0).max(65535).default(HEALTH_CHECK.retries),
    })
    .default(HEALTH_CHECK),
  targets: z.array(
    z.strictObject({
      ip: z.ipv4(),
      port,
      weight: z.number().int().min(0).max(256).default(1),
      healthCheck: z
        .strictObject({ check: z.boolean().optional(), checkInterval: millis.default(2000), maintenance: z.boolean().optional() })
        .optional(),
    }),
  ),
  timeoutMinutes: timeoutMinutes(30),
}));

const ruleItem = resource({
  name: z.string().optional(),
  algorithm: z.enum(ALGORITHMS),
  protocol: z.enum(["HTTP", "TCP"]),
  listenerIp: z.string(),
  listenerPort: z.number().int(),
  healthCheck: z
    .object({ clientTimeout: z.number().nullish(), connectTimeout: z.number().nullish(), targetTimeout: z.number().nullish(), retries: z.number().nullish() })
    .loose()
    .nullish(),
  targets: z
    .array(
      z
        .object({
          ip: z.string(),
          port: z.number().int(),
          weight: z.number().int().nullish(),
          healthCheck: z.object({ check: z.boolean().nullish(), checkInterval: z.number().nullish(), maintenance: z.boolean().nullish() }).loose().nullish(),
        })
        .loose(),
    )
    .nullish(),
});

function outputsOf(
  rule: z.infer<typeof ruleItem>,
  known: Partial<NetworkLoadBalancerForwardingRuleOutputs>,
  ids: Record<string, string>,
): NetworkLoadBalancerForwardingRuleOutputs {
  const p = rule.properties;
  const check = p.healthCheck ?? {};
  return {
    datacenterId: ids.datacenterId,
    networkLoadBalancerId: ids.networkLoadBalancerId,
    name: p.name ?? known.name ?? "",
    algorithm: p.algorithm,
    protocol: p.protocol,
    listenerIp: p.listenerIp,
    listenerPort: p.listenerPort,
    healthCheck: {
      clientTimeout: check.clientTimeout ?? HEALTH_CHECK.clientTimeout,
      connectTimeout: check.connectTimeout ?? HEALTH_CHECK.connectTimeout,
      targetTimeout: check.targetTimeout ?? HEALTH_CHECK.targetTimeout,
      retries: check.retries ?? HEALTH_CHECK.retries,
    },
    targets: (p.targets ?? []).map((t) => ({
      ip: t.ip,
      port: t.port,
      weight: t.weight ?? 1,
      healthCheck: t.healthCheck
        ? { check: t.healthCheck.check ?? undefined, checkInterval: t.healthCheck.checkInterval ?? 2000, maintenance: t.healthCheck.maintenance ?? undefined }
        : undefined,
    })),
    timeoutMinutes: known.timeoutMinutes ?? 30,
    forwardingRuleId: rule.id,
  };
}

const rules = new IonosKind({
  noun: "network load balancer forwarding rule",
  item: ruleItem,
  idParts: ["datacenterId", "networkLoadBalancerId", "forwardingRuleId"],
  collection: (datacenterId, balancerId) => apiPath("datacenters", datacenterId, "networkloadbalancers", balancerId, "forwardingrules"),
  defaultMinutes: 30,
  outputsOf,
});

const NetworkLoadBalancerForwardingRuleResource = defineResource({
  cloud: ionos,
  kind: "NetworkLoadBalancerForwardingRule",
  inputs,
  idOutputs: { forwardingRuleId: idPart(2) },
  outputNames: [
    "datacenterId", "networkLoadBalancerId", "name", "algorithm", "protocol", "listenerIp", "listenerPort", "healthCheck", "targets",
    "timeoutMinutes", "forwardingRuleId",
  ],
  autoName: "name",
  replaceOnChange: ["datacenterId", "networkLoadBalancerId"],
  describe: (values, id) => `network load balancer forwarding rule ${values.name ? `"${values.name}"` : id}`,

  create: (client, wanted, scope) => {
    const { datacenterId, networkLoadBalancerId, timeoutMinutes: _timeout, ...properties } = wanted;
    return rules.create(client, scope, { parentIds: [datacenterId, networkLoadBalancerId], name: wanted.name, body: { properties }, known: wanted });
  },

  read: rules.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      const { datacenterId: _dc, networkLoadBalancerId: _nlb, timeoutMinutes, ...body } = wanted;
      await rules.change(client, scope, id, { operation: "update", method: "PATCH", body, minutes: timeoutMinutes });
    }
    return rules.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: rules.delete,
});

export interface NetworkLoadBalancerForwardingRule extends ResourceOutputs<NetworkLoadBalancerForwardingRuleOutputs> {}
export class NetworkLoadBalancerForwardingRule extends NetworkLoadBalancerForwardingRuleResource {}
