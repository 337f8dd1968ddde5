/**
 * Sharing work between concurrent operations of one provider process:
 * - read coalescing: single-item reads that arrive together (a refresh reads every resource at
 *   once) are gathered for a short window and served by one batch call per group, such as a list
 *   filtered by ids instead of one GET per id; a key the batch does not return does not exist;
 * - list calls shared by the callers that ask together (`sharedList`), and reads answered by them
 *   (`listReader`): a refresh's reads, the look-ups of a wave of creates; a list kept for the
 *   reads that follow until a write goes through the client (`sendCounted`);
 * - one object per cloud client and name (`onOwner`), and an action run once for every caller
 *   that asked while it waited (`CoalescedRun`).
 */
import { errorText } from "./errors";

/**
 * A batch call failed. Its message is the call's own (which names the batch); not being a
 * context error, the kit puts the resource of each read in front of it.
 */
export class BatchReadError extends Error {
  override readonly name = "BatchReadError";
  constructor(cause: unknown) {
    super(errorText(cause));
  }
}

export interface CoalescerOptions<Key, Item> {
  /** How long a read on its own waits for another to join it; 5 ms unless given. */
  quietMs?: number;
  /** Once reads come together, how long their batch waits for the next one; 50 ms unless given. */
  burstQuietMs?: number;
  /** The longest the first read of a batch waits while reads keep coming; 1 s unless given. */
  maxWaitMs?: number;
  /** The most keys one batch call takes (e.g. a list's page size); a full batch goes at once. */
  maxBatch: number;
  /** Fetches the items of these keys, all of one group; a key missing from the answer does not exist. */
  fetchBatch(keys: Key[], group: string): Promise<Map<Key, Item>>;
}

interface Waiter<Key, Item> {
  key: Key;
  resolve(item: Item | undefined): void;
  reject(error: unknown): void;
}

interface Batch<Key, Item> {
  waiters: Waiter<Key, Item>[];
  startedAt: number;
  timer?: NodeJS.Timeout;
}

/**
 * A read on its own pays only a few ms. The engine sends a refresh's reads at once, but the
 * provider host takes them in bursts of a dozen or so, with gaps of tens of ms between bursts
 * on a busy machine: a batch that has more than one read waits for the next burst.
 */
const DEFAULT_QUIET_MS = 5;
const DEFAULT_BURST_QUIET_MS = 50;
const DEFAULT_MAX_WAIT_MS = 1_000;

export class Coalescer<Key, Item> {
  /** The reads waiting for the batch of their group. */
  private readonly batches = new Map<string, Batch<Key, Item>>();

  constructor(private readonly options: CoalescerOptions<Key, Item>) {}

  /**
   * The item of this key, or undefined when it does not exist. Reads of one group (e.g. the
   * servers of one data center) share batches; a failed batch call fails each of its reads.
   */
  read(key: Key, group = ""): Promise<Item | undefined> {
    return new Promise((resolve, reject) => {
      const { quietMs = DEFAULT_QUIET_MS, burstQuietMs = DEFAULT_BURST_QUIET_MS, maxWaitMs = DEFAULT_MAX_WAIT_MS } = this.options;
      let batch = this.batches.get(group);
      if (!batch) {
        batch = { waiters: [], startedAt: performance.now() };
        this.batches.set(group, batch);
      }
      batch.waiters.push({ key, resolve, reject });
      clearTimeout(batch.timer);
      if (batch.waiters.length >= this.options.maxBatch || performance.now() - batch.startedAt >= maxWaitMs) this.send(group);
      else batch.timer = setTimeout(() => this.send(group), batch.waiters.length > 1 ? burstQuietMs : quietMs);
    });
  }

  private send(group: string): void {
    const batch = this.batches.get(group);
    if (!batch) return;
    this.batches.delete(group);
    clearTimeout(batch.timer);
    const keys = [...new Set(batch.waiters.map((waiter) => waiter.key))];
    this.options.fetchBatch(keys, group).then(
      (items) => batch.waiters.forEach((waiter) => waiter.resolve(items.get(waiter.key))),
      (error: unknown) => batch.waiters.forEach((waiter) => waiter.reject(new BatchReadError(error))),
    );
  }
}

/**
 * A list call shared by the callers that ask for the same group (a collection) together: one call
 * answers them all (undefined: the collection itself is gone). Each caller is answered by a call
 * made after it asked, so a create's look-up sees what was there when it looked. One per owner (a
 * cloud's client) and name.
 */
export function sharedList<T>(owner: object, name: string, list: (group: string) => Promise<T[] | undefined>): (group?: string) => Promise<T[] | undefined> {
  const lists = onOwner(owner, name, () =>
    new Coalescer<string, T[]>({
      maxBatch: Infinity,
      fetchBatch: async (_keys, group) => {
        const items = await list(group);
        return new Map(items ? [["", items]] : []);
      },
    }),
  );
  return (group = "") => lists.read("", group);
}

/**
 * Reads answered by list calls: reads of one group (a collection) that arrive together share one
 * call of `list` (undefined: the collection itself is gone), and an item it does not return does
 * not exist. One reader per owner (a cloud's client) and name.
 *
 * The engine hands a refresh's reads out a few at a time (8 at its default parallelism), each
 * wave when the last one is answered: a list is kept to answer the waves that follow (and the reads
 * that come while it is under way), so a refresh costs a list call per collection, not one per
 * wave. A kept list answers each item once (read again, an item is listed again), only while this
 * process writes nothing through the owner and the reads keep coming (`SNAPSHOT_IDLE_MS`), and for
 * at most `SNAPSHOT_MAX_AGE_MS`. An item it lacks (made since) is looked for in a new list: only a
 * list made after the read asked can say an item is gone.
 */
