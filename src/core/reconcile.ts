/**
 * No duplicates: a create (or any request that must not happen twice) whose answer was lost may
 * still have been carried out. Instead of sending it again blindly, look up its effect first, and
 * only send again when it is absent.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { CloudApiError, ConnectionError } from "./errors";
import { progress, report } from "./report";

/** What one create of the kit learns from `createOnce`: whether it adopted what an earlier run made. */
export interface CreateRecord {
  adoptedEarlierRun: boolean;
}
/** The record of the create under way (the kit runs each create inside it). */
export const currentCreate = new AsyncLocalStorage<CreateRecord>();

/** Slack for clock differences between this machine and the cloud. */
const CLOCK_SLACK_MS = 60_000;

/**
 * Whether a resource the cloud says was created at `createdDate` may be the one a create begun at
 * `started` (this machine's clock) made: the test for finding it after a lost answer.
 */
export function createdSince(started: number): (createdDate: string | undefined) => boolean {
  return (createdDate) => Date.parse(createdDate ?? "") >= started - CLOCK_SLACK_MS;
}

/** True when a failed request may nevertheless have been processed by the service. */
export function mayHaveBeenProcessed(error: unknown): boolean {
  if (error instanceof ConnectionError) return error.reachedService;
  return error instanceof CloudApiError && error.status >= 500;
}

export interface SendOnceOptions<T> {
  /** Sends the request (not retried after an ambiguous failure: that is this function's job). */
  send: () => Promise<T>;
  /** Finds the effect the request would have had (e.g. the created resource), if it is there. */
  find: () => Promise<T | undefined>;
  /** What is being created, for progress lines. */
  what: string;
  attempts?: number;
}

export async function sendOnce<T>({ send, find, what, attempts = 4 }: SendOnceOptions<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!mayHaveBeenProcessed(error) || attempt >= attempts) throw error;
      progress(`${what}: the answer was lost (${(error as Error).message}); looking it up before sending again`);
      const existing = await find();
      if (existing !== undefined) return existing;
    }
  }
}

/**
 * A create that an earlier process may already have sent before it died (its answer lost with
 * it): `find` looks for the create's effect by its create key, before the first send and after
 * every lost answer, and what it finds is adopted instead of creating a second one.
 */
export async function createOnce<T>(options: SendOnceOptions<T>): Promise<T> {
  const existing = await options.find();
  if (existing !== undefined) {
    report("info", `${options.what}: an earlier run already did it (found by its create key); adopting the result`);
    const record = currentCreate.getStore();
    if (record) record.adoptedEarlierRun = true;
    return existing;
  }
  return sendOnce(options);
}
