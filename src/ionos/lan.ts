/**
 * `ionos.Lan`: a LAN in a data center, private or connected to the internet. IONOS numbers LANs
 * within their data center ("1", "2", ...): NICs name their LAN by that number (`lanId`).
 */
import { z } from "zod";
import { numericIdPart } from "../core/ids";
import { type ResourceOutputs, defineResource } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const failover = z.object({ ip: z.ipv4(), nicUuid: z.string().min(1) });

const inputs = z.object({
  /** Changing it replaces the LAN. */
  datacenterId: z.string().min(1),
  /** Defaults to the resource name. */
  name: z.string().min(1).max(255),
  /** Connected to the internet. */
  public: z.boolean().default(false),
  /** IP failover groups: an IP (from a reserved IP block) and the NIC that holds it. */
  ipFailover: z.array(failover).default([]),
  timeoutMinutes: timeoutMinutes(30),
});

const lanItem = resource({
  name: z.string().optional(),
  public: z.boolean().optional(),
  ipFailover: z.array(failover.loose()).nullish(),
});

export type LanArgs = z.input<typeof inputs>;
export type LanOutputs = z.output<typeof inputs> & { lanId: number };

function outputsOf(lan: z.infer<typeof lanItem>, known: Partial<LanOutputs>, ids: Record<string, string>): LanOutputs {
  const p = lan.properties;
  return {
    datacenterId: ids.datacenterId,
    name: p.name ?? known.name ?? "",
    public: p.public ?? false,
    ipFailover: (p.ipFailover ?? []).map(({ ip, nicUuid }) => ({ ip, nicUuid })),
    timeoutMinutes: known.timeoutMinutes ?? 30,
    lanId: Number(lan.id),
  };
}

const lans = new IonosKind({
  noun: "LAN",
  item: lanItem,
  idParts: ["datacenterId", "lanId"],
  collection: (datacenterId) => apiPath("datacenters", datacenterId, "lans"),
  defaultMinutes: 30,
  outputsOf,
});

const LanResource = defineResource({
  cloud: ionos,
  kind: "Lan",
  inputs,
  idOutputs: { lanId: numericIdPart(1) },
  outputNames: ["datacenterId", "name", "public", "ipFailover", "timeoutMinutes", "lanId"],
  autoName: "name",
  replaceOnChange: ["datacenterId"],
  describe: (values, id) => `LAN ${values.name ? `"${values.name}"` : id}`,

  async create(client, wanted, scope) {
    const { datacenterId, name, ipFailover, timeoutMinutes } = wanted;
    // IONOS accepts failover groups only for NICs already in the LAN: they are set by an update.
    const body = { properties: { name, public: wanted.public } };
    const { id, outputs } = await lans.create(client, scope, { parentIds: [datacenterId], name, body, known: wanted });
    if (ipFailover.length === 0) return { id, outputs };
    await lans.change(client, scope, id, { operation: "set IP failover of", method: "PATCH", body: { ipFailover }, minutes: timeoutMinutes });
    return { id, outputs: await lans.outputs(client, scope, id, wanted) };
  },

  read: lans.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      const body = { name: wanted.name, public: wanted.public, ipFailover: wanted.ipFailover };
      await lans.change(client, scope, id, { operation: "update", method: "PATCH", body, minutes: wanted.timeoutMinutes });
    }
    return lans.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: lans.delete,
});

export interface Lan extends ResourceOutputs<LanOutputs> {}
export class Lan extends LanResource {}
