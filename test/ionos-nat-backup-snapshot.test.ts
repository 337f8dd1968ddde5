/**
 * `ionos.NatGateway`, `ionos.NatGatewayRule`, `ionos.BackupUnit` and `ionos.Snapshot` through
 * their lifecycle against the IONOS emulator over real HTTP: check, create, read, diff (in place
 * and replace), update, outside change, outside delete, adoption, delete (twice), bad input
 * rejected at check with no API call, a lost create answer that still makes exactly one; the
 * emulator's rules (public IPs from IP blocks, a rule's IP of its gateway, LANs that exist, the
 * create-snapshot form); then every request and answer against the Cloud API v6 spec.
 */
import type { IonosEmulator } from "../src/emulator";
import { TOKEN_PATH } from "../src/emulator/ionos/emulator";
import { checkAndCreate, ops, stopIonosEmulator, useIonosEmulator } from "./support/ionos";
import { formProblems, haveIonosSpecs, ionosOperations, ionosRequestSchema } from "./support/ionos-spec";
import { contractProblems } from "./support/openapi";

let emulator: IonosEmulator;
/** The raw protocol tests below send this user agent: their log entries are left out of the contract check. */
const RAW_AGENT = "raw-protocol-test";
const PASSWORD = "Backup-Secret-0ne!";
const NEW_PASSWORD = "Backup-Secret-Tw0?";

beforeAll(async () => {
  emulator = await useIonosEmulator();
});
afterAll(() => stopIonosEmulator(emulator));

const nodes = (type: string) => [...emulator.store.nodes.values()].filter((node) => node.type === type);

async function apiCallsDuring(action: () => Promise<unknown>): Promise<number> {
  const before = emulator.log.entries.length;
  await action();
  return emulator.log.entries.length - before;
}