export function listReader<T>(
  owner: object,
  name: string,
  list: (group: string) => Promise<T[] | undefined>,
  idOf: (item: T) => string | number,
): (id: string | number, group?: string) => Promise<T | undefined> {
  const lists = sharedList(owner, name, list);
  const { kept, listing } = onOwner(owner, `${name} kept lists`, () => ({
    kept: new Map<string, ListSnapshot<T>>(),
    /** The list of each group under way, which reads that come meanwhile wait for. */
    listing: new Map<string, Promise<ListSnapshot<T> | undefined>>(),
  }));

  /** A new list of the group, kept for the reads that follow (of two lists, the one asked for last). */
  const listAnew = (group: string): Promise<ListSnapshot<T> | undefined> => {
    const asked = { takenAt: performance.now(), writes: writesThrough(owner) };
    const made = lists(group).then((items) => {
      if (!items) return undefined;
      const current = kept.get(group);
      if (current?.list === items) return current;
      const snapshot = { ...asked, usedAt: asked.takenAt, list: items, items: new Map(items.map((item) => [String(idOf(item)), item])), served: new Set<string>() };
      if (!current || current.takenAt <= snapshot.takenAt) kept.set(group, snapshot);
      return snapshot;
    });
    listing.set(group, made);
    const forget = () => {
      if (listing.get(group) === made) listing.delete(group);
    };
    made.then(forget, forget);
    return made;
  };

  /** The item from the kept list, or from the list under way, if that list has not answered it yet. */
  const fromKept = async (key: string, group: string): Promise<T | undefined> => {
    const current = kept.get(group);
    const snapshot = current && usable(owner, current) ? current : await listing.get(group)?.catch(() => undefined);
    if (!snapshot || !usable(owner, snapshot) || snapshot.served.has(key)) return undefined;
    const item = snapshot.items.get(key);
    if (item !== undefined) {
      snapshot.served.add(key);
      snapshot.usedAt = performance.now();
    }
    return item;
  };

  return async (id, group = "") => {
    const key = String(id);
    const keptItem = await fromKept(key, group);
    if (keptItem !== undefined) return keptItem;
    const snapshot = await listAnew(group);
    snapshot?.served.add(key);
    return snapshot?.items.get(key);
  };
}

/** A collection read both ways, under one name and one list call: fresh lists and a refresh's reads. */
export interface ListedCollection<T> {
  /** Its items, from a list made after the call (create look-ups, reads right after a create). */
  list(group?: string): Promise<T[] | undefined>;
  /** One item, as a refresh reads it (`listReader`: kept lists). */
  read(id: string | number, group?: string): Promise<T | undefined>;
}

export function listedCollection<T>(
  owner: object,
  name: string,
  list: (group: string) => Promise<T[] | undefined>,
  idOf: (item: T) => string | number,
): ListedCollection<T> {
  return { list: sharedList(owner, name, list), read: listReader(owner, name, list, idOf) };
}

/** A refresh's reads of one type keep coming at least this often (the engine's waves are ms apart). */
export const SNAPSHOT_IDLE_MS = 2_000;
/** The oldest list a read is answered from. */
export const SNAPSHOT_MAX_AGE_MS = 30_000;

interface ListSnapshot<T> {
  list: T[];
  items: Map<string, T>;
  /** The items already answered from this list. */
  served: Set<string>;
  takenAt: number;
  usedAt: number;
  /** The owner's writes when the list was asked for. */
  writes: number;
}

function usable(owner: object, snapshot: ListSnapshot<unknown>): boolean {
  const now = performance.now();
  return snapshot.writes === writesThrough(owner) && now - snapshot.usedAt < SNAPSHOT_IDLE_MS && now - snapshot.takenAt < SNAPSHOT_MAX_AGE_MS;
}

const writeCounts = new WeakMap<object, number>();

/**
 * Sends a request through an owner (a cloud's client). A write (any method but GET) is counted
 * when it starts and when it ends, so no list asked for before it answered is kept to answer reads.
 */
export async function sendCounted<R>(owner: object, method: string, send: () => Promise<R>): Promise<R> {
  if (method === "GET") return send();
  const count = () => writeCounts.set(owner, writesThrough(owner) + 1);
  count();
  try {
    return await send();
  } finally {
    count();
  }
}

function writesThrough(owner: object): number {
  return writeCounts.get(owner) ?? 0;
}

const owned = new WeakMap<object, Map<string, unknown>>();

/** The object `make` builds for an owner (a cloud's client) and a name, made on first use: it lives as long as the owner. */
export function onOwner<T>(owner: object, name: string, make: () => T): T {
  const objects = owned.get(owner) ?? new Map<string, unknown>();
  owned.set(owner, objects);
  if (!objects.has(name)) objects.set(name, make());
  return objects.get(name) as T;
}

/**
 * An action whose one run serves many callers, each served only by a run that starts after its
 * call (a run already under way may not see what the caller just did): with none under way it
 * starts at once; otherwise the callers that come meanwhile share the next run, started when the
 * current one ends. A failed run fails every caller it served.
 */
export class CoalescedRun<C> {
  private current?: Promise<void>;
  private next?: { callers: C[]; done: Promise<void> };

  /** `action` gets the callers the run serves, in the order they came. */
  constructor(private readonly action: (callers: C[]) => Promise<void>) {}

  run(caller: C): Promise<void> {
    if (this.next) {
      this.next.callers.push(caller);
      return this.next.done;
    }
    if (!this.current) return this.start([caller]);
    const callers = [caller];
    const done = this.current
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start(callers);
      });
    this.next = { callers, done };
    return done;
  }

  private start(callers: C[]): Promise<void> {
    const done: Promise<void> = this.action(callers).finally(() => {
      if (this.current === done) this.current = undefined;
    });
    this.current = done;
    return done;
  }
}
