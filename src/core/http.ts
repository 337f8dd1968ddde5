/**
 * The one HTTP layer: undici with a timeout on every request, JSON and form bodies, and
 * transport failures turned into ConnectionError that says whether the request may have reached
 * the service. Status codes are the caller's business (each cloud has its own error body).
 */
import { request } from "undici";
import { ConnectionError, type RequestContext } from "./errors";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** Exact bytes to send; JSON bodies are serialized by the caller so signatures can cover them. */
  body?: string;
  /** Time allowed for the answer's headers and again for its body. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Transport errors after which the request provably never reached the service. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

export async function send(context: RequestContext, req: HttpRequest): Promise<HttpResponse> {
  const timeout = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const text = await res.body.text();
    return { status: res.statusCode, headers: flattenHeaders(res.headers), text };
  } catch (error) {
    const code = transportErrorCode(error);
    throw new ConnectionError(context, code, !NOT_SENT_CODES.has(code), error);
  }
}

function transportErrorCode(error: unknown): string {
  const withCode = error as { code?: unknown; cause?: { code?: unknown } };
  const code = withCode?.code ?? withCode?.cause?.code;
  return typeof code === "string" ? code : "UNKNOWN";
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** Parses a body as JSON; an empty body (void operations) is `undefined`. */
export function parseJsonBody(text: string): unknown {
  const trimmed = text.trim();
  return trimmed === "" ? undefined : JSON.parse(trimmed);
}

/** Parses `Retry-After` (seconds or an HTTP date) into seconds, trusting only 0..120 s. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : (Date.parse(value) - now) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 && seconds <= 120 ? seconds : undefined;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