/** A call as someone outside Pulumi would make it. */
function raw(method: string, path: string, body?: string, contentType?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${emulator.credentials.token}`, "user-agent": RAW_AGENT };
  if (contentType) headers["content-type"] = contentType;
  return fetch(`${emulator.apiUrl}${path}`, { method, headers, body });
}

let dc: string;
let otherDc: string;
let lanId: number;
let ips: string[];
let volume: { id: string; outs: Record<string, unknown> };

beforeAll(async () => {
  dc = (await checkAndCreate("Datacenter", { name: "nat", location: "de/fra" })).id;
  otherDc = (await checkAndCreate("Datacenter", { name: "nat-us", location: "us/las" })).id;
  lanId = (await checkAndCreate("Lan", { datacenterId: dc, name: "private" })).outs.lanId as number;
  ips = (await checkAndCreate("IpBlock", { name: "nat-ips", location: "de/fra", size: 3 })).outs.ips as string[];
  volume = await checkAndCreate("Volume", { datacenterId: dc, name: "data", size: 12, licenceType: "LINUX" });
});

describe("ionos.NatGateway", () => {
  test("lifecycle: create, read, no-op diff, update in place, replace diff, outside change and delete, adoption, delete twice", async () => {
    const { id, outs, inputs } = await checkAndCreate("NatGateway", { datacenterId: dc, name: "gw", publicIps: [ips[0]], lans: [{ id: lanId }] });
    expect(id).toBe(`${dc}/${outs.natGatewayId}`);
    expect(outs).toMatchObject({ datacenterId: dc, name: "gw", publicIps: [ips[0]], lans: [{ id: lanId }], timeoutMinutes: 60 });
    // IONOS generated the gateway's address in the LAN, with a /24 mask; the program does not manage it.
    const [node] = nodes("natgateway");
    expect((node.properties.lans as { gatewayIps: string[] }[])[0].gatewayIps).toEqual([expect.stringMatching(/\/24$/)]);
    expect((await ops("NatGateway").read(id, outs)).props).toEqual(outs);
    expect(await ops("NatGateway").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("NatGateway").diff(id, outs, { ...inputs, datacenterId: otherDc })).toMatchObject({ replaces: ["datacenterId"] });

    const changed = { ...inputs, name: "gw-2", publicIps: [ips[0], ips[1]], lans: [{ id: lanId, gatewayIps: ["10.9.9.1/24"] }] };
    expect(await ops("NatGateway").diff(id, outs, changed)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("NatGateway").update(id, outs, changed);
    expect(updated.outs).toMatchObject({ name: "gw-2", publicIps: [ips[0], ips[1]], lans: [{ id: lanId, gatewayIps: ["10.9.9.1/24"] }] });
    expect(node.properties).toMatchObject({ name: "gw-2", publicIps: [ips[0], ips[1]] });

    node.properties = { ...node.properties, name: "renamed-outside" };
    expect((await ops("NatGateway").read(id, updated.outs)).props).toMatchObject({ name: "renamed-outside" });
    const adopted = await ops("NatGateway").read(id, {});
    expect(adopted.props).toEqual({ ...updated.outs, name: "renamed-outside" });

    await ops("NatGateway").delete(id, updated.outs);
    expect(nodes("natgateway")).toEqual([]);
    await ops("NatGateway").delete(id, updated.outs);
    expect(await ops("NatGateway").read(id, updated.outs)).toEqual({});
  });

  test("an outside delete: read returns nothing", async () => {
    const { id, outs } = await checkAndCreate("NatGateway", { datacenterId: dc, name: "gone", publicIps: [ips[2]], lans: [{ id: lanId }] });
    emulator.store.nodes.delete(nodes("natgateway")[0].path);
    expect(await ops("NatGateway").read(id, outs)).toEqual({});
  });

  test("bad input fails at check, naming the field, with no API call", async () => {
    let failures: unknown;
    const calls = await apiCallsDuring(async () => {
      failures = (await ops("NatGateway").check({}, { datacenterId: dc, name: "bad", publicIps: ["not-an-ip"], lans: [] })).failures;
    });
    expect(calls).toBe(0);
    expect((failures as { property: string }[]).map((f) => f.property)).toEqual(["publicIps.0", "lans"]);
    const twice = await ops("NatGateway").check({}, { datacenterId: dc, name: "bad", publicIps: [ips[0], ips[0]], lans: [{ id: 1 }] });
    expect(twice.failures).toEqual([{ property: "publicIps", reason: "an address is given twice" }]);
  });

  test("the API refuses public IPs outside the location's IP blocks and LANs that do not exist", async () => {
    await expect(checkAndCreate("NatGateway", { datacenterId: dc, name: "x", publicIps: ["203.0.113.9"], lans: [{ id: lanId }] })).rejects.toThrow(
      /HTTP 422.*203\.0\.113\.9 is not in an IP block reserved in de\/fra/,
    );
    await expect(checkAndCreate("NatGateway", { datacenterId: otherDc, name: "x", publicIps: [ips[0]], lans: [{ id: 1 }] })).rejects.toThrow(/not in an IP block reserved in us\/las/);
    await expect(checkAndCreate("NatGateway", { datacenterId: dc, name: "x", publicIps: [ips[0]], lans: [{ id: 42 }] })).rejects.toThrow(/no LAN 42 in this data center/);
    expect(nodes("natgateway")).toEqual([]);
  });

  test("a lost create answer still makes exactly one NAT gateway", async () => {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/natgateways$/ } });
    const { id, outs } = await checkAndCreate("NatGateway", { datacenterId: dc, name: "once", publicIps: [ips[0]], lans: [{ id: lanId }] });
    expect(nodes("natgateway").map((n) => n.id)).toEqual([outs.natGatewayId]);
    await ops("NatGateway").delete(id, outs);
  });
});

describe("ionos.NatGatewayRule", () => {
  let gateway: { id: string; outs: Record<string, unknown> };
  beforeAll(async () => {
    gateway = await checkAndCreate("NatGateway", { datacenterId: dc, name: "rules-gw", publicIps: [ips[0], ips[1]], lans: [{ id: lanId }] });
  });
  afterAll(() => ops("NatGateway").delete(gateway.id, gateway.outs));
  const base = () => ({ datacenterId: dc, natGatewayId: gateway.outs.natGatewayId, name: "web", sourceSubnet: "10.0.1.0/24", publicIp: ips[0] });

  test("lifecycle: create, read, no-op diff, update in place, replace diff, outside change and delete, adoption, delete twice", async () => {
    const { id, outs, inputs } = await checkAndCreate("NatGatewayRule", { ...base(), protocol: "TCP", targetPortRange: { start: 80, end: 443 } });
    expect(id).toBe(`${dc}/${gateway.outs.natGatewayId}/${outs.natGatewayRuleId}`);
    expect(outs).toMatchObject({ type: "SNAT", protocol: "TCP", sourceSubnet: "10.0.1.0/24", publicIp: ips[0], targetPortRange: { start: 80, end: 443 } });
    expect((await ops("NatGatewayRule").read(id, outs)).props).toEqual(outs);
    expect(await ops("NatGatewayRule").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("NatGatewayRule").diff(id, outs, { ...inputs, natGatewayId: "other" })).toMatchObject({ replaces: ["natGatewayId"] });
    const changed = { ...inputs, publicIp: ips[1], targetSubnet: "192.0.2.0/24", targetPortRange: { start: 8080, end: 8080 } };
    expect(await ops("NatGatewayRule").diff(id, outs, changed)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("NatGatewayRule").update(id, outs, changed);
    expect(updated.outs).toMatchObject({ publicIp: ips[1], targetSubnet: "192.0.2.0/24", targetPortRange: { start: 8080, end: 8080 } });

    // The gateway keeps the addresses its rules use.
    await expect(ops("NatGateway").update(gateway.id, gateway.outs, { ...gateway.outs, publicIps: [ips[0]] })).rejects.toThrow(/is used by a rule/);

    const [node] = nodes("natgateway-rule");
    node.properties = { ...node.properties, sourceSubnet: "10.0.2.0/24" };
    expect((await ops("NatGatewayRule").read(id, updated.outs)).props).toMatchObject({ sourceSubnet: "10.0.2.0/24" });
    expect((await ops("NatGatewayRule").read(id, {})).props).toEqual({ ...updated.outs, sourceSubnet: "10.0.2.0/24" });

    await ops("NatGatewayRule").delete(id, updated.outs);
    await ops("NatGatewayRule").delete(id, updated.outs);
    expect(nodes("natgateway-rule")).toEqual([]);
  });

  test("an outside delete: read returns nothing", async () => {
    const { id, outs } = await checkAndCreate("NatGatewayRule", base());
    emulator.store.nodes.delete(nodes("natgateway-rule")[0].path);
    expect(await ops("NatGatewayRule").read(id, outs)).toEqual({});
  });

  test("bad input fails at check, naming the field, with no API call", async () => {
    const check = (news: Record<string, unknown>) => ops("NatGatewayRule").check({}, { ...base(), ...news }).then((r) => r.failures);
    let failures: unknown[] = [];
    const calls = await apiCallsDuring(async () => {
      failures = [
        await check({ protocol: "ICMP", targetPortRange: { start: 1, end: 2 } }),
        await check({ protocol: "TCP", targetPortRange: { start: 90, end: 80 } }),
        await check({ sourceSubnet: "10.0.0.0/33", type: "DNAT" }),
      ];
    });
    expect(calls).toBe(0);
    expect(failures.slice(0, 2)).toEqual([
      [{ property: "targetPortRange", reason: "a port range does not apply to ICMP" }],
      [{ property: "targetPortRange", reason: "the range ends (80) before it starts (90)" }],
    ]);
    expect((failures[2] as { property: string }[]).map((f) => f.property).sort()).toEqual(["sourceSubnet", "type"]);
  });

  test("the API refuses a public IP that is not one of the gateway's", async () => {
    await expect(checkAndCreate("NatGatewayRule", { ...base(), publicIp: ips[2] })).rejects.toThrow(/is not a public IP of NAT gateway/);
  });

  test("a lost create answer still makes exactly one rule", async () => {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/rules$/ } });
    const { id, outs } = await checkAndCreate("NatGatewayRule", { ...base(), name: "once" });
    expect(nodes("natgateway-rule").map((n) => n.id)).toEqual([outs.natGatewayRuleId]);
    await ops("NatGatewayRule").delete(id, outs);
  });
});

describe("ionos.BackupUnit", () => {
  test("lifecycle: the password is written, never read back nor shown; a new one is set in place; a new name replaces", async () => {
    const { id, outs, inputs } = await checkAndCreate("BackupUnit", { name: "nightly", email: "ops@example.com", password: PASSWORD });
    expect(outs).toEqual({ name: "nightly", email: "ops@example.com", password: PASSWORD, timeoutMinutes: 30, backupUnitId: id });
    const [node] = nodes("backupunit");
    expect(JSON.stringify(node.properties)).not.toContain(PASSWORD);
    const shown = await (await raw("GET", `/backupunits/${id}`)).text();
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain("password");
    expect((await ops("BackupUnit").read(id, outs)).props).toEqual(outs);
    expect(await ops("BackupUnit").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("BackupUnit").diff(id, outs, { ...inputs, name: "weekly" })).toMatchObject({ replaces: ["name"] });
    expect(await ops("BackupUnit").diff(id, outs, { ...inputs, password: NEW_PASSWORD })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });

    const from = emulator.log.entries.length;
    const updated = await ops("BackupUnit").update(id, outs, { ...inputs, password: NEW_PASSWORD });
    expect(updated.outs).toMatchObject({ password: NEW_PASSWORD });
    const patch = emulator.log.entries.slice(from).find((e) => e.method === "PATCH")!;
    expect(patch.body).toEqual({ email: "ops@example.com", password: NEW_PASSWORD });
    const emailOnly = await ops("BackupUnit").update(id, updated.outs, { ...inputs, password: NEW_PASSWORD, email: "backup@example.com" });
    expect(emulator.log.entries.filter((e) => e.method === "PATCH").at(-1)!.body).toEqual({ email: "backup@example.com" });

    node.properties = { ...node.properties, email: "changed@example.com" };
    expect((await ops("BackupUnit").read(id, emailOnly.outs)).props).toMatchObject({ email: "changed@example.com", password: NEW_PASSWORD });
    // Adopted, the password is not known: the program's is set by the next update.
    expect((await ops("BackupUnit").read(id, {})).props).toEqual({ ...emailOnly.outs, email: "changed@example.com", password: "" });

    await ops("BackupUnit").delete(id, emailOnly.outs);
    await ops("BackupUnit").delete(id, emailOnly.outs);
    expect(nodes("backupunit")).toEqual([]);
  });

  test("an outside delete: read returns nothing", async () => {
    const { id, outs } = await checkAndCreate("BackupUnit", { name: "gone", email: "ops@example.com", password: PASSWORD });
    emulator.store.nodes.delete(nodes("backupunit")[0].path);
    expect(await ops("BackupUnit").read(id, outs)).toEqual({});
  });

  test("bad input fails at check, naming the field, with no API call, and no password in the message", async () => {
    let result: Awaited<ReturnType<ReturnType<typeof ops>["check"]>> | undefined;
    const calls = await apiCallsDuring(async () => {
      result = await ops("BackupUnit").check({}, { name: "not-alphanumeric", email: "nobody", password: PASSWORD });
    });
    expect(calls).toBe(0);
    expect(result!.failures!.map((f) => f.property)).toEqual(["name", "email"]);
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
    expect((await ops("BackupUnit").check({}, { name: "x", email: "a@example.com", password: "" })).failures!.map((f) => f.property)).toEqual(["password"]);
  });

  test("the API refuses a second unit of the same name, without the password in the error", async () => {
    const first = await checkAndCreate("BackupUnit", { name: "twin", email: "ops@example.com", password: PASSWORD });
    const second = checkAndCreate("BackupUnit", { name: "twin", email: "ops@example.com", password: PASSWORD });
    await expect(second).rejects.toThrow(/already exists/);
    await second.catch((error: Error) => expect(error.message).not.toContain(PASSWORD));
    await ops("BackupUnit").delete(first.id, first.outs);
  });

  test("a lost create answer still makes exactly one backup unit", async () => {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/backupunits$/ } });
    const { id, outs } = await checkAndCreate("BackupUnit", { name: "once", email: "ops@example.com", password: PASSWORD });
    expect(nodes("backupunit").map((n) => n.id)).toEqual([id]);
    await ops("BackupUnit").delete(id, outs);
  });
});

describe("ionos.Snapshot", () => {
  test("lifecycle: made by the volume's create-snapshot form, lives at /snapshots, changes in place, another volume replaces", async () => {
    const from = emulator.log.entries.length;
    const { id, outs, inputs } = await checkAndCreate("Snapshot", { datacenterId: dc, volumeId: volume.outs.volumeId, name: "before-upgrade" });
    const post = emulator.log.entries.slice(from).find((e) => e.method === "POST")!;
    expect(post.path).toBe(`/cloudapi/v6/datacenters/${dc}/volumes/${volume.outs.volumeId}/create-snapshot`);
    expect(post.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(post.body as string))).toEqual({ name: "before-upgrade", description: "", secAuthProtection: "false" });
    expect(id).toBe(`${dc}/${volume.outs.volumeId}/${outs.snapshotId}`);
    expect(outs).toMatchObject({ name: "before-upgrade", description: "", secAuthProtection: false, licenceType: "LINUX", size: 12, location: "de/fra" });
    expect(emulator.store.nodes.has(`/snapshots/${outs.snapshotId}`)).toBe(true);
    expect((await ops("Snapshot").read(id, outs)).props).toEqual(outs);
    expect(await ops("Snapshot").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("Snapshot").diff(id, outs, { ...inputs, volumeId: "other" })).toMatchObject({ replaces: ["volumeId"] });
    const changed = { ...inputs, name: "pre-upgrade", description: "taken before the upgrade", licenceType: "OTHER" };
    expect(await ops("Snapshot").diff(id, outs, changed)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("Snapshot").update(id, outs, changed);
    expect(updated.outs).toMatchObject({ name: "pre-upgrade", description: "taken before the upgrade", licenceType: "OTHER", size: 12 });

    const [node] = nodes("snapshot");
    node.properties = { ...node.properties, description: "edited outside" };
    expect((await ops("Snapshot").read(id, updated.outs)).props).toMatchObject({ description: "edited outside" });
    expect((await ops("Snapshot").read(id, {})).props).toEqual({ ...updated.outs, description: "edited outside" });

    await ops("Snapshot").delete(id, updated.outs);
    await ops("Snapshot").delete(id, updated.outs);
    expect(nodes("snapshot")).toEqual([]);
  });

  test("an outside delete: read returns nothing", async () => {
    const { id, outs } = await checkAndCreate("Snapshot", { datacenterId: dc, volumeId: volume.outs.volumeId, name: "gone" });
    emulator.store.nodes.delete(`/snapshots/${outs.snapshotId}`);
    expect(await ops("Snapshot").read(id, outs)).toEqual({});
  });

  test("bad input fails at check, naming the field, with no API call", async () => {
    let failures: unknown;
    const calls = await apiCallsDuring(async () => {
      failures = (await ops("Snapshot").check({}, { datacenterId: dc, volumeId: "v", name: "s", licenceType: "BEOS", secAuthProtection: "yes" })).failures;
    });
    expect(calls).toBe(0);
    expect((failures as { property: string }[]).map((f) => f.property).sort()).toEqual(["licenceType", "secAuthProtection"]);
  });

  test("a lost create answer still makes exactly one snapshot, found by its create key in the request log", async () => {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/create-snapshot$/ } });
    const { id, outs } = await checkAndCreate("Snapshot", { datacenterId: dc, volumeId: volume.outs.volumeId, name: "once", secAuthProtection: true });
    expect(nodes("snapshot").map((n) => n.id)).toEqual([outs.snapshotId]);
    expect(outs).toMatchObject({ secAuthProtection: true, size: 12 });
    await ops("Snapshot").delete(id, outs);
  });

  test("the create-snapshot action: a form or JSON body, 415 for another, 404 without the volume, no POST /snapshots", async () => {
    const path = `/datacenters/${dc}/volumes/${volume.outs.volumeId}/create-snapshot`;
    const form = await raw("POST", path, "name=raw&licenceType=OTHER", "application/x-www-form-urlencoded");
    expect(form.status).toBe(202);
    expect(form.headers.get("location")).toMatch(/\/requests\/[^/]+\/status$/);
    expect(await form.json()).toMatchObject({ type: "snapshot", properties: { name: "raw", licenceType: "OTHER", size: 12, location: "de/fra" } });
    const json = await raw("POST", path, JSON.stringify({ properties: { name: "json" } }), "application/json");
    expect(json.status).toBe(202);
    expect((await raw("POST", path, "name=x", "text/plain")).status).toBe(415);
    expect((await raw("POST", path, "secAuthProtection=maybe", "application/x-www-form-urlencoded")).status).toBe(422);
    expect((await raw("POST", `/datacenters/${dc}/volumes/nope/create-snapshot`, "name=x", "application/x-www-form-urlencoded")).status).toBe(404);
    expect((await raw("POST", "/snapshots", JSON.stringify({ properties: { name: "x" } }), "application/json")).status).toBe(405);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const snapshot of nodes("snapshot")) expect((await raw("DELETE", `/snapshots/${snapshot.id}`)).status).toBe(202);
  });
});

const haveSpecs = haveIonosSpecs("the NAT gateway, backup unit and snapshot contract check");

(haveSpecs ? describe : describe.skip)("the NAT gateway, backup unit and snapshot requests and answers follow the Cloud API v6 spec", () => {
  test("every request these suites sent and every answer the emulator gave", () => {
    const operations = ionosOperations();
    const entries = emulator.log.entries.filter((entry) => entry.headers["user-agent"] !== RAW_AGENT);
    const { problems, checked } = contractProblems(entries, operations, {
      requestSchema: ionosRequestSchema,
      check: formProblems,
      skipAnswer: (entry) => entry.path === TOKEN_PATH,
    });
    const mine = [...checked].filter((name) => /natgateways|backupunits|snapshot/.test(name)).sort();
    console.log(`checked ${entries.length} requests covering ${checked.size} operations, ${mine.length} of these types:\n  ${mine.join("\n  ")}`);
    expect(problems).toEqual([]);
    expect(mine).toEqual([
      "DELETE /backupunits/{backupunitId}",
      "DELETE /datacenters/{datacenterId}/natgateways/{natGatewayId}",
      "DELETE /datacenters/{datacenterId}/natgateways/{natGatewayId}/rules/{natGatewayRuleId}",
      "DELETE /snapshots/{snapshotId}",
      "GET /backupunits",
      "GET /backupunits/{backupunitId}",
      "GET /datacenters/{datacenterId}/natgateways",
      "GET /datacenters/{datacenterId}/natgateways/{natGatewayId}",
      "GET /datacenters/{datacenterId}/natgateways/{natGatewayId}/rules",
      "GET /datacenters/{datacenterId}/natgateways/{natGatewayId}/rules/{natGatewayRuleId}",
      "GET /snapshots",
      "GET /snapshots/{snapshotId}",
      "PATCH /backupunits/{backupunitId}",
      "PATCH /datacenters/{datacenterId}/natgateways/{natGatewayId}",
      "PATCH /datacenters/{datacenterId}/natgateways/{natGatewayId}/rules/{natGatewayRuleId}",
      "PATCH /snapshots/{snapshotId}",
      "POST /backupunits",
      "POST /datacenters/{datacenterId}/natgateways",
      "POST /datacenters/{datacenterId}/natgateways/{natGatewayId}/rules",
      "POST /datacenters/{datacenterId}/volumes/{volumeId}/create-snapshot",
    ]);
  });
});
