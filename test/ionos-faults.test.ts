/**
 * Faults injected by the IONOS emulator, survived by the resources: rate limiting, server errors,
 * dropped connections and lost answers with no duplicate created, requests that FAIL, and requests
 * that never finish.
 */
import { z } from "zod";
import type { IonosEmulator } from "../src/emulator";
import { IonosClient } from "../src/ionos/client";
import { checkAndCreate, ionosEnv, ops, stopIonosEmulator, useIonosEmulator } from "./support/ionos";

let emulator: IonosEmulator;
let dc: string;
beforeAll(async () => {
  emulator = await useIonosEmulator();
  dc = (await checkAndCreate("Datacenter", { name: "faults", location: "de/fra" })).id;
});
afterAll(() => stopIonosEmulator(emulator));
afterEach(() => emulator.faults.clear());

const named = (type: string, name: string) =>
  [...emulator.store.nodes.values()].filter((node) => node.type === type && node.properties.name === name);
const LANS = /\/lans$/;

test.each(["reset-before", "reset-after", "500"] as const)("a create whose answer is lost (%s) makes exactly one LAN", async (kind) => {
  emulator.faults.next({ kind, match: { method: "POST", path: LANS } });
  const { outs } = await checkAndCreate("Lan", { datacenterId: dc, name: `once-${kind}` });
  expect(named("lan", `once-${kind}`)).toHaveLength(1);
  expect(outs).toMatchObject({ name: `once-${kind}`, lanId: Number(named("lan", `once-${kind}`)[0].id) });
  expect(emulator.faults.injected[kind]).toBeGreaterThanOrEqual(1);
});

test("a lost answer to a server create waits for the server found to be AVAILABLE", async () => {
  emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/servers$/ } });
  const { outs } = await checkAndCreate("Server", { datacenterId: dc, name: "found", cores: 1, ram: 1024 });
  expect(named("server", "found")).toHaveLength(1);
  expect(named("server", "found")[0].pending.size).toBe(0);
  expect(outs).toMatchObject({ vmState: "RUNNING" });
});

test("429 with Retry-After is waited out; 5xx and dropped connections on reads are retried", async () => {
  const { id } = await checkAndCreate("Lan", { datacenterId: dc, name: "busy" });
  emulator.faults.next({ kind: "429", retryAfterSeconds: 1, match: { method: "GET" } });
  emulator.faults.next({ kind: "503", match: { method: "GET" } });
  emulator.faults.next({ kind: "reset-before", match: { method: "GET" } });
  const started = Date.now();
  expect((await ops("Lan").read(id, {})).props).toMatchObject({ name: "busy" });
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
});

test("a 5xx or a lost answer on an update or a delete is sent again: the same end state", async () => {
  const { id, outs, inputs } = await checkAndCreate("Lan", { datacenterId: dc, name: "fragile" });
  emulator.faults.next({ kind: "502", match: { method: "PATCH" } });
  emulator.faults.next({ kind: "reset-after", match: { method: "PATCH" } });
  const before = emulator.log.entries.length;
  const updated = await ops("Lan").update(id, outs, { ...inputs, public: true });
  expect(updated.outs).toMatchObject({ name: "fragile", public: true });
  expect(emulator.log.entries.slice(before).filter((entry) => entry.method === "PATCH")).toHaveLength(3);

  emulator.faults.next({ kind: "reset-after", match: { method: "DELETE" } });
  await ops("Lan").delete(id, updated.outs);
  expect(named("lan", "fragile")).toHaveLength(0);
});

test("a FAILED request fails the create with IONOS's message and the request id; the resource stays in the state", async () => {
  emulator.failNextRequest({ method: "POST", path: /\/servers$/ }, "[VDC-14-1] Not enough resources in the contract for 2 cores");
  const error = await checkAndCreate("Server", { datacenterId: dc, name: "refused", cores: 2, ram: 1024 }).catch((e) => e);
  const request = [...emulator.store.requests.values()].find((r) => r.failure !== undefined)!;
  expect(error.message).toBe(
    `ionos: create server (server "refused") failed: [VDC-14-1] Not enough resources in the contract for 2 cores [request id ${request.id}]`,
  );
  // Recorded as a partial failure: the next refresh finds it gone (IONOS removed it) and drops it.
  expect(error.id).toBe(`${dc}/${request.targets[0].id}`);
  expect(await ops("Server").read(error.id, error.properties)).toEqual({});
});

test("a request stuck RUNNING fails after the timeout, saying what it waited for and how to raise the limit", async () => {
  emulator.stallNextRequest({ method: "POST", path: LANS });
  const started = Date.now();
  const error = await checkAndCreate("Lan", { datacenterId: dc, name: "stuck", timeoutMinutes: 0.01 }).catch((e) => e);
  expect(Date.now() - started).toBeLessThan(2_000);
  const request = [...emulator.store.requests.values()].find((r) => r.doneAt === Infinity)!;
  expect(error.message).toBe(
    `ionos: create LAN (LAN "stuck"): timed out after 1 s waiting for IONOS request ${request.id} to be DONE (last seen: RUNNING). ` +
      "Raise the limit with the timeoutMinutes input of the LAN (now 0.01).",
  );
  expect(error.id).toBe(`${dc}/${request.targets[0].id}`);
});

test("the rate limit (429 without Retry-After) is waited out using X-RateLimit-Limit", async () => {
  const limited = await useIonosEmulator({ rateLimit: { perMinute: 1200, burst: 3 } });
  try {
    const limitedDc = await checkAndCreate("Datacenter", { name: "limited", location: "de/fra" });
    // Eight GETs at once (a refresh's reads would share one list call and stay under the limit).
    const client = new IonosClient({ apiUrl: limited.apiUrl, token: limited.credentials.token });
    const context = { cloud: "ionos" as const, operation: "read data center" };
    const item = z.object({ id: z.string() }).loose();
    const reads = await Promise.all(Array.from({ length: 8 }, () => client.get(context, `/datacenters/${limitedDc.id}`, item)));
    expect(reads.every((read) => read.id === limitedDc.id)).toBe(true);
    const refused = limited.log.entries.filter((entry) => entry.status === 429);
    expect(refused.length).toBeGreaterThan(0);
  } finally {
    await stopIonosEmulator(limited);
    Object.assign(process.env, ionosEnv(emulator));
  }
});

test("random faults on 20% of requests: every operation converges or fails clearly, no duplicates", async () => {
  emulator.faults.rate = 0.2;
  emulator.faults.kinds = ["429", "500", "502", "503", "reset-before", "reset-after"];
  emulator.faults.retryAfterSeconds = 0;
  const names = Array.from({ length: 10 }, (_, i) => `chaos-${i}`);
  const results = await Promise.allSettled(names.map((name) => checkAndCreate("Lan", { datacenterId: dc, name })));
  emulator.faults.rate = 0;
  const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
  for (const failure of failed) expect(failure.reason.message).toMatch(/^ionos: /);
  for (const name of names) expect(named("lan", name).length).toBeLessThanOrEqual(1);
  const created = results.length - failed.length;
  console.log(`20% faults: ${created} of ${names.length} LAN creates converged, ${failed.length} failed clearly, 0 duplicates`);
  expect(created).toBeGreaterThanOrEqual(names.length - 2);
});
