/**
 * The IONOS client over real HTTP against the emulator: a token minted once per process (or the
 * one given), X-Contract-Number on every call, the API URL as the official SDKs read it, errors
 * carried whole and never with a credential, collections followed by offset, and the adaptive
 * polling of request status measured against the time each request is DONE.
 */
import { z } from "zod";
import type { IonosEmulator } from "../src/emulator";
import { IonosClient, type IonosSettings, ionos, ionosClient } from "../src/ionos/client";
import { ENV_NAMES, checkAndCreate, ionosEnv, stopIonosEmulator, useIonosEmulator } from "./support/ionos";
import { startProxy } from "./support/proxy";

let emulator: IonosEmulator;
beforeAll(async () => {
  emulator = await useIonosEmulator();
});
afterAll(() => stopIonosEmulator(emulator));

const context = { cloud: "ionos" as const, operation: "test" };
const item = z.object({ id: z.string(), properties: z.object({ name: z.string() }).loose() }).loose();
const limit = { timeoutMs: 30_000, howToRaise: "-" };

function settingsFor(target: IonosEmulator, extra: Partial<IonosSettings> = {}): IonosSettings {
  return { apiUrl: target.apiUrl, username: target.credentials.username, password: target.credentials.password, ...extra };
}

/** The error a call fails with. */
const failure = (promise: Promise<unknown>): Promise<Error> => promise.then(() => new Error("expected a failure"), (error: Error) => error);

test("the provider process mints one token for all its operations", async () => {
  const issued = emulator.tokensIssued;
  await Promise.all(Array.from({ length: 4 }, (_, i) => checkAndCreate("Datacenter", { name: `many-${i}`, location: "de/fra" })));
  expect(emulator.tokensIssued - issued).toBeLessThanOrEqual(1);
  expect((ionosClient().minted?.requests ?? 0)).toBe(1);
  const basicAuthCalls = emulator.log.entries.filter((entry) => entry.path === "/auth/v1/tokens/generate");
  expect(basicAuthCalls).toHaveLength(1);
});

test("one token for concurrent calls; a revoked minted token is minted again, once", async () => {
  const client = new IonosClient(settingsFor(emulator));
  await Promise.all(Array.from({ length: 5 }, () => client.list(context, "/datacenters", item)));
  expect(client.minted?.requests ?? 0).toBe(1);
  emulator.reset(); // forgets the tokens it minted, as after a revocation
  await client.list(context, "/datacenters", item);
  expect(client.minted?.requests ?? 0).toBe(2);
});

test("a token given by the user is sent as is, never minted or replaced", async () => {
  const client = new IonosClient({ apiUrl: emulator.apiUrl, token: emulator.credentials.token });
  await client.list(context, "/datacenters", item);
  expect(client.minted?.requests ?? 0).toBe(0);
  const revoked = new IonosClient({ apiUrl: emulator.apiUrl, token: "revoked.token.value" });
  const error = await failure(revoked.list(context, "/datacenters", item));
  expect(error.message).toBe("ionos: test failed: HTTP 401: [315] Unauthorized");
  expect(revoked.minted?.requests ?? 0).toBe(0);
});

test("X-Contract-Number is sent on every call, the token request included", async () => {
  const multi = await useIonosEmulator({ contractNumber: "31415926" });
  try {
    const without = new IonosClient(settingsFor(multi));
    expect((await failure(without.list(context, "/datacenters", item))).message).toMatch(/HTTP 401: .*X-Contract-Number/);

    const before = multi.log.entries.length;
    process.env.IONOS_CONTRACT_NUMBER = "31415926";
    const { outs } = await checkAndCreate("Datacenter", { name: "contract", location: "de/fra" });
    expect(outs).toMatchObject({ name: "contract" });
    expect(multi.log.entries.slice(before).every((entry) => entry.status !== 401)).toBe(true);
  } finally {
    await stopIonosEmulator(multi);
    Object.assign(process.env, ionosEnv(emulator));
  }
});

test("the API URL may be given without /cloudapi/v6, as the official SDKs allow", async () => {
  const client = new IonosClient(settingsFor(emulator, { apiUrl: `${emulator.url}/cloudapi/v6` }));
  process.env.IONOS_API_URL = emulator.url;
  try {
    expect(ionosClient().settings.apiUrl).toBe(client.settings.apiUrl);
    await ionosClient().list(context, "/datacenters", item);
  } finally {
    process.env.IONOS_API_URL = emulator.apiUrl;
  }
});

test("collections are followed by offset and limit to the end", async () => {
  const client = new IonosClient(settingsFor(emulator));
  const { id } = await checkAndCreate("Datacenter", { name: "paged", location: "de/fra" });
  for (let i = 0; i < 5; i++) await checkAndCreate("Lan", { datacenterId: id, name: `paged-${i}` });
  const before = emulator.log.entries.length;
  const lans = await client.list(context, `/datacenters/${id}/lans`, item, 1, 2);
  expect(lans.map((lan) => lan.properties.name)).toEqual(["paged-0", "paged-1", "paged-2", "paged-3", "paged-4"]);
  expect(emulator.log.entries.slice(before).filter((entry) => entry.path.endsWith("/lans"))).toHaveLength(3);
});

