/**
 * `ionos.NetworkLoadBalancer`: a layer-4 load balancer in a data center. It listens on `ips` in
 * its listening LAN and balances to targets in its private target LAN, where it has
 * `lbPrivateIps`; its forwarding rules (`ionos.NetworkLoadBalancerForwardingRule`) say what goes
 * where.
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/([0-9]|[12][0-9]|3[0-2])$/, "must be an IPv4 address with a subnet mask, such as 10.0.0.5/24");

/** The inputs of an `ionos.NetworkLoadBalancer`. */
export interface NetworkLoadBalancerArgs {
  /** The id of the data center the load balancer is in (`ionos.Datacenter`'s `datacenterId`). A change replaces the load balancer. */
  datacenterId: string;
  /** The load balancer's name: 1 to 255 characters. Defaults to the resource name. A change renames it in place. */
  name: string;
  /**
   * The number of the LAN it listens on (inbound), in the same data center (`ionos.Lan`'s
   * `lanId`): a whole number from 1. A change applies in place.
   */
  listenerLan: number;
  /**
   * The number of the private LAN of its targets (outbound), in the same data center
   * (`ionos.Lan`'s `lanId`): a whole number from 1; IONOS refuses a public LAN. A change applies in
   * place.
   */
  targetLan: number;
  /**
   * The IPv4 addresses it listens on in the listening LAN: on a public LAN, addresses of an IP
   * block reserved in the data center's location (`ionos.IpBlock`'s `ips`); on a private LAN,
   * private addresses. Its forwarding rules listen on these. A change applies in place.
   * @default []
   */
  ips?: string[];
  /**
   * Its private IPv4 addresses in the target LAN, each with a subnet mask (`10.0.0.5/24`). Left
   * out, IONOS gives it one with a /24 mask, which the outputs show. A change applies in place.
   */
  lbPrivateIps?: string[];
  /**
   * How long, in minutes, each wait for an IONOS request of this load balancer (its create,
   * update or delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed
   * (0.5 is 30 seconds). It only bounds this provider's waits: a change applies in place without an
   * API call.
   * @default 60
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.NetworkLoadBalancer`. */
export type NetworkLoadBalancerOutputs = Required<NetworkLoadBalancerArgs> & {
  /**
   * The load balancer's id at IONOS (a UUID), which its forwarding rules name; `id` is
   * `<datacenterId>/<networkLoadBalancerId>`.
   */
  networkLoadBalancerId: string;
};

const inputs = documented<NetworkLoadBalancerArgs>()(z.object({
  datacenterId: z.string().min(1),
  name: z.string().min(1).max(255),
  listenerLan: z.number().int().min(1),
  targetLan: z.number().int().min(1),
  ips: z.array(z.ipv4()).default([]),
  lbPrivateIps: z.array(cidr).optional(),
  timeoutMinutes: timeoutMinutes(60),
}));

const balancerItem = resource({
  name: z.string().optional(),
  listenerLan: z.number().int(),
  targetLan: z.number().int(),
  ips: z.array(z.string()).nullish(),
  lbPrivateIps: z.array(z.string()).nullish(),
});

function outputsOf(found: z.infer<typeof balancerItem>, known: Partial<NetworkLoadBalancerOutputs>, ids: Record<string, string>): NetworkLoadBalancerOutputs {
  const p = found.properties;
  return {
    datacenterId: ids.datacenterId,
    name: p.name ?? known.name ?? "",
    listenerLan: p.listenerLan,
    targetLan: p.targetLan,
    ips: p.ips ?? [],
    lbPrivateIps: p.lbPrivateIps ?? [],
    timeoutMinutes: known.timeoutMinutes ?? 60,
    networkLoadBalancerId: found.id,
  };
}

const balancers = new IonosKind({
  noun: "network load balancer",
  item: balancerItem,
  idParts: ["datacenterId", "networkLoadBalancerId"],
  collection: (datacenterId) => apiPath("datacenters", datacenterId, "networkloadbalancers"),
  defaultMinutes: 60,
  outputsOf,
});

const NetworkLoadBalancerResource = defineResource({
  cloud: ionos,
  kind: "NetworkLoadBalancer",
  inputs,
  idOutputs: { networkLoadBalancerId: idPart(1) },
  outputNames: ["datacenterId", "name", "listenerLan", "targetLan", "ips", "lbPrivateIps", "timeoutMinutes", "networkLoadBalancerId"],
  autoName: "name",
  replaceOnChange: ["datacenterId"],
  describe: (values, id) => `network load balancer ${values.name ? `"${values.name}"` : id}`,

  create: (client, wanted, scope) => {
    const { datacenterId, timeoutMinutes: _timeout, ...properties } = wanted;
    return balancers.create(client, scope, { parentIds: [datacenterId], name: wanted.name, body: { properties }, known: wanted });
  },

  read: balancers.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      const { datacenterId: _dc, timeoutMinutes, ...body } = wanted;
      await balancers.change(client, scope, id, { operation: "update", method: "PATCH", body, minutes: timeoutMinutes });
    }
    return balancers.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: balancers.delete,
});

export interface NetworkLoadBalancer extends ResourceOutputs<NetworkLoadBalancerOutputs> {}
export class NetworkLoadBalancer extends NetworkLoadBalancerResource {}
