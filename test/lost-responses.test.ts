/**
 * Lost responses: for the create of every resource type of the three clouds (24), the cloud
 * processes the request and the connection drops before the answer arrives (`reset-after`).
 * The create must still succeed, and exactly one resource must result: no second tag, network,
 * disk or record, and for Contabo instances and object storages no second paid order. The
 * provider's operations are called directly, one type at a time; test/crash.test.ts loses the
 * answer of every create of one program at once on the real Pulumi engine.
 */
import "../src/index";
import { operationsFor } from "../src/core/registry";
import { type ContaboEmulator, type IonosEmulator, type OvhEmulator, startContaboEmulator, startIonosEmulator, startOvhEmulator } from "../src/emulator";
import { contaboEnv, ENV_NAMES as CONTABO_ENV } from "./support/contabo";
import { ionosEnv, ENV_NAMES as IONOS_ENV } from "./support/ionos";
import { ovhKeyEnv, ENV_NAMES as OVH_ENV } from "./support/ovh";

type Plain = Record<string, unknown>;

let contabo: ContaboEmulator;
let ionos: IonosEmulator;
let ovh: OvhEmulator;

beforeAll(async () => {
  [contabo, ionos, ovh] = await Promise.all([
    startContaboEmulator({ provisioningMs: 300 }),
    startIonosEmulator({ requestMs: 50 }),
    startOvhEmulator({ buildMs: 300 }),
  ]);
  Object.assign(process.env, contaboEnv(contabo), ionosEnv(ionos), ovhKeyEnv(ovh));
});
afterAll(async () => {
  for (const name of [...CONTABO_ENV, ...IONOS_ENV, ...OVH_ENV]) delete process.env[name];
  await Promise.all([contabo.stop(), ionos.stop(), ovh.stop()]);
});

/** Check then create, as the engine does on `pulumi up`. */
async function create(token: string, news: Plain): Promise<{ id: string; outs: Plain }> {
  const checked = await operationsFor(token).check({}, news);
  if (checked.failures) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  return operationsFor(token).create(checked.inputs!);
}

interface LostCase {
  token: string;
  /** The create request whose answer is lost. */
  method: "POST" | "PUT";
  path: RegExp;
  /** Valid inputs; what they refer to is created first, without faults. */
  inputs(): Promise<Plain>;
  /** How many resources of this type the cloud holds (paid orders count while not cancelled). */
  count(): number;
}

const ionosNodes = (type: string) => () => [...ionos.store.nodes.values()].filter((node) => node.type === type).length;
const ovhProject = () => ovh.store.projects.get(ovh.serviceName)!;
const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILostResponseTestKey lost@example";

/** Created once, without faults, for the cases that need them. */
const shared: { instanceId?: number; datacenterId?: string; serverId?: string; lanId?: string; nicId?: string; networkId?: string } = {};
const contaboInstance = async () => (shared.instanceId ??= Number((await create("contabo:Instance", { displayName: "lost-host" })).id));
const ionosDatacenter = async () => (shared.datacenterId ??= (await create("ionos:Datacenter", { name: "lost-dc", location: "de/fra" })).id);
const ionosServer = async () =>
  (shared.serverId ??= String((await create("ionos:Server", { datacenterId: await ionosDatacenter(), name: "lost-host", cores: 1, ram: 1024 })).outs.serverId));
const ionosLan = async () => (shared.lanId ??= String((await create("ionos:Lan", { datacenterId: await ionosDatacenter(), name: "lost-lan" })).outs.lanId));
const ionosNic = async () =>
  (shared.nicId ??= String(
    (await create("ionos:Nic", { datacenterId: await ionosDatacenter(), serverId: await ionosServer(), name: "lost-host-nic", lan: Number(await ionosLan()) })).outs.nicId,
  ));
const ovhNetwork = async () =>
  (shared.networkId ??= String(
    (await create("ovh:CloudPrivateNetwork", { serviceName: ovh.serviceName, name: "lost-host-net", vlanId: 20, regions: ["GRA11"] })).outs.networkId,
  ));

