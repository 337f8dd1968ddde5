/**
 * The OVHcloud API client: application keys (each request signed with the `$1$` SHA-1 signature
 * over the exact bytes sent and the server's clock, taken once from `GET /auth/time`) or OAuth2
 * client credentials; OVH's 20 requests/second kept client side across the whole process; 429
 * and 5xx retried; `{class, message}` errors quoting the `X-Ovh-QueryID`; answers parsed with zod.
 */
import { type SettingsReading, bindCloud } from "../core/binding";
import { createHash } from "node:crypto";
import { TokenBucket } from "limiter";
import { z } from "zod";
import { CloudApiError, type RequestContext, UnexpectedResponseError, bodyExcerpt } from "../core/errors";
import { type HttpMethod, type HttpResponse, parseJsonBody, parseRetryAfter, send } from "../core/http";
import type { CheckFailure } from "../core/kit";
import { AccessToken, oauth2Grant } from "../core/oauth";
import { sendCounted } from "../core/coalesce";
import { withRetries } from "../core/retry";
import { type SettingSpec, checkEndpointUrl, howToSet, readSetting } from "../core/settings";

export const OVH_ENDPOINTS = {
  "ovh-eu": "https://eu.api.ovh.com/1.0",
  "ovh-ca": "https://ca.api.ovh.com/1.0",
  "ovh-us": "https://api.us.ovhcloud.com/1.0",
  "kimsufi-eu": "https://eu.api.kimsufi.com/1.0",
  "kimsufi-ca": "https://ca.api.kimsufi.com/1.0",
  "soyoustart-eu": "https://eu.api.soyoustart.com/1.0",
  "soyoustart-ca": "https://ca.api.soyoustart.com/1.0",
} as const;
type EndpointName = keyof typeof OVH_ENDPOINTS;

/** OAuth2 exists only on the OVHcloud endpoints, not on Kimsufi and So you Start. */
const OAUTH2_TOKEN_URLS: Partial<Record<EndpointName, string>> = {
  "ovh-eu": "https://www.ovh.com/auth/oauth2/token",
  "ovh-ca": "https://ca.ovh.com/auth/oauth2/token",
  "ovh-us": "https://us.ovhcloud.com/auth/oauth2/token",
};

export const OVH_SETTINGS = {
  endpoint: { configKey: "ovh:endpoint", envNames: ["OVH_ENDPOINT"], default: "ovh-eu" },
  applicationKey: { configKey: "ovh:applicationKey", envNames: ["OVH_APPLICATION_KEY"], secret: true },
  applicationSecret: { configKey: "ovh:applicationSecret", envNames: ["OVH_APPLICATION_SECRET"], secret: true },
  consumerKey: { configKey: "ovh:consumerKey", envNames: ["OVH_CONSUMER_KEY"], secret: true },
  clientId: { configKey: "ovh:clientId", envNames: ["OVH_CLIENT_ID"], secret: true },
  clientSecret: { configKey: "ovh:clientSecret", envNames: ["OVH_CLIENT_SECRET"], secret: true },
  /** Only for OAuth2 against an endpoint given as a URL (the named endpoints have theirs). */
  oauth2TokenUrl: { configKey: "ovh:oauth2TokenUrl", envNames: ["OVH_OAUTH2_TOKEN_URL"] },
} satisfies Record<string, SettingSpec>;

export type OvhAuth =
  | { kind: "application-key"; applicationKey: string; applicationSecret: string; consumerKey: string }
  | { kind: "oauth2"; clientId: string; clientSecret: string; tokenUrl: string };

export interface OvhSettings {
  /** The API base, e.g. `https://eu.api.ovh.com/1.0`. */
  apiUrl: string;
  auth: OvhAuth;
}

/** The `X-Ovh-Signature` of a request: SHA-1 over the secret, the consumer key and the exact request. */
export function ovhSignature(parts: {
  applicationSecret: string;
  consumerKey: string;
  method: string;
  url: string;
  body: string;
  timestamp: number;
}): string {
  const { applicationSecret, consumerKey, method, url, body, timestamp } = parts;
  const hash = createHash("sha1").update([applicationSecret, consumerKey, method, url, body, timestamp].join("+"));
  return `$1$${hash.digest("hex")}`;
}

/** The URL of a path: the `/v1/` and `/v2/` APIs live beside `/1.0`, not under it (as OVH's clients do). */
export function apiTarget(apiUrl: string, path: string): string {
  const versioned = /^\/v[12]\//.test(path) && apiUrl.endsWith("/1.0");
  return (versioned ? apiUrl.slice(0, -"/1.0".length) : apiUrl) + path;
}

function endpointName(endpoint: string): EndpointName | undefined {
  const url = endpoint.replace(/\/+$/, "");
  return (Object.keys(OVH_ENDPOINTS) as EndpointName[]).find((name) => name === endpoint || OVH_ENDPOINTS[name] === url);
}

type SettingName = keyof typeof OVH_SETTINGS;
const KEY_SETTINGS: SettingName[] = ["applicationKey", "applicationSecret", "consumerKey"];
const OAUTH2_SETTINGS: SettingName[] = ["clientId", "clientSecret"];

