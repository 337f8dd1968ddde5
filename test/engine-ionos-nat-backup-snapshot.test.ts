/**
 * NAT gateway (with a rule), volume snapshot and backup unit on the real Pulumi engine against the
 * IONOS emulator, through the generic declared program (test/programs/declared.ts): up, a preview
 * with nothing changed, in-place changes (the backup unit's password, a secret, included), a
 * replacing change, refresh after an outside change and an outside delete, adoption by id, bad
 * input failing at preview with no API call, destroy leaving nothing. The backup unit's password
 * must never be in the state or the output in plain text. Needs `npm run build` and the Pulumi
 * CLI (`bash .ci/pulumi-cli`).
 */
import { type IonosEmulator, startIonosEmulator } from "../src/emulator";
import { describeWithEngine } from "./engine";
import { type Declared, DECLARED_PROGRAM, adoptById, engineStack, stepLines } from "./support/engine-stack";

const PASSWORD = "Backup-Engine-Secret-1";
const NEW_PASSWORD = "Backup-Engine-Secret-2";
/** The first address the emulator reserves: the IP block below is its only public address. */
const FIRST_IP = "198.18.0.1";


function program(change: { gatewayName?: string; snapshotDescription?: string; unitName?: string; publicIps?: unknown } = {}): Declared[] {
  return [
    { type: "ionos:Datacenter", name: "dc", args: { name: "nat-dc", location: "de/fra" } },
    { type: "ionos:Lan", name: "lan", args: { datacenterId: "@dc.datacenterId", name: "private" } },
    { type: "ionos:IpBlock", name: "ips", args: { name: "nat-ips", location: "de/fra", size: 2 } },
    {
      type: "ionos:NatGateway",
      name: "gw",
      args: { datacenterId: "@dc.datacenterId", name: change.gatewayName ?? "gw", publicIps: change.publicIps ?? "@ips.ips", lans: [{ id: "@lan.lanId" }], timeoutMinutes: 5 },
    },
    {
      type: "ionos:NatGatewayRule",
      name: "rule",
      args: {
        datacenterId: "@dc.datacenterId", natGatewayId: "@gw.natGatewayId", name: "web", protocol: "TCP", sourceSubnet: "10.0.1.0/24",
        publicIp: FIRST_IP, targetPortRange: { start: 80, end: 443 },
      },
    },
    { type: "ionos:Volume", name: "disk", args: { datacenterId: "@dc.datacenterId", name: "data", size: 10, licenceType: "LINUX" } },
    {
      type: "ionos:Snapshot",
      name: "snap",
      args: { datacenterId: "@dc.datacenterId", volumeId: "@disk.volumeId", name: "data-snap", description: change.snapshotDescription ?? "first" },
    },
    { type: "ionos:BackupUnit", name: "backups", args: { name: change.unitName ?? "nightly", email: "ops@example.com", password: "@secret.backupPassword" } },
  ];
}