test("errors carry every message of the API with its code, never a credential", async () => {
  const client = new IonosClient(settingsFor(emulator));
  const error = await failure(client.write(context, "POST", "/datacenters", { properties: { location: "xx/yyy", colour: "red" } }, limit));
  expect(error.message).toMatch(/^ionos: test failed: HTTP 422: \[100\] \[VDC-5-1\] Attribute 'properties.location': .+; \[100\] \[VDC-5-1\] .*colour/);

  const wrong = new IonosClient(settingsFor(emulator, { password: "not-the-password" }));
  const refused = await failure(wrong.list(context, "/datacenters", item));
  expect(refused.message).toBe("ionos: test: generate a token failed: HTTP 401: [315] Unauthorized");
  const everything = `${error.message} ${error.stack} ${refused.message} ${refused.stack}`;
  for (const credential of Object.values(emulator.credentials)) expect(everything).not.toContain(credential);
});

test("missing credentials are named with the config key and the environment variable", () => {
  const saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
  try {
    delete process.env.IONOS_PASSWORD;
    expect(ionos.settingsProblems()).toEqual([
      { property: "ionos:password", reason: expect.stringMatching(/ionos:password.*IONOS_PASSWORD/) },
    ]);
    delete process.env.IONOS_USERNAME;
    expect(ionos.settingsProblems()).toEqual([
      { property: "ionos:token", reason: expect.stringMatching(/ionos:token.*IONOS_TOKEN.*ionos:username.*IONOS_USERNAME.*ionos:password/) },
    ]);
    expect(() => ionosClient()).toThrow(/^ionos: ionos:token: missing IONOS credentials/);
    process.env.IONOS_TOKEN = "a-token";
    process.env.IONOS_CONTRACT_NUMBER = "one";
    process.env.IONOS_API_URL = "http://api.example.com";
    expect(ionos.settingsProblems()).toEqual([
      { property: "ionos:apiUrl", reason: expect.stringMatching(/https/) },
      { property: "ionos:contractNumber", reason: 'must be a contract number (digits), got "one"' },
    ]);
  } finally {
    for (const name of ENV_NAMES) delete process.env[name];
    Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, value]) => value !== undefined)));
  }
});

describe("behind a proxy, the API answering with its own URLs", () => {
  test.each([
    ["a Location on another host", []],
    ["no Location at all", ["location"]],
  ])("a write returns only when it is done (%s); every request goes to the API URL given", async (_, dropHeaders) => {
    const target = await useIonosEmulator({ requestMs: 500 });
    const proxy = await startProxy(target.apiUrl, { dropHeaders });
    try {
      const direct = new IonosClient({ apiUrl: target.apiUrl, token: target.credentials.token });
      const { body } = await direct.accept(context, "POST", "/datacenters", { properties: { name: "behind", location: "de/fra" } }, item);
      const path = `/datacenters/${body.id}`;
      await direct.settled(context, path, "available", limit);

      const before = target.log.entries.length;
      const client = new IonosClient({ apiUrl: proxy.url, token: target.credentials.token });
      await client.write(context, "PATCH", path, { name: "renamed" }, limit);
      expect(target.store.nodes.get(path)?.properties.name).toBe("renamed");
      await client.write(context, "DELETE", path, undefined, limit);
      expect(target.store.nodes.has(path)).toBe(false);
      // Waiting took status polls or reads, all of them through the proxy.
      expect(target.log.entries.length - before).toBeGreaterThan(2);
      expect(target.log.entries.length - before).toBe(proxy.forwarded);
    } finally {
      await proxy.stop();
      await target.stop();
    }
  });
});

describe("adaptive polling of request status", () => {
  /** Runs one create against an emulator whose requests take `requestMs`; times it against DONE. */
  async function measure(requestMs: number) {
    const target = await useIonosEmulator({ requestMs });
    try {
      const client = new IonosClient(settingsFor(target));
      await client.list(context, "/datacenters", item); // mint the token first
      const { request } = await client.accept(context, "POST", "/datacenters", { properties: { location: "de/fra" } }, z.unknown());
      if (!request) throw new Error("the emulator's 202 named no request");
      await client.finished(context, request, limit);
      const returnedAt = Date.now();
      const done = target.store.requests.get(request.id)!;
      const polls = target.log.entries.filter((entry) => entry.path.endsWith(`/requests/${request.id}/status`)).length;
      return { requestMs, lateMs: returnedAt - done.doneAt, polls, pollsPerSecond: polls / (requestMs / 1000) };
    } finally {
      await target.stop();
    }
  }

  test("returns within max(200 ms, 10 %) of DONE, polling at most once a second after the first seconds", async () => {
    const results = await Promise.all([400, 3_000, 15_000].map(measure));
    Object.assign(process.env, ionosEnv(emulator));
    console.log(
      "request takes | returned after DONE | polls | polls/s | polling every 5 s (Terraform's first interval) would return after DONE\n" +
        results
          .map((r) => `${r.requestMs} ms | ${r.lateMs} ms | ${r.polls} | ${r.pollsPerSecond.toFixed(1)} | ${Math.ceil((r.requestMs + 1) / 5_000) * 5_000 - r.requestMs} ms`)
          .join("\n"),
    );
    for (const r of results) {
      // 30 ms of slack for timers and the HTTP round trip.
      expect(r.lateMs).toBeLessThanOrEqual(Math.max(200, r.requestMs * 0.1) + 30);
      // A fast start (10 polls in the first second, a tenth of the time waited up to 10 s), then 1 per second.
      expect(r.polls).toBeLessThanOrEqual(36 + Math.max(0, r.requestMs - 10_000) / 1000);
    }
  });
});
