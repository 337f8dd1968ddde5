/** The account's IP blocks (`/ip`): bought outside the API; only their description is writable. */
import { z } from "zod";
import type { Route } from "../server";
import { done, isAnswer, notFound, ok, parseBody } from "./answers";

export interface IpBlock {
  ip: string;
  type: "failover" | "cloud";
  description: string | null;
}

/** A failover IPv4, a failover /29 and a cloud IPv6 block, as if ordered in the control panel. */
export function purchasedIps(): Map<string, IpBlock> {
  const blocks: IpBlock[] = [
    { ip: "203.0.113.7/32", type: "failover", description: null },
    { ip: "203.0.113.16/29", type: "failover", description: null },
    { ip: "2001:db8:4200::/56", type: "cloud", description: null },
  ];
  return new Map(blocks.map((block) => [block.ip, block]));
}

export function ipRoutes(world: { ips: Map<string, IpBlock> }): Route[] {
  // The path holds the block percent-encoded (`203.0.113.16%2F29`); a single address may omit /32.
  const find = (encoded: string) => {
    const ip = decodeURIComponent(encoded);
    return world.ips.get(ip) ?? world.ips.get(`${ip}/${ip.includes(":") ? 128 : 32}`);
  };
  const view = (block: IpBlock) => ({
    ip: block.ip,
    type: block.type,
    description: block.description,
    version: block.ip.includes(":") ? 6 : 4,
    canBeTerminated: true,
    country: "fr",
    isAdditionalIp: block.type === "failover",
    bringYourOwnIp: false,
    campus: "GRA",
    organisationId: null,
    regions: null,
    rir: "RIPE",
    routedTo: { serviceName: null },
  });

  return [
    {
      method: "GET",
      pattern: /^\/ip$/,
      handle: (request) => {
        const description = request.query.get("description");
        return ok([...world.ips.values()].filter((b) => description === null || b.description === description).map((b) => b.ip));
      },
    },
    {
      method: "GET",
      pattern: /^\/ip\/([^/]+)$/,
      handle: (_request, ip) => {
        const block = find(ip);
        return block ? ok(view(block)) : notFound(decodeURIComponent(ip));
      },
    },
    {
      method: "PUT",
      pattern: /^\/ip\/([^/]+)$/,
      handle: (request, ip) => {
        const block = find(ip);
        if (!block) return notFound(decodeURIComponent(ip));
        const body = parseBody(request, z.object({ description: z.string().max(255).nullable().optional() }));
        if (isAnswer(body)) return body;
        if (body.description !== undefined) block.description = body.description;
        return done();
      },
    },
  ];
}