const CASES: LostCase[] = [
  { token: "contabo:Tag", method: "POST", path: /^\/v1\/tags$/, inputs: async () => ({ name: "lost-tag" }), count: () => contabo.store.tags.size },
  {
    token: "contabo:Secret",
    method: "POST",
    path: /^\/v1\/secrets$/,
    inputs: async () => ({ name: "lost-secret", type: "ssh", value: PUBLIC_KEY }),
    count: () => contabo.store.secrets.size,
  },
  {
    token: "contabo:PrivateNetwork",
    method: "POST",
    path: /^\/v1\/private-networks$/,
    inputs: async () => ({ name: "lost-network" }),
    count: () => contabo.store.privateNetworks.size,
  },
  {
    token: "contabo:Instance",
    method: "POST",
    path: /^\/v1\/compute\/instances$/,
    inputs: async () => ({ displayName: "lost-vm" }),
    count: () => [...contabo.store.instances.values()].filter((instance) => !instance.cancelDate).length,
  },
  {
    token: "contabo:TagAssignment",
    method: "POST",
    path: /^\/v1\/tags\/\d+\/assignments\//,
    inputs: async () => ({ tagId: Number((await create("contabo:Tag", { name: "lost-assigned" })).id), resourceType: "instance", resourceId: await contaboInstance() }),
    count: () => [...contabo.store.tags.values()].reduce((n, tag) => n + tag.assignments.size, 0),
  },
  {
    token: "contabo:Snapshot",
    method: "POST",
    path: /^\/v1\/compute\/instances\/\d+\/snapshots$/,
    inputs: async () => ({ instanceId: await contaboInstance(), name: "lost-snapshot" }),
    count: () => contabo.store.snapshots.size,
  },
  {
    token: "contabo:Image",
    method: "POST",
    path: /^\/v1\/compute\/images$/,
    inputs: async () => ({ name: "lost-image", url: "https://images.example.com/lost.qcow2", osType: "Linux", version: "1" }),
    count: () => [...contabo.store.images.values()].filter((image) => !image.standardImage).length,
  },
  {
    token: "contabo:ObjectStorage",
    method: "POST",
    path: /^\/v1\/object-storages$/,
    inputs: async () => ({ displayName: "lost-storage", totalPurchasedSpaceTB: 0.25 }),
    count: () => [...contabo.store.objectStorages.values()].filter((storage) => !storage.cancelDate).length,
  },
  {
    token: "contabo:VipAssignment",
    method: "POST",
    path: /^\/v1\/vips\/[^/]+\/instances\/\d+$/,
    inputs: async () => ({ ip: "203.0.113.200", resourceId: await contaboInstance() }),
    count: () => [...contabo.store.vips.values()].filter((vip) => vip.assigned).length,
  },
  { token: "contabo:Role", method: "POST", path: /^\/v1\/roles$/, inputs: async () => ({ name: "lost-role" }), count: () => contabo.store.roles.size },
  {
    token: "contabo:User",
    method: "POST",
    path: /^\/v1\/users$/,
    inputs: async () => ({ email: "lost@example.com", firstName: "Lost", lastName: "Answer" }),
    count: () => contabo.store.users.size,
  },
  {
    token: "ionos:Datacenter",
    method: "POST",
    path: /^\/cloudapi\/v6\/datacenters$/,
    inputs: async () => ({ name: "lost-datacenter", location: "de/fra" }),
    count: ionosNodes("datacenter"),
  },
  {
    token: "ionos:Lan",
    method: "POST",
    path: /^\/cloudapi\/v6\/datacenters\/[^/]+\/lans$/,
    inputs: async () => ({ datacenterId: await ionosDatacenter(), name: "lost-lan-2" }),
    count: ionosNodes("lan"),
  },
  {
    token: "ionos:Server",
    method: "POST",
    path: /^\/cloudapi\/v6\/datacenters\/[^/]+\/servers$/,
    inputs: async () => ({ datacenterId: await ionosDatacenter(), name: "lost-server", cores: 1, ram: 1024 }),
    count: ionosNodes("server"),
  },
  {
    token: "ionos:Volume",
    method: "POST",
    path: /^\/cloudapi\/v6\/datacenters\/[^/]+\/volumes$/,
    inputs: async () => ({ datacenterId: await ionosDatacenter(), name: "lost-volume", size: 10, licenceType: "OTHER" }),
    count: ionosNodes("volume"),
  },
  {
    token: "ionos:Nic",
    method: "POST",
    path: /^\/cloudapi\/v6\/datacenters\/[^/]+\/servers\/[^/]+\/nics$/,
    inputs: async () => ({ datacenterId: await ionosDatacenter(), serverId: await ionosServer(), name: "lost-nic", lan: Number(await ionosLan()) }),
    count: ionosNodes("nic"),
  },
  {
    token: "ionos:FirewallRule",
    method: "POST",
    path: /^\/cloudapi\/v6\/datacenters\/[^/]+\/servers\/[^/]+\/nics\/[^/]+\/firewallrules$/,
    inputs: async () => ({
      datacenterId: await ionosDatacenter(),
      serverId: await ionosServer(),
      nicId: await ionosNic(),
      name: "lost-rule",
      protocol: "TCP",
      portRangeStart: 22,
      portRangeEnd: 22,
    }),
    count: ionosNodes("firewall-rule"),
  },
  {
    token: "ionos:IpBlock",
    method: "POST",
    path: /^\/cloudapi\/v6\/ipblocks$/,
    inputs: async () => ({ name: "lost-ips", location: "de/fra" }),
    count: ionosNodes("ipblock"),
  },
  {
    token: "ovh:DomainRecord",
    method: "POST",
    path: /^\/1\.0\/domain\/zone\/example\.com\/record$/,
    inputs: async () => ({ zone: "example.com", fieldType: "A", subDomain: "lost", target: "192.0.2.10" }),
    count: () => ovh.store.zones.get("example.com")!.records.size,
  },
  {
    token: "ovh:CloudSshKey",
    method: "POST",
    path: /^\/1\.0\/cloud\/project\/[^/]+\/sshkey$/,
    inputs: async () => ({ serviceName: ovh.serviceName, name: "lost-key", publicKey: PUBLIC_KEY }),
    count: () => ovhProject().sshKeys.size,
  },
  {
    token: "ovh:CloudPrivateNetwork",
    method: "POST",
    path: /^\/1\.0\/cloud\/project\/[^/]+\/network\/private$/,
    inputs: async () => ({ serviceName: ovh.serviceName, name: "lost-network", vlanId: 21, regions: ["GRA11"] }),
    count: () => ovhProject().networks.size,
  },
  {
    token: "ovh:CloudSubnet",
    method: "POST",
    path: /^\/1\.0\/cloud\/project\/[^/]+\/network\/private\/[^/]+\/subnet$/,
    inputs: async () => ({
      serviceName: ovh.serviceName,
      networkId: await ovhNetwork(),
      region: "GRA11",
      network: "10.20.0.0/24",
      start: "10.20.0.10",
      end: "10.20.0.99",
    }),
    count: () => [...ovhProject().networks.values()].reduce((n, network) => n + network.subnets.size, 0),
  },
  {
    token: "ovh:CloudInstance",
    method: "POST",
    path: /^\/1\.0\/cloud\/project\/[^/]+\/instance$/,
    inputs: async () => ({ serviceName: ovh.serviceName, name: "lost-vm", region: "GRA11", flavor: "d2-2", image: "Debian 12" }),
    count: () => ovhProject().instances.size,
  },
  {
    token: "ovh:IpDescription",
    method: "PUT",
    path: /^\/1\.0\/ip\/[^/]+$/,
    inputs: async () => ({ ip: "203.0.113.7", description: "lost answer" }),
    // The IP is bought outside: its description is the one resource, set or not.
    count: () => [...ovh.store.ips.values()].filter((block) => block.description === "lost answer").length,
  },
];

