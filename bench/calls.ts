/**
 * Calls per operation: the API requests each create / read / update / delete of every resource
 * sends, counted in the emulators' request logs (token requests left out: they are counted per
 * cloud for the whole run, in which every resource shares one provider process).
 */
import type { ProviderOperations } from "../src/core/kit";
import { operationsFor } from "../src/core/registry";
import type { EmulatorServer } from "../src/emulator/server";
import * as contabo from "../test/support/contabo";
import * as ionos from "../test/support/ionos";
import * as ovh from "../test/support/ovh";
import { printTable } from "./common";

type Plain = Record<string, unknown>;

const TOKEN_PATH = /\/auth\/.*token/;
const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyForTheEmulatorOnlyAAAAAAAAAA bench@example";

/** Counts the API requests (not token requests) the emulator receives while the action runs. */
async function calls<T>(emulator: EmulatorServer, action: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const from = emulator.log.entries.length;
  const result = await action();
  return { result, calls: emulator.log.entries.slice(from).filter((entry) => !TOKEN_PATH.test(entry.path)).length };
}

async function checked(ops: ProviderOperations, olds: Plain, news: Plain): Promise<Plain> {
  const result = await ops.check(olds, news);
  if (result.failures) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return result.inputs!;
}

/** Create, read, update (when `patch` is given) and delete of one resource: API calls of each. */
async function lifecycle(emulator: EmulatorServer, token: string, news: Plain, patch?: Plain): Promise<string[]> {
  const ops = operationsFor(token);
  const inputs = await checked(ops, {}, news);
  const created = await calls(emulator, () => ops.create(inputs));
  const { id, outs } = created.result;
  const read = await calls(emulator, () => ops.read(id, outs));
  let latest = outs;
  let update = "-";
  if (patch) {
    const updatedInputs = await checked(ops, inputs, { ...inputs, ...patch });
    const updated = await calls(emulator, () => ops.update(id, outs, updatedInputs));
    latest = updated.result.outs;
    update = String(updated.calls);
  }
  const deleted = await calls(emulator, () => ops.delete(id, latest));
  return [token, String(created.calls), String(read.calls), update, String(deleted.calls)];
}

type Case = [kind: string, news: Plain, patch?: Plain];

/** Runs every case, keeping going after a failure (shown in the table and under it). */
async function runCases(emulator: EmulatorServer, cloud: string, cases: Case[], rows: string[][], errors: string[]) {
  for (const [kind, news, patch] of cases) {
    try {
      rows.push(await lifecycle(emulator, `${cloud}:${kind}`, news, patch));
    } catch (error) {
      rows.push([`${cloud}:${kind}`, "error", "", "", ""]);
      errors.push(`${cloud}:${kind}: ${(error as Error).message}`);
    }
  }
}

async function contaboRows(rows: string[][], errors: string[]): Promise<string> {
  const emulator = await contabo.useContaboEmulator({ provisioningMs: 200 });
  try {
    const host = Number((await contabo.checkAndCreate("Instance", { displayName: "calls-host", addOns: { privateNetworking: true } })).id);
    const tagId = Number((await contabo.checkAndCreate("Tag", { name: "calls-fixture" })).id);
    await runCases(emulator, "contabo", [
      ["Tag", { name: "calls-tag", color: "#ff0000" }, { color: "#00ff00" }],
      ["Secret", { name: "calls-secret", type: "password", value: "Calls!Pass#12" }, { name: "calls-secret-2" }],
      ["Instance", { displayName: "calls-vm" }, { displayName: "calls-vm-2" }],
      ["PrivateNetwork", { name: "calls-net", instanceIds: [host] }, { name: "calls-net-2" }],
      ["Snapshot", { instanceId: host, name: "calls-snap" }, { name: "calls-snap-2" }],
      ["TagAssignment", { tagId, resourceType: "instance", resourceId: host }],
      ["Image", { name: "calls-image", url: "https://example.com/a.iso", osType: "Linux", version: "1" }, { name: "calls-image-2" }],
      ["ObjectStorage", { displayName: "calls-storage", totalPurchasedSpaceTB: 0.25 }, { displayName: "calls-storage-2" }],
      ["Role", { name: "calls-role", permissions: [{ apiName: "/v1/tags", actions: ["READ"], resources: [tagId] }] }, { name: "calls-role-2" }],
      ["User", { email: "calls@example.com", firstName: "Calls", lastName: "User" }, { firstName: "Called" }],
      ["VipAssignment", { ip: "203.0.113.200", resourceId: host }],
    ], rows, errors);
    return `contabo ${emulator.tokensIssued}`;
  } finally {
    await contabo.stopContaboEmulator(emulator);
  }
}

