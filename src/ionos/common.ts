/** Shapes, ids and the create/wait pattern shared by the IONOS resources. */
import { z } from "zod";
import { type ListedCollection, listedCollection } from "../core/coalesce";
import { type RequestContext, readOrUndefined } from "../core/errors";
import { type OperationScope, isKeyedName } from "../core/kit";
import { idParts } from "../core/ids";
import { createOnce, createdSince } from "../core/reconcile";
import { type Accepted, CREATE_KEY_HEADER, type IonosClient, type WaitLimit } from "./client";

export { timeoutMinutes } from "../core/wait";

/** The changes that need an API call: `timeoutMinutes` only governs this provider's waits. */
export const apiChanges = <K extends string>(changed: K[]) => changed.filter((key) => key !== "timeoutMinutes");

export function waitLimit(kind: string, minutes: number): WaitLimit {
  return { timeoutMs: minutes * 60_000, howToRaise: `the timeoutMinutes input of the ${kind} (now ${minutes})` };
}

const metadata = z
  .object({ state: z.string().optional(), etag: z.string().optional(), createdDate: z.string().optional() })
  .loose();

/** An IONOS resource: `{id, type, href, metadata, properties, entities}`, with these properties. */
export const resource = <P extends z.ZodRawShape>(properties: P) =>
  z.object({ id: z.string(), metadata: metadata.optional(), properties: z.object(properties).loose() });

/** A path of the API from its segments, ids percent-encoded: `apiPath("datacenters", id, "lans")`. */
export function apiPath(...segments: (string | number)[]): string {
  return segments.map((segment) => `/${encodeURIComponent(String(segment))}`).join("");
}

/** States of a resource on its way out: never adopted by a create. */
const GOING_STATES = ["DESTROYING", "FAILED_DESTROYING", "TERMINATED"];

/** An IONOS resource as the API returns it, with at least these fields. */
type Resource = z.infer<ReturnType<typeof resource>>;

export interface KindOptions<T, O> {
  /** The resource in words, e.g. "LAN": names operations, progress and timeout messages. */
  noun: string;
  item: z.ZodType<T>;
  /** The parts of the Pulumi id, parents first, e.g. `["datacenterId", "lanId"]`. */
  idParts: readonly string[];
  /** The collection the resource lives in, from its parents' ids. */
  collection(...parentIds: string[]): string;
  /** The default of the resource's `timeoutMinutes`. */
  defaultMinutes: number;
  /**
   * The states in which the resource is ready after a write the API answered without a request to
   * follow (Kubernetes: `["ACTIVE"]`); by default any state but BUSY.
   */
  readyStates?: readonly string[];
  /**
   * For kinds whose creates the API keeps no request of (Kubernetes: 202 without a Location, not
   * in `/requests`): the name of a listed item. A create then finds what an earlier attempt made
   * by its name, unique in its collection, instead of by its create key in the request log.
   */
  uniqueName?(found: T): string | undefined;
  /** The outputs from the API's view, the known ones (inputs, old outputs) and the id's parts. */
  outputsOf(found: T, known: Partial<O>, ids: Record<string, string>): O;
}

/**
 * One kind of IONOS resource: where it lives, and the calls every kind makes the same way. Writes
 * return only when their request is DONE, waiting at most the resource's `timeoutMinutes`.
 */
export class IonosKind<T extends Resource, O extends { timeoutMinutes: number }> {
  constructor(private readonly options: KindOptions<T, O>) {}

  /** The parts of a Pulumi id, by name. */
  ids(id: string): Record<string, string> {
    const values = idParts("ionos", id, this.options.idParts);
    return Object.fromEntries(this.options.idParts.map((part, i) => [part, values[i]]));
  }

  path(id: string): string {
    const values = idParts("ionos", id, this.options.idParts);
    return `${this.options.collection(...values.slice(0, -1))}${apiPath(values[values.length - 1])}`;
  }

  /** The current outputs. */
  async outputs(client: IonosClient, scope: OperationScope, id: string, known: Partial<O>): Promise<O> {
    const found = await client.get(scope.context(`read ${this.options.noun}`), this.path(id), this.options.item);
    return this.options.outputsOf(found, known, this.ids(id));
  }

  /**
   * The kit's `read`. Reads that arrive together (a refresh) share one list call per collection:
   * at depth 1 a list brings every item's properties, so a refresh costs a call per collection
   * (each type of each data center), not one per resource. Undefined when the resource is gone
   * (refresh then drops it): missing from the complete list, or its parent gone.
   */
  read = async (client: IonosClient, id: string, olds: Partial<O>): Promise<O | undefined> => {
    const values = idParts("ionos", id, this.options.idParts);
    const found = await this.collections(client).read(values[values.length - 1], this.options.collection(...values.slice(0, -1)));
    return found && this.options.outputsOf(found, olds, this.ids(id));
  };

  /** The kind's collections (undefined: the collection is gone), listed at depth 1: each item with its properties. */
  private collections(client: IonosClient): ListedCollection<T> {
    return listedCollection(
      client,
      `${this.options.noun} lists`,
      (collection) => {
        const context: RequestContext = { cloud: "ionos", operation: `list the ${this.options.noun}s of ${collection}` };
        return readOrUndefined(() => client.list(context, collection, this.options.item));
      },
      (item) => item.id,
    );
  }

