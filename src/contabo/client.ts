/**
 * The Contabo API v1 client: OAuth2 password grant with one cached token per provider process,
 * a fresh `x-request-id` on every request (a create's key on a create), the `{data: [...]}` envelope unwrapped and parsed with
 * zod, and list pagination followed to the end.
 */
import { type SettingsReading, bindCloud } from "../core/binding";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { CloudApiError, type RequestContext, UnexpectedResponseError, bodyExcerpt } from "../core/errors";
import { type HttpMethod, type HttpResponse, parseJsonBody, parseRetryAfter, send } from "../core/http";
import type { CheckFailure } from "../core/kit";
import { AccessToken, oauth2Grant } from "../core/oauth";
import { sendCounted } from "../core/coalesce";
import { withRetries } from "../core/retry";
import { type SettingSpec, checkEndpointUrl, howToSet, readSetting } from "../core/settings";

export const CONTABO_SETTINGS = {
  clientId: { configKey: "contabo:clientId", envNames: ["CNTB_OAUTH2_CLIENT_ID"], secret: true },
  clientSecret: { configKey: "contabo:clientSecret", envNames: ["CNTB_OAUTH2_CLIENT_SECRET"], secret: true },
  user: { configKey: "contabo:user", envNames: ["CNTB_OAUTH2_USER"], secret: true },
  password: { configKey: "contabo:password", envNames: ["CNTB_OAUTH2_PASS"], secret: true },
  apiUrl: { configKey: "contabo:apiUrl", envNames: ["CNTB_API"], default: "https://api.contabo.com" },
  tokenUrl: {
    configKey: "contabo:tokenUrl",
    envNames: ["CNTB_OAUTH2_TOKEN_URL"],
    default: "https://auth.contabo.com/auth/realms/contabo/protocol/openid-connect/token",
  },
} satisfies Record<string, SettingSpec>;

type SettingName = keyof typeof CONTABO_SETTINGS;
type ContaboSettings = Record<SettingName, string>;

const CREDENTIALS: SettingName[] = ["clientId", "clientSecret", "user", "password"];

function readSettings(): SettingsReading<ContaboSettings> {
  const settings: Partial<ContaboSettings> = {};
  const problems: CheckFailure[] = [];
  for (const name of Object.keys(CONTABO_SETTINGS) as SettingName[]) {
    const spec = CONTABO_SETTINGS[name];
    const value = readSetting(spec);
    if (value === undefined) {
      if (CREDENTIALS.includes(name)) {
        problems.push({ property: spec.configKey, reason: `missing Contabo credential: set it with ${howToSet(spec)}` });
      }
      continue;
    }
    const urlProblem = name === "apiUrl" || name === "tokenUrl" ? checkEndpointUrl(spec.configKey, value) : undefined;
    if (urlProblem) problems.push({ property: spec.configKey, reason: urlProblem });
    settings[name] = value;
  }
  if (problems.length > 0) return { problems };
  return { settings: { ...(settings as ContaboSettings), apiUrl: settings.apiUrl!.replace(/\/+$/, "") }, problems };
}

const errorBody = z.object({ message: z.union([z.string(), z.array(z.string())]) }).loose();
const keycloakError = z.object({ error: z.string(), error_description: z.string().optional() }).loose();

const pagination = z.object({
  size: z.number(),
  totalElements: z.number(),
  totalPages: z.number(),
  page: z.number(),
});

/** Items per list page; also the most ids one coalesced read lists. */
export const PAGE_SIZE = 100;
/** How long after a write a 404 on reading it back is taken for eventual consistency. */
const READ_AFTER_WRITE_WINDOW_MS = 60_000;

export interface RequestOptions<T> {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** The schema of one item of the envelope's `data`. */
  item: z.ZodType<T>;
  /** Override the method's default idempotency (e.g. an action that is safe to repeat). */
  idempotent?: boolean;
  /**
   * The `x-request-id` to send instead of a fresh one: a create sends its create key, which the
   * audit log keeps, so a later run finds what the create made (see `createdByKey`).
   */
  requestId?: string;
}

export class ContaboClient {
  /** OAuth2 password grant: one token per process, renewed before it expires. */
  readonly token: AccessToken;
  private readonly recentWrites = new Map<string, number>();

  constructor(private readonly settings: ContaboSettings) {
    this.token = new AccessToken(
      oauth2Grant({
        url: settings.tokenUrl,
        form: {
          client_id: settings.clientId,
          client_secret: settings.clientSecret,
          username: settings.user,
          password: settings.password,
          grant_type: "password",
        },
        error: (context, res) => apiError(context, res, undefined),
      }),
    );
  }

  /** Sends one request and returns the envelope's `data` items, parsed. */
  async request<T>(context: RequestContext, method: HttpMethod, path: string, options: RequestOptions<T>): Promise<T[]> {
    const answer = await this.send(context, method, path, options);
    return this.parseItems(context, answer, options.item);
  }

