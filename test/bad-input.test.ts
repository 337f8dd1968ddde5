/**
 * Bad input stops at preview: a table of invalid inputs across every resource of the three clouds
 * (wrong types, out-of-range numbers, bad enums, CIDRs, IPs, colors, record targets, too long
 * names, shrinking sizes, missing credentials, plain http to a remote host). Each must fail at
 * check with a failure naming the property, and the whole corpus must send no API request.
 */
import "../src/index";
import { operationsFor } from "../src/core/registry";
import { type ContaboEmulator, type IonosEmulator, type OvhEmulator, startContaboEmulator, startIonosEmulator, startOvhEmulator } from "../src/emulator";
import { contaboEnv, ENV_NAMES as CONTABO_ENV } from "./support/contabo";
import { ionosEnv, ENV_NAMES as IONOS_ENV } from "./support/ionos";
import { ovhKeyEnv, ENV_NAMES as OVH_ENV } from "./support/ovh";

type Plain = Record<string, unknown>;
interface Case {
  token: string;
  inputs: Plain;
  /** The property the failure must name (or start with, for nested ones). */
  property: string;
  olds?: Plain;
  /** Environment changes for this case only (credentials, URLs). */
  env?: Record<string, string | undefined>;
}

const PROJECT = "0123456789abcdef0123456789abcdef";
const LONG = "x".repeat(256);

/** Valid inputs of each resource type, which the cases spoil one property at a time. */
const bases = new Map<string, Plain>();

/** One case per [property, bad value]: the base inputs with that property replaced. */
function cases(token: string, base: Plain, bad: [string, unknown][]): Case[] {
  bases.set(token, base);
  return bad.map(([property, value]) => ({ token, inputs: { ...base, [property.split(".")[0]]: value }, property }));
}

