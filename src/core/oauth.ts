/**
 * An OAuth2 access token for one client: fetched on first use with a form POST to the token URL,
 * shared by concurrent operations (one request in flight), reused until shortly before it expires,
 * and forgotten on demand (after a 401) so the next use fetches a new one.
 */
import { z } from "zod";
import { type RequestContext, UnexpectedResponseError } from "./errors";
import { type HttpResponse, parseJsonBody, send } from "./http";
import { registerSecret } from "./redact";
import { withRetries } from "./retry";

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });

/** Renew a token this long before the service says it expires (or at half its life, if shorter). */
const RENEW_MARGIN_MS = 30_000;

export interface TokenRequest {
  url: string;
  /** The form fields: grant type, client credentials, and the grant's own (user, scope, ...). */
  form: Record<string, string>;
  /** The cloud's error for a refused token request. */
  error(context: RequestContext, res: HttpResponse): Error;
}

export class AccessToken {
  private token?: { value: string; renewAt: number };
  private pending?: Promise<string>;
  /** Token requests sent: one per process and token lifetime is the goal. */
  requests = 0;

  constructor(private readonly request: TokenRequest) {}

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
    const tokenContext = { ...context, operation: `${context.operation}: get an access token` };
    const res = await withRetries(
      async () => {
        this.requests++;
        const answer = await send(tokenContext, {
          method: "POST",
          url: this.request.url,
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: new URLSearchParams(this.request.form).toString(),
        });
        if (answer.status >= 400) throw this.request.error(tokenContext, answer);
        return answer;
      },
      // Asking for a token twice creates nothing: safe to repeat.
      { idempotent: true },
    );
    const parsed = tokenAnswer.safeParse(parseJsonBody(res.text));
    if (!parsed.success) throw new UnexpectedResponseError(tokenContext, "token answer without access_token/expires_in");
    registerSecret(parsed.data.access_token);
    const lifetimeMs = parsed.data.expires_in * 1000;
    this.token = {
      value: parsed.data.access_token,
      renewAt: Date.now() + Math.max(lifetimeMs / 2, lifetimeMs - RENEW_MARGIN_MS),
    };
    return this.token.value;
  }
}
