/**
 * Faults injected by the OVH emulator, survived by the resources: rate limiting, server errors,
 * dropped connections and lost answers with no duplicate created; a failed zone refresh that
 * fails the operation until a later run publishes the change; a build that never ends.
 */
import type { OvhEmulator } from "../src/emulator/ovh/emulator";
import { checkAndCreate, ops, stopOvhEmulator, useOvhEmulator } from "./support/ovh";

let emulator: OvhEmulator;
let project: string;
beforeAll(async () => {
  emulator = await useOvhEmulator();
  project = emulator.serviceName;
});
afterAll(() => stopOvhEmulator(emulator));
afterEach(() => emulator.faults.clear());

const zone = () => emulator.store.zones.get("example.com")!;
const recordsNamed = (subDomain: string) => [...zone().records.values()].filter((r) => r.subDomain === subDomain);
const instances = () => [...emulator.store.projects.get(project)!.instances.values()];

test("a lost answer to a record create makes exactly one record, published", async () => {
  emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/record$/ } });
  const { outs } = await checkAndCreate("DomainRecord", { zone: "example.com", fieldType: "A", subDomain: "lost", target: "192.0.2.30" });
  expect(recordsNamed("lost")).toHaveLength(1);
  expect(zone().published.some((r) => r.id === outs.recordId)).toBe(true);
  expect(emulator.faults.injected["reset-after"]).toBe(1);
});

test("lost answers to SSH key, network and instance creates make exactly one of each", async () => {
  for (const path of [/\/sshkey$/, /\/network\/private$/, /\/instance$/]) {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path } });
  }
  const key = await checkAndCreate("CloudSshKey", {
    serviceName: project,
    name: "lost-key",
    publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILostAnswerKeyAAAAAAAAAAAAAAAAAAAAAAAA lost@example",
  });
  const network = await checkAndCreate("CloudPrivateNetwork", { serviceName: project, name: "lost-net", vlanId: 300, regions: ["GRA11"] });
  const { outs } = await checkAndCreate("CloudInstance", { serviceName: project, name: "lost-vm", region: "GRA11", flavor: "d2-2", image: "Debian 12", sshKeyId: key.outs.keyId });
  const store = emulator.store.projects.get(project)!;
  expect([...store.sshKeys.values()].filter((k) => k.name === "lost-key")).toHaveLength(1);
  expect([...store.networks.values()].filter((n) => n.name === "lost-net")).toHaveLength(1);
  expect(instances().filter((i) => i.name === "lost-vm")).toHaveLength(1);
  expect(outs.status).toBe("ACTIVE");
  expect(network.outs.status).toBe("ACTIVE");
  expect(emulator.faults.injected["reset-after"]).toBe(4);
});

test("429, 5xx and dropped connections on reads are retried", async () => {
  const { id } = await checkAndCreate("DomainRecord", { zone: "example.com", fieldType: "A", subDomain: "busy", target: "192.0.2.31" });
  emulator.faults.next({ kind: "429", retryAfterSeconds: 1, match: { method: "GET" } });
  emulator.faults.next({ kind: "503", match: { method: "GET" } });
  emulator.faults.next({ kind: "reset-before", match: { method: "GET" } });
  const started = Date.now();
  expect((await ops("DomainRecord").read(id, {})).props).toMatchObject({ subDomain: "busy" });
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
});

