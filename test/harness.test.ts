/**
 * The test harness on its fixture program (test/harness/fixtures/program.ts): the real provider
 * host, driven like the engine, over one stack whose state carries from test to test.
 * Needs `npm run build` first (the harness CLI and the fixture run from dist/).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runHarness } from "./harness";

const PROGRAM = path.resolve(__dirname, "../dist/test/harness/fixtures/program.js");
const TOKEN = "fixture-token-Zq81";
const A_SECRET = "a-secret-Wp42";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-test-"));
const cloud = path.join(dir, "cloud");
const stateFile = path.join(dir, "state.json");
fs.mkdirSync(cloud);

function run(op: "up" | "preview" | "refresh" | "destroy", config: Record<string, string> = {}, env?: Record<string, string>) {
  return runHarness({ op, program: PROGRAM, state: stateFile, config, env });
}

/** The step lines of a run: `+ create fixture:Item a`, `~ update ...`. */
const steps = (stdout: string) =>
  stdout
    .split("\n")
    .filter((line) => /^ {2}[-+~>]/.test(line))
    .map((line) => line.trim());

/** The state file with every ciphertext masked (each save encrypts with a fresh IV). */
const stateText = () => fs.readFileSync(stateFile, "utf8").replace(/"v1:[^"]+"/g, '"(ciphertext)"');
const calls = () => fs.readFileSync(path.join(cloud, "calls.log"), "utf8").trim().split("\n");
const state = () => JSON.parse(fs.readFileSync(stateFile, "utf8"));
const resource = (name: string) => state().resources.find((r: { name: string }) => r.name === name);
const items = () => fs.readdirSync(cloud).filter((f) => f.startsWith("item-"));

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("up creates the resources, with secret config reaching the provider", async () => {
  const result = await runHarness({
    op: "up",
    program: PROGRAM,
    state: stateFile,
    config: { "fixture:dir": cloud },
    secretConfig: { "fixture:token": TOKEN, aSecret: A_SECRET },
  });
  expect(result.code).toBe(0);
  expect(steps(result.stdout)).toEqual(["+ create fixture:Item a", "+ create fixture:Item b"]);
  expect(result.stdout).toContain("Resources: 2 created");
  expect(result.stdout).toMatch(/aId: "item-\w+"/);
  expect(result.stdout).toContain("aPassword: [secret]");
  expect(calls()).toEqual(["create alpha", "create beta"]);
  // b was given a's id: dependencies resolve through the mocked engine.
  expect(resource("b").inputs.value).toBe(resource("a").id);
});

test("a second up changes nothing", async () => {
  const result = await run("up");
  expect(result.code).toBe(0);
  expect(steps(result.stdout)).toEqual([]);
  expect(result.stdout).toContain("Resources: 2 unchanged");
  expect(calls()).toEqual(["create alpha", "create beta"]);
});

test("a changed input updates in place", async () => {
  const result = await run("up", { aValue: "two" });
  expect(result.code).toBe(0);
  expect(steps(result.stdout)).toEqual(["~ update fixture:Item a [value]"]);
  expect(result.stdout).toContain("Resources: 1 updated, 1 unchanged");
  expect(calls().at(-1)).toBe("update alpha");
  expect(result.stdout).toContain("aVersion: 2");
});

test("preview plans without creating, updating or deleting anything", async () => {
  const before = { calls: calls(), resources: JSON.parse(stateText()).resources };
  const result = await run("preview", { aName: "alpha2" });
  expect(result.code).toBe(0);
  expect(steps(result.stdout)).toEqual([
    "+- replace fixture:Item a [name] (name forces replacement)",
    "~ update fixture:Item b [value]",
  ]);
  expect(result.stdout).toContain("Plan: 1 to update, 1 to replace");
  expect(result.stdout).toContain("aId: (known after up)");
  expect(calls()).toEqual(before.calls);
  expect(JSON.parse(stateText()).resources).toEqual(before.resources);
});

test("a replacing change creates the new resource, updates dependents, then deletes the old one", async () => {
  const oldId = resource("a").id;
  // aName=alpha2 was saved by the preview, as `pulumi preview --config` does.
  const result = await run("up");
  expect(result.code).toBe(0);
  expect(steps(result.stdout)).toEqual([
    "+- replace fixture:Item a [name] (name forces replacement)",
    "~ update fixture:Item b [value]",
    "-- delete-replaced fixture:Item a",
  ]);
  expect(result.stdout).toContain("Resources: 1 updated, 1 replaced");
  expect(calls().slice(-3)).toEqual(["create alpha2", "update beta", "delete alpha"]);
  expect(resource("a").id).not.toBe(oldId);
  expect(resource("b").inputs.value).toBe(resource("a").id);
  expect(items()).toHaveLength(2);
});

test("a resource the program no longer declares is deleted", async () => {
  const result = await run("up", { withB: "false" });
  expect(result.code).toBe(0);
  expect(steps(result.stdout)).toEqual(["- delete fixture:Item b"]);
  expect(calls().at(-1)).toBe("delete beta");
  expect(resource("b")).toBeUndefined();
  expect(items()).toHaveLength(1);
});

