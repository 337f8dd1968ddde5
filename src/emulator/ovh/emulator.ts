/**
 * A local, stateful fake of the OVHcloud API (`/1.0`) as its schemas and official clients define
 * it: application-key signatures checked as OVH checks them (over the URL and the raw body bytes
 * received, against the server's clock), the unsigned `GET /auth/time`, the OAuth2 token
 * endpoint (client credentials), 20 requests per second with 429 beyond, `{class, message}`
 * errors with an `X-Ovh-QueryID`, DNS zones with refresh, Public Cloud projects and IP blocks.
 */
import { createHash, randomBytes } from "node:crypto";
import { type EmulatorRequest, type EmulatorResponse, type EmulatorServer, findRoute, startServer } from "../server";
import { error, ok } from "./answers";
import { type InstanceStatus, type Project, cloudRoutes, newProject } from "./cloud";
import { type Zone, domainRoutes, newZone } from "./domain";
import { type IpBlock, ipRoutes, purchasedIps } from "./ip";
import { databaseRoutes, liveDatabaseResources } from "./databases";
import { kubeResources, kubeRoutes } from "./kube";
import { volumeRoutes, volumesOf } from "./volumes";
import { liveUsersStorage, usersStorageRoutes } from "./users-storage";

export const API_BASE = "/1.0";
export const OAUTH2_TOKEN_PATH = "/auth/oauth2/token";
/** OVH's limit per application. */
export const REQUESTS_PER_SECOND = 20;
/** How far a request's timestamp may be from the server's clock (an inference: OVH does not publish it). */
const TIMESTAMP_TOLERANCE_SECONDS = 60;

export interface OvhCredentials {
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
  clientId: string;
  clientSecret: string;
}

export interface OvhEmulatorOptions {
  port?: number;
  /**
   * How long an instance takes from BUILD to ACTIVE (a resize takes half of it, a network region a
   * quarter). `Infinity`: never (instances stay in BUILD, network regions BUILDING).
   */
  buildMs?: number;
  /** The server's clock minus this machine's: clients must sign with the server's time. */
  clockSkewSeconds?: number;
  tokenTtlSeconds?: number;
  /** Credentials to accept instead of random ones. */
  credentials?: Partial<OvhCredentials>;
  zones?: string[];
  projects?: string[];
}

export interface OvhEmulator extends EmulatorServer {
  /** The endpoint to configure (`ovh:endpoint`), e.g. `http://127.0.0.1:1234/1.0`. */
  apiUrl: string;
  tokenUrl: string;
  credentials: OvhCredentials;
  /** The project every test uses (the first of `projects`). */
  serviceName: string;
  readonly tokensIssued: number;
  /** Arrival times (ms) of every API request, and how many were refused with 429 for the rate. */
  rate: { arrivals: number[]; refused: number };
  store: { zones: Map<string, Zone>; projects: Map<string, Project>; ips: Map<string, IpBlock> };
  /** Forces an instance into a status (a build that never ends, an error). */
  setInstanceStatus(instanceId: string, status: InstanceStatus): void;
  /** Resources a stack may have created: records, SSH keys, networks and instances. */
  liveResources(): number;
  /** Forgets every resource, token, log entry and rate count; clears faults. */
  reset(): void;
}