test("a failed zone refresh fails the create; the record stays in the state and the next up publishes it", async () => {
  zone().refreshFailure = "The zone example.com has pending tasks: retry later";
  const error = await checkAndCreate("DomainRecord", { zone: "example.com", fieldType: "A", subDomain: "unpublished", target: "192.0.2.32" }).catch((e) => e);
  expect(error.message).toMatch(
    /^ovh: refresh zone example\.com \(a record change takes effect only after it\) \(A record "unpublished\.example\.com"\) failed: HTTP 400: Client::BadRequest: The zone example\.com has pending tasks: retry later \[request id .+\]$/,
  );
  // A partial failure: the engine keeps the record, with its outputs, in the state.
  const [record] = recordsNamed("unpublished");
  expect(error.id).toBe(`example.com/${record.id}`);
  expect(error.properties).toMatchObject({ target: "192.0.2.32", recordId: record.id });
  expect(zone().published.some((r) => r.id === record.id)).toBe(false);

  // The next `pulumi up` sends an update with nothing changed (the resource has init errors).
  zone().refreshFailure = undefined;
  const { __provider: _provider, ...outputs } = error.properties;
  await ops("DomainRecord").update(error.id, outputs, { zone: "example.com", fieldType: "A", subDomain: "unpublished", target: "192.0.2.32", ttl: 0 });
  expect(zone().published.some((r) => r.id === record.id)).toBe(true);
});

test("a failed refresh fails an update and a delete too; a retried delete still refreshes", async () => {
  const { id, outs, inputs } = await checkAndCreate("DomainRecord", { zone: "example.com", fieldType: "A", subDomain: "fragile", target: "192.0.2.33" });
  // One more 500 than the retries of a refresh (it is safe to repeat, so it is retried).
  for (let i = 0; i < 7; i++) emulator.faults.next({ kind: "500", match: { path: /\/refresh$/ } });
  const updateError = await ops("DomainRecord").update(id, outs, { ...inputs, target: "192.0.2.34" }).catch((e) => e);
  expect(updateError.message).toMatch(/^ovh: refresh zone example\.com .* failed: HTTP 500: Server::InternalServerError: Injected server error/);
  emulator.faults.clear();

  zone().refreshFailure = "Zone refresh is temporarily unavailable";
  await expect(ops("DomainRecord").delete(id, outs)).rejects.toThrow(/refresh zone example\.com .* Zone refresh is temporarily unavailable/);
  expect(zone().records.has(outs.recordId as number)).toBe(false);
  expect(zone().published.some((r) => r.id === outs.recordId)).toBe(true);
  zone().refreshFailure = undefined;
  await ops("DomainRecord").delete(id, outs);
  expect(zone().published.some((r) => r.id === outs.recordId)).toBe(false);
});

test("a build that never ends fails after its timeout, naming what it waited for and how to raise it", async () => {
  const creating = checkAndCreate("CloudInstance", { serviceName: project, name: "stuck", region: "GRA11", flavor: "d2-2", image: "Debian 12", timeoutMinutes: 0.05 });
  for (;;) {
    const stuck = instances().find((i) => i.name === "stuck");
    if (stuck) {
      emulator.setInstanceStatus(stuck.id, "BUILD");
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const error = await creating.catch((e) => e);
  expect(error.message).toBe(
    "ovh: wait for instance to be ACTIVE (instance \"stuck\"): timed out after 3 s waiting for status ACTIVE (last seen: BUILD). Raise the limit with the instance's timeoutMinutes input.",
  );
  expect(error.properties).toMatchObject({ name: "stuck", status: "BUILD" });
});

test("random faults on 20% of requests: every record create converges, no duplicates", async () => {
  emulator.faults.rate = 0.2;
  emulator.faults.kinds = ["429", "500", "502", "503", "reset-before", "reset-after"];
  emulator.faults.retryAfterSeconds = 0;
  const names = Array.from({ length: 12 }, (_, i) => `chaos-${i}`);
  const results = await Promise.allSettled(
    names.map((subDomain, i) => checkAndCreate("DomainRecord", { zone: "example.com", fieldType: "A", subDomain, target: `192.0.2.${100 + i}` })),
  );
  emulator.faults.rate = 0;
  const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
  for (const failure of failed) expect(failure.reason.message).toMatch(/^ovh: /);
  for (const name of names) expect(recordsNamed(name).length).toBeLessThanOrEqual(1);
  const created = results.length - failed.length;
  console.log(`20% faults: ${created} of ${names.length} record creates converged, ${failed.length} failed clearly, 0 duplicates`);
  expect(created).toBeGreaterThanOrEqual(names.length - 2);
});
