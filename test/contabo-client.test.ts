/**
 * The Contabo client over real HTTP against the emulator: one token per process, renewed before
 * it expires and once after a 401; a fresh x-request-id per request and one x-trace-id per
 * operation; pagination followed to the end; errors that carry the API's message and never a
 * credential; missing credentials named with both ways to set them.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ContaboClient, contabo, contaboClient } from "../src/contabo/client";
import type { ContaboEmulator } from "../src/emulator";
import { contaboEnv, ENV_NAMES, stopContaboEmulator, useContaboEmulator } from "./support/contabo";
import { startProxy } from "./support/proxy";

let emulator: ContaboEmulator;
beforeAll(async () => {
  emulator = await useContaboEmulator();
});
afterAll(() => stopContaboEmulator(emulator));

const context = () => ({ cloud: "contabo" as const, operation: "test", traceId: randomUUID() });
const tagItem = z.object({ tagId: z.number(), name: z.string() }).loose();

/** A client of its own, so token counts do not depend on the other tests. */
function freshClient(target: ContaboEmulator = emulator): ContaboClient {
  return new ContaboClient(settingsFor(target));
}

test("one token for many calls; a 401 (revoked token) re-authenticates once", async () => {
  const client = freshClient();
  await Promise.all(Array.from({ length: 5 }, () => client.list(context(), "/v1/tags", { item: tagItem })));
  expect(client.token.requests).toBe(1);

  // The emulator forgets its tokens, as after a revocation.
  emulator.reset();
  await client.list(context(), "/v1/tags", { item: tagItem });
  expect(client.token.requests).toBe(2);
});

test("a token is renewed before it expires", async () => {
  const shortLived = await useContaboEmulator({ tokenTtlSeconds: 1 });
  const client = freshClient(shortLived);
  await client.list(context(), "/v1/tags", { item: tagItem });
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  await client.list(context(), "/v1/tags", { item: tagItem });
  expect(client.token.requests).toBe(2);
  // No request was refused for an expired token.
  expect(shortLived.log.entries.filter((entry) => entry.status === 401)).toHaveLength(0);
  await shortLived.stop();
  Object.assign(process.env, contaboEnv(emulator));
});

test("fresh x-request-id per request, one x-trace-id per operation", async () => {
  const client = freshClient();
  const before = emulator.log.entries.length;
  const operation = context();
  await client.list(operation, "/v1/tags", { item: tagItem });
  await client.list(operation, "/v1/secrets", { item: z.unknown() });
  const api = emulator.log.entries.slice(before).filter((entry) => entry.path.startsWith("/v1/"));
  expect(api).toHaveLength(2);
  expect(new Set(api.map((entry) => entry.headers["x-request-id"])).size).toBe(2);
  expect(api.map((entry) => entry.headers["x-trace-id"])).toEqual([operation.traceId, operation.traceId]);
});

test("lists follow the pagination to the last page", async () => {
  const client = freshClient();
  for (let i = 0; i < 230; i++) {
    await client.call(context(), "POST", "/v1/tags", { name: `paged-${i}` });
  }
  const before = emulator.log.entries.length;
  const tags = await client.list(context(), "/v1/tags", { query: { name: "paged-" }, item: tagItem });
  expect(tags).toHaveLength(230);
  expect(emulator.log.entries.slice(before).filter((e) => e.path === "/v1/tags")).toHaveLength(3);
});

test("an answer that must hold one item and holds two says so, naming what it expected", async () => {
  const client = freshClient();
  await client.call(context(), "POST", "/v1/tags", { name: "twice" });
  const [tag] = await client.list(context(), "/v1/tags", { query: { name: "twice" }, item: tagItem });
  // An API that changed: the answer of one tag holds it twice.
  const proxy = await startProxy(emulator.url, {
    rewrite: (method, url, body) => {
      if (method !== "GET" || !url.startsWith(`/v1/tags/${tag.tagId}`)) return body;
      const answer = JSON.parse(body);
      return JSON.stringify({ ...answer, data: [...answer.data, ...answer.data] });
    },
  });
  try {
    const changed = new ContaboClient({ ...settingsFor(emulator), apiUrl: proxy.url });
    const error = await changed.one({ ...context(), operation: "read tag" }, "GET", `/v1/tags/${tag.tagId}`, { item: tagItem }).catch((e: Error) => e);
    expect((error as Error).message).toBe("contabo: read tag: unexpected response from the API: expected one tag in data, got 2");
  } finally {
    await proxy.stop();
  }
});

