/**
 * `ionos.Datacenter`: a virtual data center, the parent of LANs, servers and volumes. Its location
 * is fixed at creation (changing it replaces the data center, and so everything in it).
 */
import { z } from "zod";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, resource, timeoutMinutes } from "./common";

/** The inputs of an `ionos.Datacenter`. */
export interface DatacenterArgs {
  /**
   * The data center's name: 1 to 255 characters. Defaults to the resource name. A change renames
   * the data center in place.
   */
  name: string;
  /**
   * A free-text description of the data center, at most 255 characters. A change updates it in
   * place.
   * @default ""
   */
  description?: string;
  /**
   * Where the data center is: an IONOS location such as `de/fra`, `de/txl`, `gb/lhr` or `us/las`
   * (`xx/yyy`, optionally followed by `/<number>`). IONOS fixes it at creation: a change replaces
   * the data center, and so everything in it.
   */
  location: string;
  /**
   * Whether changes to the data center need extra protection, such as two-step verification. A
   * change applies in place.
   * @default false
   */
  secAuthProtection?: boolean;
  /**
   * How long, in minutes, each wait for an IONOS request of this data center (its create, update
   * or delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is
   * 30 seconds). It only bounds this provider's waits: a change applies in place without an API
   * call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.Datacenter`. */
export type DatacenterOutputs = Required<DatacenterArgs> & {
  /** The data center's id at IONOS (a UUID); `id` is the same string. */
  datacenterId: string;
  /** The data center's version number at IONOS. */
  version: number;
  /** The features IONOS offers in the data center's location, as IONOS names them. */
  features: string[];
  /** The CPU families that servers in this data center can use (for a server's `cpuFamily`). */
  cpuFamilies: string[];
  /** When the data center was created, as an ISO 8601 timestamp ("" when IONOS does not say). */
  createdDate: string;
};

const inputs = documented<DatacenterArgs>()(z.object({
  name: z.string().min(1).max(255),
  description: z.string().max(255).default(""),
  location: z.string().regex(/^[a-z]{2}\/[a-z]{3}(\/\d+)?$/, "must be an IONOS location such as de/fra"),
  secAuthProtection: z.boolean().default(false),
  timeoutMinutes: timeoutMinutes(30),
}));

const datacenterItem = resource({
  name: z.string().optional(),
  description: z.string().optional(),
  location: z.string(),
  secAuthProtection: z.boolean().optional(),
  version: z.number().int().optional(),
  features: z.array(z.string()).optional(),
  cpuArchitecture: z.array(z.object({ cpuFamily: z.string() }).loose()).optional(),
});

function outputsOf(dc: z.infer<typeof datacenterItem>, known: Partial<DatacenterOutputs>): DatacenterOutputs {
  const p = dc.properties;
  return {
    name: p.name ?? known.name ?? "",
    description: p.description ?? "",
    location: p.location,
    secAuthProtection: p.secAuthProtection ?? false,
    timeoutMinutes: known.timeoutMinutes ?? 30,
    datacenterId: dc.id,
    version: p.version ?? 0,
    features: p.features ?? [],
    cpuFamilies: (p.cpuArchitecture ?? []).map((cpu) => cpu.cpuFamily),
    createdDate: dc.metadata?.createdDate ?? "",
  };
}

const datacenters = new IonosKind({
  noun: "data center",
  item: datacenterItem,
  idParts: ["datacenterId"],
  collection: () => "/datacenters",
  defaultMinutes: 30,
  outputsOf,
});

const DatacenterResource = defineResource({
  cloud: ionos,
  kind: "Datacenter",
  inputs,
  idOutputs: { datacenterId: String },
  outputNames: [
    "name", "description", "location", "secAuthProtection", "timeoutMinutes", "datacenterId", "version", "features",
    "cpuFamilies", "createdDate",
  ],
  autoName: "name",
  replaceOnChange: ["location"],
  describe: (values, id) => `data center ${values.name ? `"${values.name}"` : id}`,

  create: (client, wanted, scope) => {
    const { timeoutMinutes: _timeout, ...properties } = wanted;
    return datacenters.create(client, scope, { parentIds: [], name: wanted.name, body: { properties }, known: wanted });
  },

  read: datacenters.read,

  async update(client, id, wanted, olds, changed, scope) {
    const { name, description, secAuthProtection, timeoutMinutes } = wanted;
    if (apiChanges(changed).length > 0) {
      const body = { name, description, secAuthProtection };
      await datacenters.change(client, scope, id, { operation: "update", method: "PATCH", body, minutes: timeoutMinutes });
    }
    return datacenters.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: datacenters.delete,
});

export interface Datacenter extends ResourceOutputs<DatacenterOutputs> {}
export class Datacenter extends DatacenterResource {}
