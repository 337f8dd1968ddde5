/**
 * The IONOS Cloud API v6 client: a token (given, or minted once per provider process from a
 * username and password), `X-Contract-Number` for multi-contract users, answers parsed with zod,
 * collections followed by offset, and the async model: every write answers 202 with the absolute
 * `Location` of its request status, and is finished only when that request is DONE.
 */
import { type SettingsReading, bindCloud } from "../core/binding";
import { z } from "zod";
import { CloudApiError, type RequestContext, UnexpectedResponseError, bodyExcerpt, readOrUndefined } from "../core/errors";
import { type HttpMethod, type HttpResponse, parseJsonBody, parseRetryAfter, send } from "../core/http";
import type { CheckFailure } from "../core/kit";
import { registerSecret } from "../core/redact";
import { AccessToken, type FetchedToken } from "../core/oauth";
import { sendCounted } from "../core/coalesce";
import { withRetries } from "../core/retry";
import { type SettingSpec, checkEndpointUrl, howToSet, readSetting } from "../core/settings";
import { type Pacing, PollBatch, readEach, waitFor } from "../core/wait";

export const IONOS_SETTINGS = {
  token: { configKey: "ionos:token", envNames: ["IONOS_TOKEN"], secret: true },
  username: { configKey: "ionos:username", envNames: ["IONOS_USERNAME"], secret: true },
  password: { configKey: "ionos:password", envNames: ["IONOS_PASSWORD"], secret: true },
  apiUrl: { configKey: "ionos:apiUrl", envNames: ["IONOS_API_URL"], default: "https://api.ionos.com/cloudapi/v6" },
  contractNumber: { configKey: "ionos:contractNumber", envNames: ["IONOS_CONTRACT_NUMBER"] },
} satisfies Record<string, SettingSpec>;

export interface IonosSettings {
  /** The Cloud API base, always ending in /cloudapi/v6. */
  apiUrl: string;
  token?: string;
  username?: string;
  password?: string;
  contractNumber?: string;
}

const API_PATH = "/cloudapi/v6";

/** As the official SDKs do: a URL without the API path (e.g. `https://api.ionos.com`) gets it appended. */
function cloudApiBase(url: string): string {
  const trimmed = url.replace(/\/+$/, "");
  return trimmed.endsWith(API_PATH) ? trimmed : trimmed + API_PATH;
}

function readSettings(): SettingsReading<IonosSettings> {
  const specs = IONOS_SETTINGS;
  const [token, username, password, apiUrl, contractNumber] = [
    specs.token, specs.username, specs.password, specs.apiUrl, specs.contractNumber,
  ].map(readSetting);
  const problems: CheckFailure[] = [];
  if (!token && !(username && password)) {
    const missing = username ? specs.password : password ? specs.username : undefined;
    problems.push({
      property: missing?.configKey ?? specs.token.configKey,
      reason: missing
        ? `missing IONOS credential: set it with ${howToSet(missing)}`
        : `missing IONOS credentials: set a token with ${howToSet(specs.token)}, or a username and password with ` +
          `${howToSet(specs.username)} and ${howToSet(specs.password)}`,
    });
  }
  const urlProblem = checkEndpointUrl(specs.apiUrl.configKey, apiUrl!);
  if (urlProblem) problems.push({ property: specs.apiUrl.configKey, reason: urlProblem });
  if (contractNumber !== undefined && !/^\d+$/.test(contractNumber)) {
    problems.push({ property: specs.contractNumber.configKey, reason: `must be a contract number (digits), got "${contractNumber}"` });
  }
  return { settings: { apiUrl: cloudApiBase(apiUrl!), token, username, password, contractNumber }, problems };
}

const tokenAnswer = z.object({ token: z.string().min(1) });
const errorBody = z.object({
  httpStatus: z.number().int().optional(),
  messages: z.array(z.object({ errorCode: z.string().optional(), message: z.string() }).loose()).min(1),
});
const collection = <T>(item: z.ZodType<T>) =>
  z.object({ items: z.array(item), _links: z.object({ next: z.string().optional() }).loose().optional() });
const requestStatus = z.object({
  id: z.string(),
  metadata: z.object({
    status: z.enum(["QUEUED", "RUNNING", "DONE", "FAILED"]),
    message: z.string().optional(),
  }).loose(),
});
type RequestStatus = z.infer<typeof requestStatus>;
/**
 * The header a create carries its create key in. The request log keeps a write's headers, and
 * `GET /requests?filter.headers=` finds the requests that carry the key (the spec's filter).
 */