  /**
   * The outputs of a resource just made. Creates whose waits end together (one shared poll sees
   * many requests DONE) share one list of their collection, made after each of them asked; one the
   * list lacks is read by its GET.
   */
  private async createdOutputs(client: IonosClient, scope: OperationScope, id: string, collection: string, known: Partial<O>): Promise<O> {
    const itemId = idParts("ionos", id, this.options.idParts).at(-1);
    const listed = (await this.collections(client).list(collection))?.find((item) => item.id === itemId);
    return listed ? this.options.outputsOf(listed, known, this.ids(id)) : this.outputs(client, scope, id, known);
  }

  /** The kit's `delete`. */
  delete = (client: IonosClient, id: string, olds: Partial<O>, scope: OperationScope): Promise<void> =>
    this.change(client, scope, id, { operation: "delete", method: "DELETE", minutes: olds.timeoutMinutes ?? this.options.defaultMinutes });

  /**
   * Creates the resource once: POSTs are not idempotent, so the POST carries the create key and,
   * before sending (an earlier run may have sent it and died) and after an answer that was lost,
   * the request log is searched for it: a resource it made that still exists is adopted. The
   * state keeps the resource as soon as it exists, also when the wait for it fails.
   */
  async create(
    client: IonosClient,
    scope: OperationScope,
    options: { parentIds: string[]; name: string; body: unknown; known: Partial<O> & { timeoutMinutes: number } },
  ): Promise<{ id: string; outputs: O }> {
    const what = `${this.options.noun} "${options.name}"`;
    const context = scope.context(`create ${this.options.noun}`);
    const collection = this.options.collection(...options.parentIds);
    const limit = waitLimit(this.options.noun, options.known.timeoutMinutes);
    const started = Date.now();
    let sent = false;
    const accepted: Partial<Accepted<T>> & { body: T } = await createOnce({
      what: `create ${what}`,
      send: () => {
        sent = true;
        return client.accept(context, "POST", collection, options.body, this.options.item, { [CREATE_KEY_HEADER]: scope.createKey });
      },
      find: async () => {
        const { uniqueName } = this.options;
        if (uniqueName) {
          // Before the first send, only a name made from this create's key (the keyed auto-name) says
          // an earlier run of this create made it; a name the program gave may be someone else's.
          // After a lost answer, the resource of that name made since this create began.
          if (!sent && !isKeyedName(options.name, scope.createKey)) return undefined;
          const lookup = scope.context(`look up ${what} by its name`);
          const listed = await client.list(lookup, collection, this.options.item);
          const recent = createdSince(started);
          const found = listed.find(
            (item) =>
              uniqueName(item) === options.name &&
              // One being deleted is not the one this create made (a replacement deletes the old one first).
              !GOING_STATES.includes(item.metadata?.state ?? "") &&
              (!sent || recent(item.metadata?.createdDate)),
          );
          return found && { body: found };
        }
        const lookup = scope.context(`look up ${what} by its create key`);
        for (const createdId of await client.createdByKey(lookup, scope.createKey)) {
          const found = await readOrUndefined(() => client.get(lookup, `${collection}/${createdId}`, this.options.item));
          // Adopted without its request: the wait below is on the resource itself.
          if (found) return { body: found };
        }
        return undefined;
      },
    });
    const id = [...options.parentIds, accepted.body.id].join("/");
    scope.created(id, this.options.outputsOf(accepted.body, options.known, this.ids(id)));
    if (accepted.request) await client.finished(context, accepted.request, limit);
    // Named ready states are the resource's own (a cluster is ACTIVE well after its request, if
    // the API names one, is DONE): they are waited for in any case.
    if (!accepted.request || this.options.readyStates) await client.settled(context, this.path(id), this.options.readyStates ?? "available", limit);
    return { id, outputs: await this.createdOutputs(client, scope, id, collection, options.known) };
  }

  /** Sends a change (PUT, PATCH, DELETE, or an action below the resource such as `/start`) and waits for it. */
  change(
    client: IonosClient,
    scope: OperationScope,
    id: string,
    change: { operation: string; method: "POST" | "PUT" | "PATCH" | "DELETE"; minutes: number; body?: unknown; below?: string },
  ): Promise<void> {
    const context = scope.context(`${change.operation} ${this.options.noun}`);
    const limit = waitLimit(this.options.noun, change.minutes);
    const { readyStates } = this.options;
    if (readyStates) return this.changeAndSettle(client, context, id, change, limit, readyStates);
    // Without a request to follow, the resource itself is watched (an action below it included).
    return client.write(context, change.method, this.path(id) + (change.below ?? ""), change.body, limit, this.path(id), this.options.readyStates);
  }

  /**
   * A change of a kind with named ready states: its request, if the API names one, and then the
   * resource itself, until it is ready again (or, after its delete, gone: a cluster whose pools'
   * requests are DONE may still be DESTROYING them).
   */
  private async changeAndSettle(
    client: IonosClient,
    context: RequestContext,
    id: string,
    change: { method: "POST" | "PUT" | "PATCH" | "DELETE"; body?: unknown; below?: string },
    limit: WaitLimit,
    readyStates: readonly string[],
  ): Promise<void> {
    const { request } = await client.accept(context, change.method, this.path(id) + (change.below ?? ""), change.body, z.unknown());
    if (request) await client.finished(context, request, limit);
    await client.settled(context, this.path(id), change.method === "DELETE" && !change.below ? "gone" : readyStates, limit);
  }
}
