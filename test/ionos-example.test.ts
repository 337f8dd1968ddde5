/**
 * The IONOS example (examples/ionos) through the test harness against the IONOS emulator: up, an
 * up without changes, a change of cores (in place, with the restart warning), a preview of a new
 * location (everything replaced), refresh and destroy, with the real provider host. No credential
 * or secret value may reach the state file or the output.
 * Needs `npm run build` first (the harness CLI and the example run from dist/).
 */
import * as path from "node:path";
import { type IonosEmulator, startIonosEmulator } from "../src/emulator";
import { findUp } from "./harness/project";
import { exampleStack, steps } from "./support/example-stack";

const PROGRAM = path.join(findUp(__dirname, "package.json")!, "dist/examples/ionos/index.js");
const IMAGE_PASSWORD = "Emulat0rPassw0rd2026";

let emulator: IonosEmulator;
const stack = exampleStack(PROGRAM);
const { run, state, expectNoPlainSecrets } = stack;

beforeAll(async () => {
  emulator = await startIonosEmulator({ requestMs: 100 });
  stack.secrets.push(IMAGE_PASSWORD, ...Object.values(emulator.credentials));
});

afterAll(async () => {
  await emulator.stop();
  stack.remove();
});

const servers = () => [...emulator.store.nodes.values()].filter((node) => node.type === "server");

test("up creates the data center, network, server, disk, NIC, firewall rule and IP block", async () => {
  const result = await run("up", {
    config: { "ionos:apiUrl": emulator.apiUrl },
    secretConfig: { "ionos:token": emulator.credentials.token },
  });
  expect(steps(result.stdout).sort()).toEqual([
    "+ create ionos:Datacenter web",
    "+ create ionos:FirewallRule ssh",
    "+ create ionos:IpBlock web-ips",
    "+ create ionos:Lan public",
    "+ create ionos:Nic web-1-public",
    "+ create ionos:Server web-1",
    "+ create ionos:Volume web-1-boot",
  ]);
  expect(result.stdout).toContain("Resources: 7 created");
  const block = [...emulator.store.nodes.values()].find((node) => node.type === "ipblock")!;
  expect(result.stdout).toContain(`publicIp: "${(block.properties.ips as string[])[0]}"`);
  expect(servers()[0].attached!.size).toBe(1);
  expect(emulator.liveResources()).toBe(7);
  // A token was given: none was minted.
  expect(emulator.tokensIssued).toBe(0);
  expectNoPlainSecrets();
});

test("a second up changes nothing", async () => {
  const result = await run("up");
  expect(steps(result.stdout)).toEqual([]);
  expect(result.stdout).toContain("Resources: 7 unchanged");
});

test("more cores update the server in place, warning that it restarts", async () => {
  const result = await run("up", { config: { cores: "4" } });
  expect(steps(result.stdout)).toEqual(["~ update ionos:Server web-1 [cores]"]);
  expect(result.stdout + result.stderr).toContain('ionos:Server server "web-1": changing cores restarts the server');
  expect(servers()[0].properties.cores).toBe(4);
});

test("a new location is previewed as a replacement of everything, and nothing changes", async () => {
  const before = emulator.log.entries.filter((entry) => entry.method !== "GET").length;
  const result = await run("preview", { config: { location: "de/txl" } });
  expect(steps(result.stdout)).toContain("+- replace ionos:Datacenter web [location] (location forces replacement)");
  expect(result.stdout).toContain("Plan: 7 to replace");
  expect(emulator.log.entries.filter((entry) => entry.method !== "GET").length).toBe(before);
});

test("refresh finds no drift", async () => {
  const result = await run("refresh");
  expect(steps(result.stdout)).toEqual([]);
  expect(result.stdout).toContain("Resources: 7 unchanged");
});

test("destroy removes everything from the emulator, dependents first", async () => {
  const result = await run("destroy");
  const deleted = steps(result.stdout);
  expect(deleted[0]).toBe("- delete ionos:FirewallRule ssh");
  expect(deleted[deleted.length - 1]).toBe("- delete ionos:Datacenter web");
  expect(state().resources).toEqual([]);
  expect(emulator.liveResources()).toBe(0);
  expectNoPlainSecrets();
});