export const CREATE_KEY_HEADER = "x-eurocloud-create-key";

/** A request of the log (`GET /requests?depth=2`): the call it was, its status and the resources it made or changed. */
const loggedRequest = z.object({
  id: z.string(),
  metadata: z
    .object({
      requestStatus: z
        .object({
          metadata: requestStatus.shape.metadata.extend({
            targets: z.array(z.object({ target: z.object({ id: z.string() }).loose() }).loose()).default([]),
          }),
        })
        .loose(),
    })
    .loose(),
  properties: z.object({ method: z.string(), headers: z.record(z.string(), z.string()).default({}) }).loose(),
});

const PAGE_LIMIT = 1000;

/** A write the API accepted: its parsed answer and the request to wait for. */
export interface RequestRef {
  id: string;
}

export interface Accepted<T> {
  body: T;
  /** The request to wait for; absent when the API answered without one (then nothing to follow). */
  request?: RequestRef;
}

/** How long to wait for a request, and how the user raises that limit (named in the timeout error). */
export interface WaitLimit {
  timeoutMs: number;
  howToRaise: string;
}

/** Request status polls are at most 1 s apart (the core's pacing otherwise). */
export const REQUEST_PACING: Partial<Pacing> = { maxIntervalMs: 1_000 };

/** `filter.createdAfter` reaches this far before the oldest wait began: the clocks of IONOS and this machine differ. */
const CLOCK_SLACK_MS = 10 * 60_000;

/** A date as the request filters take it: `yyyy-MM-dd HH:mm:ss`, UTC. */
const filterDate = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

export class IonosClient {
  /** Without a token given: one generated from the user and password, once per process. */
  readonly minted?: AccessToken;

  /** Concurrent waits for requests share their status polls: one `GET /requests` answers them all. */
  private readonly requestPolls = new PollBatch<RequestStatus>((ids, since) => this.requestStatuses(ids, since));

  constructor(readonly settings: IonosSettings) {
    if (!settings.token) this.minted = new AccessToken((context) => this.mintToken(context), "generate a token");
  }

  /** One resource, parsed: `depth=0` brings its properties and metadata, all a read needs, in one call. */
  async get<T>(context: RequestContext, path: string, item: z.ZodType<T>): Promise<T> {
    const res = await this.send(context, "GET", path, { depth: 0 });
    return parse(context, res, item);
  }

  /** Every item of a collection, with its properties (`depth=1`, so no call per item), following offset and limit to the end. */
  async list<T>(
    context: RequestContext,
    path: string,
    item: z.ZodType<T>,
    depth = 1,
    limit = PAGE_LIMIT,
    filters: Record<string, string> = {},
  ): Promise<T[]> {
    const items: T[] = [];
    for (let offset = 0; ; ) {
      const res = await this.send(context, "GET", path, { ...filters, depth, offset, limit });
      const page = parse(context, res, collection(item));
      items.push(...page.items);
      if (!page._links?.next || page.items.length === 0) return items;
      offset += page.items.length;
    }
  }

  /**
   * Sends a write; it is accepted (202), not finished: wait for `request` before relying on it.
   * Whatever the answer looks like, the write was carried out: an answer without a request to
   * follow is returned as is (throwing here would lose a resource just created), and the caller
   * waits on the resource itself.
   */
  async accept<T>(
    context: RequestContext,
    method: Exclude<HttpMethod, "GET">,
    path: string,
    body: unknown,
    item: z.ZodType<T>,
    headers: Record<string, string> = {},
  ): Promise<Accepted<T>> {
    const res = await this.send(context, method, path, {}, body, headers);
    return { body: parse(context, res, item), request: this.requestOf(res.headers.location) };
  }

  /**
   * Sends a write and waits until its request is DONE. When the API names no request, waits on the
   * resource itself (`watch`, the written path unless told): a DELETE until it is gone, any other
   * write until it is `ready` (see `settled`).
   */
  async write(
    context: RequestContext,
    method: Exclude<HttpMethod, "GET">,
    path: string,
    body: unknown,
    limit: WaitLimit,
    watch = path,
    ready?: readonly string[],
  ): Promise<void> {
    const { request } = await this.accept(context, method, path, body, z.unknown());
    if (request) await this.finished(context, request, limit);
    else await this.settled(context, watch, method === "DELETE" ? "gone" : (ready ?? "available"), limit);
  }

