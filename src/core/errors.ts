/**
 * Error types shared by every cloud. Messages read like the API's own words with the cloud,
 * the operation, the resource and the vendor's request id around them, and are redacted.
 */
import { redact } from "./redact";

export type Cloud = "contabo" | "ionos" | "ovh";

/** Where a request came from: carried into every error so the user knows what failed. */
export interface RequestContext {
  cloud: Cloud;
  /** A verb phrase such as "create tag" or "read instance 12345". */
  operation: string;
  /** The Pulumi resource (type and name) or the cloud id the operation is about, when known. */
  resource?: string;
  /** One id per resource operation, sent to clouds that accept it, for support cases. */
  traceId?: string;
}

function describe(ctx: RequestContext): string {
  return `${ctx.cloud}: ${ctx.operation}${ctx.resource ? ` (${ctx.resource})` : ""}`;
}

/** The API answered with a non-2xx status. */
export class CloudApiError extends Error {
  override readonly name = "CloudApiError";
  constructor(
    readonly context: RequestContext,
    readonly status: number,
    readonly apiMessage: string,
    readonly requestId: string | undefined,
    /** Seconds the service asked us to wait (429/503 Retry-After), when it said so. */
    readonly retryAfterSeconds?: number,
  ) {
    super(
      redact(
        `${describe(context)} failed: HTTP ${status}: ${apiMessage}` +
          (requestId ? ` [request id ${requestId}]` : ""),
      ),
    );
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/**
 * The connection failed. `reachedService` says whether the request may have been processed:
 * false only when it provably never left this machine (refused, DNS, connect timeout).
 */
export class ConnectionError extends Error {
  override readonly name = "ConnectionError";
  constructor(
    readonly context: RequestContext,
    readonly code: string,
    readonly reachedService: boolean,
    cause: unknown,
  ) {
    super(redact(`${describe(context)} failed: connection error ${code}: ${errorText(cause)}`));
  }
}

/** A bounded wait ran out; `lastSeen` is the state the cloud reported last, in words. */
export class WaitTimeoutError extends Error {
  override readonly name = "WaitTimeoutError";
  constructor(context: RequestContext, waitedFor: string, timeoutMs: number, howToRaise: string, lastSeen?: string) {
    super(
      redact(
        `${describe(context)}: timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${waitedFor}` +
          `${lastSeen ? ` (last seen: ${lastSeen})` : ""}. Raise the limit with ${howToRaise}.`,
      ),
    );
  }
}

/** The cloud reported that an operation failed (an instance in `error`, a failed async request). */
export class OperationFailedError extends Error {
  override readonly name = "OperationFailedError";
  constructor(context: RequestContext, detail: string) {
    super(redact(`${describe(context)} failed: ${detail}`));
  }
}

/** Missing or invalid provider configuration (credentials, URLs). */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
  constructor(message: string) {
    super(redact(message));
  }
}

/** An answer whose shape differs from the API's documented one: the API changed or the client is wrong. */
export class UnexpectedResponseError extends Error {
  override readonly name = "UnexpectedResponseError";
  constructor(context: RequestContext, detail: string) {
    super(redact(`${describe(context)}: unexpected response from the API: ${detail}`));
  }
}

/**
 * The start of an error answer's body, for an error message when it is not the API's error shape.
 * Redacted before it is cut: a secret the body quotes across the cut would otherwise show in part.
 */
export function bodyExcerpt(text: string): string {
  return redact(text.trim()).slice(0, 500) || "(empty body)";
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message !== error.message
      ? `${error.message} (${cause.message})`
      : error.message;
  }
  return String(error);
}

/** Runs a read; a 404 means the resource is gone (refresh then drops it from the state). */
export async function readOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof CloudApiError && error.isNotFound) return undefined;
    throw error;
  }
}

/** Errors built from a request context: their message already names the cloud, operation and resource. */
export function namesItsContext(error: unknown): boolean {
  return [CloudApiError, ConnectionError, WaitTimeoutError, OperationFailedError, UnexpectedResponseError].some(
    (kind) => error instanceof kind,
  );
}
