/** `ionos.IpBlock`: public IPv4 addresses reserved in one location, for NICs on public LANs. */
import { z } from "zod";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, resource, timeoutMinutes } from "./common";

/** The inputs of an `ionos.IpBlock`. */
export interface IpBlockArgs {
  /** The block's name: 1 to 255 characters. Defaults to the resource name. A change renames the block in place. */
  name: string;
  /**
   * The IONOS location the addresses are reserved in, such as `de/fra` (`xx/yyy`, optionally
   * followed by `/<number>`); NICs using them must be in a data center of that location. A change
   * replaces the block, and so its addresses.
   */
  location: string;
  /**
   * How many IPv4 addresses the block reserves: a whole number from 1 to 64. A change replaces
   * the block, and so its addresses.
   * @default 1
   */
  size?: number;
  /**
   * How long, in minutes, each wait for an IONOS request of this block (its create, update or
   * delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.IpBlock`. */
export type IpBlockOutputs = Required<IpBlockArgs> & {
  /** The block's id at IONOS (a UUID); `id` is the same string. */
  ipBlockId: string;
  /** The reserved IPv4 addresses, as IONOS lists them. */
  ips: string[];
};

const inputs = documented<IpBlockArgs>()(z.object({
  name: z.string().min(1).max(255),
  location: z.string().regex(/^[a-z]{2}\/[a-z]{3}(\/\d+)?$/, "must be an IONOS location such as de/fra"),
  size: z.number().int().min(1).max(64).default(1),
  timeoutMinutes: timeoutMinutes(30),
}));

const blockItem = resource({
  name: z.string().optional(),
  location: z.string(),
  size: z.number().int(),
  ips: z.array(z.string()).optional(),
});

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