  /** Like request, for answers that must hold exactly one item. */
  async one<T>(context: RequestContext, method: HttpMethod, path: string, options: RequestOptions<T>): Promise<T> {
    const items = await this.request(context, method, path, options);
    if (items.length !== 1) {
      // The operation names what is expected: "read tag" expects one tag.
      const noun = context.operation.split(" ").slice(1).join(" ") || "item";
      throw new UnexpectedResponseError(context, `expected one ${noun} in data, got ${items.length}`);
    }
    return items[0];
  }

  /** Sends a request whose answer has no useful body (DELETE 204, links only). */
  async call(
    context: RequestContext,
    method: HttpMethod,
    path: string,
    body?: unknown,
    options: Pick<RequestOptions<unknown>, "idempotent" | "requestId"> = {},
  ): Promise<void> {
    await this.send(context, method, path, { body, item: z.unknown(), ...options });
  }

  /** Every item of a list, following the pagination to the last page. */
  async list<T>(context: RequestContext, path: string, options: Omit<RequestOptions<T>, "body">): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const answer = await this.send(context, "GET", path, {
        ...options,
        query: { ...options.query, page, size: PAGE_SIZE },
      });
      items.push(...this.parseItems(context, answer, options.item));
      // Some lists (the role audits) are specified without `_pagination`: such an answer is one complete page.
      const { _pagination } = answer as { _pagination?: unknown };
      if (_pagination === undefined) return items;
      const paging = pagination.safeParse(_pagination);
      if (!paging.success) throw new UnexpectedResponseError(context, `list with an invalid _pagination: ${paging.error.message}`);
      if (page >= paging.data.totalPages) return items;
    }
  }

  private parseItems<T>(context: RequestContext, answer: unknown, item: z.ZodType<T>): T[] {
    const parsed = z.object({ data: z.array(item) }).safeParse(answer);
    if (!parsed.success) throw new UnexpectedResponseError(context, z.prettifyError(parsed.error));
    return parsed.data.data;
  }

  private async send(context: RequestContext, method: HttpMethod, path: string, options: RequestOptions<unknown>): Promise<unknown> {
    const url = new URL(this.settings.apiUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const idempotent = options.idempotent ?? method !== "POST";
    let reauthenticated = false;
    const attempt = async (): Promise<unknown> => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${await this.token.get(context)}`,
        "x-request-id": options.requestId ?? randomUUID(),
        accept: "application/json",
      };
      if (context.traceId) headers["x-trace-id"] = context.traceId;
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await send(context, { method, url: url.toString(), headers, body });
      // A token can be revoked or expire early: re-authenticate once.
      if (res.status === 401 && !reauthenticated) {
        reauthenticated = true;
        this.token.forget();
        return attempt();
      }
      if (res.status >= 400) throw apiError(context, res, headers["x-request-id"]);
      return parseJsonBody(res.text);
    };
    const answer = await sendCounted(this, method, () => withRetries(attempt, { idempotent, retryNotFound: method === "GET" && this.writtenRecently(path) }));
    this.noteWrite(method, path, answer);
    return answer;
  }

  /**
   * Contabo is eventually consistent: a resource just created (or changed) may answer 404 for a
   * moment. The client remembers what it wrote in the last minute (the request path, and the
   * `_links.self` of the answer), and a read of it retries a 404 instead of taking it as gone.
   */
  private noteWrite(method: HttpMethod, path: string, answer: unknown): void {
    if (method === "GET") return;
    if (method === "DELETE") {
      this.recentWrites.delete(path);
      return;
    }
    const now = Date.now();
    // Forget what left the window, so a long-lived provider process does not keep every path.
    for (const [written, at] of this.recentWrites) if (now - at >= READ_AFTER_WRITE_WINDOW_MS) this.recentWrites.delete(written);
    const self = z.object({ _links: z.object({ self: z.string() }).loose() }).safeParse(answer);
    for (const written of [path, self.success ? self.data._links.self : undefined]) {
      if (written) this.recentWrites.set(written, now);
    }
  }

  /** Whether this client wrote the resource at this path in the last minute. */
  writtenRecently(path: string): boolean {
    const at = this.recentWrites.get(path);
    return at !== undefined && Date.now() - at < READ_AFTER_WRITE_WINDOW_MS;
  }
}

function apiError(context: RequestContext, res: HttpResponse, requestId: string | undefined): CloudApiError {
  let message = bodyExcerpt(res.text);
  try {
    const body = parseJsonBody(res.text);
    const api = errorBody.safeParse(body);
    const keycloak = keycloakError.safeParse(body);
    if (api.success) message = [api.data.message].flat().join("; ");
    else if (keycloak.success) message = [keycloak.data.error, keycloak.data.error_description].filter(Boolean).join(": ");
  } catch {
    // Not JSON: keep the text.
  }
  return new CloudApiError(context, res.status, message, res.headers["x-request-id"] ?? requestId, parseRetryAfter(res.headers["retry-after"]));
}


export const contabo = bindCloud("contabo", readSettings, (settings) => new ContaboClient(settings));

/** The provider process's one Contabo client. */
export const contaboClient = () => contabo.client();
