/**
 * Fault injection shared by the emulators: one-shot faults queued for the next matching request,
 * and random faults on a share of all requests.
 *
 * - `429`: answered with Retry-After, not processed.
 * - `500`, `502`, `503`, `504`: answered with that status, not processed.
 * - `reset-before`: the connection is dropped before the request is processed.
 * - `reset-after`: the request is processed, then the connection is dropped: the answer is lost.
 * - `latency`: the answer is delayed by `latencyMs` (a latency spike).
 * - `echo`: answered 400 with an error message quoting the whole request back (headers and body,
 *   credentials included), as a careless service might; not processed.
 * - `hold-after`: the request is processed and the answer is never sent: the connection stays open
 *   until the client goes away (crash tests kill the client meanwhile). Queued only, never random.
 */
export const FAULT_KINDS = ["429", "500", "502", "503", "504", "reset-before", "reset-after", "latency", "echo", "hold-after"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultMatch {
  method?: string;
  path?: RegExp;
}

export interface QueuedFault {
  kind: FaultKind;
  match?: FaultMatch;
  retryAfterSeconds?: number;
  /** How many matching requests to let through before this fault applies (the Nth create...). */
  skip?: number;
  /** Called once a held request was processed: its answer is being held. */
  onHeld?: () => void;
}

export interface Fault {
  kind: FaultKind;
  retryAfterSeconds: number;
  latencyMs: number;
  onHeld?: () => void;
}

export class FaultInjector {
  /** Share of requests (0..1) that get a random fault from `kinds`. */
  rate = 0;
  /** Draws the random faults: `Math.random` unless seeded (see `seed`). */
  random: () => number = Math.random;
  kinds: FaultKind[] = ["429", "500", "502", "503", "reset-before", "reset-after", "latency"];
  retryAfterSeconds = 1;
  latencyMs = 500;
  /** How many faults of each kind were injected. */
  readonly injected: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<
    FaultKind,
    number
  >;
  private readonly queue: QueuedFault[] = [];

  /** Queues a fault for the next request that matches. */
  next(fault: QueuedFault): void {
    this.queue.push(fault);
  }

  /**
   * Makes the random faults a fixed sequence of draws (mulberry32): the same seed gives the same
   * faults to the same sequence of requests.
   */
  seed(seed: number): void {
    let state = seed >>> 0;
    this.random = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
  }

  clear(): void {
    this.queue.length = 0;
    this.rate = 0;
  }

  /** The fault to apply to this request, if any (and counts it). */
  take(method: string, path: string): Fault | undefined {
    const index = this.queue.findIndex(
      ({ match }) => (!match?.method || match.method === method) && (!match?.path || match.path.test(path)),
    );
    let chosen: QueuedFault | undefined;
    if (index >= 0 && (this.queue[index].skip ?? 0) > 0) this.queue[index].skip! -= 1;
    else if (index >= 0) chosen = this.queue.splice(index, 1)[0];
    else if (this.rate > 0 && this.kinds.length > 0 && this.random() < this.rate) {
      chosen = { kind: this.kinds[Math.floor(this.random() * this.kinds.length)] };
    }
    if (!chosen) return undefined;
    this.injected[chosen.kind]++;
    return {
      kind: chosen.kind,
      retryAfterSeconds: chosen.retryAfterSeconds ?? this.retryAfterSeconds,
      latencyMs: this.latencyMs,
      onHeld: chosen.onHeld,
    };
  }
}
