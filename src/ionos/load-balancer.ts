/**
 * What `ionos.NetworkLoadBalancer` (layer 4) and `ionos.ApplicationLoadBalancer` (layer 7) share:
 * a load balancer in a data center that listens on `ips` in its listening LAN and reaches its
 * targets through its private target LAN, where it has `lbPrivateIps`. Their inputs, API and
 * lifecycle are the same; they live in collections of their own.
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/([0-9]|[12][0-9]|3[0-2])$/, "must be an IPv4 address with a subnet mask, such as 10.0.0.5/24");

/** The inputs of a load balancer, network or application. */
export interface LoadBalancerArgs {
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

const inputs = documented<LoadBalancerArgs>()(z.object({
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

/** The outputs of a load balancer: its inputs and its id at IONOS under the kind's name for it. */
type Outputs = Required<LoadBalancerArgs> & Record<string, unknown>;

/**
 * The resource class of one kind of load balancer: its kind, how messages name it, its
 * collection in the data center and the name of its id output.
 */
export function defineLoadBalancer(kind: { kind: string; noun: string; collection: string; idName: string }) {
  const outputsOf = (found: z.infer<typeof balancerItem>, known: Partial<Outputs>, ids: Record<string, string>): Outputs => {
    const p = found.properties;
    const outputs = {
      datacenterId: ids.datacenterId,
      name: p.name ?? known.name ?? "",
      listenerLan: p.listenerLan,
      targetLan: p.targetLan,
      ips: p.ips ?? [],
      lbPrivateIps: p.lbPrivateIps ?? [],
      timeoutMinutes: known.timeoutMinutes ?? 60,
    };
    return { ...outputs, [kind.idName]: found.id };
  };

  const balancers = new IonosKind({
    noun: kind.noun,
    item: balancerItem,
    idParts: ["datacenterId", kind.idName],
    collection: (datacenterId) => apiPath("datacenters", datacenterId, kind.collection),
    defaultMinutes: 60,
    outputsOf,
  });

  return defineResource({
    cloud: ionos,
    kind: kind.kind,
    inputs,
    idOutputs: { [kind.idName]: idPart(1) },
    outputNames: ["datacenterId", "name", "listenerLan", "targetLan", "ips", "lbPrivateIps", "timeoutMinutes", kind.idName],
    autoName: "name",
    replaceOnChange: ["datacenterId"],
    describe: (values, id) => `${kind.noun} ${values.name ? `"${values.name}"` : id}`,

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
}