export async function startOvhEmulator(options: OvhEmulatorOptions = {}): Promise<OvhEmulator> {
  const skew = options.clockSkewSeconds ?? 0;
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 3600;
  const zoneNames = options.zones ?? ["example.com", "example.org"];
  const projectNames = options.projects ?? [randomBytes(16).toString("hex")];
  const credentials: OvhCredentials = {
    applicationKey: randomBytes(8).toString("hex"),
    applicationSecret: randomBytes(16).toString("hex"),
    consumerKey: randomBytes(16).toString("hex"),
    clientId: randomBytes(8).toString("hex"),
    clientSecret: randomBytes(16).toString("hex"),
    ...options.credentials,
  };
  const store = {
    zones: new Map(zoneNames.map((name) => [name, newZone(name)])),
    projects: new Map(projectNames.map((name) => [name, newProject(name)])),
    ips: purchasedIps(),
  };
  const tokens = new Map<string, number>();
  const rate = { arrivals: [] as number[], refused: 0 };
  let tokensIssued = 0;
  let nextId = 5_100_000_000;

  const serverTime = () => Math.floor(Date.now() / 1000) + skew;
  const routes = [
    ...domainRoutes({ zones: store.zones, nextId: () => nextId++ }),
    ...cloudRoutes({ projects: store.projects, buildMs: options.buildMs ?? 5_000 }),
    ...ipRoutes({ ips: store.ips }),
    ...databaseRoutes({ projects: store.projects, buildMs: options.buildMs ?? 5_000 }),
    ...kubeRoutes({ projects: store.projects, buildMs: options.buildMs ?? 5_000 }),
    ...volumeRoutes({ projects: store.projects, buildMs: options.buildMs ?? 5_000 }),
    ...usersStorageRoutes({ projects: store.projects, buildMs: options.buildMs ?? 5_000 }),
  ];

  function issueToken(request: EmulatorRequest): EmulatorResponse {
    const form = new URLSearchParams(request.body);
    if (form.get("grant_type") !== "client_credentials") {
      return { status: 400, body: { error: "unsupported_grant_type", error_description: "grant_type must be client_credentials" } };
    }
    if (form.get("client_id") !== credentials.clientId || form.get("client_secret") !== credentials.clientSecret) {
      return { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed" } };
    }
    const accessToken = randomBytes(24).toString("base64url");
    tokens.set(accessToken, Date.now() + tokenTtlSeconds * 1000);
    tokensIssued++;
    return { status: 200, body: { access_token: accessToken, token_type: "Bearer", expires_in: tokenTtlSeconds, scope: form.get("scope") ?? "all" } };
  }

  /** Why OVH would refuse the request's credentials, or undefined when they are good. */
  function authProblem(request: EmulatorRequest, url: string): EmulatorResponse | undefined {
    const header = (name: string) => request.headers[name] as string | undefined;
    const bearer = /^Bearer (.+)$/.exec(header("authorization") ?? "")?.[1];
    if (bearer) {
      const expiresAt = tokens.get(bearer);
      return expiresAt !== undefined && expiresAt > Date.now() ? undefined : error(401, "Invalid or expired access token");
    }
    const applicationKey = header("x-ovh-application");
    if (!applicationKey) return error(401, "You must login first");
    if (applicationKey !== credentials.applicationKey) return error(403, "Invalid application key");
    if (header("x-ovh-consumer") !== credentials.consumerKey) return error(403, "This credential does not exist");
    const timestamp = Number(header("x-ovh-timestamp"));
    if (!Number.isInteger(timestamp) || Math.abs(timestamp - serverTime()) > TIMESTAMP_TOLERANCE_SECONDS) {
      return error(400, "Query out of time");
    }
    const signed = [credentials.applicationSecret, credentials.consumerKey, request.method, url, request.body, timestamp].join("+");
    const expected = `$1$${createHash("sha1").update(signed).digest("hex")}`;
    return header("x-ovh-signature") === expected ? undefined : error(400, "Invalid signature");
  }

  /** Counts the request against the last second; true when it is one too many. */
  function overLimit(): boolean {
    const now = Date.now();
    rate.arrivals.push(now);
    const lastSecond = rate.arrivals.filter((at) => at > now - 1000).length;
    // Refused requests do not count against the limit: only the ones served.
    if (lastSecond > REQUESTS_PER_SECOND) {
      rate.arrivals.pop();
      rate.refused++;
      return true;
    }
    return false;
  }

  function handle(request: EmulatorRequest): EmulatorResponse {
    if (request.path === OAUTH2_TOKEN_PATH) {
      return request.method === "POST" ? issueToken(request) : error(405, "Method Not Allowed");
    }
    if (!request.path.startsWith(`${API_BASE}/`)) return error(404, `Cannot ${request.method} ${request.path}`);
    if (overLimit()) return error(429, "Too many requests, please slow down");
    const path = request.path.slice(API_BASE.length);
    if (path === "/auth/time") return ok(serverTime());
    // The signature covers the full URL the client called: rebuilt from the Host header, path and query received.
    const query = request.query.toString();
    const url = `http://${request.headers.host}${request.path}${query ? `?${query}` : ""}`;
    const refused = authProblem(request, url);
    if (refused) return refused;
    const { route, params, pathKnown } = findRoute(routes, { ...request, path });
    if (route) return route.handle({ ...request, path }, ...params);
    return pathKnown ? error(405, "Method Not Allowed") : error(404, `Got an invalid (or empty) URL: ${request.path}`);
  }

  const server = await startServer({
    port: options.port,
    handle,
    faultAnswer: error,
    credentialPaths: /oauth2\/token$/,
  });
  return {
    ...server,
    apiUrl: server.url + API_BASE,
    tokenUrl: server.url + OAUTH2_TOKEN_PATH,
    credentials,
    serviceName: projectNames[0],
    get tokensIssued() {
      return tokensIssued;
    },
    rate,
    store,
    setInstanceStatus(instanceId, status) {
      const instance = [...store.projects.values()].map((p) => p.instances.get(instanceId)).find(Boolean);
      if (!instance) throw new Error(`no instance ${instanceId}`);
      instance.forcedStatus = status;
    },
    liveResources: () =>
      [...store.zones.values()].reduce((n, zone) => n + zone.records.size, 0) +
      [...store.projects.values()].reduce((n, p) => n + liveDatabaseResources(p), 0) +
      [...store.projects.values()].reduce((n, p) => n + p.sshKeys.size + p.networks.size + p.instances.size + volumesOf(p).size, 0) +
      liveUsersStorage(store.projects.values()) +
      [...store.projects.values()].reduce((n, p) => n + kubeResources(p), 0),
    reset() {
      for (const name of store.zones.keys()) store.zones.set(name, newZone(name));
      for (const name of store.projects.keys()) store.projects.set(name, newProject(name));
      for (const [ip, block] of purchasedIps()) store.ips.set(ip, block);
      tokens.clear();
      rate.arrivals.length = 0;
      rate.refused = 0;
      server.log.entries.length = 0;
      server.faults.clear();
    },
  };
}