test("refresh drops a resource deleted outside and records drift", async () => {
  expect((await run("up", { withB: "true" })).code).toBe(0);
  fs.rmSync(path.join(cloud, `${resource("b").id}.json`));
  const aFile = path.join(cloud, `${resource("a").id}.json`);
  fs.writeFileSync(aFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(aFile, "utf8")), value: "changed-outside" }));

  const result = await run("refresh");
  expect(result.code).toBe(0);
  expect(steps(result.stdout)).toEqual([
    "~ drift fixture:Item a [value]",
    "- delete fixture:Item b (gone from the cloud, dropped from the state)",
  ]);
  expect(resource("b")).toBeUndefined();
  expect(resource("a").outputs.value).toBe("changed-outside");

  // The next up puts back what the program declares.
  const up = await run("up");
  expect(steps(up.stdout)).toEqual(["~ update fixture:Item a [value]", "+ create fixture:Item b"]);
});

test("check failures abort the run with the property and the reason", async () => {
  const before = calls();
  const result = await run("up", { invalid: "true" });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("error: fixture:Item a: invalid inputs: value: must not be 'invalid'");
  expect(calls()).toEqual(before);
  expect((await run("up", { invalid: "" })).code).toBe(0);
});

test("a partial failure keeps the created resource in the state, and the next up updates it", async () => {
  const failed = await run("up", { broken: "true" });
  expect(failed.code).toBe(1);
  expect(failed.stderr).toContain("error: fixture:Item broken: fixture: item broken never became ready");
  expect(resource("broken")).toMatchObject({ id: expect.stringMatching(/^item-/), initErrors: ["never became ready"] });
  expect(items()).toContain(`${resource("broken").id}.json`);

  const retried = await run("up");
  expect(retried.code).toBe(0);
  expect(steps(retried.stdout)).toEqual(["~ update fixture:Item broken"]);
  expect(resource("broken").initErrors).toBeUndefined();

  const removed = await run("up", { broken: "false" });
  expect(steps(removed.stdout)).toEqual(["- delete fixture:Item broken"]);
});

test("a resource read by id (a static get) is not owned by the stack", async () => {
  const external = { itemId: "item-external", name: "external", value: "made elsewhere", secret: "", password: "x", version: 1 };
  fs.writeFileSync(path.join(cloud, "item-external.json"), JSON.stringify(external));
  const result = await run("up", { readId: "item-external" });
  expect(result.code).toBe(0);
  expect(steps(result.stdout)).toEqual(["> read fixture:Item existing"]);
  expect(result.stdout).toContain('existingValue: "made elsewhere"');
  expect(resource("existing")).toMatchObject({ id: "item-external", external: true });
});

test("no secret is stored in plain text", async () => {
  const text = fs.readFileSync(stateFile, "utf8");
  const passwords = items().map((f) => JSON.parse(fs.readFileSync(path.join(cloud, f), "utf8")).password);
  for (const secret of [TOKEN, A_SECRET, ...passwords.filter((p) => p !== "x")]) expect(text).not.toContain(secret);
  expect(resource("a").inputs.secret).toHaveProperty("ciphertext");
  expect(resource("a").outputs.password).toHaveProperty("ciphertext");
  expect(state().config["fixture:token"]).toHaveProperty("ciphertext");
  expect(state().outputs.aPassword).toHaveProperty("ciphertext");

  const wrongKey = await run("refresh", {}, { EUROCLOUD_HARNESS_PASSPHRASE: "not-the-passphrase" });
  expect(wrongKey.code).toBe(1);
  expect(wrongKey.stderr).toContain("cannot decrypt");
});

test("destroy deletes every owned resource in reverse order and empties the state", async () => {
  const result = await run("destroy");
  expect(result.code).toBe(0);
  expect(steps(result.stdout)).toEqual(["- delete fixture:Item b", "- delete fixture:Item a"]);
  expect(calls().slice(-2)).toEqual(["delete beta", "delete alpha2"]);
  expect(state().resources).toEqual([]);
  expect(state().outputs).toEqual({});
  expect(items()).toEqual(["item-external.json"]);
});

test("a delete-first replacement whose create failed is replaced on the next up without deleting again", async () => {
  expect((await run("up", { withC: "true" })).code).toBe(0);
  const failed = await run("up", { cName: "gamma2", cRefused: "true" });
  expect(failed.code).toBe(1);
  expect(failed.stderr).toContain("fixture: create of gamma2 refused");
  // Kept, as the engine's pendingReplacement: the next check sees the same old inputs.
  expect(resource("c")).toMatchObject({ pendingReplacement: true, inputs: { name: "gamma" } });

  const retried = await run("up", { cRefused: "false" });
  expect(retried.code).toBe(0);
  expect(steps(retried.stdout).filter((step) => step.includes("Item c"))).toEqual([
    "+- replace fixture:Item c (its old resource was deleted by an earlier run)",
  ]);
  // Deleted once, by the run that failed.
  expect(calls().filter((call) => call.includes("gamma"))).toEqual(["create gamma", "delete gamma", "create gamma2"]);
  expect(resource("c")).toMatchObject({ inputs: { name: "gamma2" } });
  expect(resource("c").pendingReplacement).toBeUndefined();
  expect(state().resources.filter((r: { name: string }) => r.name === "c")).toHaveLength(1);
});
