/**
 * The IONOS example (examples/ionos) on the real Pulumi engine against the IONOS emulator: every
 * change its config offers is previewed, and the up that follows must do exactly what the preview
 * promised; refresh after an outside change and an outside delete; `--target`; adoption by id with
 * `get`; destroy, after which the cloud holds nothing. The engine's summary counts the stack
 * itself as one resource. Needs `npm run build` and the Pulumi CLI (`bash .ci/pulumi-cli`).
 */
import * as path from "node:path";
import { type IonosEmulator, startIonosEmulator } from "../src/emulator";
import { describeWithEngine } from "./engine";
import { findUp } from "./harness/project";
import { adoptById, engineStack, stepLines } from "./support/engine-stack";

const ROOT = findUp(__dirname, "package.json")!;
const PROGRAM = path.join(ROOT, "dist/examples/ionos/index.js");
const IMAGE_PASSWORD = "Emulat0rPassw0rd2026";

describeWithEngine("the IONOS example on the Pulumi engine", () => {
  let emulator: IonosEmulator;
  const stack = engineStack(PROGRAM, "engine-ionos-");
  const settings = () => ({ config: { "ionos:apiUrl": emulator.apiUrl }, secretConfig: { "ionos:token": emulator.credentials.token } });

  beforeAll(async () => {
    emulator = await startIonosEmulator({ requestMs: 100 });
    stack.secrets.push(IMAGE_PASSWORD, ...Object.values(emulator.credentials));
  });

  afterAll(async () => {
    await emulator.stop();
    stack.remove();
  });

  const nodes = (type: string) => [...emulator.store.nodes.values()].filter((node) => node.type === type);

  test("up creates the data center, network, server, disk, NIC, firewall rule and IP block", async () => {
    const up = await stack.run("up", settings());
    expect(stepLines(up)).toEqual([
      "create ionos:Datacenter web",
      "create ionos:FirewallRule ssh",
      "create ionos:IpBlock web-ips",
      "create ionos:Lan public",
      "create ionos:Nic web-1-public",
      "create ionos:Server web-1",
      "create ionos:Volume web-1-boot",
    ]);
    expect(up.summary).toEqual({ create: 8 });
    expect(nodes("server")[0].attached!.size).toBe(1);
    expect(emulator.liveResources()).toBe(7);
  });

  test("a preview with nothing changed shows no change", async () => {
    const preview = await stack.run("preview", { expectNoChanges: true });
    expect(preview.steps).toEqual([]);
    expect(preview.summary).toEqual({ same: 8 });
  });

  test("more cores preview one in-place update of the server, no replace of its NIC or firewall rule, and the up does just that", async () => {
    const { preview, up } = await stack.previewThenUp({ config: { cores: "4" } });
    expect(stepLines(up)).toEqual(["update ionos:Server web-1 [cores]"]);
    expect(up.summary).toEqual({ same: 7, update: 1 });
    expect(nodes("server")[0].properties.cores).toBe(4);
    // The preview warns on the server's own line.
    expect(preview.diagnostics.filter((d) => d.severity === "warning")).toEqual([
      expect.objectContaining({ urn: stack.urnOf("web-1"), message: "changing cores restarts the server" }),
    ]);
  });

  test("a new SSH key replaces the boot volume (a volume's keys are set when it is made) and nothing else", async () => {
    const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAnotherKeyForTheEmulatorOnly deploy@example";
    const before = nodes("volume")[0].id;
    const { up } = await stack.previewThenUp({ config: { sshPublicKey: key } });
    expect(stepLines(up)).toEqual(["delete-replaced ionos:Volume web-1-boot", "replace ionos:Volume web-1-boot [sshKeys]"]);
    expect(nodes("volume").map((volume) => volume.id)).not.toContain(before);
    expect(nodes("server")[0].attached).toEqual(new Set([nodes("volume")[0].id]));
  });

  test("refresh notices a change made outside Pulumi, and the next up puts it back", async () => {
    nodes("lan")[0].properties.name = "renamed-outside";
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["update ionos:Lan public [name]"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["update ionos:Lan public [name]"]);
    expect(nodes("lan")[0].properties.name).toBe("public");
  });

  test("refresh notices a delete made outside Pulumi, and the next up makes it again", async () => {
    const rule = nodes("firewall-rule")[0];
    emulator.store.nodes.delete(rule.path);
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["delete ionos:FirewallRule ssh"]);
    expect(refresh.summary).toEqual({ same: 7, delete: 1 });
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["create ionos:FirewallRule ssh"]);
    expect(nodes("firewall-rule")).toHaveLength(1);
  });

  test("up --target changes only the targeted resource", async () => {
    const { up } = await stack.previewThenUp({ target: [stack.urnOf("web-1")], config: { cores: "2" } });
    expect(stepLines(up)).toEqual(["update ionos:Server web-1 [cores]"]);
    expect(nodes("server")[0].properties.cores).toBe(2);
  });

  test("a new location previews a replacement of everything, and the up does just that", async () => {
    const { up } = await stack.previewThenUp({ config: { location: "de/txl" } });
    const replaced = stepLines(up).filter((line) => line.startsWith("replace "));
    expect(replaced).toEqual([
      "replace ionos:Datacenter web [location]",
      "replace ionos:FirewallRule ssh [datacenterId, nicId, serverId]",
      "replace ionos:IpBlock web-ips [location]",
      "replace ionos:Lan public [datacenterId]",
      "replace ionos:Nic web-1-public [datacenterId, ips, serverId]",
      "replace ionos:Server web-1 [datacenterId]",
      "replace ionos:Volume web-1-boot [datacenterId, serverId]",
    ]);
    expect(up.summary).toEqual({ same: 1, replace: 7 });
    expect(nodes("datacenter").map((dc) => dc.properties.location)).toEqual(["de/txl"]);
    expect(emulator.liveResources()).toBe(7);
  });

  test("get adopts an existing resource by its id, and destroying that stack leaves it", async () => {
    const dc = nodes("datacenter")[0];
    const adopted = await adoptById({ type: "ionos:Datacenter", id: dc.id, settings: settings(), secrets: stack.secrets });
    expect(adopted).toMatchObject({ datacenterId: dc.id, location: "de/txl" });
    expect(emulator.store.nodes.has(dc.path)).toBe(true);
  });

  test("destroy removes everything from the cloud, and returns only once it is gone", async () => {
    const destroy = await stack.run("destroy");
    expect(destroy.summary).toEqual({ delete: 8 });
    expect(stack.resources()).toEqual([]);
    expect(emulator.liveResources()).toBe(0);
  });
});