function readSettings(): SettingsReading<OvhSettings> {
  const value = Object.fromEntries(
    Object.entries(OVH_SETTINGS).map(([name, spec]) => [name, readSetting(spec)]),
  ) as Record<SettingName, string | undefined>;
  const problems: CheckFailure[] = [];
  const problem = (name: SettingName, reason: string) => problems.push({ property: OVH_SETTINGS[name].configKey, reason });
  const keys = (names: SettingName[]) => names.map((name) => OVH_SETTINGS[name].configKey).join(", ");
  const howToSetAll = (names: SettingName[]) => names.map((name) => howToSet(OVH_SETTINGS[name])).join(", ");
  const requireAll = (names: SettingName[]) =>
    names.filter((name) => !value[name]).forEach((name) => problem(name, `missing OVH credential: set it with ${howToSet(OVH_SETTINGS[name])}`));

  const endpoint = value.endpoint!;
  const named = endpointName(endpoint);
  let apiUrl: string | undefined = named && OVH_ENDPOINTS[named];
  if (!named && endpoint.includes("/")) {
    const urlProblem = checkEndpointUrl(OVH_SETTINGS.endpoint.configKey, endpoint);
    if (urlProblem) problem("endpoint", urlProblem);
    else apiUrl = endpoint.replace(/\/+$/, "");
  } else if (!named) {
    problem("endpoint", `unknown OVH endpoint "${endpoint}": use one of ${Object.keys(OVH_ENDPOINTS).join(", ")}, or the API's URL`);
  }

  const usesKeys = KEY_SETTINGS.some((name) => value[name]);
  const usesOAuth2 = OAUTH2_SETTINGS.some((name) => value[name]);
  let auth: OvhAuth | undefined;
  if (usesKeys && usesOAuth2) {
    problem(
      "clientId",
      `both application keys (${keys(KEY_SETTINGS)}) and OAuth2 client credentials (${keys(OAUTH2_SETTINGS)}) are set: ` +
        "OVH takes one way of signing in, so set only one",
    );
  } else if (usesOAuth2) {
    requireAll(OAUTH2_SETTINGS);
    const tokenUrl = named ? OAUTH2_TOKEN_URLS[named] : value.oauth2TokenUrl;
    const urlProblem = tokenUrl && checkEndpointUrl(OVH_SETTINGS.oauth2TokenUrl.configKey, tokenUrl);
    if (named && !tokenUrl) {
      problem("clientId", `OAuth2 is not available on the ${named} endpoint: use application keys (${keys(KEY_SETTINGS)})`);
    } else if (!tokenUrl) {
      problem("oauth2TokenUrl", `OAuth2 against an endpoint URL needs its token URL: set it with ${howToSet(OVH_SETTINGS.oauth2TokenUrl)}`);
    } else if (urlProblem) {
      problem("oauth2TokenUrl", urlProblem);
    } else if (value.clientId && value.clientSecret) {
      auth = { kind: "oauth2", clientId: value.clientId, clientSecret: value.clientSecret, tokenUrl };
    }
  } else if (usesKeys) {
    requireAll(KEY_SETTINGS);
    const { applicationKey, applicationSecret, consumerKey } = value;
    if (applicationKey && applicationSecret && consumerKey) auth = { kind: "application-key", applicationKey, applicationSecret, consumerKey };
  } else {
    problem(
      "applicationKey",
      `missing OVH credentials: set application keys with ${howToSetAll(KEY_SETTINGS)}, ` +
        `or OAuth2 client credentials with ${howToSetAll(OAUTH2_SETTINGS)}`,
    );
  }
  return { settings: apiUrl && auth && problems.length === 0 ? { apiUrl, auth } : undefined, problems };
}

/**
 * OVH allows 20 calls per second per application. Calls are spaced at 18 per second, in a bucket
 * of 1.25 tokens: any one second holds at most 19.25 sends (the margin absorbs network jitter and
 * a token request, which is not limited here), and a request whose timer fires a little late
 * keeps what accrued meanwhile (a bucket of one lost it: 17 calls/s sustained on a busy
 * machine). One limiter for the whole provider process, so concurrent resource operations share it.
 */
const limiter = new TokenBucket({ bucketSize: 1.25, tokensPerInterval: 18, interval: "second" });

const errorBody = z.object({ class: z.string().optional(), errorCode: z.string().optional(), message: z.string() }).loose();
const oauthError = z.object({ error: z.string(), error_description: z.string().optional() }).loose();


export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Override the method's default idempotency (e.g. a POST that is safe to repeat, like a zone refresh). */
  idempotent?: boolean;
}

type Headers = Record<string, string>;

export class OvhClient {
  private clockOffset?: Promise<number>;
  /** With OAuth2: the client-credentials token, renewed before it expires. */
  readonly token?: AccessToken;

  constructor(readonly settings: OvhSettings) {
    const auth = settings.auth;
    if (auth.kind === "oauth2") {
      this.token = new AccessToken(
        oauth2Grant({
          url: auth.tokenUrl,
          form: { grant_type: "client_credentials", client_id: auth.clientId, client_secret: auth.clientSecret, scope: "all" },
          error: apiError,
        }),
      );
    }
  }

