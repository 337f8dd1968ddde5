/**
 * The Contabo example (examples/contabo) on the real Pulumi engine against the Contabo emulator:
 * every change its config offers is previewed, and the up that follows must do exactly what the
 * preview promised (the engine's own summary and steps, the changed fields named); refresh after
 * an outside change and an outside delete; `up --replace` and `--target`; adoption by id with
 * `get`; destroy, after which the cloud holds nothing. The engine's summary counts the stack
 * itself as one resource. Needs `npm run build` and the Pulumi CLI (`bash .ci/pulumi-cli`).
 */
import * as path from "node:path";
import { type ContaboEmulator, startContaboEmulator } from "../src/emulator";
import { describeWithEngine } from "./engine";
import { contaboConfig } from "./harness/run-example";
import { findUp } from "./harness/project";
import { adoptById, engineStack, stepLines } from "./support/engine-stack";

const ROOT = findUp(__dirname, "package.json")!;
const PROGRAM = path.join(ROOT, "dist/examples/contabo/index.js");
const ROOT_PASSWORD = "Emulat0r!Pass#2026";

describeWithEngine("the Contabo example on the Pulumi engine", () => {
  let emulator: ContaboEmulator;
  const stack = engineStack(PROGRAM, "engine-contabo-");

  beforeAll(async () => {
    emulator = await startContaboEmulator({ provisioningMs: 500 });
    stack.secrets.push(ROOT_PASSWORD, ...Object.values(emulator.credentials));
  });

  afterAll(async () => {
    await emulator.stop();
    stack.remove();
  });

  const live = () => [...emulator.store.instances.values()].filter((vm) => !vm.cancelDate);
  const tag = () => [...emulator.store.tags.values()][0];

  test("up creates the stack", async () => {
    const up = await stack.run("up", contaboConfig(emulator));
    expect(stepLines(up)).toEqual([
      "create contabo:Instance web-1",
      "create contabo:PrivateNetwork backend",
      "create contabo:Secret deploy-key",
      "create contabo:Secret root-password",
      "create contabo:Tag web",
      "create contabo:TagAssignment web-1-tag",
    ]);
    expect(up.summary).toEqual({ create: 7 });
    expect(up.outputs.status.value).toBe("running");
    expect(live()).toHaveLength(1);
    expect(emulator.liveResources()).toBe(5);
  });

  test("a preview with nothing changed shows no change", async () => {
    const preview = await stack.run("preview", { expectNoChanges: true });
    expect(preview.steps).toEqual([]);
    expect(preview.summary).toEqual({ same: 7 });
  });

  test("a rename previews one in-place update, no replace of a dependent, and the up does just that", async () => {
    const { up } = await stack.previewThenUp({ config: { displayName: "web-renamed" } });
    expect(stepLines(up)).toEqual(["update contabo:Instance web-1 [displayName]"]);
    expect(up.summary).toEqual({ same: 6, update: 1 });
    expect(live()[0].displayName).toBe("web-renamed");
  });

  test("a new tag color and a new SSH key update the tag and the secret in place", async () => {
    const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAnotherKeyForTheEmulatorOnly deploy@example";
    const { up } = await stack.previewThenUp({ config: { tagColor: "#FF8800", sshPublicKey: key } });
    // The engine masks secret values in its events, so the secret's changed value is not named.
    expect(stepLines(up)).toEqual(["update contabo:Secret deploy-key", "update contabo:Tag web [color]"]);
    expect(tag().color).toBe("#FF8800");
    expect([...emulator.store.secrets.values()].map((secret) => secret.value)).toContain(key);
  });

  test("new user data reinstalls the VPS in place", async () => {
    const before = live()[0].instanceId;
    const { up } = await stack.previewThenUp({ config: { userData: "#cloud-config\npackages: [nginx]\n" } });
    expect(stepLines(up)).toEqual(["update contabo:Instance web-1"]);
    expect(live().map((vm) => vm.instanceId)).toEqual([before]);
  });

  test("a new region replaces the VPS, and its tag assignment and network follow it", async () => {
    const before = live()[0].instanceId;
    const { up } = await stack.previewThenUp({ config: { region: "UK" } });
    expect(stepLines(up)).toEqual([
      "delete-replaced contabo:Instance web-1",
      "delete-replaced contabo:PrivateNetwork backend",
      "delete-replaced contabo:TagAssignment web-1-tag",
      "replace contabo:Instance web-1 [region]",
      "replace contabo:PrivateNetwork backend [instanceIds, region]",
      "replace contabo:TagAssignment web-1-tag [resourceId]",
    ]);
    expect(up.summary).toEqual({ same: 4, replace: 3 });
    expect(live().map((vm) => vm.instanceId)).not.toContain(before);
    expect(live()).toHaveLength(1);
  });

  test("refresh notices a change made outside Pulumi, and the next up puts it back", async () => {
    tag().color = "#123456";
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["update contabo:Tag web [color]"]);
    expect(refresh.summary).toEqual({ same: 6, update: 1 });
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["update contabo:Tag web [color]"]);
    expect(tag().color).toBe("#FF8800");
  });

  test("refresh notices a delete made outside Pulumi, and the next up makes it again", async () => {
    tag().assignments.clear();
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["delete contabo:TagAssignment web-1-tag"]);
    expect(refresh.summary).toEqual({ same: 6, delete: 1 });
    expect(stack.resources().map((r) => r.name)).not.toContain("web-1-tag");
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["create contabo:TagAssignment web-1-tag"]);
    expect(tag().assignments.size).toBe(1);
  });

  test("up --replace of a resource created before its old one is deleted keeps it, and says why", async () => {
    // The engine checks a resource named by --replace without its old inputs: its replacement
    // carries the key of the resource's first create and finds that resource (see src/core/kit.ts).
    const secrets = [...emulator.store.secrets.keys()].sort();
    const up = await stack.run("up", { replace: [stack.urnOf("root-password")] });
    expect(stepLines(up)).toEqual(["delete-replaced contabo:Secret root-password", "replace contabo:Secret root-password [id]"]);
    const warnings = up.diagnostics.filter((d) => d.severity === "warning" && d.urn === stack.urnOf("root-password"));
    expect(warnings.map((d) => d.message).join("\n")).toContain("was not replaced: its replacement found it by its create key");
    expect([...emulator.store.secrets.keys()].sort()).toEqual(secrets);
    expect(stack.resources().filter((r) => r.type === "contabo:Secret").map((r) => Number(r.id)).sort()).toEqual(secrets);
  });

  test("up --target changes only the targeted resource", async () => {
    const { up } = await stack.previewThenUp({ target: [stack.urnOf("web")], config: { tagColor: "#00AA00", displayName: "web-targeted" } });
    expect(stepLines(up)).toEqual(["update contabo:Tag web [color]"]);
    expect(live()[0].displayName).toBe("web-renamed");
    const rest = await stack.run("preview");
    expect(stepLines(rest)).toEqual(["update contabo:Instance web-1 [displayName]"]);
  });

  test("get adopts an existing resource by its id, and destroying that stack leaves it", async () => {
    const adopted = await adoptById({ type: "contabo:Tag", id: String(tag().tagId), settings: contaboConfig(emulator), secrets: stack.secrets });
    expect(adopted).toMatchObject({ tagId: tag().tagId, name: "web", color: "#00AA00" });
    expect(emulator.store.tags.size).toBe(1);
  });

  test("destroy removes everything from the cloud", async () => {
    const destroy = await stack.run("destroy");
    expect(destroy.summary).toEqual({ delete: 7 });
    expect(stack.resources()).toEqual([]);
    expect(emulator.liveResources()).toBe(0);
  });
});