  /**
   * Waits until a resource is gone, or is ready (after a write whose request is not known):
   * "available" is any state but BUSY; a list names the ready states (a Kubernetes cluster's
   * ACTIVE), and a FAILED state ends the wait with an error.
   */
  async settled(context: RequestContext, path: string, until: "gone" | "available" | readonly string[], limit: WaitLimit): Promise<void> {
    const state = z.object({ metadata: z.object({ state: z.string().optional() }).loose().optional() }).loose();
    const ready = (found: z.infer<typeof state>) =>
      typeof until === "string" ? found.metadata?.state !== "BUSY" : until.includes(found.metadata?.state ?? "");
    await waitFor({
      context,
      waitingFor: `${path} to be ${until === "gone" ? "gone" : until === "available" ? "AVAILABLE" : until.join(" or ")}`,
      poll: () => readOrUndefined(() => this.get(context, path, state)),
      isDone: (found) => (until === "gone" ? found === undefined : found !== undefined && ready(found)),
      // Kubernetes has FAILED_UPDATING, FAILED_DESTROYING, ... besides FAILED: none of them ends by itself.
      failure: (found) => {
        const state = found?.metadata?.state ?? "";
        return (until === "gone" ? state === "FAILED_DESTROYING" : state.startsWith("FAILED")) ? `${path} is ${state}` : undefined;
      },
      describe: (found) => (found ? (found.metadata?.state ?? "unknown") : "not found"),
      ...limit,
      pacing: REQUEST_PACING,
    });
  }

  /**
   * The ids of what the POSTs sent with this create key made (their requests' targets), newest
   * first; a FAILED request made nothing.
   */
  async createdByKey(context: RequestContext, createKey: string): Promise<string[]> {
    const logged = await this.list(context, "/requests", loggedRequest, 2, PAGE_LIMIT, { "filter.method": "POST", "filter.headers": createKey });
    return logged
      .filter(
        (request) =>
          request.properties.method === "POST" &&
          request.properties.headers[CREATE_KEY_HEADER] === createKey &&
          request.metadata.requestStatus.metadata.status !== "FAILED",
      )
      .flatMap((request) => request.metadata.requestStatus.metadata.targets.map(({ target }) => target.id));
  }

  /** Waits until a request is DONE; FAILED raises the API's message with the request id. */
  async finished(context: RequestContext, request: RequestRef, limit: WaitLimit): Promise<RequestStatus> {
    return waitFor({
      context,
      waitingFor: `IONOS request ${request.id} to be DONE`,
      batch: { polls: this.requestPolls, key: request.id },
      kind: `ionos: ${context.operation}`,
      isDone: (status) => status.metadata.status === "DONE",
      failure: (status) =>
        status.metadata.status === "FAILED"
          ? `${status.metadata.message ?? "the request failed without a message"} [request id ${request.id}]`
          : undefined,
      describe: (status) => status.metadata.status,
      ...limit,
      pacing: REQUEST_PACING,
    });
  }

  /**
   * The status of each request: one alone is read directly; several at once from one list of the
   * requests created since the oldest wait began (`depth=2` brings each one's status). A request
   * the list misses (a clock far off) is read directly.
   */
  private async requestStatuses(ids: string[], since: number): Promise<Map<string, RequestStatus | Error>> {
    const context: RequestContext = { cloud: "ionos", operation: "poll request status", resource: `request ${ids.join(", ")}` };
    const listed = new Map<string, RequestStatus>();
    if (ids.length > 1) {
      const found = await this.list(context, "/requests", loggedRequest, 2, PAGE_LIMIT, { "filter.createdAfter": filterDate(since - CLOCK_SLACK_MS) });
      for (const request of found) {
        if (ids.includes(request.id)) listed.set(request.id, { id: request.id, metadata: request.metadata.requestStatus.metadata });
      }
    }
    const unlisted = await readEach(ids.filter((id) => !listed.has(id)), async (id) =>
      parse(context, await this.send(context, "GET", `/requests/${encodeURIComponent(id)}/status`, {}), requestStatus),
    );
    return new Map([...listed, ...unlisted]);
  }

