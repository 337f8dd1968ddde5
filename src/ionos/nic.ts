/**
 * `ionos.Nic`: a network interface of a server, in one LAN of its data center, with its IPs (from a
 * reserved IP block on a public LAN; chosen by IONOS when left out) and its firewall settings.
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { type ResourceOutputs, defineResource } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const FIREWALL_TYPES = ["INGRESS", "EGRESS", "BIDIRECTIONAL"] as const;

const inputs = z.object({
  /** Changing the data center or the server replaces the NIC. */
  datacenterId: z.string().min(1),
  serverId: z.string().min(1),
  /** Defaults to the resource name. */
  name: z.string().min(1).max(255),
  /** The LAN's number (`ionos.Lan`'s `lanId`). */
  lan: z.number().int().min(1),
  dhcp: z.boolean().default(true),
  /** Left out, IONOS assigns one and it is not managed. */
  ips: z.array(z.ipv4()).min(1).optional(),
  /** An active firewall without rules blocks all incoming traffic. */
  firewallActive: z.boolean().default(false),
  firewallType: z.enum(FIREWALL_TYPES).default("INGRESS"),
  timeoutMinutes: timeoutMinutes(30),
});

const nicItem = resource({
  name: z.string().optional(),
  mac: z.string().optional(),
  ips: z.array(z.string()).nullish(),
  dhcp: z.boolean().optional(),
  lan: z.number().int(),
  firewallActive: z.boolean().optional(),
  firewallType: z.enum(FIREWALL_TYPES).optional(),
});

type Inputs = z.output<typeof inputs>;
export type NicArgs = z.input<typeof inputs>;
export type NicOutputs = Omit<Inputs, "ips"> & { ips: string[]; nicId: string; mac: string };

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
