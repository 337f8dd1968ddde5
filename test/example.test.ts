/**
 * The Contabo example (examples/contabo) through the test harness against the Contabo emulator:
 * up, an up without changes, an in-place rename, refresh and destroy, with the real provider host.
 * No credential or secret value may reach the state file or the output.
 * Needs `npm run build` first (the harness CLI and the example run from dist/).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ContaboEmulator, startContaboEmulator } from "../src/emulator";
import { type HarnessOptions, runHarness } from "./harness";
import { EXAMPLE_PROGRAM, contaboConfig } from "./harness/run-example";

const ROOT_PASSWORD = "Emulat0r!Pass#2026";

let emulator: ContaboEmulator;
let dir: string;
let stateFile: string;
let secrets: string[];

beforeAll(async () => {
  emulator = await startContaboEmulator({ provisioningMs: 1_000 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "example-test-"));
  stateFile = path.join(dir, "state.json");
  secrets = [ROOT_PASSWORD, ...Object.values(emulator.credentials)];
});

afterAll(async () => {
  await emulator.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs one harness step; no secret may show in what it prints. */
async function run(op: HarnessOptions["op"], extra: Partial<HarnessOptions> = {}) {
  const result = await runHarness({ op, program: EXAMPLE_PROGRAM, state: stateFile, ...extra });
  for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
  if (result.code !== 0) throw new Error(`harness ${op} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

const steps = (stdout: string) =>
  stdout
    .split("\n")
    .filter((line) => /^ {2}[-+~>]/.test(line))
    .map((line) => line.trim());

const state = () => JSON.parse(fs.readFileSync(stateFile, "utf8"));
const instanceId = () => state().outputs.instanceId as number;

function expectNoPlainSecrets() {
  const text = fs.readFileSync(stateFile, "utf8");
  for (const secret of secrets) expect(text).not.toContain(secret);
}

test("up creates the stack in the emulator", async () => {
  const result = await run("up", contaboConfig(emulator));
  expect(steps(result.stdout).sort()).toEqual([
    "+ create contabo:Instance web-1",
    "+ create contabo:PrivateNetwork backend",
    "+ create contabo:Secret deploy-key",
    "+ create contabo:Secret root-password",
    "+ create contabo:Tag web",
    "+ create contabo:TagAssignment web-1-tag",
  ]);
  expect(result.stdout).toContain("Resources: 6 created");
  expect(result.stdout).toContain('status: "running"');
  expect(emulator.store.instances.get(instanceId())?.displayName).toBe("web-1");
  expect(emulator.liveResources()).toBe(5);
  expect([...emulator.store.tags.values()][0].assignments).toEqual(new Set([`instance/${instanceId()}`]));
  expectNoPlainSecrets();
});

test("a second up changes nothing", async () => {
  const result = await run("up");
  expect(steps(result.stdout)).toEqual([]);
  expect(result.stdout).toContain("Resources: 6 unchanged");
});

test("a new displayName renames the VPS in place", async () => {
  const before = instanceId();
  const result = await run("up", { config: { displayName: "web-renamed" } });
  expect(steps(result.stdout)).toEqual(["~ update contabo:Instance web-1 [displayName]"]);
  expect(result.stdout).toContain("Resources: 1 updated, 5 unchanged");
  expect(instanceId()).toBe(before);
  expect(emulator.store.instances.get(before)?.displayName).toBe("web-renamed");
  expectNoPlainSecrets();
});

test("refresh finds no drift", async () => {
  const result = await run("refresh");
  expect(steps(result.stdout)).toEqual([]);
  expect(result.stdout).toContain("Resources: 6 unchanged");
});

test("destroy removes everything from the emulator", async () => {
  const result = await run("destroy");
  // Dependents first: the assignment and the network before the VPS and the tag.
  const deleted = steps(result.stdout);
  expect(deleted.slice(0, 2).sort()).toEqual(["- delete contabo:PrivateNetwork backend", "- delete contabo:TagAssignment web-1-tag"]);
  expect(deleted[2]).toBe("- delete contabo:Instance web-1");
  expect(deleted.slice(3).sort()).toEqual([
    "- delete contabo:Secret deploy-key",
    "- delete contabo:Secret root-password",
    "- delete contabo:Tag web",
  ]);
  expect(state().resources).toEqual([]);
  expect(emulator.liveResources()).toBe(0);
  expectNoPlainSecrets();
});