const corpus: Case[] = [
  ...cases("contabo:Tag", { name: "web" }, [
    ["name", ""], ["name", LONG], ["name", "has space"], ["name", 42], ["color", "red"], ["color", "#12345"], ["color", "#GGGGGG"],
    ["color", 0x123456], ["color", ""], ["name", null], ["extra", true],
  ]),
  ...cases("contabo:Secret", { name: "s", type: "ssh", value: "ssh-ed25519 AAAA u@h" }, [
    ["name", ""], ["name", LONG], ["type", "token"], ["type", undefined], ["value", "short"], ["value", "x".repeat(501)], ["value", 12345678], ["name", null],
  ]),
  ...["password", "Password1", "PASSWORD!!1", "pass!!word1"].map((value) => ({
    token: "contabo:Secret", inputs: { name: "s", type: "password", value }, property: "value",
  })),
  ...cases("contabo:PrivateNetwork", { name: "net" }, [
    ["name", ""], ["name", LONG], ["description", LONG], ["region", ""], ["instanceIds", [0]], ["instanceIds", ["1"]], ["instanceIds", 5], ["region", 5],
  ]),
  ...cases("contabo:Instance", { displayName: "vm" }, [
    ["displayName", ""], ["displayName", LONG], ["productId", ""], ["region", "MARS"], ["period", 2], ["period", "1"], ["imageId", ""],
    ["sshKeys", [-1]], ["sshKeys", "1"], ["rootPassword", 1.5], ["userData", "x".repeat(65_537)], ["defaultUser", "admin2"],
    ["timeoutMinutes", 0], ["timeoutMinutes", 24 * 60 + 1], ["powerState", "paused"], ["addOns", { firewall: true }],
    ["addOns", { backup: "yes" }],
  ]),
  { token: "contabo:Instance", inputs: { displayName: "vm" }, olds: { addOns: { privateNetworking: true, backup: false } }, property: "addOns.privateNetworking" },
  ...cases("contabo:TagAssignment", { tagId: 1, resourceType: "instance", resourceId: 2 }, [
    ["tagId", 0], ["tagId", "1"], ["resourceType", "vm"], ["resourceId", ""], ["resourceId", -3],
  ]),
  ...cases("contabo:Snapshot", { instanceId: 1, name: "snap" }, [
    ["instanceId", 0], ["name", "x".repeat(31)], ["name", "under_score"], ["name", ""], ["description", ""], ["description", LONG],
  ]),
  ...cases("contabo:Image", { name: "i", url: "https://example.com/a.iso", osType: "Linux", version: "1" }, [
    ["name", ""], ["url", "ftp://example.com/a.iso"], ["url", "https://example.com/a.img"], ["url", "not a url"], ["osType", "BSD"],
    ["version", ""], ["timeoutMinutes", -1], ["timeoutMinutes", "1"], ["name", LONG],
  ]),
  ...cases("contabo:ObjectStorage", { displayName: "s3", totalPurchasedSpaceTB: 1 }, [
    ["displayName", ""], ["region", "UK"], ["totalPurchasedSpaceTB", 0], ["totalPurchasedSpaceTB", 1001], ["totalPurchasedSpaceTB", "1"],
    ["autoScaling", { state: "on", sizeLimitTB: 1 }], ["autoScaling", { state: "enabled", sizeLimitTB: -1 }],
  ]),
  { token: "contabo:ObjectStorage", inputs: { displayName: "s3", totalPurchasedSpaceTB: 1 }, olds: { totalPurchasedSpaceTB: 2 }, property: "totalPurchasedSpaceTB" },
  ...cases("contabo:VipAssignment", { ip: "203.0.113.200", resourceId: 1 }, [
    ["ip", "203.0.113"], ["ip", "2001:db8::1"], ["ip", "203.0.113.256"], ["resourceType", "instance"], ["resourceId", 0],
  ]),
  ...cases("contabo:Role", { name: "r" }, [
    ["name", ""], ["name", LONG], ["admin", "yes"], ["accessAllResources", 1],
    ["permissions", [{ apiName: "/v1/tags", actions: [] }]], ["permissions", [{ apiName: "", actions: ["READ"] }]],
    ["permissions", [{ apiName: "/v1/tags", actions: ["DESTROY"] }]], ["permissions", [{ apiName: "/v1/tags", actions: ["READ"], resources: [0] }]],
    ["permissions", "all"],
  ]),
  ...cases("contabo:User", { email: "a@example.com", firstName: "A", lastName: "B" }, [
    ["email", "not-an-email"], ["email", ""], ["firstName", ""], ["lastName", LONG], ["enabled", "true"], ["locale", "fr"], ["roles", [0]], ["totp", "off"],
  ]),
  ...cases("ionos:Datacenter", { name: "dc", location: "de/fra" }, [
    ["name", ""], ["name", LONG], ["location", "frankfurt"], ["location", "DE/FRA"], ["description", LONG], ["secAuthProtection", "no"],
    ["timeoutMinutes", 0],
  ]),
  ...cases("ionos:Lan", { datacenterId: "dc", name: "lan" }, [
    ["datacenterId", ""], ["name", ""], ["public", "yes"], ["ipFailover", [{ ip: "not-an-ip", nicUuid: "n" }]],
  ]),
  ...cases("ionos:Server", { datacenterId: "dc", name: "vm", cores: 2, ram: 2048 }, [
    ["cores", 0], ["cores", 63], ["cores", 1.5], ["ram", 100], ["ram", 1000], ["availabilityZone", "ZONE_3"], ["vmState", "PAUSED"],
    ["cpuFamily", ""], ["name", LONG], ["ram", "2048"], ["datacenterId", 5],
  ]),
  ...cases("ionos:Volume", { datacenterId: "dc", name: "disk", size: 10, licenceType: "OTHER" }, [
    ["size", 0], ["size", 5000], ["type", "NVME"], ["imagePassword", "short"], ["imagePassword", "has space 123"], ["licenceType", "BSD"],
    ["availabilityZone", "ZONE_9"],
  ]),
  { token: "ionos:Volume", inputs: { datacenterId: "dc", name: "disk", size: 10, licenceType: "OTHER" }, olds: { size: 20 }, property: "size" },
  ...cases("ionos:Nic", { datacenterId: "dc", serverId: "s", name: "nic", lan: 1 }, [
    ["lan", 0], ["lan", "1"], ["ips", []], ["ips", ["300.1.1.1"]], ["dhcp", "no"], ["firewallType", "SIDEWAYS"], ["name", LONG], ["firewallActive", "yes"],
  ]),
  ...cases("ionos:FirewallRule", { datacenterId: "dc", serverId: "s", nicId: "n", name: "r", protocol: "TCP", portRangeStart: 22, portRangeEnd: 22 }, [
    ["protocol", "SCTP"], ["portRangeStart", 0], ["portRangeEnd", 65536], ["sourceMac", "aa:bb:cc"], ["sourceIp", "1.2.3"], ["targetIp", "10.0.0.0/33"],
    ["type", "BOTH"],
  ]),
  ...cases("ionos:IpBlock", { name: "ips", location: "de/fra" }, [
    ["location", "fra"], ["size", 0], ["size", 65], ["size", 1.5], ["name", ""], ["location", ""],
  ]),
  ...cases("ovh:DomainRecord", { zone: "example.com", fieldType: "A", subDomain: "www", target: "192.0.2.10" }, [
    ["zone", "exa mple.com"], ["fieldType", "XYZ"], ["subDomain", "bad name"], ["target", "300.0.0.1"], ["target", "2001:db8::1"], ["ttl", -1],
    ["ttl", 1.5],
  ]),
  ...[
    ["AAAA", "192.0.2.10"], ["MX", "mail.example.com."], ["CNAME", "has space"], ["SRV", "0 5 sip.example.com."], ["CAA", "0 issue"],
  ].map(([fieldType, target]) => ({ token: "ovh:DomainRecord", inputs: { zone: "example.com", fieldType, subDomain: "x", target }, property: "target" })),
  ...cases("ovh:CloudSshKey", { serviceName: PROJECT, name: "k", publicKey: "ssh-ed25519 AAAAC3Nza u@h" }, [
    ["serviceName", "not-a-project"], ["name", ""], ["publicKey", "not a key"], ["publicKey", "ssh-rsa"], ["region", "gra11"], ["publicKey", ""], ["name", LONG],
  ]),
  ...cases("ovh:CloudPrivateNetwork", { serviceName: PROJECT, name: "net", regions: ["GRA11"] }, [
    ["vlanId", -1], ["vlanId", 4001], ["vlanId", 1.5], ["regions", ["gra 11"]], ["name", LONG], ["serviceName", ""],
  ]),
  ...cases("ovh:CloudSubnet", { serviceName: PROJECT, networkId: "pn-1", region: "GRA11", network: "10.0.0.0/24", start: "10.0.0.10", end: "10.0.0.99" }, [
    ["network", "10.0.0.0"], ["network", "10.0.0.0/33"], ["start", "10.0.1.10"], ["end", "10.0.0.300"], ["region", ""], ["dhcp", "yes"], ["networkId", ""], ["noGateway", 1],
  ]),
  ...cases("ovh:CloudInstance", { serviceName: PROJECT, name: "vm", region: "GRA11", flavor: "d2-2", image: "Debian 12" }, [
    ["flavor", ""], ["image", ""], ["region", "gra11"], ["networks", [{ networkId: "" }]], ["networks", [{ networkId: "pn", ip: "10.0.0" }]],
    ["userData", "x".repeat(65_536)], ["timeoutMinutes", 0], ["publicNetwork", "no"], ["sshKeyId", ""],
  ]),
  ...cases("ovh:IpDescription", { ip: "203.0.113.7", description: "d" }, [
    ["ip", "not-an-ip"], ["ip", "203.0.113.0/33"], ["description", LONG],
  ]),
];

