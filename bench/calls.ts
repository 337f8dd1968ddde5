/**
 * Calls per operation: the API requests each create / read / update / delete of every resource
 * sends, counted in the emulators' request logs (token requests left out: they are counted per
 * cloud for the whole run, in which every resource shares one provider process), beside the
 * minimum the API allows.
 */
import { AUTO_NAME, CREATE_KEY, type ProviderOperations, createKeyFor } from "../src/core/kit";
import { operationsFor } from "../src/core/registry";
import type { EmulatorServer } from "../src/emulator/server";
import * as contabo from "../test/support/contabo";
import * as ionos from "../test/support/ionos";
import * as ovh from "../test/support/ovh";
import { printTable } from "./common";

type Plain = Record<string, unknown>;

/** create, read, update, delete ("-": no in-place update). */
type Counts = [create: number, read: number, update: number | "-", remove: number];

/**
 * The fewest requests each operation can make with the API as its spec describes it: the writes,
 * one read when a write's answer does not hold the resource, and at least one status read for
 * work the cloud finishes later (a wait). Reads are one GET everywhere.
 */
const MINIMUM: Record<string, { counts: Counts; why: string }> = {
  "contabo:Tag": { counts: [1, 1, 2, 1], why: "POST answers the id only, and a tag holds nothing the API computes; PATCH answers links only: + 1 GET" },
  "contabo:Secret": { counts: [1, 1, 2, 1], why: "POST answers the secret; PATCH answers links only: + 1 GET" },
  "contabo:Instance": { counts: [2, 1, 2, 1], why: "order answers the id only, then >= 1 status read (it returns the instance); PATCH answers id and date: + 1 GET; cancel: 1 POST" },
  "contabo:PrivateNetwork": { counts: [3, 1, 1, 1], why: "POST answers the network, + 1 POST per instance attached (1 here, links only) + 1 GET; PATCH answers the network" },
  "contabo:Snapshot": { counts: [1, 1, 1, 1], why: "POST and PATCH answer the snapshot" },
  "contabo:TagAssignment": { counts: [2, 1, "-", 1], why: "POST answers links only: + 1 GET" },
  "contabo:Image": { counts: [2, 1, 2, 1], why: "POST answers the id only, then >= 1 status read until downloaded; PATCH answers the id: + 1 GET" },
  "contabo:ObjectStorage": { counts: [2, 1, 2, 1], why: "POST answers the storage while it provisions: >= 1 status read; PATCH answers name and dates only: + 1 GET" },
  "contabo:Role": { counts: [2, 1, 2, 1], why: "POST answers the id only, PUT links only: each + 1 GET" },
  "contabo:User": { counts: [2, 1, 2, 1], why: "POST answers the id only, PATCH links only: each + 1 GET" },
  "contabo:VipAssignment": { counts: [1, 1, "-", 1], why: "POST answers the VIP (AssignVipResponse)" },
  "ionos:Datacenter": { counts: [3, 1, 3, 2], why: "a write answers 202 before it is done: the write, >= 1 request status, 1 GET for what it computed; DELETE + 1 status" },
  "ionos:Lan": { counts: [3, 1, 3, 2], why: "as Datacenter" },
  "ionos:Server": { counts: [3, 1, 3, 2], why: "as Datacenter" },
  "ionos:Volume": { counts: [5, 1, 3, 2], why: "as Datacenter, + the attach to the server (POST + 1 status), one GET after both" },
  "ionos:Nic": { counts: [3, 1, 3, 2], why: "as Datacenter" },
  "ionos:FirewallRule": { counts: [3, 1, 3, 2], why: "as Datacenter" },
  "ionos:IpBlock": { counts: [3, 1, 3, 2], why: "as Datacenter" },
  "ovh:DomainRecord": { counts: [2, 1, 3, 2], why: "POST answers the record, + 1 zone refresh; PUT answers nothing: + refresh + 1 GET; DELETE + refresh (a refresh shared by concurrent changes counts once for all)" },
  "ovh:CloudSshKey": { counts: [1, 1, "-", 1], why: "POST answers the key" },
  "ovh:CloudPrivateNetwork": { counts: [2, 1, 2, 1], why: "POST answers the network while it builds: >= 1 status read; PUT answers nothing: + 1 GET" },
  "ovh:CloudSubnet": { counts: [1, 1, "-", 1], why: "POST answers the subnet" },
  "ovh:CloudInstance": { counts: [4, 1, 2, 2], why: "the API takes ids for the named flavor and image: 1 flavor list + 1 image list; POST answers the detail, then >= 1 status read; rename PUT answers nothing: + 1 GET; DELETE + >= 1 read until gone" },
  "ovh:IpDescription": { counts: [2, 1, 2, 1], why: "PUT /ip/{ip} answers nothing: + 1 GET (type, routing); delete: 1 PUT clearing the description" },
};

