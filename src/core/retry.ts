/**
 * Retries on p-retry. Whether to retry is one function, how long to wait another: 429 always
 * (the service refused before doing anything, and says how long to wait), 5xx and dropped
 * connections only for idempotent requests, and a connection that provably never reached the
 * service always. A non-idempotent request that may have been processed is never re-sent here:
 * the resource code reconciles by looking the resource up (see `sendOnce`).
 */
import pRetry from "p-retry";
import { CloudApiError, ConnectionError } from "./errors";
import { progress } from "./report";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** No retry starts after this much time has passed since the first attempt. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 6,
  minDelayMs: 250,
  maxDelayMs: 8_000,
  maxElapsedMs: 120_000,
};

const RETRYABLE_STATUSES_IF_IDEMPOTENT = new Set([500, 502, 503, 504]);

export function shouldRetry(error: unknown, idempotent: boolean, retryNotFound = false): boolean {
  if (error instanceof CloudApiError) {
    return (
      error.status === 429 ||
      (idempotent && RETRYABLE_STATUSES_IF_IDEMPOTENT.has(error.status)) ||
      (retryNotFound && error.isNotFound)
    );
  }
  if (error instanceof ConnectionError) return idempotent || !error.reachedService;
  return false;
}

/** Extra wait the service asked for; p-retry's exponential backoff with jitter comes on top. */
export function serverRequestedDelayMs(error: unknown): number {
  return error instanceof CloudApiError && error.retryAfterSeconds !== undefined
    ? error.retryAfterSeconds * 1000
    : 0;
}

export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: {
    idempotent: boolean;
    /** A read of something just written: on an eventually consistent API, 404 may mean "not yet". */
    retryNotFound?: boolean;
    policy?: Partial<RetryPolicy>;
  },
): Promise<T> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  return pRetry(
    async () => {
      try {
        return await attempt();
      } catch (error) {
        if (!shouldRetry(error, options.idempotent, options.retryNotFound)) throw new pRetry.AbortError(error as Error);
        throw error;
      }
    },
    {
      retries: policy.retries,
      factor: 2,
      minTimeout: policy.minDelayMs,
      maxTimeout: policy.maxDelayMs,
      randomize: true,
      maxRetryTime: policy.maxElapsedMs,
      onFailedAttempt: async (error) => {
        if (error.retriesLeft <= 0) return;
        const serverDelay = serverRequestedDelayMs(error);
        progress(`${error.message}; retrying (attempt ${error.attemptNumber + 1} of ${policy.retries + 1})`);
        if (serverDelay > 0) await sleep(serverDelay);
      },
    },
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