  /**
   * The request a write's `Location` names (`.../requests/<id>/status`). Only its id is taken: its
   * status is read from this client's own API URL, so the token goes nowhere else, and an API
   * reached under another name than the one it answers with (a proxy, a gateway) is still waited
   * for.
   */
  private requestOf(location: string | undefined): RequestRef | undefined {
    if (!location) return undefined;
    const id = /\/requests\/([^/?#]+)\/status$/.exec(new URL(location, this.settings.apiUrl + "/").pathname)?.[1];
    return id ? { id: decodeURIComponent(id) } : undefined;
  }

  private async send(
    context: RequestContext,
    method: HttpMethod,
    pathOrUrl: string,
    query: Record<string, number | string>,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const url = new URL(pathOrUrl.startsWith("http") ? pathOrUrl : this.settings.apiUrl + pathOrUrl);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
    // A form (the volume's create-snapshot action) is sent as the API takes it; anything else as JSON.
    const form = body instanceof URLSearchParams;
    const text = body === undefined ? undefined : form ? body.toString() : JSON.stringify(body);
    let reauthenticated = false;
    const attempt = async (): Promise<HttpResponse> => {
      const headers: Record<string, string> = { ...extraHeaders, authorization: await this.authorization(context), accept: "application/json" };
      if (this.settings.contractNumber) headers["x-contract-number"] = this.settings.contractNumber;
      if (text !== undefined) headers["content-type"] = form ? "application/x-www-form-urlencoded" : "application/json";
      const res = await send(context, { method, url: url.toString(), headers, body: text });
      // A minted token can be revoked: mint a new one, once. A token the user gave is theirs to fix.
      if (res.status === 401 && this.minted && !reauthenticated) {
        reauthenticated = true;
        this.minted.forget();
        return attempt();
      }
      if (res.status >= 400) throw apiError(context, res);
      return res;
    };
    // A POST creates (a second one would make a second resource: creates look first, see
    // `sendOnce`) or acts on a server: not sent again after a 5xx or a lost answer. PATCH, PUT and
    // DELETE set an end state: sent again, they queue one more request to the same end (a DELETE of
    // what is already gone answers 404, which the kit takes as done).
    return sendCounted(this, method, () => withRetries(attempt, { idempotent: method !== "POST" }));
  }

  private async authorization(context: RequestContext): Promise<string> {
    return `Bearer ${this.minted ? await this.minted.get(context) : this.settings.token}`;
  }

  /** `GET /auth/v1/tokens/generate` with Basic auth; the token has no stated lifetime (a year). */
  private async mintToken(context: RequestContext): Promise<FetchedToken> {
    const basic = Buffer.from(`${this.settings.username}:${this.settings.password}`).toString("base64");
    registerSecret(basic);
    const headers: Record<string, string> = { authorization: `Basic ${basic}`, accept: "application/json" };
    if (this.settings.contractNumber) headers["x-contract-number"] = this.settings.contractNumber;
    const url = this.settings.apiUrl.slice(0, -API_PATH.length) + "/auth/v1/tokens/generate";
    const res = await send(context, { method: "GET", url, headers });
    if (res.status >= 400) throw apiError(context, res);
    return { value: parse(context, res, tokenAnswer).token };
  }
}

function parse<T>(context: RequestContext, res: HttpResponse, schema: z.ZodType<T>): T {
  let body: unknown;
  try {
    body = parseJsonBody(res.text);
  } catch {
    throw new UnexpectedResponseError(context, `a body that is not JSON (HTTP ${res.status})`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new UnexpectedResponseError(context, z.prettifyError(parsed.error));
  return parsed.data;
}

/** The API's error, every message with its code; 429 waits as the service says, or one request's share of the rate limit. */
function apiError(context: RequestContext, res: HttpResponse): CloudApiError {
  let message = bodyExcerpt(res.text);
  try {
    const api = errorBody.safeParse(parseJsonBody(res.text));
    if (api.success) message = api.data.messages.map((m) => (m.errorCode ? `[${m.errorCode}] ${m.message}` : m.message)).join("; ");
  } catch {
    // Not JSON: keep the text.
  }
  const perMinute = Number(res.headers["x-ratelimit-limit"]);
  const rateShare = res.status === 429 && perMinute > 0 ? 60 / perMinute : undefined;
  return new CloudApiError(context, res.status, message, res.headers["x-request-id"], parseRetryAfter(res.headers["retry-after"]) ?? rateShare);
}


export const ionos = bindCloud("ionos", readSettings, (settings) => new IonosClient(settings));

/** The provider process's one IONOS client. */
export const ionosClient = () => ionos.client();
