/**
 * `ionos.NatGateway`: a NAT gateway in a data center, giving the private LANs it connects
 * outgoing internet access through public IPs reserved in the data center's location
 * (`ionos.IpBlock`). Its SNAT rules are `ionos.NatGatewayRule`s.
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { type CheckFailure, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const gatewayIp = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/, "must be an IPv4 address with a subnet mask, such as 10.11.2.5/24");

/** A LAN the NAT gateway is connected to. */
export interface NatGatewayLan {
  /** The LAN's number in the data center (`ionos.Lan`'s `lanId`). */
  id: number;
  /**
   * The gateway's addresses in that LAN, each an IPv4 address with a subnet mask such as
   * `10.11.2.5/24`. Left out, IONOS generates one (with a /24 mask) and it is not managed.
   */
  gatewayIps?: string[];
}

/** The inputs of an `ionos.NatGateway`. */
export interface NatGatewayArgs {
  /** The id of the data center the NAT gateway is in (`ionos.Datacenter`'s `datacenterId`). A change replaces the NAT gateway. */
  datacenterId: string;
  /** The NAT gateway's name: 1 to 255 characters. Defaults to the resource name. A change renames the NAT gateway in place. */
  name: string;
  /**
   * The gateway's public IPv4 addresses: at least one, no address twice, each from an IP block
   * reserved in the data center's location (`ionos.IpBlock`'s `ips`); an address one of the
   * gateway's rules uses must stay. A change applies in place.
   */
  publicIps: string[];
  /**
   * The LANs the gateway connects, each by its number (`ionos.Lan`'s `lanId`) and optionally the
   * gateway's addresses in it: at least one, no LAN twice, each a LAN of the data center. A change
   * applies in place.
   */
  lans: NatGatewayLan[];
  /**
   * How long, in minutes, each wait for an IONOS request of this NAT gateway (its create, update
   * or delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is
   * 30 seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 60
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.NatGateway`. */
export type NatGatewayOutputs = Required<NatGatewayArgs> & {
  /** The NAT gateway's id at IONOS (a UUID); `id` is `<datacenterId>/<natGatewayId>`. */
  natGatewayId: string;
};

const inputs = documented<NatGatewayArgs>()(z.object({
  datacenterId: z.string().min(1),
  name: z.string().min(1).max(255),
  publicIps: z.array(z.ipv4()).min(1),
  lans: z.array(z.object({ id: z.number().int().min(1), gatewayIps: z.array(gatewayIp).min(1).optional() })).min(1),
  timeoutMinutes: timeoutMinutes(60),
}));

const gatewayItem = resource({
  name: z.string().optional(),
  publicIps: z.array(z.string()).nullish(),
  lans: z.array(z.object({ id: z.number().int(), gatewayIps: z.array(z.string()).nullish() }).loose()).nullish(),
});

/** The gateway IPs of a LAN are kept only where the program manages them (or nothing is known: adoption). */
function outputsOf(gateway: z.infer<typeof gatewayItem>, known: Partial<NatGatewayOutputs>, ids: Record<string, string>): NatGatewayOutputs {
  const p = gateway.properties;
  const managed = (id: number) => !known.lans || known.lans.some((lan) => lan.id === id && lan.gatewayIps !== undefined);
  return {
    datacenterId: ids.datacenterId,
    name: p.name ?? known.name ?? "",
    publicIps: p.publicIps ?? [],
    lans: (p.lans ?? []).map((lan) => ({ id: lan.id, gatewayIps: managed(lan.id) ? (lan.gatewayIps ?? []) : undefined })),
    timeoutMinutes: known.timeoutMinutes ?? 60,
    natGatewayId: gateway.id,
  };
}

const gateways = new IonosKind({
  noun: "NAT gateway",
  item: gatewayItem,
  idParts: ["datacenterId", "natGatewayId"],
  collection: (datacenterId) => apiPath("datacenters", datacenterId, "natgateways"),
  defaultMinutes: 60,
  outputsOf,
});

const NatGatewayResource = defineResource({
  cloud: ionos,
  kind: "NatGateway",
  inputs,
  idOutputs: { natGatewayId: idPart(1) },
  outputNames: ["datacenterId", "name", "publicIps", "lans", "timeoutMinutes", "natGatewayId"],
  autoName: "name",
  replaceOnChange: ["datacenterId"],
  describe: (values, id) => `NAT gateway ${values.name ? `"${values.name}"` : id}`,

  validate(news): CheckFailure[] {
    const failures: CheckFailure[] = [];
    if (new Set(news.publicIps).size !== news.publicIps.length) failures.push({ property: "publicIps", reason: "an address is given twice" });
    if (new Set(news.lans.map((lan) => lan.id)).size !== news.lans.length) failures.push({ property: "lans", reason: "a LAN is given twice" });
    return failures;
  },

  create: (client, wanted, scope) => {
    const { datacenterId, name, publicIps, lans } = wanted;
    const body = { properties: { name, publicIps, lans } };
    return gateways.create(client, scope, { parentIds: [datacenterId], name, body, known: wanted });
  },

  read: gateways.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      const { name, publicIps, lans } = wanted;
      await gateways.change(client, scope, id, { operation: "update", method: "PATCH", body: { name, publicIps, lans }, minutes: wanted.timeoutMinutes });
    }
    return gateways.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: gateways.delete,
});

export interface NatGateway extends ResourceOutputs<NatGatewayOutputs> {}
export class NatGateway extends NatGatewayResource {}
