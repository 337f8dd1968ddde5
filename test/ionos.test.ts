/**
 * Every IONOS resource through its full lifecycle against the emulator over real HTTP: check,
 * create, read, diff (in place and replace), update, outside change (drift), outside delete,
 * adoption by id, delete; bad input rejected at check with no API call.
 */
import { z } from "zod";
import type { IonosEmulator } from "../src/emulator";
import { ionosClient } from "../src/ionos/client";
import { checkAndCreate, isRequestStatusPoll, ops, stopIonosEmulator, useIonosEmulator } from "./support/ionos";

let emulator: IonosEmulator;
beforeAll(async () => {
  emulator = await useIonosEmulator();
});
afterAll(() => stopIonosEmulator(emulator));

const outside = { cloud: "ionos" as const, operation: "outside change" };
const limit = { timeoutMs: 10_000, howToRaise: "-" };

/** Calls the API directly, as someone outside Pulumi would, and waits for the request. */
const outsideCall = (method: "PATCH" | "DELETE" | "POST", path: string, body?: unknown) =>
  ionosClient().write(outside, method, `/${path}`, body, limit);

async function apiCallsDuring(action: () => Promise<unknown>): Promise<number> {
  const before = emulator.log.entries.length;
  await action();
  return emulator.log.entries.length - before;
}

/** A data center for the resources inside one, shared by a describe block. */
async function datacenter(name: string) {
  return (await checkAndCreate("Datacenter", { name, location: "de/fra" })).id;
}

describe("request status polls", () => {
  test("concurrent writes share their status polls: one GET /requests (depth 2, created since the waits began) answers them", async () => {
    const from = emulator.log.entries.length;
    const created = await Promise.all([1, 2, 3, 4, 5].map((i) => checkAndCreate("Datacenter", { name: `shared-polls-${i}`, location: "de/fra" })));
    const polls = emulator.log.entries.slice(from).filter(isRequestStatusPoll);
    const lists = polls.filter((e) => e.path === "/cloudapi/v6/requests");
    console.log(`5 data center creates at once: ${polls.length} status polls, ${lists.length} of them lists`);
    expect(lists.length).toBeGreaterThanOrEqual(1);
    // Alone, each create polls at least once: five waits sharing polls send fewer than five.
    expect(polls.length).toBeLessThan(5);
    for (const { outs } of created) expect(outs.version).toBeGreaterThanOrEqual(1);
    await Promise.all(created.map(({ id, outs }) => ops("Datacenter").delete(id, outs)));
  });

  test("creates whose waits end together read what they made with one list of their collection, not a GET each", async () => {
    const dc = await datacenter("created-reads");
    const from = emulator.log.entries.length;
    const created = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => checkAndCreate("Lan", { datacenterId: dc, name: `wave-${i}` })));
    const reads = emulator.log.entries.slice(from).filter((e) => e.method === "GET" && e.path.startsWith(`/cloudapi/v6/datacenters/${dc}/lans`));
    console.log(`6 LAN creates at once: ${reads.map((e) => e.path.replace(`/cloudapi/v6/datacenters/${dc}`, "")).join(", ")}`);
    expect(reads.filter((e) => e.path !== `/cloudapi/v6/datacenters/${dc}/lans`)).toEqual([]);
    expect(reads.length).toBeLessThan(6);
    expect(created.map(({ outs }) => outs.name).sort()).toEqual(["wave-1", "wave-2", "wave-3", "wave-4", "wave-5", "wave-6"]);
    for (const { id, outs } of created) expect(await ops("Lan").read(id, outs)).toEqual({ id, props: outs });
    await ops("Datacenter").delete(dc, (await ops("Datacenter").read(dc, {})).props!);
  });

  test("GET /requests filters by creation date and status, as the spec says", async () => {
    const client = ionosClient();
    const item = z.object({ id: z.string(), metadata: z.object({ createdDate: z.string(), requestStatus: z.object({ metadata: z.object({ status: z.string() }) }) }) });
    const since = new Date(Date.now() - 60_000).toISOString().slice(0, 19).replace("T", " ");
    const recent = await client.list(outside, "/requests", item, 2, 1000, { "filter.createdAfter": since });
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.every((r) => Date.parse(r.metadata.createdDate) > Date.now() - 61_000)).toBe(true);
    const future = new Date(Date.now() + 3_600_000).toISOString().slice(0, 19).replace("T", " ");
    expect(await client.list(outside, "/requests", item, 2, 1000, { "filter.createdAfter": future })).toEqual([]);
    const done = await client.list(outside, "/requests", item, 2, 1000, { "filter.status": "DONE" });
    expect(done.every((r) => r.metadata.requestStatus.metadata.status === "DONE")).toBe(true);
    await expect(client.list(outside, "/requests", item, 2, 1000, { "filter.createdAfter": "yesterday" })).rejects.toThrow(/HTTP 422/);
  });
});

