/**
 * `ionos.Datacenter`: a virtual data center, the parent of LANs, servers and volumes. Its location
 * is fixed at creation (changing it replaces the data center, and so everything in it).
 */
import { z } from "zod";
import { type ResourceOutputs, defineResource } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, resource, timeoutMinutes } from "./common";

const inputs = z.object({
  /** Defaults to the resource name. */
  name: z.string().min(1).max(255),
  description: z.string().max(255).default(""),
  /** Such as `de/fra`, `de/txl`, `gb/lhr`, `us/las`; changing it replaces the data center. */
  location: z.string().regex(/^[a-z]{2}\/[a-z]{3}(\/\d+)?$/, "must be an IONOS location such as de/fra"),
  /** Extra protection such as two-step verification for changes. */
  secAuthProtection: z.boolean().default(false),
  timeoutMinutes: timeoutMinutes(30),
});

const datacenterItem = resource({
  name: z.string().optional(),
  description: z.string().optional(),
  location: z.string(),
  secAuthProtection: z.boolean().optional(),
  version: z.number().int().optional(),
  features: z.array(z.string()).optional(),
  cpuArchitecture: z.array(z.object({ cpuFamily: z.string() }).loose()).optional(),
});

export type DatacenterArgs = z.input<typeof inputs>;
export type DatacenterOutputs = z.output<typeof inputs> & {
  datacenterId: string;
  version: number;
  features: string[];
  /** CPU families servers in this data center can use. */
  cpuFamilies: string[];
  createdDate: string;
};

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
