/**
 * Faults injected by the Contabo emulator, survived by the resources: rate limiting, server
 * errors, dropped connections and lost answers, with no duplicate created.
 */
import type { ContaboEmulator } from "../src/emulator";
import { checkAndCreate, ops, stopContaboEmulator, useContaboEmulator } from "./support/contabo";

let emulator: ContaboEmulator;
beforeAll(async () => {
  emulator = await useContaboEmulator();
});
afterAll(() => stopContaboEmulator(emulator));
afterEach(() => emulator.faults.clear());

const countTagsNamed = (name: string) => [...emulator.store.tags.values()].filter((t) => t.name === name).length;
const countInstancesNamed = (name: string) =>
  [...emulator.store.instances.values()].filter((i) => i.displayName === name && !i.cancelDate).length;

test("a lost answer to a tag create makes exactly one tag", async () => {
  emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /^\/v1\/tags$/ } });
  const { id } = await checkAndCreate("Tag", { name: "lost-answer" });
  expect(countTagsNamed("lost-answer")).toBe(1);
  expect((await ops("Tag").read(id, {})).props).toMatchObject({ name: "lost-answer" });
  expect(emulator.faults.injected["reset-after"]).toBeGreaterThanOrEqual(1);
});

test("a lost answer to an instance order places exactly one order", async () => {
  emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /^\/v1\/compute\/instances$/ } });
  const { outs } = await checkAndCreate("Instance", { displayName: "ordered-once" });
  expect(countInstancesNamed("ordered-once")).toBe(1);
  expect(outs.status).toBe("running");
});

test("a create refused before processing (reset before) is sent again and succeeds once", async () => {
  emulator.faults.next({ kind: "reset-before", match: { method: "POST", path: /^\/v1\/secrets$/ } });
  const { outs } = await checkAndCreate("Secret", { name: "retried", type: "ssh", value: "ssh-ed25519 AAAAretried u@h" });
  expect(outs.name).toBe("retried");
  expect([...emulator.store.secrets.values()].filter((s) => s.name === "retried")).toHaveLength(1);
});

test("429 with Retry-After is waited out; 5xx on reads are retried", async () => {
  const { id } = await checkAndCreate("Tag", { name: "busy" });
  emulator.faults.next({ kind: "429", retryAfterSeconds: 1, match: { method: "GET" } });
  emulator.faults.next({ kind: "503", match: { method: "GET" } });
  emulator.faults.next({ kind: "reset-before", match: { method: "GET" } });
  const started = Date.now();
  expect((await ops("Tag").read(id, {})).props).toMatchObject({ name: "busy" });
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
});

test("a 500 on an update is reported with the API's message, naming the resource", async () => {
  const { id, outs } = await checkAndCreate("Tag", { name: "fragile" });
  // One more than the retries allowed for an idempotent request.
  for (let i = 0; i < 7; i++) emulator.faults.next({ kind: "500", match: { method: "PATCH" } });
  const error = await ops("Tag").update(id, outs, { name: "fragile", color: "#123456" }).catch((e) => e);
  expect(error.message).toMatch(/^contabo: update tag \(tag "fragile"\) failed: HTTP 500: .+\[request id [0-9a-f-]{36}\]$/);
});

test("random faults on 20% of requests: every operation converges, no duplicates", async () => {
  emulator.faults.rate = 0.2;
  emulator.faults.kinds = ["429", "500", "502", "503", "reset-before", "reset-after"];
  emulator.faults.retryAfterSeconds = 0;
  const names = Array.from({ length: 12 }, (_, i) => `chaos-${i}`);
  const results = await Promise.allSettled(names.map((name) => checkAndCreate("Tag", { name })));
  emulator.faults.rate = 0;
  const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
  for (const failure of failed) expect(failure.reason.message).toMatch(/^contabo: /);
  for (const name of names) expect(countTagsNamed(name)).toBeLessThanOrEqual(1);
  const created = results.filter((r) => r.status === "fulfilled").length;
  console.log(`20% faults: ${created} of ${names.length} tag creates converged, ${failed.length} failed clearly, 0 duplicates`);
  expect(created).toBeGreaterThanOrEqual(names.length - 2);
});

test("the first read after an order fails: the instance is kept in the state, not ordered again", async () => {
  for (let i = 0; i < 8; i++) emulator.faults.next({ kind: "503", match: { method: "GET", path: /^\/v1\/compute\/instances\/\d+$/ } });
  const error = await checkAndCreate("Instance", { displayName: "unread" }).catch((e) => e);
  emulator.faults.clear();
  const ordered = [...emulator.store.instances.values()].filter((i) => i.displayName === "unread");
  expect(ordered).toHaveLength(1);
  expect(error.id).toBe(String(ordered[0].instanceId));
  expect(error.properties).toMatchObject({ displayName: "unread", instanceId: ordered[0].instanceId });
});

test("a lost answer to a reinstall does not reinstall (wipe the disk) twice", async () => {
  const { id, outs, inputs } = await checkAndCreate("Instance", { displayName: "reinstall-once" });
  emulator.faults.next({ kind: "reset-after", match: { method: "PUT" } });
  const before = emulator.log.entries.length;
  const updated = await ops("Instance").update(id, outs, { ...inputs, defaultUser: "root" });
  expect(updated.outs).toMatchObject({ defaultUser: "root", status: "running" });
  expect(emulator.log.entries.slice(before).filter((entry) => entry.method === "PUT")).toHaveLength(1);
});

test("an instance whose product is not available fails at once, not after the timeout", async () => {
  const creating = checkAndCreate("Instance", { displayName: "unavailable" });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const instance = [...emulator.store.instances.values()].find((i) => i.displayName === "unavailable")!;
  emulator.setInstanceStatus(instance.instanceId, "product_not_available" as never);
  const started = Date.now();
  const error = await creating.catch((e) => e);
  expect(error.message).toMatch(/the product is not available in this region/);
  expect(Date.now() - started).toBeLessThan(10_000);
});
