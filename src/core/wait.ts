/**
 * Bounded waits for slow cloud operations (provisioning, async requests), polled so that the time
 * lost after the cloud is done stays small and the cloud is asked rarely:
 * - an operation of a kind not seen yet in this process is polled often at first, then in
 *   proportion to the time already waited (the time lost stays a fraction of the wait);
 * - once operations of that kind were seen to finish, the wait polls sparsely until shortly
 *   before the earliest of them finished, then as above (its first dense poll one interval in);
 * - concurrent waits of one cloud can share their polls through a `PollBatch` (one list call
 *   answers them all).
 * Every wait reports its status (on the resource's line every 2 s, or on stderr every 10 s) and
 * ends with a clear error.
 */
import { z } from "zod";
import { type RequestContext, OperationFailedError, WaitTimeoutError } from "./errors";
import { onResourceLine, progress } from "./report";
import { sleep } from "./retry";

/** A resource's `timeoutMinutes` input, bounding its waits; fractions are allowed (0.5 is 30 s). */
export const timeoutMinutes = (defaultMinutes: number) => z.number().positive().max(24 * 60).default(defaultMinutes);

/** How often a wait polls. */
export interface Pacing {
  minIntervalMs: number;
  maxIntervalMs: number;
  /** Poll interval as a fraction of the time waited so far (kept below the 10 % overhead aimed at, for the round trips). */
  intervalFraction: number;
}

export const DEFAULT_PACING: Pacing = { minIntervalMs: 150, maxIntervalMs: 5_000, intervalFraction: 0.08 };

/** Polls before the expected end are at least this far apart: at most one a second. */
const SPARSE_INTERVAL_FLOOR_MS = 1_000;
/** Dense polling starts at this fraction of the shortest duration seen, as durations vary. */
const DENSE_FROM = 0.9;

/**
 * The delay before the next poll, `elapsedMs` into a wait whose kind was seen to take at least
 * `expectedMs` (undefined: nothing known). Before the expected end: a quarter of it, at least a
 * second, up to the first dense poll; from there: a fraction of the time waited.
 *
 * The first dense poll comes one dense interval after the dense phase starts, not at its start: an
 * end from there on is seen within one interval either way, as in the rest of the dense phase.
 * A poll at the start itself lands just before the end when durations are steady, and answers "not
 * done"; concurrent waits whose creates a rate limit spread out then got that answer just before
 * each of their ends too, and since their ends spread wider than an interval, two more polls
 * followed instead of one.
 */
export function nextPollDelay(elapsedMs: number, expectedMs: number | undefined, pacing: Pacing): number {
  const dense = (atMs: number) => Math.min(pacing.maxIntervalMs, Math.max(pacing.minIntervalMs, atMs * pacing.intervalFraction));
  if (expectedMs === undefined) return dense(elapsedMs);
  const denseFrom = expectedMs * DENSE_FROM;
  const firstDense = denseFrom + dense(denseFrom);
  if (elapsedMs >= firstDense) return dense(elapsedMs);
  const sparse = Math.max(SPARSE_INTERVAL_FLOOR_MS, Math.min(expectedMs / 4, pacing.maxIntervalMs));
  // Never closer than dense polling: a wait answered early (with another's poll) does not poll again at once.
  return Math.max(dense(elapsedMs), Math.min(sparse, firstDense - elapsedMs));
}

/** How long operations of each kind took in this process: the last few, to expect the next. */
export class LearnedDurations {
  private readonly byKind = new Map<string, number[]>();

  constructor(private readonly remembered = 5) {}

  record(kind: string, durationMs: number): void {
    const seen = this.byKind.get(kind) ?? [];
    this.byKind.set(kind, [...seen, durationMs].slice(-this.remembered));
  }

  /** The shortest recent duration of the kind: dense polling must start before the earliest end. */
  expected(kind: string): number | undefined {
    const seen = this.byKind.get(kind);
    return seen ? Math.min(...seen) : undefined;
  }

  clear(): void {
    this.byKind.clear();
  }
}

/** What this provider process learned about its waits. */
export const learnedDurations = new LearnedDurations();

/** Reads each key on its own (the keys a list missed), keeping a failed read's error for its key alone. */
export async function readEach<V>(keys: string[], read: (key: string) => Promise<V>): Promise<Map<string, V | Error>> {
  const results = await Promise.allSettled(keys.map(read));
  return new Map(keys.map((key, i) => {
    const result = results[i];
    return [key, result.status === "fulfilled" ? result.value : result.reason instanceof Error ? result.reason : new Error(String(result.reason))];
  }));
}

interface PendingPoll<V> {
  key: string;
  dueAt: number;
  since: number;
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces the status polls of concurrent waits into one call: each wait asks for its key's
 * status within a delay, and when the earliest is due, one `fetch` answers every wait pending
 * then (the others get their answer early, for free). `fetch` answers every key it is given,
 * with an Error for a key whose own read failed (that wait alone fails); when `fetch` throws,
 * every wait it was to answer fails.
 */
export class PollBatch<V> {
  private pending: PendingPoll<V>[] = [];
  private timer?: { at: number; handle: NodeJS.Timeout };

