/**
 * `ovh.IpDescription`: the description of an IP block of the account (a failover IP, a block
 * routed to a server). The block itself is bought outside the API; its description is the one
 * field OVH lets a program change in place (a reverse DNS record can only be deleted and made
 * again). Destroying the resource clears the description.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { readOrUndefined, type RequestContext } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { type OvhClient, ovh } from "./client";
import { path } from "./common";

/** An address or a CIDR block; a lone address is the block of that one address (/32 or /128). */
const ipBlock = z
  .string()
  .refine((text) => {
    const [address, prefix, ...rest] = text.split("/");
    const version = isIP(address);
    return version !== 0 && rest.length === 0 && (prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128)));
  }, "must be an IP address or block, e.g. 203.0.113.7 or 203.0.113.16/29")
  .transform((text) => (text.includes("/") ? text : `${text}/${isIP(text) === 4 ? 32 : 128}`));

/** The inputs of an `ovh.IpDescription`. */
export interface IpDescriptionArgs {
  /**
   * The IP block of the account, as `/ip` lists it: a CIDR block such as 203.0.113.16/29, or a
   * lone address, which is the block of that one address (203.0.113.7 is 203.0.113.7/32; /128
   * for IPv6). A change replaces the resource: the new block's description is set and the old
   * block's cleared.
   */
  ip: string;
  /**
   * The block's description: at most 255 characters ("" for none). A change sets it in place.
   * Destroying the resource clears it.
   */
  description: string;
}

/** The outputs of an `ovh.IpDescription`. */
export type IpDescriptionOutputs = Required<IpDescriptionArgs> & {
  /** The block's type at OVH, e.g. failover or cloud. */
  type: string;
  /** The block's IP version: 4 or 6. */
  version: number;
  /** The service the block is routed to (e.g. a server's name); "" when it is routed to none. */
  routedTo: string;
};

const inputs = documented<IpDescriptionArgs>()(z.object({
  ip: ipBlock,
  description: z.string().max(255),
}));

const ipItem = z.object({
  ip: z.string(),
  description: z.string().nullable(),
  type: z.string(),
  version: z.number().int(),
  routedTo: z.object({ serviceName: z.string().nullable() }).nullable(),
});

function outputsOf(item: z.infer<typeof ipItem>): IpDescriptionOutputs {
  return { ip: item.ip, description: item.description ?? "", type: item.type, version: item.version, routedTo: item.routedTo?.serviceName ?? "" };
}

const getIp = (client: OvhClient, context: RequestContext, ip: string) => client.request(context, "GET", path`/ip/${ip}`, ipItem);

const setDescription = (client: OvhClient, context: RequestContext, ip: string, description: string | null) =>
  client.call(context, "PUT", path`/ip/${ip}`, { body: { description } });

const IpDescriptionResource = defineResource({
  cloud: ovh,
  kind: "IpDescription",
  inputs,
  outputNames: ["ip", "description", "type", "version", "routedTo"],
  replaceOnChange: ["ip"],
  describe: (values, id) => `description of IP ${values.ip ?? id}`,

  // Setting a description twice gives the same result: no reconciliation needed.
  async create(client, { ip, description }, scope) {
    await setDescription(client, scope.context("set IP description"), ip, description);
    return { id: ip, outputs: outputsOf(await getIp(client, scope.context("read IP"), ip)) };
  },

  read: (client, id, _olds, scope) => readOrUndefined(async () => outputsOf(await getIp(client, scope.context("read IP"), id))),

  async update(client, id, { description }, _olds, _changed, scope) {
    await setDescription(client, scope.context("set IP description"), id, description);
    return outputsOf(await getIp(client, scope.context("read IP"), id));
  },

  delete: (client, id, _olds, scope) => setDescription(client, scope.context("clear IP description"), id, null),
});

export interface IpDescription extends ResourceOutputs<IpDescriptionOutputs> {}
export class IpDescription extends IpDescriptionResource {}
