/**
 * Finding what a create made from Contabo's audit logs. A create sends its create key as its
 * `x-request-id`; the audit log of the resource type keeps that id with the entry of the change
 * it made, so a later run (after the process that sent the create died) finds the resource and
 * adopts it. Only that create sends the key, so any entry with it (whichever action the log
 * calls it, e.g. a VIP assignment) is the create's.
 */
import { z } from "zod";
import { type RequestContext, readOrUndefined } from "../core/errors";
import type { OperationScope } from "../core/kit";
import { createOnce } from "../core/reconcile";
import type { ContaboClient } from "./client";

/** An audit entry, its id field (named per resource type) read as `resourceId`. */
const auditEntry = (idField: string) =>
  z.preprocess(
    (raw) => (raw && typeof raw === "object" ? { ...raw, resourceId: (raw as Record<string, unknown>)[idField] } : raw),
    z.object({
      action: z.enum(["CREATED", "UPDATED", "DELETED"]),
      requestId: z.string(),
      timestamp: z.string(),
      resourceId: z.union([z.number(), z.string()]),
    }),
  );

export interface CreatedByKeyOptions<T> {
  /** What was created, for the request context, e.g. "tag". */
  what: string;
  /** The audit list, e.g. `/v1/tags/audits`. */
  audits: string;
  /** The field of an entry that holds the created resource's id, e.g. `tagId`. */
  idField: string;
  /**
   * The resource as it is now, or undefined when it is gone or cancelled: a resource destroyed
   * and declared again is created with the same key, and only a live one may be adopted.
   */
  readLive(id: string): Promise<T | undefined>;
}

/** The live resource that the create sent with the scope's key made, newest first; undefined when there is none. */
export async function createdByKey<T>(client: ContaboClient, scope: OperationScope, options: CreatedByKeyOptions<T>): Promise<T | undefined> {
  const { createKey } = scope;
  const entries = await client.list(scope.context(`look up created ${options.what}`), options.audits, {
    query: { requestId: createKey },
    item: auditEntry(options.idField),
  });
  const created = entries
    .filter((entry) => entry.requestId.toLowerCase() === createKey.toLowerCase())
    .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
  for (const entry of created) {
    const live = await options.readLive(String(entry.resourceId));
    if (live !== undefined) return live;
  }
  return undefined;
}

/** A reader for `readLive` of an ordered resource: one cancelled (its contract ending) or gone is not live. */
export function uncancelled<T extends { cancelDate: string }>(read: (id: string) => Promise<T>): (id: string) => Promise<T | undefined> {
  return async (id) => {
    const found = await readOrUndefined(() => read(id));
    return found && !found.cancelDate ? found : undefined;
  };
}

export interface CreateAuditedOptions<Sent, Found extends Sent> {
  /** What is created, e.g. "tag": names the create request and its look-up. */
  what: string;
  /** The create as progress lines name it, e.g. `create tag "web"`. */
  title: string;
  /** The collection the create is posted to, e.g. `/v1/tags`. */
  path: string;
  /** The audit list, when it is not `${path}/audits`. */
  audits?: string;
  body: unknown;
  /** The schema of the create's answer. */
  item: z.ZodType<Sent>;
  /** The field of an audit entry that holds the created resource's id, e.g. `tagId`. */
  idField: string;
  /** Reads the resource of an id; a 404 means it is gone (destroyed since) and is not adopted. */
  read(context: RequestContext, id: string): Promise<Found>;
}

/**
 * Posts a create once, with the scope's create key as its `x-request-id`: a resource that key
 * already made (found in the audit log before the first send and after a lost answer) is adopted
 * instead of creating a second one.
 */
export function createAudited<Sent, Found extends Sent>(
  client: ContaboClient,
  scope: OperationScope,
  options: CreateAuditedOptions<Sent, Found>,
): Promise<Sent> {
  const { what, path, body, item, read } = options;
  return createOnce<Sent>({
    what: options.title,
    send: () => client.one(scope.context(`create ${what}`), "POST", path, { body, item, requestId: scope.createKey }),
    find: () =>
      createdByKey(client, scope, {
        what,
        audits: options.audits ?? `${path}/audits`,
        idField: options.idField,
        readLive: (id) => readOrUndefined(() => read(scope.context(`read created ${what}`), id)),
      }),
  });
}