// Missing credentials and plain http to a remote host, one cloud at a time.
const credentialCases: Case[] = [
  { token: "contabo:Tag", inputs: { name: "t" }, env: { CNTB_OAUTH2_CLIENT_SECRET: undefined }, property: "contabo:clientSecret" },
  { token: "contabo:Tag", inputs: { name: "t" }, env: { CNTB_OAUTH2_PASS: undefined }, property: "contabo:password" },
  { token: "contabo:Tag", inputs: { name: "t" }, env: { CNTB_API: "http://api.example.com" }, property: "contabo:apiUrl" },
  { token: "contabo:Tag", inputs: { name: "t" }, env: { CNTB_OAUTH2_TOKEN_URL: "http://auth.example.com/token" }, property: "contabo:tokenUrl" },
  { token: "ionos:Datacenter", inputs: { name: "d", location: "de/fra" }, env: { IONOS_USERNAME: undefined, IONOS_PASSWORD: undefined }, property: "ionos:" },
  { token: "ionos:Datacenter", inputs: { name: "d", location: "de/fra" }, env: { IONOS_API_URL: "http://api.example.com/cloudapi/v6" }, property: "ionos:apiUrl" },
  { token: "ovh:DomainRecord", inputs: { zone: "example.com", fieldType: "A", target: "192.0.2.1" }, env: { OVH_CONSUMER_KEY: undefined }, property: "ovh:" },
  { token: "ovh:DomainRecord", inputs: { zone: "example.com", fieldType: "A", target: "192.0.2.1" }, env: { OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: "secret" }, property: "ovh:" },
  { token: "ovh:DomainRecord", inputs: { zone: "example.com", fieldType: "A", target: "192.0.2.1" }, env: { OVH_ENDPOINT: "http://api.example.com/1.0" }, property: "ovh:endpoint" },
];

