/**
 * The Contabo example (examples/contabo) through the test harness against the Contabo emulator:
 * up, an up without changes, an in-place rename, refresh and destroy, with the real provider host.
 * No credential or secret value may reach the state file or the output.
 * Needs `npm run build` first (the harness CLI and the example run from dist/).
 */
import { type ContaboEmulator, startContaboEmulator } from "../src/emulator";
import { EXAMPLE_PROGRAM, contaboConfig } from "./harness/run-example";
import { exampleStack, steps } from "./support/example-stack";

const ROOT_PASSWORD = "Emulat0r!Pass#2026";

let emulator: ContaboEmulator;
const stack = exampleStack(EXAMPLE_PROGRAM);
const { run, state, expectNoPlainSecrets } = stack;

beforeAll(async () => {
  emulator = await startContaboEmulator({ provisioningMs: 1_000 });
  stack.secrets.push(ROOT_PASSWORD, ...Object.values(emulator.credentials));
});

afterAll(async () => {
  await emulator.stop();
  stack.remove();
});

const instanceId = () => state().outputs.instanceId as number;

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
