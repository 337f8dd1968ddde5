/**
 * The HTTP server under every emulator: listens on 127.0.0.1, reads the request, applies the
 * fault injector, calls the cloud's handler and keeps a request log.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { type FaultKind, FaultInjector } from "./faults";

export interface EmulatorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface EmulatorResponse {
  status: number;
  /** Serialized as JSON; absent for an empty body. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface LogEntry {
  method: string;
  path: string;
  /** The query string, `?` included ("" without one). */
  query: string;
  /** The answer's status, "reset" when the connection was dropped, "held" when it was never sent. */
  status: number | "reset" | "held";
  fault?: FaultKind;
  headers: Record<string, string | undefined>;
  /** The request's body (parsed when JSON) and the answer's body, for contract tests. */
  body?: unknown;
  answer?: unknown;
}

export interface EmulatorServer {
  url: string;
  faults: FaultInjector;
  log: { entries: LogEntry[] };
  stop(): Promise<void>;
}

export interface ServerOptions {
  port?: number;
  handle(request: EmulatorRequest): EmulatorResponse | Promise<EmulatorResponse>;
  /** The cloud's error answer for an injected fault. */
  faultAnswer(status: number, message: string): EmulatorResponse;
  /** Paths whose bodies carry credentials or tokens: their bodies are not logged. */
  credentialPaths?: RegExp;
}

/** Headers worth keeping in the log: never the authorization header. */
const LOGGED_HEADERS = ["x-request-id", "x-trace-id", "content-type", "user-agent"];

export async function startServer(options: ServerOptions): Promise<EmulatorServer> {
  const faults = new FaultInjector();
  const log = { entries: [] as LogEntry[] };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const request: EmulatorRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    const entry: LogEntry = {
      method: request.method,
      path: request.path,
      query: url.search,
      status: "reset",
      headers: Object.fromEntries(LOGGED_HEADERS.map((name) => [name, req.headers[name] as string | undefined])),
      body: request.body ? (jsonBody(request) ?? request.body) : undefined,
    };
    log.entries.push(entry);
    const logBodies = !options.credentialPaths?.test(request.path);
    if (!logBodies) entry.body = undefined;

    const fault = faults.take(request.method, request.path);
    entry.fault = fault?.kind;
    if (fault?.kind === "reset-before") return void req.socket.destroy();
    if (fault?.kind === "latency") await sleep(fault.latencyMs);

    let answer: EmulatorResponse;
    if (fault?.kind === "429") {
      answer = options.faultAnswer(429, "Too Many Requests");
      answer.headers = { ...answer.headers, "retry-after": String(fault.retryAfterSeconds) };
    } else if (fault?.kind === "echo") {
      answer = options.faultAnswer(400, `Bad request: ${request.method} ${req.url} headers ${JSON.stringify(req.headers)} body ${request.body}`);
    } else if (fault && /^5\d\d$/.test(fault.kind)) {
      answer = options.faultAnswer(Number(fault.kind), "Injected server error");
    } else {
      answer = await options.handle(request);
    }
    if (fault?.kind === "reset-after") return void req.socket.destroy();
    if (fault?.kind === "hold-after") {
      entry.status = "held";
      return void fault.onHeld?.();
    }

    entry.status = answer.status;
    if (logBodies) entry.answer = answer.body;
    const text = answer.body === undefined ? "" : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...(text ? { "content-type": "application/json" } : {}),
      ...answer.headers,
    });
    res.end(text);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      const answer = options.faultAnswer(500, `emulator bug: ${String(error)}`);
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** JSON body of a request, or undefined when it is not JSON. */
export function jsonBody(request: EmulatorRequest): unknown {
  if (!request.body) return {};
  try {
    return JSON.parse(request.body);
  } catch {
    return undefined;
  }
}

/** A tiny router: `route("GET", /^\/v1\/tags\/(\d+)$/, handler)`; captured groups are passed on. */
export interface Route {
  method: string;
  pattern: RegExp;
  handle(request: EmulatorRequest, ...params: string[]): EmulatorResponse;
}

export function findRoute(routes: Route[], request: EmulatorRequest): { route?: Route; params: string[]; pathKnown: boolean } {
  let pathKnown = false;
  for (const route of routes) {
    const match = route.pattern.exec(request.path);
    if (!match) continue;
    pathKnown = true;
    if (route.method === request.method) return { route, params: match.slice(1), pathKnown };
  }
  return { params: [], pathKnown };
}
