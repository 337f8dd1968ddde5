/**
 * An access token for one client: fetched on first use, shared by concurrent operations (one
 * request in flight), reused until shortly before it expires, and forgotten on demand (after a
 * 401) so the next use fetches a new one. How to fetch it is the cloud's: an OAuth2 grant
 * (`oauth2Grant`), or IONOS's token generation.
 */
import { z } from "zod";
import { type RequestContext, UnexpectedResponseError } from "./errors";
import { type HttpResponse, parseJsonBody, send } from "./http";
import { registerSecret } from "./redact";
import { withRetries } from "./retry";

/** Renew a token this long before the service says it expires (or at half its life, if shorter). */
const RENEW_MARGIN_MS = 30_000;

export interface FetchedToken {
  value: string;
  /** Unknown (a token valid for long, such as IONOS's year): kept until forgotten. */
  expiresInSeconds?: number;
}

/** Fetches a token; `context` names the operation that needs it. */
export type TokenFetch = (context: RequestContext) => Promise<FetchedToken>;

export class AccessToken {
  private token?: { value: string; renewAt: number };
  private pending?: Promise<string>;
  /** Token requests sent: one per process and token lifetime is the goal. */
  requests = 0;

  /** `action` names the token request in errors and progress, e.g. "generate a token". */
  constructor(
    private readonly fetchToken: TokenFetch,
    private readonly action = "get an access token",
  ) {}

  async get(context: RequestContext): Promise<string> {
    if (this.token && Date.now() < this.token.renewAt) return this.token.value;
    this.pending ??= this.fetch(context).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** A token revoked or expired early (a 401): the next `get` fetches a new one. */
  forget(): void {
    this.token = undefined;
  }

  private async fetch(context: RequestContext): Promise<string> {
    const tokenContext = { ...context, operation: `${context.operation}: ${this.action}` };
    const { value, expiresInSeconds } = await withRetries(
      () => {
        this.requests++;
        return this.fetchToken(tokenContext);
      },
      // Asking for a token twice creates nothing: safe to repeat.
      { idempotent: true },
    );
    registerSecret(value);
    const lifetimeMs = expiresInSeconds === undefined ? Infinity : expiresInSeconds * 1000;
    this.token = { value, renewAt: Date.now() + Math.max(lifetimeMs / 2, lifetimeMs - RENEW_MARGIN_MS) };
    return value;
  }
}

export interface TokenRequest {
  url: string;
  /** The form fields: grant type, client credentials, and the grant's own (user, scope, ...). */
  form: Record<string, string>;
  /** The cloud's error for a refused token request. */
  error(context: RequestContext, res: HttpResponse): Error;
}

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });

/** An OAuth2 token endpoint: a form POST answered with `access_token` and `expires_in`. */
export function oauth2Grant(request: TokenRequest): TokenFetch {
  return async (context) => {
    const answer = await send(context, {
      method: "POST",
      url: request.url,
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(request.form).toString(),
    });
    if (answer.status >= 400) throw request.error(context, answer);
    const parsed = tokenAnswer.safeParse(parseJsonBody(answer.text));
    if (!parsed.success) throw new UnexpectedResponseError(context, "token answer without access_token/expires_in");
    return { value: parsed.data.access_token, expiresInSeconds: parsed.data.expires_in };
  };
}