test("errors carry the API's message and request id, never a credential", async () => {
  const client = freshClient();
  const error = await failure(client.call(context(), "POST", "/v1/tags", { name: "bad name" }));
  expect(error.message).toMatch(/^contabo: test failed: HTTP 400: name may contain letters.*\[request id [0-9a-f-]{36}\]$/);

  const wrong = new ContaboClient({ ...settingsFor(emulator), password: "not-the-password" });
  const refused = await failure(wrong.list(context(), "/v1/tags", { item: tagItem }));
  expect(refused.message).toMatch(/HTTP 401: invalid_grant: Invalid user credentials/);
  const everything = `${error.message} ${error.stack} ${refused.message} ${refused.stack}`;
  for (const credential of Object.values(emulator.credentials)) expect(everything).not.toContain(credential);
});

test("missing credentials are named with the config key and the environment variable", () => {
  const saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
  delete process.env.CNTB_OAUTH2_CLIENT_SECRET;
  delete process.env.CNTB_OAUTH2_PASS;
  try {
    expect(contabo.settingsProblems()).toEqual([
      { property: "contabo:clientSecret", reason: expect.stringMatching(/contabo:clientSecret.*CNTB_OAUTH2_CLIENT_SECRET/) },
      { property: "contabo:password", reason: expect.stringMatching(/contabo:password.*CNTB_OAUTH2_PASS/) },
    ]);
    expect(() => contaboClient()).toThrow(/^contabo: contabo:clientSecret: missing Contabo credential/);
  } finally {
    Object.assign(process.env, saved);
  }
});

test("plain http to a non-loopback host is refused", () => {
  const saved = process.env.CNTB_API;
  process.env.CNTB_API = "http://api.example.com";
  try {
    expect(contabo.settingsProblems()).toEqual([{ property: "contabo:apiUrl", reason: expect.stringMatching(/https/) }]);
  } finally {
    process.env.CNTB_API = saved;
  }
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

function settingsFor(target: ContaboEmulator) {
  const env = contaboEnv(target);
  return {
    apiUrl: env.CNTB_API, tokenUrl: env.CNTB_OAUTH2_TOKEN_URL, clientId: env.CNTB_OAUTH2_CLIENT_ID,
    clientSecret: env.CNTB_OAUTH2_CLIENT_SECRET, user: env.CNTB_OAUTH2_USER, password: env.CNTB_OAUTH2_PASS,
  };
}

test("a resource not yet visible after its create (eventual consistency) is waited for, a deleted one is not", async () => {
  const lagging = await useContaboEmulator({ visibilityDelayMs: 600 });
  try {
    const { ops } = await import("./support/contabo");
    const created = await ops("Tag").create({ name: "lagging", color: "#0A78C3" });
    expect(created.outs).toMatchObject({ name: "lagging" });
    // Read at once after its create: the GET retries the 404s until the tag is visible.
    expect((await ops("Tag").read(created.id, created.outs)).props).toMatchObject({ name: "lagging" });
    const reads = lagging.log.entries.filter((entry) => entry.method === "GET" && entry.path === `/v1/tags/${created.id}`);
    expect(reads.map((entry) => entry.status)).toEqual([...reads.slice(0, -1).map(() => 404), 200]);
    expect(reads.length).toBeGreaterThan(1);

    await ops("Tag").delete(created.id, created.outs);
    const started = Date.now();
    expect(await ops("Tag").read(created.id, created.outs)).toEqual({});
    expect(Date.now() - started).toBeLessThan(500);
  } finally {
    await lagging.stop();
    Object.assign(process.env, contaboEnv(emulator));
  }
});
