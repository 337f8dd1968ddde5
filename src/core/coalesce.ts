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
  /** How long the first read of a batch waits for others to join it; 5 ms unless given. */
  windowMs?: number;
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

/**
 * The engine sends a refresh's reads together, so they reach the provider within a few ms of
 * each other; a read on its own pays this much extra.
 */
const DEFAULT_WINDOW_MS = 5;

export class Coalescer<Key, Item> {
  /** The reads waiting for the batch of their group, and the timer that sends it. */
  private readonly batches = new Map<string, { waiters: Waiter<Key, Item>[]; timer: NodeJS.Timeout }>();

  constructor(private readonly options: CoalescerOptions<Key, Item>) {}

  /**
   * The item of this key, or undefined when it does not exist. Reads of one group (e.g. the
   * servers of one data center) share batches; a failed batch call fails each of its reads.
   */
  read(key: Key, group = ""): Promise<Item | undefined> {
    return new Promise((resolve, reject) => {
      let batch = this.batches.get(group);
      if (!batch) {
        batch = { waiters: [], timer: setTimeout(() => this.send(group), this.options.windowMs ?? DEFAULT_WINDOW_MS) };
        this.batches.set(group, batch);
      }
      batch.waiters.push({ key, resolve, reject });
      if (batch.waiters.length >= this.options.maxBatch) this.send(group);
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
