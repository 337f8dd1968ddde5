/**
 * DNS zones (`/domain/zone`): records are edited in the zone, and the name servers serve them
 * only after `POST /domain/zone/{zone}/refresh` (the emulator keeps what was published apart).
 */
import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";
import type { Route } from "../server";
import { done, error, isAnswer, noService, notFound, ok, parseBody } from "./answers";

export const RECORD_TYPES = [
  "A", "AAAA", "CAA", "CNAME", "DKIM", "DMARC", "DNAME", "LOC", "MX", "NAPTR", "NS", "PTR", "SPF", "SRV", "SSHFP", "TLSA", "TXT",
] as const;

export interface DnsRecord {
  id: number;
  zone: string;
  fieldType: (typeof RECORD_TYPES)[number];
  subDomain: string;
  target: string;
  ttl: number;
}

export interface Zone {
  name: string;
  records: Map<number, DnsRecord>;
  /** What the name servers serve: the records as of the last refresh. */
  published: DnsRecord[];
  lastUpdate: string;
  /** Set by a test: the refresh fails with this message. */
  refreshFailure?: string;
}

export function newZone(name: string): Zone {
  return { name, records: new Map(), published: [], lastUpdate: new Date().toISOString() };
}

const editable = { subDomain: z.string().max(255).nullable().optional(), target: z.string().min(1), ttl: z.number().int().min(0).nullable().optional() };
const recordCreate = z.object({ fieldType: z.enum(RECORD_TYPES), ...editable });
const recordUpdate = z.object({ ...editable, target: editable.target.optional() });

/** The live API quotes TXT targets it stores (clients that compare targets see the quotes). */
const stored = (fieldType: DnsRecord["fieldType"], target: string) =>
  fieldType === "TXT" && !target.startsWith('"') ? `"${target}"` : target;

/** The checks the live API makes on a target (it accepts most texts as they are). */
function targetProblem(fieldType: DnsRecord["fieldType"], target: string): string | undefined {
  if (fieldType === "A" && !isIPv4(target)) return `Invalid IPv4 address ${target}`;
  if (fieldType === "AAAA" && !isIPv6(target)) return `Invalid IPv6 address ${target}`;
  if (fieldType === "MX" && !/^\d{1,5} \S+$/.test(target)) return `Invalid MX target ${target}: expected "priority host"`;
  return undefined;
}

export function domainRoutes(world: { zones: Map<string, Zone>; nextId(): number }): Route[] {
  const zoneOf = (name: string) => world.zones.get(decodeURIComponent(name));
  const RECORD = /^\/domain\/zone\/([^/]+)\/record\/(\d+)$/;

  return [
    { method: "GET", pattern: /^\/domain\/zone$/, handle: () => ok([...world.zones.keys()]) },
    {
      method: "GET",
      pattern: /^\/domain\/zone\/([^/]+)$/,
      handle: (_request, name) => {
        const zone = zoneOf(name);
        if (!zone) return noService();
        return ok({
          name: zone.name,
          hasDnsAnycast: false,
          dnssecSupported: true,
          dnssecActivated: false,
          lastUpdate: zone.lastUpdate,
          nameServers: ["dns200.anycast.me", "ns200.anycast.me"],
        });
      },
    },
    {
      method: "GET",
      pattern: /^\/domain\/zone\/([^/]+)\/record$/,
      handle: (request, name) => {
        const zone = zoneOf(name);
        if (!zone) return noService();
        const fieldType = request.query.get("fieldType");
        const subDomain = request.query.get("subDomain")?.toLowerCase();
        const ids = [...zone.records.values()]
          .filter((r) => (!fieldType || r.fieldType === fieldType) && (subDomain === undefined || r.subDomain.toLowerCase() === subDomain))
          .map((r) => r.id);
        return ok(ids);
      },
    },
    {
      method: "POST",
      pattern: /^\/domain\/zone\/([^/]+)\/record$/,
      handle: (request, name) => {
        const zone = zoneOf(name);
        if (!zone) return noService();
        const body = parseBody(request, recordCreate);
        if (isAnswer(body)) return body;
        const problem = targetProblem(body.fieldType, body.target);
        if (problem) return error(400, problem);
        const record: DnsRecord = {
          id: world.nextId(),
          zone: zone.name,
          fieldType: body.fieldType,
          subDomain: body.subDomain ?? "",
          target: stored(body.fieldType, body.target),
          ttl: body.ttl ?? 0,
        };
        zone.records.set(record.id, record);
        return ok(record);
      },
    },
    {
      method: "GET",
      pattern: RECORD,
      handle: (_request, name, id) => {
        const zone = zoneOf(name);
        if (!zone) return noService();
        const record = zone.records.get(Number(id));
        return record ? ok(record) : notFound(id);
      },
    },
    {
      method: "PUT",
      pattern: RECORD,
      handle: (request, name, id) => {
        const record = zoneOf(name)?.records.get(Number(id));
        if (!record) return zoneOf(name) ? notFound(id) : noService();
        const body = parseBody(request, recordUpdate);
        if (isAnswer(body)) return body;
        const target = body.target ?? record.target;
        const problem = targetProblem(record.fieldType, target);
        if (problem) return error(400, problem);
        Object.assign(record, {
          subDomain: body.subDomain === undefined ? record.subDomain : (body.subDomain ?? ""),
          target: stored(record.fieldType, target),
          ttl: body.ttl === undefined ? record.ttl : (body.ttl ?? 0),
        });
        return done();
      },
    },
    {
      method: "DELETE",
      pattern: RECORD,
      handle: (_request, name, id) => {
        const zone = zoneOf(name);
        if (!zone) return noService();
        return zone.records.delete(Number(id)) ? done() : notFound(id);
      },
    },
    {
      method: "POST",
      pattern: /^\/domain\/zone\/([^/]+)\/refresh$/,
      handle: (_request, name) => {
        const zone = zoneOf(name);
        if (!zone) return noService();
        if (zone.refreshFailure) return error(400, zone.refreshFailure);
        zone.published = [...zone.records.values()].map((record) => ({ ...record }));
        zone.lastUpdate = new Date().toISOString();
        // Some void operations answer an empty body rather than `null`: clients must take both.
        return ok();
      },
    },
  ];
}
