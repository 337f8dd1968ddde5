/**
 * `ionos.Nic`: a network interface of a server, in one LAN of its data center, with its IPs (from a
 * reserved IP block on a public LAN; chosen by IONOS when left out) and its firewall settings.
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const FIREWALL_TYPES = ["INGRESS", "EGRESS", "BIDIRECTIONAL"] as const;

/** The inputs of an `ionos.Nic`. */
export interface NicArgs {
  /** The id of the data center the NIC's server is in (`ionos.Datacenter`'s `datacenterId`). A change replaces the NIC. */
  datacenterId: string;
  /** The id of the server the NIC belongs to (`ionos.Server`'s `serverId`). A change replaces the NIC. */
  serverId: string;
  /** The NIC's name: 1 to 255 characters. Defaults to the resource name. A change renames the NIC in place. */
  name: string;
  /**
   * The number of the LAN the NIC is in (`ionos.Lan`'s `lanId`): a whole number, at least 1. A
   * change moves the NIC to that LAN in place.
   */
  lan: number;
  /**
   * Whether IONOS's DHCP serves the NIC its IPs. A change applies in place.
   * @default true
   */
  dhcp?: boolean;
  /**
   * The NIC's IPv4 addresses, at least one; on a public LAN they come from a reserved IP block
   * (`ionos.IpBlock`'s `ips`). Left out, IONOS assigns one and the IPs are not managed; the
   * outputs show the IPs IONOS reports. A change applies in place. A replaced NIC that keeps one
   * of these IPs is deleted before its replacement is created, so the IP is free for it.
   */
  ips?: string[];
  /**
   * Whether the NIC's firewall is active; an active firewall without rules (`ionos.FirewallRule`)
   * blocks all incoming traffic. A change applies in place.
   * @default false
   */
  firewallActive?: boolean;
  /**
   * Which traffic the firewall filters: `INGRESS` (incoming), `EGRESS` (outgoing) or
   * `BIDIRECTIONAL` (both). A change applies in place.
   * @default "INGRESS"
   */
  firewallType?: "INGRESS" | "EGRESS" | "BIDIRECTIONAL";
  /**
   * How long, in minutes, each wait for an IONOS request of this NIC (its create, update or
   * delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.Nic`. */
export type NicOutputs = Required<NicArgs> & {
  /** The NIC's id at IONOS (a UUID); `id` is `<datacenterId>/<serverId>/<nicId>`. */
  nicId: string;
  /** The NIC's MAC address, as IONOS reports it ("" when IONOS does not say). */
  mac: string;
};

const inputs = documented<NicArgs>()(z.object({
  datacenterId: z.string().min(1),
  serverId: z.string().min(1),
  name: z.string().min(1).max(255),
  lan: z.number().int().min(1),
  dhcp: z.boolean().default(true),
  ips: z.array(z.ipv4()).min(1).optional(),
  firewallActive: z.boolean().default(false),
  firewallType: z.enum(FIREWALL_TYPES).default("INGRESS"),
  timeoutMinutes: timeoutMinutes(30),
}));

const nicItem = resource({
  name: z.string().optional(),
  mac: z.string().optional(),
  ips: z.array(z.string()).nullish(),
  dhcp: z.boolean().optional(),
  lan: z.number().int(),
  firewallActive: z.boolean().optional(),
  firewallType: z.enum(FIREWALL_TYPES).optional(),
});

function outputsOf(nic: z.infer<typeof nicItem>, known: Partial<NicOutputs>, ids: Record<string, string>): NicOutputs {
  const p = nic.properties;
  return {
    datacenterId: ids.datacenterId,
    serverId: ids.serverId,
    name: p.name ?? known.name ?? "",
    lan: p.lan,
    dhcp: p.dhcp ?? true,
    ips: p.ips ?? [],
    firewallActive: p.firewallActive ?? false,
    firewallType: p.firewallType ?? "INGRESS",
    timeoutMinutes: known.timeoutMinutes ?? 30,
    nicId: nic.id,
    mac: p.mac ?? "",
  };
}

const nics = new IonosKind({
  noun: "NIC",
  item: nicItem,
  idParts: ["datacenterId", "serverId", "nicId"],
  collection: (datacenterId, serverId) => apiPath("datacenters", datacenterId, "servers", serverId, "nics"),
  defaultMinutes: 30,
  outputsOf,
});

const NicResource = defineResource({
  cloud: ionos,
  kind: "Nic",
  inputs,
  idOutputs: { nicId: idPart(2) },
  outputNames: ["datacenterId", "serverId", "name", "lan", "dhcp", "ips", "firewallActive", "firewallType", "timeoutMinutes", "nicId", "mac"],
  autoName: "name",
  replaceOnChange: ["datacenterId", "serverId"],
  // A reserved IP the new NIC keeps is free only once the old NIC is gone.
  deleteBeforeReplace: (olds, news) => (news.ips ?? []).some((ip) => (olds.ips ?? []).includes(ip)),
  describe: (values, id) => `NIC ${values.name ? `"${values.name}"` : id}`,

  create: (client, wanted, scope) => {
    const { datacenterId, serverId, timeoutMinutes: _timeout, ...properties } = wanted;
    return nics.create(client, scope, { parentIds: [datacenterId, serverId], name: wanted.name, body: { properties }, known: wanted });
  },

  read: nics.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      const { datacenterId: _dc, serverId: _server, timeoutMinutes, ...body } = wanted;
      await nics.change(client, scope, id, { operation: "update", method: "PATCH", body, minutes: timeoutMinutes });
    }
    return nics.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: nics.delete,
});

export interface Nic extends ResourceOutputs<NicOutputs> {}
export class Nic extends NicResource {}