async function ionosRows(rows: string[][], errors: string[]): Promise<string> {
  const emulator = await ionos.useIonosEmulator({ requestMs: 50 });
  try {
    const datacenterId = (await ionos.checkAndCreate("Datacenter", { name: "calls-fixture", location: "de/fra" })).id;
    const serverId = (await ionos.checkAndCreate("Server", { datacenterId, name: "calls-host", cores: 1, ram: 1024 })).outs.serverId;
    const lan = (await ionos.checkAndCreate("Lan", { datacenterId, name: "calls-lan-fixture" })).outs.lanId;
    const nicId = (await ionos.checkAndCreate("Nic", { datacenterId, serverId, name: "calls-nic-fixture", lan })).outs.nicId;
    await runCases(emulator, "ionos", [
      ["Datacenter", { name: "calls-dc", location: "de/fra" }, { name: "calls-dc-2" }],
      ["Lan", { datacenterId, name: "calls-lan" }, { name: "calls-lan-2" }],
      ["Server", { datacenterId, name: "calls-server", cores: 1, ram: 1024 }, { name: "calls-server-2" }],
      ["Volume", { datacenterId, name: "calls-vol", size: 10, imageAlias: "ubuntu:latest", imagePassword: "S3cretPassw0rd", serverId }, { size: 20 }],
      ["Nic", { datacenterId, serverId, name: "calls-nic", lan }, { name: "calls-nic-2" }],
      ["FirewallRule", { datacenterId, serverId, nicId, name: "ssh", protocol: "TCP", portRangeStart: 22, portRangeEnd: 22 }, { portRangeStart: 443, portRangeEnd: 443 }],
      ["IpBlock", { name: "calls-ips", location: "de/fra", size: 1 }, { name: "calls-ips-2" }],
    ], rows, errors);
    return `ionos ${emulator.tokensIssued}`;
  } finally {
    await ionos.stopIonosEmulator(emulator);
  }
}

async function ovhRows(rows: string[][], errors: string[]): Promise<string> {
  const emulator = await ovh.useOvhEmulator({ buildMs: 200 });
  // OAuth2 client credentials, so that token requests show (application keys sign instead).
  ovh.setOvhEnv(ovh.ovhOAuth2Env(emulator));
  try {
    const serviceName = emulator.serviceName;
    const networkId = (await ovh.checkAndCreate("CloudPrivateNetwork", { serviceName, name: "calls-fixture", vlanId: 7, regions: ["GRA11"] })).outs.networkId;
    await runCases(emulator, "ovh", [
      ["DomainRecord", { zone: "example.com", fieldType: "A", subDomain: "calls", target: "192.0.2.10" }, { target: "192.0.2.11" }],
      ["CloudSshKey", { serviceName, name: "calls-key", publicKey: PUBLIC_KEY }],
      ["CloudPrivateNetwork", { serviceName, name: "calls-net", vlanId: 42, regions: ["GRA11"] }, { name: "calls-net-2" }],
      ["CloudSubnet", { serviceName, networkId, region: "GRA11", network: "10.7.0.0/24", start: "10.7.0.10", end: "10.7.0.200" }],
      ["CloudInstance", { serviceName, name: "calls-vm", region: "GRA11", flavor: "b2-7", image: "Ubuntu 24.04" }, { name: "calls-vm-2" }],
      ["IpDescription", { ip: "203.0.113.7", description: "web" }, { description: "db" }],
    ], rows, errors);
    return `ovh (OAuth2) ${emulator.tokensIssued}`;
  } finally {
    await ovh.stopOvhEmulator(emulator);
  }
}

export async function benchCalls(): Promise<void> {
  const rows: string[][] = [];
  const errors: string[] = [];
  const tokens = [await contaboRows(rows, errors), await ionosRows(rows, errors), await ovhRows(rows, errors)];
  printTable("Calls per operation (API requests, token requests excluded)", ["resource", "create", "read", "update", "delete"], rows, [
    "Waits count their status polls (emulator latencies: Contabo provisioning 200 ms, IONOS requests 50 ms, OVH build 200 ms).",
    "update '-': every input change replaces the resource. Fixtures (hosts, data centers, networks) are made outside the counts.",
    ...errors.map((error) => `ERROR ${error}`),
  ]);
  printTable("Token requests per process", ["cloud", "token requests"], tokens.map((t) => [t.slice(0, t.lastIndexOf(" ")), t.slice(t.lastIndexOf(" ") + 1)]), [
    "Every resource of the table above, with fixtures, in one process against one emulator per cloud (target: 1 per cloud).",
  ]);
}
