/**
 * The OVH example (examples/ovh) through the test harness against the OVH emulator: up, an up
 * without changes, a bigger flavor (resized in place), a preview of a smaller one (a
 * replacement, and nothing changes), refresh and destroy, with the real provider host. No
 * credential or secret value may reach the state file or the output.
 * Needs `npm run build` first (the harness CLI and the example run from dist/).
 */
import * as path from "node:path";
import { type OvhEmulator, startOvhEmulator } from "../src/emulator/ovh/emulator";
import { findUp } from "./harness/project";
import { exampleStack, steps } from "./support/example-stack";

const PROGRAM = path.join(findUp(__dirname, "package.json")!, "dist/examples/ovh/index.js");
const USER_DATA = "package_update: true";

let emulator: OvhEmulator;
const stack = exampleStack(PROGRAM);
const { run, state } = stack;

beforeAll(async () => {
  emulator = await startOvhEmulator({ buildMs: 500 });
  stack.secrets.push(...Object.values(emulator.credentials));
});

afterAll(async () => {
  await emulator.stop();
  stack.remove();
});

const instances = () => [...emulator.store.projects.get(emulator.serviceName)!.instances.values()];

/** No credential in the state, nor the user data (a secret input). */
function expectNoPlainSecrets() {
  stack.expectNoPlainSecrets();
  expect(JSON.stringify(state())).not.toContain(USER_DATA);
}

test("up creates the key, network, subnet, instance, DNS record and IP description", async () => {
  const { applicationKey, applicationSecret, consumerKey } = emulator.credentials;
  const result = await run("up", {
    config: { "ovh:endpoint": emulator.apiUrl, serviceName: emulator.serviceName },
    secretConfig: { "ovh:applicationKey": applicationKey, "ovh:applicationSecret": applicationSecret, "ovh:consumerKey": consumerKey },
  });
  expect(steps(result.stdout).sort()).toEqual([
    "+ create ovh:CloudInstance web-1",
    "+ create ovh:CloudPrivateNetwork backend",
    "+ create ovh:CloudSshKey deploy",
    "+ create ovh:CloudSubnet backend-gra",
    "+ create ovh:DomainRecord web",
    "+ create ovh:IpDescription failover",
  ]);
  expect(result.stdout).toContain("Resources: 6 created");
  const [instance] = instances();
  const ipv4 = instance.addresses.find((a) => a.type === "public" && a.version === 4)!.ip;
  expect(result.stdout).toContain(`ipv4: "${ipv4}"`);
  expect(result.stdout).toContain('fqdn: "web.example.com"');
  // The record points at the instance, and is live: the zone was refreshed.
  expect(emulator.store.zones.get("example.com")!.published).toEqual([expect.objectContaining({ subDomain: "web", target: ipv4 })]);
  expect(instance.addresses.filter((a) => a.type === "private").map((a) => a.ip)).toEqual(["10.10.0.20"]);
  expect(emulator.store.ips.get("203.0.113.7/32")?.description).toBe("web failover");
  expectNoPlainSecrets();
});

test("a second up changes nothing", async () => {
  const result = await run("up");
  expect(steps(result.stdout)).toEqual([]);
  expect(result.stdout).toContain("Resources: 6 unchanged");
});

test("a bigger flavor resizes the instance in place", async () => {
  const [before] = instances();
  const result = await run("up", { config: { flavor: "b2-15" } });
  expect(steps(result.stdout)).toEqual(["~ update ovh:CloudInstance web-1 [flavor]"]);
  expect(result.stdout).toContain("Resources: 1 updated, 5 unchanged");
  expect(instances()).toHaveLength(1);
  expect(instances()[0]).toMatchObject({ id: before.id, flavor: expect.objectContaining({ name: "b2-15" }) });
});

test("a smaller disk is previewed as a replacement (the old one first: it holds the fixed IP), and nothing changes", async () => {
  const writes = () => emulator.log.entries.filter((entry) => entry.method !== "GET").length;
  const before = writes();
  const result = await run("preview", { config: { flavor: "d2-2" } });
  expect(steps(result.stdout)).toContain("+- replace ovh:CloudInstance web-1 [flavor] (flavor forces replacement, delete before create)");
  expect(writes()).toBe(before);
});

test("refresh finds no drift", async () => {
  const result = await run("refresh");
  expect(steps(result.stdout)).toEqual([]);
  expect(result.stdout).toContain("Resources: 6 unchanged");
});

test("destroy removes everything from the emulator", async () => {
  const result = await run("destroy");
  expect(steps(result.stdout)).toHaveLength(6);
  expect(state().resources).toEqual([]);
  expect(emulator.liveResources()).toBe(0);
  expect(emulator.store.zones.get("example.com")!.published).toEqual([]);
  expect(emulator.store.ips.get("203.0.113.7/32")?.description).toBeNull();
  expectNoPlainSecrets();
});