describeWithEngine("NAT gateway, snapshot and backup unit on the Pulumi engine", () => {
  let emulator: IonosEmulator;
  const stack = engineStack(DECLARED_PROGRAM, "engine-ionos-nat-");
  const settings = () => ({ config: { "ionos:apiUrl": emulator.apiUrl }, secretConfig: { "ionos:token": emulator.credentials.token } });
  const declare = (resources: Declared[]) => ({ config: { resources: JSON.stringify(resources) } });

  beforeAll(async () => {
    emulator = await startIonosEmulator({ requestMs: 50 });
    stack.secrets.push(PASSWORD, NEW_PASSWORD, ...Object.values(emulator.credentials));
  });

  afterAll(async () => {
    await emulator.stop();
    stack.remove();
  });

  const nodes = (type: string) => [...emulator.store.nodes.values()].filter((node) => node.type === type);

  test("up creates the data center, LAN, IP block, NAT gateway and rule, volume and snapshot, and backup unit", async () => {
    const { config, secretConfig } = settings();
    const up = await stack.run("up", {
      config: { ...config, ...declare(program()).config },
      secretConfig: { ...secretConfig, "secret.backupPassword": PASSWORD },
    });
    expect(stepLines(up)).toEqual([
      "create ionos:BackupUnit backups",
      "create ionos:Datacenter dc",
      "create ionos:IpBlock ips",
      "create ionos:Lan lan",
      "create ionos:NatGateway gw",
      "create ionos:NatGatewayRule rule",
      "create ionos:Snapshot snap",
      "create ionos:Volume disk",
    ]);
    expect(up.summary).toEqual({ create: 9 });
    expect(nodes("ipblock")[0].properties.ips).toEqual([FIRST_IP, "198.18.0.2"]);
    expect(nodes("natgateway")[0].properties.publicIps).toEqual([FIRST_IP, "198.18.0.2"]);
    expect(nodes("snapshot")[0].properties).toMatchObject({ size: 10, location: "de/fra", description: "first" });
    expect(JSON.stringify(nodes("backupunit")[0].properties)).not.toContain(PASSWORD);
    expect(emulator.liveResources()).toBe(8);
  });

  test("a preview with nothing changed shows no change", async () => {
    const preview = await stack.run("preview", { expectNoChanges: true });
    expect(preview.steps).toEqual([]);
    expect(preview.summary).toEqual({ same: 9 });
  });

  test("a new gateway name and snapshot description update both in place, and nothing that depends on them", async () => {
    const { up } = await stack.previewThenUp(declare(program({ gatewayName: "gw-2", snapshotDescription: "second" })));
    expect(stepLines(up)).toEqual(["update ionos:NatGateway gw [name]", "update ionos:Snapshot snap [description]"]);
    expect(nodes("natgateway")[0].properties.name).toBe("gw-2");
    expect(nodes("snapshot")[0].properties.description).toBe("second");
  });

  test("a new backup unit password is set in place, and stays out of the state", async () => {
    const { up } = await stack.previewThenUp({ secretConfig: { "secret.backupPassword": NEW_PASSWORD } });
    // The engine names no field of a change it only sees in secrets: the step carries none.
    expect(stepLines(up)).toEqual(["update ionos:BackupUnit backups"]);
    const patch = emulator.log.entries.filter((entry) => entry.method === "PATCH" && entry.path.includes("/backupunits/")).at(-1)!;
    expect(patch.body).toEqual({ email: "ops@example.com", password: NEW_PASSWORD });
  });

  test("a new backup unit name replaces it, and nothing else", async () => {
    const before = nodes("backupunit")[0].id;
    const { up } = await stack.previewThenUp(declare(program({ gatewayName: "gw-2", snapshotDescription: "second", unitName: "weekly" })));
    expect(stepLines(up)).toEqual(["delete-replaced ionos:BackupUnit backups", "replace ionos:BackupUnit backups [name]"]);
    expect(nodes("backupunit").map((unit) => [unit.id === before, unit.properties.name])).toEqual([[false, "weekly"]]);
  });

  test("refresh notices a rule changed outside Pulumi, and the next up puts it back", async () => {
    const [rule] = nodes("natgateway-rule");
    rule.properties = { ...rule.properties, sourceSubnet: "10.0.9.0/24" };
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["update ionos:NatGatewayRule rule [sourceSubnet]"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["update ionos:NatGatewayRule rule [sourceSubnet]"]);
    expect(nodes("natgateway-rule")[0].properties.sourceSubnet).toBe("10.0.1.0/24");
  });

  test("refresh notices a snapshot deleted outside Pulumi, and the next up takes it again", async () => {
    emulator.store.nodes.delete(nodes("snapshot")[0].path);
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["delete ionos:Snapshot snap"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["create ionos:Snapshot snap"]);
    expect(nodes("snapshot")).toHaveLength(1);
  });

  test("get adopts the NAT gateway rule by its id, and destroying that stack leaves it", async () => {
    const [rule] = nodes("natgateway-rule");
    const gateway = nodes("natgateway")[0];
    const dc = nodes("datacenter")[0];
    const id = `${dc.id}/${gateway.id}/${rule.id}`;
    const adopted = await adoptById({ type: "ionos:NatGatewayRule", id, settings: settings(), secrets: stack.secrets });
    expect(adopted).toMatchObject({ datacenterId: dc.id, natGatewayId: gateway.id, natGatewayRuleId: rule.id, publicIp: FIRST_IP });
    expect(emulator.store.nodes.has(rule.path)).toBe(true);
  });

  test("a bad public IP fails at preview, naming the field, with no API call", async () => {
    const before = emulator.log.entries.length;
    const preview = await stack.attempt("preview", declare(program({ gatewayName: "gw-2", snapshotDescription: "second", unitName: "weekly", publicIps: ["not-an-ip"] })));
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toMatch(/publicIps\.0/);
    expect(emulator.log.entries.length).toBe(before);
    // The stack keeps the config the failed preview was given: put the good one back.
    const good = await stack.run("preview", { ...declare(program({ gatewayName: "gw-2", snapshotDescription: "second", unitName: "weekly" })), expectNoChanges: true });
    expect(good.steps).toEqual([]);
  });

  test("destroy removes everything from the cloud", async () => {
    const destroy = await stack.run("destroy");
    expect(destroy.summary).toEqual({ delete: 9 });
    expect(stack.resources()).toEqual([]);
    expect(emulator.liveResources()).toBe(0);
  });
});
