/**
 * Read coalescing: single-item reads that arrive together (a refresh reads every resource at
 * once) are gathered for a short window and served by one batch call per group, such as a list
 * filtered by ids instead of one GET per id. A key the batch does not return does not exist.
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

/** One coalescer per client (a client holds one set of credentials), made on first use. */
export function coalescerPerClient<Client extends object, Key, Item>(
  options: (client: Client) => CoalescerOptions<Key, Item>,
): (client: Client) => Coalescer<Key, Item> {
  const coalescers = new WeakMap<Client, Coalescer<Key, Item>>();
  return (client) => {
    let coalescer = coalescers.get(client);
    if (!coalescer) {
      coalescer = new Coalescer(options(client));
      coalescers.set(client, coalescer);
    }
    return coalescer;
  };
}
