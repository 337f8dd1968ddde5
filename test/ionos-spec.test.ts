/**
 * Contract test against IONOS's official OpenAPI specs (Cloud API v6 and Auth API v1, from the Go
 * SDKs, in ../shared/specs beside the checkout): every request the resources send must be an
 * operation of the spec with a valid body, and every successful answer of the emulator must match
 * the spec's response schema. Skips, saying so, where the specs are absent (a user's clone).
 */
import type { IonosEmulator } from "../src/emulator";
import { TOKEN_PATH } from "../src/emulator/ionos/emulator";
import { checkAndCreate, ops, stopIonosEmulator, useIonosEmulator } from "./support/ionos";
import { haveIonosSpecs, ionosOperations, ionosRequestSchema } from "./support/ionos-spec";
import { type SpecOperation, contractProblems } from "./support/openapi";

const haveSpecs = haveIonosSpecs("the IONOS contract test");

const describeWithSpecs = haveSpecs ? describe : describe.skip;

describeWithSpecs("the IONOS resources and emulator follow the official specs", () => {
  let emulator: IonosEmulator;
  let operations: SpecOperation[];

  beforeAll(async () => {
    operations = ionosOperations();
    emulator = await useIonosEmulator();
  });
  afterAll(() => stopIonosEmulator(emulator));

  test("every request and answer of a full lifecycle of the seven resources", async () => {
    // Lost answers to the creates make the resources look themselves up in their collections.
    for (const path of [/\/datacenters$/, /\/lans$/, /\/servers$/, /\/nics$/, /\/firewallrules$/, /\/ipblocks$/]) {
      emulator.faults.next({ kind: "reset-after", match: { method: "POST", path } });
    }
    const dc = await checkAndCreate("Datacenter", { name: "spec", location: "de/fra" });
    await ops("Datacenter").update(dc.id, dc.outs, { ...dc.inputs, description: "contract" });
    const lan = await checkAndCreate("Lan", { datacenterId: dc.id, name: "spec-lan", public: true });
    const block = await checkAndCreate("IpBlock", { name: "spec-ips", location: "de/fra", size: 2 });
    await ops("IpBlock").update(block.id, block.outs, { ...block.inputs, name: "spec-ips-2" });
    const server = await checkAndCreate("Server", { datacenterId: dc.id, name: "spec-vm", cores: 1, ram: 1024, vmState: "SHUTOFF" });
    const serverId = server.outs.serverId as string;
    await ops("Server").update(server.id, server.outs, { ...server.inputs, cores: 2, vmState: "RUNNING" });
    const volume = await checkAndCreate("Volume", {
      datacenterId: dc.id, name: "spec-boot", size: 10, imageAlias: "ubuntu:latest", imagePassword: "Sp3cPassw0rd",
      sshKeys: ["ssh-ed25519 AAAASPEC user@host"], serverId,
    });
    const data = await checkAndCreate("Volume", { datacenterId: dc.id, name: "spec-data", size: 5, licenceType: "OTHER" });
    await ops("Volume").update(volume.id, volume.outs, { ...volume.inputs, size: 20, serverId: undefined });
    await ops("Volume").update(data.id, data.outs, { ...data.inputs, serverId });
    const nic = await checkAndCreate("Nic", {
      datacenterId: dc.id, serverId, name: "spec-nic", lan: lan.outs.lanId, ips: [(block.outs.ips as string[])[0]],
    });
    await ops("Nic").update(nic.id, nic.outs, { ...nic.inputs, firewallActive: true });
    await ops("Lan").update(lan.id, lan.outs, { ...lan.inputs, ipFailover: [{ ip: (block.outs.ips as string[])[0], nicUuid: nic.outs.nicId }] });
    const rule = await checkAndCreate("FirewallRule", {
      datacenterId: dc.id, serverId, nicId: nic.outs.nicId, name: "spec-ssh", protocol: "TCP", portRangeStart: 22, portRangeEnd: 22,
      sourceIp: "192.0.2.1", sourceMac: "aa:bb:cc:dd:ee:ff",
    });
    const widened = await ops("FirewallRule").update(rule.id, rule.outs, { ...rule.inputs, portRangeEnd: 65535 });
    const { portRangeStart: _start, portRangeEnd: _end, sourceIp: _ip, ...anyPort } = rule.inputs;
    await ops("FirewallRule").update(rule.id, widened.outs, anyPort);
    const icmp = await checkAndCreate("FirewallRule", { datacenterId: dc.id, serverId, nicId: nic.outs.nicId, name: "ping", protocol: "ICMP", icmpType: 8 });
    await ops("Server").read(server.id, {});
    await ops("Lan").update(lan.id, lan.outs, { ...lan.inputs, ipFailover: [] });
    for (const [kind, created] of [
      ["FirewallRule", icmp], ["FirewallRule", rule], ["Nic", nic], ["Volume", data], ["Volume", volume], ["Server", server],
      ["Lan", lan], ["IpBlock", block], ["Datacenter", dc],
    ] as const) {
      await ops(kind).delete(created.id, created.outs);
    }
    expect(emulator.liveResources()).toBe(0);

    const { problems, checked } = contractProblems(emulator.log.entries, operations, {
      requestSchema: ionosRequestSchema,
      // The log leaves out the token answer: it is a credential.
      skipAnswer: (entry) => entry.path === TOKEN_PATH,
    });
    console.log(`checked ${emulator.log.entries.length} requests covering ${checked.size} operations of the specs:\n  ${[...checked].sort().join("\n  ")}`);
    expect(problems).toEqual([]);
    expect(checked.size).toBeGreaterThanOrEqual(30);
  });
});