describe("ionos.Datacenter", () => {
  test("lifecycle", async () => {
    const { id, outs, inputs } = await checkAndCreate("Datacenter", { name: "dc", location: "de/txl", description: "first" });
    expect(inputs).toEqual({ name: "dc", location: "de/txl", description: "first", secAuthProtection: false, timeoutMinutes: 30 });
    expect(outs).toMatchObject({ ...inputs, datacenterId: id, version: 1, cpuFamilies: ["INTEL_ICELAKE", "INTEL_SKYLAKE", "AMD_EPYC"] });

    expect(await ops("Datacenter").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("Datacenter").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("Datacenter").diff(id, outs, { ...inputs, location: "de/fra" })).toEqual({
      changes: true,
      replaces: ["location"],
      deleteBeforeReplace: false,
    });

    const described = { ...inputs, description: "second" };
    expect(await ops("Datacenter").diff(id, outs, described)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("Datacenter").update(id, outs, described);
    expect(updated.outs).toMatchObject({ description: "second", version: 2 });

    // Drift: someone renames it in the DCD; refresh sees it and up reverts it.
    await outsideCall("PATCH", `datacenters/${id}`, { name: "renamed" });
    const refreshed = await ops("Datacenter").read(id, updated.outs);
    expect(refreshed.props).toMatchObject({ name: "renamed" });
    expect(await ops("Datacenter").diff(id, refreshed.props!, described)).toMatchObject({ changes: true, replaces: [] });

    // Adopt by id: a read with nothing but the id.
    expect((await ops("Datacenter").read(id, {})).props).toMatchObject({ name: "renamed", location: "de/txl", datacenterId: id });

    await ops("Datacenter").delete(id, updated.outs);
    expect(await ops("Datacenter").read(id, updated.outs)).toEqual({});
    // Deleting what is already gone succeeds.
    await ops("Datacenter").delete(id, updated.outs);
  });

  test("a change of timeoutMinutes alone makes no API call", async () => {
    const { id, outs, inputs } = await checkAndCreate("Datacenter", { name: "patient", location: "de/fra" });
    let updated: { outs: Record<string, unknown> } | undefined;
    const calls = await apiCallsDuring(async () => {
      updated = await ops("Datacenter").update(id, outs, { ...inputs, timeoutMinutes: 90 });
    });
    expect(updated!.outs).toMatchObject({ timeoutMinutes: 90 });
    expect(calls).toBe(1); // the read after it
  });

  test("bad input fails at check, naming the field, with no API call", async () => {
    let failures: unknown;
    const calls = await apiCallsDuring(async () => {
      failures = (await ops("Datacenter").check({}, { name: "x", location: "Frankfurt", colour: "red" })).failures;
    });
    expect(failures).toEqual([
      { property: "location", reason: "must be an IONOS location such as de/fra" },
      { property: "colour", reason: "unknown property" },
    ]);
    expect(calls).toBe(0);
  });
});

describe("ionos.Lan, Server, Volume, Nic, FirewallRule, IpBlock", () => {
  let dc: string;
  beforeAll(async () => {
    dc = await datacenter("compute");
  });

  test("LAN: numeric id, public and name in place, data center replaces, drift, adopt, delete", async () => {
    const { id, outs, inputs } = await checkAndCreate("Lan", { datacenterId: dc, name: "backend" });
    expect(outs).toEqual({ datacenterId: dc, name: "backend", public: false, ipFailover: [], timeoutMinutes: 30, lanId: expect.any(Number) });
    expect(id).toBe(`${dc}/${outs.lanId}`);
    expect(await ops("Lan").diff(id, outs, { ...inputs, datacenterId: "other" })).toMatchObject({ replaces: ["datacenterId"] });

    const updated = await ops("Lan").update(id, outs, { ...inputs, public: true, name: "frontend" });
    expect(updated.outs).toMatchObject({ public: true, name: "frontend" });

    await outsideCall("PATCH", `datacenters/${dc}/lans/${outs.lanId}`, { public: false });
    const drifted = await ops("Lan").read(id, updated.outs);
    expect(drifted.props).toMatchObject({ public: false });
    expect(await ops("Lan").diff(id, drifted.props!, { ...inputs, public: true, name: "frontend" })).toMatchObject({ changes: true, replaces: [] });

    expect((await ops("Lan").read(id, {})).props).toMatchObject({ datacenterId: dc, lanId: outs.lanId, name: "frontend" });
    await ops("Lan").delete(id, updated.outs);
    expect(await ops("Lan").read(id, {})).toEqual({});
  });

  test("server: cores in place with a restart warning, zone replaces, stop and start, drift, adopt", async () => {
    const { id, outs, inputs } = await checkAndCreate("Server", { datacenterId: dc, name: "app", cores: 2, ram: 2048 });
    expect(outs).toMatchObject({ name: "app", cores: 2, ram: 2048, cpuFamily: "INTEL_SKYLAKE", vmState: "RUNNING", bootVolumeId: "" });
    expect(id).toBe(`${dc}/${outs.serverId}`);

    expect(await ops("Server").diff(id, outs, { ...inputs, availabilityZone: "ZONE_2" })).toMatchObject({ replaces: ["availabilityZone"] });
    const warnings = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await ops("Server").diff(id, outs, { ...inputs, cores: 4 })).toMatchObject({ changes: true, replaces: [] });
      expect(String(warnings.mock.calls[0][0])).toMatch(/warning: ionos:Server server "app": changing cores restarts the server/);
    } finally {
      warnings.mockRestore();
    }

    const bigger = await ops("Server").update(id, outs, { ...inputs, cores: 4, ram: 4096 });
    expect(bigger.outs).toMatchObject({ cores: 4, ram: 4096 });
    const stopped = await ops("Server").update(id, bigger.outs, { ...inputs, cores: 4, ram: 4096, vmState: "SHUTOFF" });
    expect(stopped.outs).toMatchObject({ vmState: "SHUTOFF" });

    // Someone starts it in the DCD: refresh sees RUNNING, and the program (SHUTOFF) stops it again.
    await outsideCall("POST", `datacenters/${dc}/servers/${outs.serverId}/start`);
    const drifted = await ops("Server").read(id, stopped.outs);
    expect(drifted.props).toMatchObject({ vmState: "RUNNING" });
    expect(await ops("Server").diff(id, drifted.props!, { ...inputs, cores: 4, ram: 4096, vmState: "SHUTOFF" })).toMatchObject({ changes: true });

    expect((await ops("Server").read(id, {})).props).toMatchObject({ serverId: outs.serverId, cores: 4 });
    await ops("Server").delete(id, stopped.outs);
    expect(await ops("Server").read(id, stopped.outs)).toEqual({});
  });

  test("server: a CPU family the location lacks is refused with IONOS's message", async () => {
    const error = await checkAndCreate("Server", { datacenterId: dc, name: "odd", cores: 1, ram: 1024, cpuFamily: "INTEL_ICELAKE" }).catch((e) => e);
    expect(error.message).toMatch(/^ionos: create server \(server "odd"\) failed: HTTP 422: \[100\] .*INTEL_ICELAKE is not available in de\/fra/);
  });

  test("volume: from an image, attached as the boot volume, grows in place, never shrinks, moves between servers", async () => {
    const web = await checkAndCreate("Server", { datacenterId: dc, name: "vol-host", cores: 1, ram: 1024 });
    const { id, outs, inputs } = await checkAndCreate("Volume", {
      datacenterId: dc,
      name: "boot",
      size: 10,
      imageAlias: "ubuntu:latest",
      imagePassword: "S3cretPassw0rd",
      sshKeys: ["ssh-ed25519 AAAAC3NzaVOLUME user@host"],
      serverId: web.outs.serverId,
    });
    expect(outs).toMatchObject({
      size: 10, type: "HDD", imageAlias: "ubuntu:latest", licenceType: "LINUX", serverId: web.outs.serverId,
      imagePassword: "S3cretPassw0rd", sshKeys: ["ssh-ed25519 AAAAC3NzaVOLUME user@host"], image: expect.any(String),
    });
    expect((await ops("Server").read(web.id, {})).props).toMatchObject({ bootVolumeId: outs.volumeId });

    expect(await ops("Volume").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("Volume").diff(id, outs, { ...inputs, imagePassword: "An0therPassw0rd" })).toMatchObject({ replaces: ["imagePassword"] });
    expect(await ops("Volume").diff(id, outs, { ...inputs, size: 20 })).toMatchObject({ changes: true, replaces: [] });
    expect((await ops("Volume").check(inputs, { ...inputs, size: 5 })).failures).toEqual([
      { property: "size", reason: "a volume cannot shrink (from 10 GB to 5 GB): only a larger size is possible" },
    ]);

    const other = await checkAndCreate("Server", { datacenterId: dc, name: "vol-host-2", cores: 1, ram: 1024 });
    const grown = await ops("Volume").update(id, outs, { ...inputs, size: 20, serverId: other.outs.serverId });
    expect(grown.outs).toMatchObject({ size: 20, serverId: other.outs.serverId, imagePassword: "S3cretPassw0rd" });
    expect((await ops("Server").read(web.id, {})).props).toMatchObject({ bootVolumeId: "" });

    // Detached outside Pulumi: refresh shows no server, and up attaches it again.
    await outsideCall("DELETE", `datacenters/${dc}/servers/${other.outs.serverId}/volumes/${outs.volumeId}`);
    const drifted = await ops("Volume").read(id, grown.outs);
    expect(drifted.props).toMatchObject({ serverId: "" });
    const reattached = await ops("Volume").update(id, drifted.props!, { ...inputs, size: 20, serverId: other.outs.serverId });
    expect(reattached.outs).toMatchObject({ serverId: other.outs.serverId });

    expect((await ops("Volume").read(id, {})).props).toMatchObject({ volumeId: outs.volumeId, size: 20 });
    await ops("Volume").delete(id, reattached.outs);
    expect(await ops("Volume").read(id, {})).toEqual({});
  });

  test("volume: image rules are checked at preview", async () => {
    const { failures } = await ops("Volume").check({}, { datacenterId: dc, name: "v", size: 10, imagePassword: "short" });
    expect(failures).toEqual([{ property: "imagePassword", reason: "must be 8 to 50 letters and digits" }]);
    const blank = await ops("Volume").check({}, { datacenterId: dc, name: "v", size: 10, sshKeys: ["ssh-ed25519 AAAA"] });
    expect(blank.failures).toEqual([
      { property: "imagePassword", reason: "imagePassword and sshKeys need an image or imageAlias" },
      { property: "licenceType", reason: "a volume without an image needs a licenceType (e.g. LINUX or OTHER)" },
    ]);
  });

  test("NIC with IPs from an IP block, firewall in place; firewall rule ports checked and updated", async () => {
    const server = await checkAndCreate("Server", { datacenterId: dc, name: "edge", cores: 1, ram: 1024 });
    const lan = await checkAndCreate("Lan", { datacenterId: dc, name: "internet", public: true });
    const block = await checkAndCreate("IpBlock", { name: "edge-ips", location: "de/fra", size: 2 });
    const ips = block.outs.ips as string[];
    expect(ips).toHaveLength(2);

    const nicInputs = { datacenterId: dc, serverId: server.outs.serverId, name: "eth0", lan: lan.outs.lanId, ips: [ips[0]] };
    const nic = await checkAndCreate("Nic", nicInputs);
    expect(nic.id).toBe(`${dc}/${server.outs.serverId}/${nic.outs.nicId}`);
    expect(nic.outs).toMatchObject({ ips: [ips[0]], dhcp: true, firewallActive: false, firewallType: "INGRESS", mac: expect.stringMatching(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/) });
    // Moved to another server with its reserved IP: the old NIC must free the IP first.
    expect(await ops("Nic").diff(nic.id, nic.outs, { ...nic.inputs, serverId: "other" })).toEqual({
      changes: true, replaces: ["serverId"], deleteBeforeReplace: true,
    });
    expect(await ops("Nic").diff(nic.id, nic.outs, { ...nic.inputs, serverId: "other", ips: [ips[1]] })).toMatchObject({
      deleteBeforeReplace: false,
    });
    const guarded = await ops("Nic").update(nic.id, nic.outs, { ...nic.inputs, firewallActive: true, ips: [ips[1]] });
    expect(guarded.outs).toMatchObject({ firewallActive: true, ips: [ips[1]] });

    // A NIC on the public LAN whose address IONOS gave it can still be renamed.
    const { ips: _fixed, ...dynamic } = nicInputs;
    const given = await checkAndCreate("Nic", { ...dynamic, name: "eth1" });
    const renamed = await ops("Nic").update(given.id, given.outs, { ...given.inputs, name: "eth1-renamed" });
    expect(renamed.outs).toMatchObject({ name: "eth1-renamed", ips: given.outs.ips });
    await ops("Nic").delete(given.id, renamed.outs);

    const ruleInputs = { datacenterId: dc, serverId: server.outs.serverId, nicId: nic.outs.nicId, name: "ssh", protocol: "TCP", portRangeStart: 22, portRangeEnd: 22 };
    const rule = await checkAndCreate("FirewallRule", ruleInputs);
    expect(rule.outs).toEqual({ ...rule.inputs, firewallRuleId: expect.any(String) });
    expect(await ops("FirewallRule").diff(rule.id, rule.outs, { ...rule.inputs, protocol: "UDP" })).toMatchObject({ replaces: ["protocol"] });
    const https = await ops("FirewallRule").update(rule.id, rule.outs, { ...rule.inputs, portRangeStart: 443, portRangeEnd: 443, sourceIp: "192.0.2.10" });
    expect(https.outs).toMatchObject({ portRangeStart: 443, portRangeEnd: 443, sourceIp: "192.0.2.10" });

    // Leaving out the source and the ports widens the rule: a change, sent as a PUT without them
    // (the spec's ports are not nullable).
    const { portRangeStart: _s, portRangeEnd: _e, ...anyPort } = rule.inputs;
    expect(await ops("FirewallRule").diff(rule.id, https.outs, anyPort)).toMatchObject({ changes: true, replaces: [] });
    const widened = await ops("FirewallRule").update(rule.id, https.outs, anyPort);
    const ruleWrites = emulator.log.entries.filter((e) => e.method !== "GET" && e.path.endsWith(`/firewallrules/${rule.outs.firewallRuleId}`));
    expect(ruleWrites.at(-1)).toMatchObject({ method: "PUT", body: { properties: expect.not.objectContaining({ portRangeStart: expect.anything() }) } });
    expect(widened.outs).not.toHaveProperty("sourceIp");
    expect(widened.outs).not.toHaveProperty("portRangeStart");
    expect(await ops("FirewallRule").diff(rule.id, widened.outs, anyPort)).toMatchObject({ changes: false });
    await ops("FirewallRule").update(rule.id, widened.outs, { ...rule.inputs, portRangeStart: 443, portRangeEnd: 443, sourceIp: "192.0.2.10" });

    const path = `datacenters/${dc}/servers/${server.outs.serverId}/nics/${nic.outs.nicId}`;
    await outsideCall("PATCH", `${path}/firewallrules/${rule.outs.firewallRuleId}`, { portRangeStart: 1, portRangeEnd: 65535 });
    expect((await ops("FirewallRule").read(rule.id, https.outs)).props).toMatchObject({ portRangeStart: 1, portRangeEnd: 65535 });
    expect((await ops("FirewallRule").read(rule.id, {})).props).toMatchObject({ protocol: "TCP", nicId: nic.outs.nicId });
    expect((await ops("Nic").read(nic.id, {})).props).toMatchObject({ lan: lan.outs.lanId, firewallActive: true });

    // Deleted outside Pulumi, with its NIC: refresh drops both.
    await outsideCall("DELETE", path);
    expect(await ops("FirewallRule").read(rule.id, https.outs)).toEqual({});
    expect(await ops("Nic").read(nic.id, guarded.outs)).toEqual({});
  });

  test("firewall rule and NIC rules are checked at preview", async () => {
    const base = { datacenterId: dc, serverId: "s", nicId: "n", name: "r" };
    const check = (news: Record<string, unknown>) => ops("FirewallRule").check({}, { ...base, ...news }).then((r) => r.failures);
    expect(await check({ protocol: "TCP", portRangeStart: 80, portRangeEnd: 22 })).toEqual([
      { property: "portRangeEnd", reason: "the range ends (22) before it starts (80)" },
    ]);
    expect(await check({ protocol: "ICMP", portRangeStart: 22, portRangeEnd: 22, icmpType: 8 })).toEqual([
      { property: "portRangeStart", reason: "ports apply to TCP and UDP only, not ICMP" },
    ]);
    expect(await check({ protocol: "TCP", portRangeStart: 70000, portRangeEnd: 70000 })).toEqual([
      { property: "portRangeStart", reason: expect.stringMatching(/65535/) },
      { property: "portRangeEnd", reason: expect.stringMatching(/65535/) },
    ]);
    expect(await check({ protocol: "UDP", portRangeStart: 53 })).toEqual([
      { property: "portRangeEnd", reason: "give both ends of the port range (start = end for one port)" },
    ]);
    expect(await check({ protocol: "ANY", sourceIp: "10.0.0.0/8", sourceMac: "not-a-mac" })).toEqual([
      { property: "sourceMac", reason: "must be a MAC address such as aa:bb:cc:dd:ee:ff" },
    ]);
    const nic = await ops("Nic").check({}, { datacenterId: dc, serverId: "s", name: "n", lan: 0, ips: ["999.1.1.1"] });
    expect(nic.failures?.map((f) => f.property)).toEqual(["lan", "ips.0"]);
  });

  test("IP block: name in place, size and location replace, outside delete", async () => {
    const { id, outs, inputs } = await checkAndCreate("IpBlock", { name: "reserved", location: "de/fra" });
    expect(outs).toMatchObject({ size: 1, ips: [expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/)], ipBlockId: id });
    expect(await ops("IpBlock").diff(id, outs, { ...inputs, size: 2 })).toMatchObject({ replaces: ["size"] });
    const renamed = await ops("IpBlock").update(id, outs, { ...inputs, name: "kept" });
    expect(renamed.outs).toMatchObject({ name: "kept", ips: outs.ips });
    await outsideCall("DELETE", `ipblocks/${id}`);
    expect(await ops("IpBlock").read(id, renamed.outs)).toEqual({});
  });

  test("deleting the data center deletes everything in it", async () => {
    const doomed = await datacenter("doomed");
    const lan = await checkAndCreate("Lan", { datacenterId: doomed, name: "l" });
    const server = await checkAndCreate("Server", { datacenterId: doomed, name: "s", cores: 1, ram: 1024 });
    const nic = await checkAndCreate("Nic", { datacenterId: doomed, serverId: server.outs.serverId, name: "n", lan: lan.outs.lanId });
    await ops("Datacenter").delete(doomed, {});
    for (const [kind, created] of [["Lan", lan], ["Server", server], ["Nic", nic]] as const) {
      expect(await ops(kind).read(created.id, created.outs)).toEqual({});
      await ops(kind).delete(created.id, created.outs);
    }
    expect([...emulator.store.nodes.keys()].filter((path) => path.includes(doomed))).toEqual([]);
  });

  test("a malformed id is named in the error", async () => {
    await expect(ops("Lan").read("no-slash", {})).rejects.toThrow(/^ionos: read LAN no-slash failed: "no-slash" is not a valid id here: expected datacenterId\/lanId$/);
  });
});