/** Why some operations stay above their minimum (not cheap or not safe to lower). */
const FIRST_WAIT = "the first wait of its kind in a process polls at 150 and 300 ms, and the emulator's 200 ms ends between (later waits of the kind poll once)";
/** Every create but these first looks for what an earlier run whose provider died may have made. */
const WITHOUT_CREATE_LOOKUP = new Set(["ovh:IpDescription"]);
const CREATE_LOOKUP_NOTE =
  "look-up: a create first looks for what a crashed earlier run made (Contabo audit log, IONOS request log, by the create key; OVH by content, an instance by its keyed name): 1 request, so nothing is created twice";
const KEPT_ABOVE: Record<string, string> = {
  "contabo:Instance": "create reads the instance once before the wait, so a failed wait leaves its full outputs in the state",
  "contabo:Image": `as Instance; and ${FIRST_WAIT}`,
  "contabo:ObjectStorage": FIRST_WAIT,
  "ovh:CloudInstance": FIRST_WAIT,
  "contabo:VipAssignment": "the live API differs from the spec on this call (it refuses a POST without a body): the GET confirms the assignment",
  "ionos:Volume": "the kind's create reads the volume before the attach, so a failed attach leaves its outputs in the state",
};

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
  const measured = [created.calls, read.calls, update === "-" ? "-" : Number(update), deleted.calls];
  const minimum = MINIMUM[token]?.counts;
  if (!minimum) throw new Error(`no minimum stated for ${token}`);
  const over = ["create", "read", "update", "delete"].filter((_, i) => typeof measured[i] === "number" && measured[i] > (minimum[i] as number));
  return [token, ...measured.map((count, i) => (count === "-" ? "-" : `${count} (${minimum[i]})`)), over.length > 0 ? `OVER: ${over.join(", ")}` : "-"];
}

type Case = [kind: string, news: Plain, patch?: Plain];

/** Runs every case, keeping going after a failure (shown in the table and under it). */
async function runCases(emulator: EmulatorServer, cloud: string, cases: Case[], rows: string[][], errors: string[]) {
  for (const [kind, news, patch] of cases) {
    try {
      rows.push(await lifecycle(emulator, `${cloud}:${kind}`, news, patch));
    } catch (error) {
      rows.push([`${cloud}:${kind}`, "error", "", "", "", ""]);
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
      // Left unnamed, as a program leaves it: named after its create key, and looked up by that name.
      ["CloudInstance", { serviceName, [AUTO_NAME]: "calls-vm", [CREATE_KEY]: createKeyFor("bench", "calls", "ovh:CloudInstance", "calls-vm"), region: "GRA11", flavor: "b2-7", image: "Ubuntu 24.04" }, { name: "calls-vm-2" }],
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
  const over = rows.filter((row) => row[5].startsWith("OVER"));
  printTable("Calls per operation (API requests, token requests excluded): measured (minimum the API allows)", ["resource", "create", "read", "update", "delete", "above minimum"], rows, [
    "Waits count their status polls (emulator latencies: Contabo provisioning 200 ms, IONOS requests 50 ms, OVH build 200 ms).",
    "update '-': every input change replaces the resource. Fixtures (hosts, data centers, networks) are made outside the counts.",
    "Minimum: the writes, 1 GET when a write's answer lacks the resource, >= 1 status read per wait. Per type:",
    ...Object.entries(MINIMUM).map(([token, { why }]) => `  ${token}: ${why}`),
    CREATE_LOOKUP_NOTE,
    `${over.length} of ${rows.length} types above their minimum${over.length > 0 ? ", kept:" : ""}`,
    ...over.map((row) => {
      const reasons = [WITHOUT_CREATE_LOOKUP.has(row[0]) ? undefined : "create: the look-up", KEPT_ABOVE[row[0]]].filter(Boolean);
      return `  ${row[0]}: ${reasons.length > 0 ? reasons.join("; ") : "no reason recorded"}`;
    }),
    ...errors.map((error) => `ERROR ${error}`),
  ]);
  printTable(
    "Token requests per process",
    ["cloud", "token requests", "target 1 met"],
    tokens.map((t) => [t.slice(0, t.lastIndexOf(" ")), t.slice(t.lastIndexOf(" ") + 1), t.endsWith(" 1") ? "yes" : "NO"]),
    ["Every resource of the table above, with fixtures, in one process against one emulator per cloud (target: 1 per cloud)."],
  );
}
