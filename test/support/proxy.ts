/**
 * A forwarding HTTP proxy on 127.0.0.1 in front of an emulator, as a gateway or a fault proxy
 * would stand between a provider and its cloud: the API answers with its own URLs (an IONOS
 * `Location` names the emulator, not the proxy), and `dropHeaders` are taken out of every answer.
 * `rewrite` may change an answer's body, as an API that changed would answer.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";

export interface Proxy {
  /** The proxy's URL with the target URL's path, e.g. `http://127.0.0.1:4321/cloudapi/v6`. */
  url: string;
  /** Requests forwarded so far. */
  forwarded: number;
  stop(): Promise<void>;
}

export interface ProxyOptions {
  dropHeaders?: string[];
  /** The body to answer instead, from the request's method and URL and the API's body. */
  rewrite?: (method: string, url: string, body: string) => string;
}

export async function startProxy(target: string, options: ProxyOptions = {}): Promise<Proxy> {
  const origin = new URL(target).origin;
  const drop = new Set((options.dropHeaders ?? []).map((name) => name.toLowerCase()));
  const server = http.createServer(async (req, res) => {
    proxy.forwarded++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { host: _host, connection: _connection, ...headers } = req.headers;
    try {
      const answer = await request(origin + req.url, {
        method: req.method as "GET",
        headers: headers as Record<string, string>,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      const dropped = new Set([...drop, "transfer-encoding", "connection", "content-length"]);
      const kept = Object.entries(answer.headers).filter(([name]) => !dropped.has(name));
      const body = await answer.body.text();
      res.writeHead(answer.statusCode, Object.fromEntries(kept));
      res.end(options.rewrite ? options.rewrite(req.method ?? "GET", req.url ?? "", body) : body);
    } catch {
      req.socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: Proxy = {
    url: `http://127.0.0.1:${port}${new URL(target).pathname.replace(/\/$/, "")}`,
    forwarded: 0,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return proxy;
}