  /** Sends a request and parses its answer. */
  async request<T>(context: RequestContext, method: HttpMethod, path: string, schema: z.ZodType<T>, options: CallOptions = {}): Promise<T> {
    const answer = await this.send(context, method, path, options);
    const parsed = schema.safeParse(answer);
    if (!parsed.success) throw new UnexpectedResponseError(context, z.prettifyError(parsed.error));
    return parsed.data;
  }

  /** Sends a void operation: OVH answers those with an empty or `null` body. */
  async call(context: RequestContext, method: HttpMethod, path: string, options: CallOptions = {}): Promise<void> {
    await this.send(context, method, path, options);
  }

  private async send(context: RequestContext, method: HttpMethod, path: string, options: CallOptions): Promise<unknown> {
    const url = new URL(apiTarget(this.settings.apiUrl, path));
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    // The signature covers these exact bytes: serialize once, send as is.
    const body = options.body === undefined ? "" : JSON.stringify(options.body);
    let reauthenticated = false;
    const attempt = async (): Promise<unknown> => {
      const authorize = await this.authorizer(context);
      await limiter.removeTokens(1);
      // Signed after the limiter's wait, so the timestamp is the time of sending.
      const headers: Headers = { accept: "application/json", ...authorize(method, url.toString(), body) };
      if (body) headers["content-type"] = "application/json";
      const res = await send(context, { method, url: url.toString(), headers, body: body || undefined });
      // An OAuth2 token can be revoked or expire early: get a new one once.
      if (res.status === 401 && this.token && !reauthenticated) {
        reauthenticated = true;
        this.token.forget();
        return attempt();
      }
      if (res.status >= 400) throw apiError(context, res);
      return parseJsonBody(res.text) ?? null;
    };
    return sendCounted(this, method, () => withRetries(attempt, { idempotent: options.idempotent ?? method !== "POST" }));
  }

  /** What authenticates a request, made ready (clock offset or token) before the limiter's wait. */
  private async authorizer(context: RequestContext): Promise<(method: string, url: string, body: string) => Headers> {
    const auth = this.settings.auth;
    if (auth.kind === "oauth2") {
      const token = await this.token!.get(context);
      return () => ({ authorization: `Bearer ${token}` });
    }
    const offset = await this.serverClockOffset(context);
    return (method, url, body) => {
      const timestamp = Math.floor(Date.now() / 1000) + offset;
      const { applicationKey, applicationSecret, consumerKey } = auth;
      return {
        "x-ovh-application": applicationKey,
        "x-ovh-consumer": consumerKey,
        "x-ovh-timestamp": String(timestamp),
        "x-ovh-signature": ovhSignature({ applicationSecret, consumerKey, method, url, body, timestamp }),
      };
    };
  }

  /** Seconds to add to this machine's clock to get OVH's: fetched once, shared by concurrent requests. */
  private serverClockOffset(context: RequestContext): Promise<number> {
    this.clockOffset ??= this.fetchClockOffset(context).catch((error: unknown) => {
      this.clockOffset = undefined;
      throw error;
    });
    return this.clockOffset;
  }

  private async fetchClockOffset(context: RequestContext): Promise<number> {
    const timeContext = { ...context, operation: `${context.operation}: read the API's clock` };
    const url = apiTarget(this.settings.apiUrl, "/auth/time");
    const res = await withRetries(
      async () => {
        await limiter.removeTokens(1);
        const answer = await send(timeContext, { method: "GET", url, headers: { accept: "application/json" } });
        if (answer.status >= 400) throw apiError(timeContext, answer);
        return answer;
      },
      { idempotent: true },
    );
    const serverTime = z.number().int().safeParse(parseJsonBody(res.text));
    if (!serverTime.success) throw new UnexpectedResponseError(timeContext, `/auth/time answered ${res.text.slice(0, 100)}, not a number`);
    return serverTime.data - Math.floor(Date.now() / 1000);
  }
}

/** The API's error: `{class, message}` (older answers: `{errorCode, message}`; OAuth2: `{error, error_description}`). */
function apiError(context: RequestContext, res: HttpResponse): CloudApiError {
  let message = bodyExcerpt(res.text);
  try {
    const body = parseJsonBody(res.text);
    const api = errorBody.safeParse(body);
    const oauth = oauthError.safeParse(body);
    if (api.success) message = [api.data.class ?? api.data.errorCode, api.data.message].filter(Boolean).join(": ");
    else if (oauth.success) message = [oauth.data.error, oauth.data.error_description].filter(Boolean).join(": ");
  } catch {
    // Not JSON: keep the text.
  }
  return new CloudApiError(context, res.status, message, res.headers["x-ovh-queryid"], parseRetryAfter(res.headers["retry-after"]));
}


export const ovh = bindCloud("ovh", readSettings, (settings) => new OvhClient(settings));

/** The provider process's one OVH client. */
export const ovhClient = () => ovh.client();
