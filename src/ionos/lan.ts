/**
 * `ionos.Lan`: a LAN in a data center, private or connected to the internet. IONOS numbers LANs
 * within their data center ("1", "2", ...): NICs name their LAN by that number (`lanId`).
 */
import { z } from "zod";
import { numericIdPart } from "../core/ids";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const failover = z.object({ ip: z.ipv4(), nicUuid: z.string().min(1) });

/** The inputs of an `ionos.Lan`. */
export interface LanArgs {
  /** The id of the data center the LAN is in (`ionos.Datacenter`'s `datacenterId`). A change replaces the LAN. */
  datacenterId: string;
  /** The LAN's name: 1 to 255 characters. Defaults to the resource name. A change renames the LAN in place. */
  name: string;
  /**
   * Whether the LAN is connected to the internet; a private LAN is not. A change applies in place.
   * @default false
   */
  public?: boolean;
  /**
   * The LAN's IP failover groups: each an IPv4 address (from a reserved IP block) and the id of the
   * NIC that holds it. IONOS accepts a group only for a NIC already in the LAN, so a new LAN gets
   * its groups by an update right after its create. A change sets the groups in place.
   * @default []
   */
  ipFailover?: {
    /** The failover IPv4 address. */
    ip: string;
    /** The id of the NIC that holds the address (`ionos.Nic`'s `nicId`). */
    nicUuid: string;
  }[];
  /**
   * How long, in minutes, each wait for an IONOS request of this LAN (its create, update or delete)
   * may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30 seconds).
   * It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.Lan`. */
export type LanOutputs = Required<LanArgs> & {
  /**
   * The LAN's number within its data center at IONOS (1, 2, ...), which NICs give as their `lan`;
   * `id` is `<datacenterId>/<lanId>`.
   */
  lanId: number;
};

const inputs = documented<LanArgs>()(z.object({
  datacenterId: z.string().min(1),
  name: z.string().min(1).max(255),
  public: z.boolean().default(false),
  ipFailover: z.array(failover).default([]),
  timeoutMinutes: timeoutMinutes(30),
}));

const lanItem = resource({
  name: z.string().optional(),
  public: z.boolean().optional(),
  ipFailover: z.array(failover.loose()).nullish(),
});

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