test("a create whose answer is lost makes exactly one resource, for each of the 24 resource types", async () => {
  const emulatorOf = (token: string) => ({ contabo, ionos, ovh })[token.split(":")[0] as "contabo" | "ionos" | "ovh"];
  const results: { token: string; lost: number; made: number; error?: string }[] = [];
  for (const item of CASES) {
    const emulator = emulatorOf(item.token);
    const inputs = await item.inputs();
    const before = item.count();
    const lostBefore = emulator.faults.injected["reset-after"];
    emulator.faults.next({ kind: "reset-after", match: { method: item.method, path: item.path } });
    const error = await create(item.token, inputs).then(
      // The id the state would keep must be the resource made.
      async ({ id, outs }) => ((await operationsFor(item.token).read(id, outs)).id === id ? undefined : `${id} cannot be read`),
      (e: Error) => e.message,
    );
    emulator.faults.clear();
    results.push({ token: item.token, lost: emulator.faults.injected["reset-after"] - lostBefore, made: item.count() - before, ...(error && { error }) });
  }
  const injected = results.reduce((n, r) => n + r.lost, 0);
  const duplicates = results.reduce((n, r) => n + Math.max(0, r.made - 1), 0);
  console.log(
    [
      `lost-response faults injected: ${injected}, duplicates: ${duplicates}`,
      ...results.map((r) => `  ${r.token}: ${r.lost} answer lost, ${r.made} created${r.error ? `, failed: ${r.error}` : ""}`),
    ].join("\n"),
  );
  expect(new Set(results.map((r) => r.token)).size).toBe(24);
  expect(results.filter((r) => r.lost !== 1 || r.made !== 1 || r.error)).toEqual([]);
  expect(duplicates).toBe(0);
}, 120_000);
