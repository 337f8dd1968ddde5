/**
 * Contabo's audit logs (`GET /v1/<type>/audits`): every create, change and delete of a resource
 * is recorded with the `x-request-id` and `x-trace-id` of the call that made it, and the lists
 * filter by the resource's ids, `requestId`, `changedBy` and a date range, as the spec says.
 */
import type { EmulatorRequest, EmulatorResponse, Route } from "../server";
import { TENANT, now, ok, page } from "./answers";

type AuditAction = "CREATED" | "UPDATED" | "DELETED";

interface AuditedType {
  /** The audit list's path. */
  audits: string;
  /** The POST that creates one; its captured groups are the first ids, the answer holds the rest. */
  create: RegExp;
  /** The path of one resource (PATCH or PUT change it, DELETE deletes it); groups are the ids. */
  item: RegExp;
  /** The ids an entry carries, in the order of the paths' groups. */
  ids: string[];
}

const AUDITED: AuditedType[] = [
  { audits: "/v1/compute/instances/audits", create: /^\/v1\/compute\/instances$/, item: /^\/v1\/compute\/instances\/(\d+)$/, ids: ["instanceId"] },
  { audits: "/v1/tags/audits", create: /^\/v1\/tags$/, item: /^\/v1\/tags\/(\d+)$/, ids: ["tagId"] },
  {
    audits: "/v1/tags/assignments/audits",
    create: /^\/v1\/tags\/(\d+)\/assignments\/([^/]+)\/([^/]+)$/,
    item: /^\/v1\/tags\/(\d+)\/assignments\/([^/]+)\/([^/]+)$/,
    ids: ["tagId", "resourceType", "resourceId"],
  },
  { audits: "/v1/secrets/audits", create: /^\/v1\/secrets$/, item: /^\/v1\/secrets\/(\d+)$/, ids: ["secretId"] },
  {
    audits: "/v1/private-networks/audits",
    create: /^\/v1\/private-networks$/,
    item: /^\/v1\/private-networks\/(\d+)$/,
    ids: ["privateNetworkId"],
  },
  {
    audits: "/v1/compute/snapshots/audits",
    create: /^\/v1\/compute\/instances\/(\d+)\/snapshots$/,
    item: /^\/v1\/compute\/instances\/(\d+)\/snapshots\/([^/]+)$/,
    ids: ["instanceId", "snapshotId"],
  },
  { audits: "/v1/compute/images/audits", create: /^\/v1\/compute\/images$/, item: /^\/v1\/compute\/images\/([^/]+)$/, ids: ["imageId"] },
  {
    audits: "/v1/object-storages/audits",
    create: /^\/v1\/object-storages$/,
    item: /^\/v1\/object-storages\/([^/]+)$/,
    ids: ["objectStorageId"],
  },
  { audits: "/v1/users/audits", create: /^\/v1\/users$/, item: /^\/v1\/users\/([^/]+)$/, ids: ["userId"] },
  { audits: "/v1/roles/audits", create: /^\/v1\/roles$/, item: /^\/v1\/roles\/(\d+)$/, ids: ["roleId"] },
  // A VIP is bought, not created: assigning it is the write its log records (the answer names the vipId).
  {
    audits: "/v1/vips/audits",
    create: /^\/v1\/vips\/[^/]+\/(?:instances|bare-metal)\/\d+$/,
    item: /^\/v1\/vips\/[^/]+\/(?:instances|bare-metal)\/\d+$/,
    ids: ["vipId"],
  },
];

/** Ids the spec types as int64; the others (UUIDs, snapshot ids, resource ids) are strings. */
const NUMERIC_IDS = new Set(["instanceId", "tagId", "secretId", "privateNetworkId", "roleId"]);

interface AuditEntry {
  id: number;
  action: AuditAction;
  timestamp: string;
  changedBy: string;
  username: string;
  requestId: string;
  traceId: string;
  ids: Record<string, string | number>;
}

const idValue = (field: string, value: unknown) => (NUMERIC_IDS.has(field) ? Number(value) : String(value));

export function auditLog(who: { changedBy: string; username: string }) {
  const entries = new Map<string, AuditEntry[]>(AUDITED.map((type) => [type.audits, []]));
  let nextId = 1;

  /** The audited action of a successful answer, with the resource's ids, if the request is audited. */
  function actionOf(type: AuditedType, request: EmulatorRequest, answer: EmulatorResponse) {
    const created = request.method === "POST" ? type.create.exec(request.path) : null;
    if (created) {
      const data = (answer.body as { data?: Record<string, unknown>[] } | undefined)?.data?.[0] ?? {};
      const values = type.ids.map((field, index) => created[index + 1] ?? data[field]);
      return { action: "CREATED" as const, values };
    }
    const item = type.item.exec(request.path);
    if (!item) return undefined;
    if (request.method === "DELETE") return { action: "DELETED" as const, values: item.slice(1) };
    if (request.method === "PATCH" || request.method === "PUT") return { action: "UPDATED" as const, values: item.slice(1) };
    return undefined;
  }

  return {
    /** Records a successful write, if it is one the audit logs keep. */
    record(request: EmulatorRequest, answer: EmulatorResponse): void {
      if (answer.status >= 300) return;
      for (const type of AUDITED) {
        const found = actionOf(type, request, answer);
        if (!found || type.ids.some((_, index) => found.values[index] === undefined)) continue;
        entries.get(type.audits)!.push({
          id: nextId++,
          action: found.action,
          timestamp: now(),
          ...who,
          requestId: String(request.headers["x-request-id"] ?? ""),
          traceId: String(request.headers["x-trace-id"] ?? ""),
          ids: Object.fromEntries(type.ids.map((field, index) => [field, idValue(field, found.values[index])])),
        });
        return;
      }
    },

    routes: AUDITED.map(
      (type): Route => ({
        method: "GET",
        pattern: new RegExp(`^${type.audits.replaceAll("/", "\\/")}$`),
        handle: (request) => {
          const q = (name: string) => request.query.get(name);
          const found = entries.get(type.audits)!.filter(
            (entry) =>
              type.ids.every((field) => q(field) === null || String(entry.ids[field]) === q(field)) &&
              (q("requestId") === null || entry.requestId.toLowerCase() === q("requestId")!.toLowerCase()) &&
              (q("changedBy") === null || entry.changedBy === q("changedBy")) &&
              (q("startDate") === null || entry.timestamp.slice(0, 10) >= q("startDate")!) &&
              (q("endDate") === null || entry.timestamp.slice(0, 10) <= q("endDate")!),
          );
          const views = found.map(({ ids, ...entry }) => ({ ...TENANT, ...entry, ...ids }));
          // The spec's ListRoleAuditResponse has no `_pagination`: the role audits come as one page.
          if (type.audits === "/v1/roles/audits") return ok(200, { data: views, _links: { first: type.audits, self: type.audits, last: type.audits } });
          return page(request, type.audits, views);
        },
      }),
    ),

    clear(): void {
      for (const list of entries.values()) list.length = 0;
    },
  };
}
