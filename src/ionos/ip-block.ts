/** `ionos.IpBlock`: public IPv4 addresses reserved in one location, for NICs on public LANs. */
import { z } from "zod";
import { type ResourceOutputs, defineResource } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, resource, timeoutMinutes } from "./common";

const inputs = z.object({
  /** Defaults to the resource name. */
  name: z.string().min(1).max(255),
  /** Such as `de/fra`; changing it replaces the block. */
  location: z.string().regex(/^[a-z]{2}\/[a-z]{3}(\/\d+)?$/, "must be an IONOS location such as de/fra"),
  /** How many addresses; changing it replaces the block (and so its addresses). */
  size: z.number().int().min(1).max(64).default(1),
  timeoutMinutes: timeoutMinutes(30),
});

const blockItem = resource({
  name: z.string().optional(),
  location: z.string(),
  size: z.number().int(),
  ips: z.array(z.string()).optional(),
});

export type IpBlockArgs = z.input<typeof inputs>;
export type IpBlockOutputs = z.output<typeof inputs> & { ipBlockId: string; ips: string[] };

function outputsOf(block: z.infer<typeof blockItem>, known: Partial<IpBlockOutputs>): IpBlockOutputs {
  const { name, location, size, ips } = block.properties;
  return { name: name ?? known.name ?? "", location, size, timeoutMinutes: known.timeoutMinutes ?? 30, ipBlockId: block.id, ips: ips ?? [] };
}

const blocks = new IonosKind({
  noun: "IP block",
  item: blockItem,
  idParts: ["ipBlockId"],
  collection: () => "/ipblocks",
  defaultMinutes: 30,
  outputsOf,
});

const IpBlockResource = defineResource({
  cloud: ionos,
  kind: "IpBlock",
  inputs,
  idOutputs: { ipBlockId: String },
  outputNames: ["name", "location", "size", "timeoutMinutes", "ipBlockId", "ips"],
  autoName: "name",
  replaceOnChange: ["location", "size"],
  describe: (values, id) => `IP block ${values.name ? `"${values.name}"` : id}`,

  create: (client, wanted, scope) => {
    const { timeoutMinutes: _timeout, ...properties } = wanted;
    return blocks.create(client, scope, { parentIds: [], name: wanted.name, body: { properties }, known: wanted });
  },

  read: blocks.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      const body = { name: wanted.name };
      await blocks.change(client, scope, id, { operation: "update", method: "PATCH", body, minutes: wanted.timeoutMinutes });
    }
    return blocks.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: blocks.delete,
});

export interface IpBlock extends ResourceOutputs<IpBlockOutputs> {}
export class IpBlock extends IpBlockResource {}