  /** `fetch` gets the keys and when the oldest of their waits began (for filters by date). */
  constructor(private readonly fetch: (keys: string[], since: number) => Promise<Map<string, V | Error>>) {}

  /** The key's status from a call sent at most `delayMs` from now; `since`: when its wait began. */
  poll(key: string, delayMs: number, since: number): Promise<V> {
    return new Promise((resolve, reject) => {
      const dueAt = Date.now() + delayMs;
      this.pending.push({ key, dueAt, since, resolve, reject });
      if (!this.timer || dueAt < this.timer.at) this.schedule(dueAt);
    });
  }

  private schedule(at: number): void {
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = { at, handle: setTimeout(() => void this.flush(), Math.max(0, at - Date.now())) };
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const polls = this.pending;
    this.pending = [];
    try {
      const statuses = await this.fetch([...new Set(polls.map((p) => p.key))], Math.min(...polls.map((p) => p.since)));
      for (const poll of polls) {
        const status = statuses.get(poll.key);
        if (status instanceof Error) poll.reject(status);
        else if (statuses.has(poll.key)) poll.resolve(status as V);
        else poll.reject(new Error(`a batched status poll did not answer for ${poll.key}`));
      }
    } catch (error) {
      for (const poll of polls) poll.reject(error);
    }
  }
}

export interface WaitOptions<T> {
  context: RequestContext;
  /** What is awaited, for progress and timeout messages, e.g. "status running". */
  waitingFor: string;
  /** One status poll; or `batch`. */
  poll?: () => Promise<T>;
  /** The status through a batch shared with concurrent waits, by key. */
  batch?: { polls: PollBatch<T>; key: string };
  /** True when the wait is over. */
  isDone: (value: T) => boolean;
  /** A failure description when the cloud reports the operation failed. */
  failure?: (value: T) => string | undefined;
  /** The current state in words, for progress lines. */
  describe?: (value: T) => string;
  /** Operations of one kind (e.g. "ionos: create Datacenter") learn from each other how long they take. */
  kind?: string;
  timeoutMs: number;
  /** How the user raises the limit, named in the timeout error. */
  howToRaise: string;
  pacing?: Partial<Pacing>;
  /**
   * How often a status line goes to stderr where there is no resource line (see report.ts).
   * Default: every 10 s, or five times over a shorter wait, so even a short wait shows progress before it fails.
   */
  progressEveryMs?: number;
}

/** How often a wait's status goes to the resource's line (each one replaces the previous). */
export const STATUS_EVERY_MS = 2_000;

/** A duration as a status shows it: seconds up to two minutes, then minutes. */
export function formatDuration(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/** Waits until `isDone`; returns the last status polled. Reports the wait's status meanwhile. */
export async function waitFor<T>(options: WaitOptions<T>): Promise<T> {
  const { progressEveryMs = Math.min(10_000, options.timeoutMs / 5) } = options;
  const { cloud, operation, resource } = options.context;
  const started = Date.now();
  let lastSeen: string | undefined;
  let lastStderr = started;
  const status = () => {
    const now = lastSeen === undefined ? "" : `: ${lastSeen}`;
    const text = `${operation}: waiting for ${options.waitingFor}${now}, ${formatDuration(Date.now() - started)} of ${formatDuration(options.timeoutMs)}`;
    if (onResourceLine()) return progress(text);
    // Without a resource line, every line stays on stderr: fewer of them.
    if (Date.now() - lastStderr < progressEveryMs) return;
    lastStderr = Date.now();
    progress(text, `${cloud}${resource ? `: ${resource}` : ""}`);
  };
  status();
  const ticker = setInterval(status, STATUS_EVERY_MS);
  try {
    return await pollUntilDone(options, started, (seen) => (lastSeen = seen));
  } finally {
    clearInterval(ticker);
  }
}

async function pollUntilDone<T>(options: WaitOptions<T>, started: number, seen: (state: string | undefined) => void): Promise<T> {
  const pacing = { ...DEFAULT_PACING, ...options.pacing };
  const expected = options.kind === undefined ? undefined : learnedDurations.expected(options.kind);
  const pollAfter = (delayMs: number): Promise<T> =>
    options.batch
      ? options.batch.polls.poll(options.batch.key, delayMs, started)
      : sleep(delayMs).then(() => options.poll!());
  // When the last answer that was not done came: the operation ended between it and the first done.
  let notDoneAt = 0;
  for (;;) {
    const elapsedBefore = Date.now() - started;
    const value = await pollAfter(Math.min(nextPollDelay(elapsedBefore, expected, pacing), Math.max(0, options.timeoutMs - elapsedBefore)));
    const elapsed = Date.now() - started;
    if (options.isDone(value)) {
      if (options.kind !== undefined) learnedDurations.record(options.kind, (notDoneAt + elapsed) / 2);
      return value;
    }
    notDoneAt = elapsed;
    const state = options.describe?.(value);
    seen(state);
    const failure = options.failure?.(value);
    if (failure) throw new OperationFailedError(options.context, failure);
    if (elapsed >= options.timeoutMs) {
      throw new WaitTimeoutError(options.context, options.waitingFor, options.timeoutMs, options.howToRaise, state);
    }
  }
}
