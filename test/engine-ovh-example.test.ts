/**
 * The OVH example (examples/ovh) on the real Pulumi engine against the OVH emulator: every change
 * its config offers is previewed, and the up that follows must do exactly what the preview
 * promised (a flavor OVH resizes to in place, one it cannot, a new failover IP); refresh after an
 * outside change and an outside delete; `--target`; adoption by id with `get`; destroy, after
 * which the cloud holds nothing. The engine's summary counts the stack itself as one resource.
 * Needs `npm run build` and the Pulumi CLI (`bash .ci/pulumi-cli`).
 */
import * as path from "node:path";
import { type OvhEmulator, startOvhEmulator } from "../src/emulator/ovh/emulator";
import { describeWithEngine } from "./engine";
import { findUp } from "./harness/project";
import { adoptById, engineStack, stepLines } from "./support/engine-stack";

const ROOT = findUp(__dirname, "package.json")!;
const PROGRAM = path.join(ROOT, "dist/examples/ovh/index.js");

describeWithEngine("the OVH example on the Pulumi engine", () => {
  let emulator: OvhEmulator;
  const stack = engineStack(PROGRAM, "engine-ovh-");
  const settings = () => {
    const { applicationKey, applicationSecret, consumerKey } = emulator.credentials;
    return {
      config: { "ovh:endpoint": emulator.apiUrl, serviceName: emulator.serviceName },
      secretConfig: { "ovh:applicationKey": applicationKey, "ovh:applicationSecret": applicationSecret, "ovh:consumerKey": consumerKey },
    };
  };

  beforeAll(async () => {
    emulator = await startOvhEmulator({ buildMs: 500 });
    stack.secrets.push(...Object.values(emulator.credentials), "package_update: true");
  });

  afterAll(async () => {
    await emulator.stop();
    stack.remove();
  });

  const project = () => emulator.store.projects.get(emulator.serviceName)!;
  const instances = () => [...project().instances.values()];
  const records = () => [...emulator.store.zones.get("example.com")!.records.values()];

  test("up creates the key, network, subnet, instance, DNS record and IP description", async () => {
    const up = await stack.run("up", settings());
    expect(stepLines(up)).toEqual([
      "create ovh:CloudInstance web-1",
      "create ovh:CloudPrivateNetwork backend",
      "create ovh:CloudSshKey deploy",
      "create ovh:CloudSubnet backend-gra",
      "create ovh:DomainRecord web",
      "create ovh:IpDescription failover",
    ]);
    expect(up.summary).toEqual({ create: 7 });
    expect(up.outputs.fqdn.value).toBe("web.example.com");
    expect(emulator.store.ips.get("203.0.113.7/32")?.description).toBe("web failover");
  });

  test("a preview with nothing changed shows no change", async () => {
    const preview = await stack.run("preview", { expectNoChanges: true });
    expect(preview.steps).toEqual([]);
    expect(preview.summary).toEqual({ same: 7 });
  });

  test("a bigger flavor resizes the instance in place, and its DNS record does not change", async () => {
    const [before] = instances();
    const { up, conditional } = await stack.previewThenUp({ config: { flavor: "b2-15" } });
    expect(stepLines(up)).toEqual(["update ovh:CloudInstance web-1 [flavor]"]);
    // The engine cannot know the instance's address in the preview of its update (see the README).
    expect(conditional).toEqual(["update ovh:DomainRecord web [target]"]);
    expect(up.summary).toEqual({ same: 6, update: 1 });
    expect(instances()).toEqual([expect.objectContaining({ id: before.id, flavor: expect.objectContaining({ name: "b2-15" }) })]);
  });

  test("a flavor OVH cannot resize to replaces the instance (the old one first: it holds the private IP)", async () => {
    const [before] = instances();
    const { up, conditional } = await stack.previewThenUp({ config: { flavor: "d2-2" } });
    // A replacement gets a keyed name of its own (see the README).
    expect(stepLines(up)).toEqual(["delete-replaced ovh:CloudInstance web-1", "replace ovh:CloudInstance web-1 [flavor, name]"]);
    // The new instance got the address the old one freed: the record stays as it is.
    expect(conditional).toEqual(["update ovh:DomainRecord web [target]"]);
    expect(instances()).toHaveLength(1);
    expect(instances()[0].id).not.toBe(before.id);
    const ipv4 = instances()[0].addresses.find((a) => a.type === "public" && a.version === 4)!.ip;
    expect(records()).toEqual([expect.objectContaining({ subDomain: "web", target: ipv4 })]);
  });

  test("a new failover IP describes the new one, and clears the old one", async () => {
    emulator.store.ips.set("203.0.113.8/32", { ...emulator.store.ips.get("203.0.113.7/32")!, ip: "203.0.113.8/32", description: null });
    const { up } = await stack.previewThenUp({ config: { failoverIp: "203.0.113.8" } });
    expect(stepLines(up)).toEqual(["delete-replaced ovh:IpDescription failover", "replace ovh:IpDescription failover [ip]"]);
    expect(emulator.store.ips.get("203.0.113.8/32")?.description).toBe("web failover");
    expect(emulator.store.ips.get("203.0.113.7/32")?.description).toBeNull();
  });

  test("refresh notices a change made outside Pulumi, and the next up puts it back", async () => {
    records()[0].ttl = 60;
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["update ovh:DomainRecord web [ttl]"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["update ovh:DomainRecord web [ttl]"]);
    expect(records()[0].ttl).toBe(300);
  });

  test("refresh notices a delete made outside Pulumi, and the next up makes it again", async () => {
    emulator.store.zones.get("example.com")!.records.clear();
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["delete ovh:DomainRecord web"]);
    expect(refresh.summary).toEqual({ same: 6, delete: 1 });
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["create ovh:DomainRecord web"]);
    expect(records()).toHaveLength(1);
  });

  test("up --target changes only the targeted resource", async () => {
    const { up } = await stack.previewThenUp({ target: [stack.urnOf("web-1")], config: { flavor: "d2-4", zone: "example.org" } });
    expect(stepLines(up)).toEqual(["update ovh:CloudInstance web-1 [flavor]"]);
    expect(records()).toHaveLength(1);
  });

  test("get adopts an existing resource by its id, and destroying that stack leaves it", async () => {
    const [key] = project().sshKeys.values();
    const adopted = await adoptById({ type: "ovh:CloudSshKey", id: `${emulator.serviceName}/${key.id}`, settings: settings(), secrets: stack.secrets });
    expect(adopted).toMatchObject({ keyId: key.id, name: "deploy" });
    expect(project().sshKeys.has(key.id)).toBe(true);
  });

  test("destroy removes everything from the cloud", async () => {
    const destroy = await stack.run("destroy");
    expect(destroy.summary).toEqual({ delete: 7 });
    expect(stack.resources()).toEqual([]);
    expect(emulator.liveResources()).toBe(0);
    expect(emulator.store.ips.get("203.0.113.8/32")?.description).toBeNull();
  });
});
