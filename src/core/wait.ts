/**
 * Bounded waits for slow cloud operations (provisioning, async requests). Polls start fast and
 * slow down in proportion to the time already waited, so the time lost after the cloud is done
 * stays a small fraction of the wait, and every wait reports progress and ends with a clear error.
 */
import { z } from "zod";
import { type RequestContext, OperationFailedError, WaitTimeoutError } from "./errors";
import { progress } from "./redact";
import { sleep } from "./retry";

/** A resource's `timeoutMinutes` input, bounding its waits; fractions are allowed (0.5 is 30 s). */
export const timeoutMinutes = (defaultMinutes: number) => z.number().positive().max(24 * 60).default(defaultMinutes);

export interface WaitOptions<T> {
  context: RequestContext;
  /** What is awaited, for progress and timeout messages, e.g. "status running". */
  waitingFor: string;
  poll: () => Promise<T>;
  /** True when the wait is over. */
  isDone: (value: T) => boolean;
  /** A failure description when the cloud reports the operation failed. */
  failure?: (value: T) => string | undefined;
  /** The current state in words, for progress lines. */
  describe?: (value: T) => string;
  timeoutMs: number;
  /** How the user raises the limit, named in the timeout error. */
  howToRaise: string;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** Poll interval as a fraction of the time waited so far. */
  intervalFraction?: number;
  /** Default: every 10 s, or five times over a shorter wait, so even a short wait shows progress before it fails. */
  progressEveryMs?: number;
}

export async function waitFor<T>(options: WaitOptions<T>): Promise<T> {
  const {
    minIntervalMs = 200,
    maxIntervalMs = 5_000,
    intervalFraction = 0.1,
    progressEveryMs = Math.min(10_000, options.timeoutMs / 5),
  } = options;
  const started = Date.now();
  let lastProgress = started;
  for (;;) {
    const value = await options.poll();
    if (options.isDone(value)) return value;
    const failure = options.failure?.(value);
    if (failure) throw new OperationFailedError(options.context, failure);
    const elapsed = Date.now() - started;
    if (elapsed >= options.timeoutMs) {
      throw new WaitTimeoutError(options.context, options.waitingFor, options.timeoutMs, options.howToRaise, options.describe?.(value));
    }
    if (Date.now() - lastProgress >= progressEveryMs) {
      lastProgress = Date.now();
      const now = options.describe ? ` (now ${options.describe(value)})` : "";
      progress(
        `${options.context.cloud}: ${options.context.operation} ${options.context.resource ?? ""}: ` +
          `waiting for ${options.waitingFor}${now}, ${Math.round(elapsed / 1000)} s of at most ${Math.round(options.timeoutMs / 1000)} s`,
      );
    }
    const interval = Math.min(maxIntervalMs, Math.max(minIntervalMs, elapsed * intervalFraction));
    await sleep(Math.min(interval, options.timeoutMs - elapsed));
  }
}
