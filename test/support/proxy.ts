/**
 * A forwarding HTTP proxy on 127.0.0.1 in front of an emulator, as a gateway or a fault proxy
 * would stand between a provider and its cloud: the API answers with its own URLs (an IONOS
 * `Location` names the emulator, not the proxy), and `dropHeaders` are taken out of every answer.
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

export async function startProxy(target: string, options: { dropHeaders?: string[] } = {}): Promise<Proxy> {
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
      const kept = Object.entries(answer.headers).filter(([name]) => !drop.has(name) && name !== "transfer-encoding" && name !== "connection");
      res.writeHead(answer.statusCode, Object.fromEntries(kept));
      res.end(Buffer.from(await answer.body.arrayBuffer()));
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