let contabo: ContaboEmulator;
let ionos: IonosEmulator;
let ovh: OvhEmulator;
const requests = () => contabo.log.entries.length + ionos.log.entries.length + ovh.log.entries.length;

beforeAll(async () => {
  [contabo, ionos, ovh] = await Promise.all([startContaboEmulator(), startIonosEmulator(), startOvhEmulator()]);
  Object.assign(process.env, contaboEnv(contabo), ionosEnv(ionos), ovhKeyEnv(ovh));
});
afterAll(async () => {
  for (const name of [...CONTABO_ENV, ...IONOS_ENV, ...OVH_ENV]) delete process.env[name];
  await Promise.all([contabo.stop(), ionos.stop(), ovh.stop()]);
});

async function failuresOf({ token, inputs, olds, env }: Case) {
  const saved = Object.fromEntries(Object.keys(env ?? {}).map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(env ?? {})) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    return (await operationsFor(token).check(olds ?? {}, inputs)).failures ?? [];
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

test("every invalid input fails at check, naming its property, with no API request", async () => {
  const all = [...corpus, ...credentialCases];
  const before = requests();
  const missed: string[] = [];
  for (const item of all) {
    const failures = await failuresOf(item);
    if (!failures.some((failure) => failure.property.startsWith(item.property) && failure.reason.length > 0)) {
      missed.push(`${item.token} ${JSON.stringify(item.inputs).slice(0, 120)}: expected a failure on ${item.property}, got ${JSON.stringify(failures)}`);
    }
  }
  const types = new Set(all.map((item) => item.token));
  console.log(`bad input: ${all.length} invalid inputs over ${types.size} resource types, ${all.length - missed.length} rejected at check, ${requests() - before} API requests`);
  expect(missed).toEqual([]);
  expect(all.length).toBeGreaterThanOrEqual(200);
  expect(types.size).toBe(24);
  expect(requests() - before).toBe(0);
});

test("the valid base inputs pass, so the failures above come from the bad values", async () => {
  expect(bases.size).toBe(24);
  for (const [token, base] of bases) {
    const checked = await operationsFor(token).check({}, base);
    expect({ token, failures: checked.failures }).toEqual({ token, failures: undefined });
  }
});
