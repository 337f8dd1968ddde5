/**
 * Every OVH resource through its full lifecycle against the emulator over real HTTP: check,
 * create, read, diff (in place and replace), update, outside change (drift), outside delete,
 * adoption by id, delete; bad input rejected at check with no API call.
 */
import type { OvhEmulator } from "../src/emulator/ovh/emulator";
import { apiCallsDuring, checkAndCreate, ops, outsideCall, stopOvhEmulator, useOvhEmulator } from "./support/ovh";

let emulator: OvhEmulator;
let project: string;
beforeAll(async () => {
  emulator = await useOvhEmulator();
  project = emulator.serviceName;
});
afterAll(() => stopOvhEmulator(emulator));

const zone = () => emulator.store.zones.get("example.com")!;
const published = (recordId: unknown) => zone().published.find((r) => r.id === recordId);

/** Polls until `find` finds something (the emulator's side of an operation under way). */
async function until<T>(find: () => T | undefined): Promise<T> {
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Check must fail naming these properties, without one API call. */
async function expectRejected(kind: string, news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  let failures: { property: string; reason: string }[] | undefined;
  const calls = await apiCallsDuring(emulator, async () => {
    failures = (await ops(kind).check(olds, news)).failures;
  });
  expect(calls).toBe(0);
  return failures ?? [];
}

describe("ovh.DomainRecord", () => {
  test("lifecycle: every change is published by a zone refresh", async () => {
    const { id, outs, inputs } = await checkAndCreate("DomainRecord", { zone: "example.com", fieldType: "A", subDomain: "www", target: "192.0.2.10" });
    expect(inputs).toEqual({ zone: "example.com", fieldType: "A", subDomain: "www", target: "192.0.2.10", ttl: 0 });
    expect(outs).toEqual({ ...inputs, recordId: expect.any(Number) });
    expect(id).toBe(`example.com/${outs.recordId}`);
    expect(published(outs.recordId)).toMatchObject({ target: "192.0.2.10" });

    expect(await ops("DomainRecord").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("DomainRecord").diff(id, outs, inputs)).toMatchObject({ changes: false });
    // A CNAME stands alone on its name: the A record goes first; an AAAA may stand beside it.
    expect(await ops("DomainRecord").diff(id, outs, { ...inputs, fieldType: "CNAME", target: "example.net." })).toEqual({
      changes: true, replaces: ["fieldType"], deleteBeforeReplace: true,
    });
    expect(await ops("DomainRecord").diff(id, outs, { ...inputs, fieldType: "AAAA", target: "2001:db8::1" })).toMatchObject({
      replaces: ["fieldType"], deleteBeforeReplace: false,
    });
    expect(await ops("DomainRecord").diff(id, outs, { ...inputs, target: "192.0.2.11", ttl: 300 })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await ops("DomainRecord").diff(id, outs, { ...inputs, fieldType: "AAAA", target: "2001:db8::1" })).toMatchObject({ replaces: ["fieldType"] });
    expect(await ops("DomainRecord").diff(id, outs, { ...inputs, zone: "example.org" })).toMatchObject({ replaces: ["zone"] });

    const moved = { ...inputs, subDomain: "web", target: "192.0.2.11", ttl: 300 };
    const updated = await ops("DomainRecord").update(id, outs, moved);
    expect(updated.outs).toEqual({ ...moved, recordId: outs.recordId });
    expect(published(outs.recordId)).toMatchObject({ subDomain: "web", target: "192.0.2.11", ttl: 300 });

    // Drift: someone edits the record in the control panel; refresh sees it.
    await outsideCall("PUT", `/domain/zone/example.com/record/${outs.recordId}`, { target: "192.0.2.99" });
    const drifted = await ops("DomainRecord").read(id, updated.outs);
    expect(drifted.props).toMatchObject({ target: "192.0.2.99" });
    expect(await ops("DomainRecord").diff(id, drifted.props!, moved)).toMatchObject({ changes: true, replaces: [] });

    // Adopt by id.
    expect((await ops("DomainRecord").read(id, {})).props).toMatchObject({ zone: "example.com", subDomain: "web", recordId: outs.recordId });

    await ops("DomainRecord").delete(id, updated.outs);
    expect(published(outs.recordId)).toBeUndefined();
    expect(await ops("DomainRecord").read(id, updated.outs)).toEqual({});
    await ops("DomainRecord").delete(id, updated.outs);
  });

  test("changes to a zone that end together share refreshes; each returns published, after a refresh that followed its change", async () => {
    const isRefresh = (entry: { method: string; path: string }) => entry.method === "POST" && entry.path === "/1.0/domain/zone/example.com/refresh";
    const from = emulator.log.entries.length;
    const created = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const made = await checkAndCreate("DomainRecord", { zone: "example.com", fieldType: "A", subDomain: `shared-${i}`, target: `192.0.2.${100 + i}` });
        // On return: published, by a refresh sent after the record's create was answered.
        expect(published(made.outs.recordId)).toMatchObject({ subDomain: `shared-${i}` });
        const entries = emulator.log.entries;
        const write = entries.findIndex((e) => e.method === "POST" && (e.answer as { id?: number } | undefined)?.id === made.outs.recordId);
        expect(entries.slice(write + 1).some(isRefresh)).toBe(true);
        return made;
      }),
    );
    const refreshes = emulator.log.entries.slice(from).filter(isRefresh).length;
    console.log(`30 DomainRecord creates at once: ${refreshes} zone refreshes (one each before)`);
    expect(refreshes).toBeLessThan(30);

    // A failed refresh fails every change it served; the records stay, unpublished.
    zone().refreshFailure = "The zone example.com has pending tasks: retry later";
    const failed = await Promise.all(created.slice(0, 3).map(({ id, outs }) => ops("DomainRecord").delete(id, outs).catch((e: Error) => e)));
    zone().refreshFailure = undefined;
    for (const error of failed) expect(String(error)).toMatch(/refresh zone example\.com .* failed: .*pending tasks: retry later/);
    for (const { outs } of created.slice(0, 3)) expect(published(outs.recordId)).toBeDefined();
    await Promise.all(created.map(({ id, outs }) => ops("DomainRecord").delete(id, outs)));
    for (const { outs } of created) expect(published(outs.recordId)).toBeUndefined();
  });

  test("TXT targets: OVH's added quotes cause no drift", async () => {
    const { id, outs, inputs } = await checkAndCreate("DomainRecord", { zone: "example.com", fieldType: "TXT", subDomain: "_verify", target: "token-123" });
    expect(zone().records.get(outs.recordId as number)?.target).toBe('"token-123"');
    expect(outs.target).toBe("token-123");
    const read = await ops("DomainRecord").read(id, outs);
    expect(await ops("DomainRecord").diff(id, read.props!, inputs)).toMatchObject({ changes: false });
    await ops("DomainRecord").delete(id, outs);
  });

  test("deleted outside Pulumi: refresh drops it", async () => {
    const { id, outs } = await checkAndCreate("DomainRecord", { zone: "example.com", fieldType: "CNAME", subDomain: "blog", target: "example.net." });
    await outsideCall("DELETE", `/domain/zone/example.com/record/${outs.recordId}`);
    expect(await ops("DomainRecord").read(id, outs)).toEqual({});
  });

  test("targets are checked per type at preview, with no API call", async () => {
    const cases: [string, string, string][] = [
      ["A", "2001:db8::1", "IPv4"],
      ["AAAA", "192.0.2.1", "IPv6"],
      ["MX", "mail.example.com.", "<priority> <host>"],
      ["MX", "70000 mail.example.com.", "<priority> <host>"],
      ["SRV", "10 5 sip.example.com.", "<port>"],
      ["CAA", "0 issue letsencrypt.org", "<flags> <tag>"],
      ["CNAME", "192.0.2.1", "host name"],
      ["TLSA", "3 1 1 not-hex", "hex data"],
      ["DMARC", "p=none", "DMARC"],
    ];
    for (const [fieldType, target, mentions] of cases) {
      const failures = await expectRejected("DomainRecord", { zone: "example.com", fieldType, subDomain: "x", target });
      expect(failures).toEqual([{ property: "target", reason: expect.stringContaining(mentions) }]);
    }
    const good: [string, string][] = [
      ["MX", "10 mail.example.com."],
      ["SRV", "10 5 5060 sip.example.com."],
      ["CAA", '0 issue "letsencrypt.org"'],
      ["SPF", '"v=spf1 include:mx.ovh.com ~all"'],
      ["LOC", "48 51 24 N 2 21 7 E 35m"],
      ["SSHFP", "4 2 0123abcd"],
    ];
    for (const [fieldType, target] of good) {
      expect((await ops("DomainRecord").check({}, { zone: "example.com", fieldType, subDomain: "x", target })).failures).toBeUndefined();
    }
    expect(await expectRejected("DomainRecord", { zone: "example.com", fieldType: "CNAME", target: "example.net." })).toEqual([
      { property: "subDomain", reason: expect.stringContaining("CNAME cannot be at the zone itself") },
    ]);
    expect(await expectRejected("DomainRecord", { zone: "example.com", fieldType: "HINFO", target: "x" })).toEqual([
      { property: "fieldType", reason: expect.stringContaining("A") },
    ]);
  });
});

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyForTheEmulatorOnlyAAAAAAAAAA deploy@example";

describe("ovh.CloudSshKey", () => {
  test("lifecycle: every change replaces the key, the old one first", async () => {
    const { id, outs, inputs } = await checkAndCreate("CloudSshKey", { serviceName: project, name: "deploy", publicKey: `  ${PUBLIC_KEY}\n` });
    expect(inputs.publicKey).toBe(PUBLIC_KEY);
    expect(outs).toMatchObject({ serviceName: project, name: "deploy", publicKey: PUBLIC_KEY, keyId: expect.any(String) });
    expect(outs.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect(id).toBe(`${project}/${outs.keyId}`);
    expect(await ops("CloudSshKey").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("CloudSshKey").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("CloudSshKey").diff(id, outs, { ...inputs, name: "deploy-2" })).toEqual({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: true,
    });
    expect((await ops("CloudSshKey").read(id, {})).props).toMatchObject({ name: "deploy", keyId: outs.keyId });

    await outsideCall("DELETE", `/cloud/project/${project}/sshkey/${outs.keyId}`);
    expect(await ops("CloudSshKey").read(id, outs)).toEqual({});
    await ops("CloudSshKey").delete(id, outs);
  });

  test("creates that come together share one list call to look for what an earlier run made", async () => {
    const from = emulator.log.entries.length;
    const keyOf = (i: number) => PUBLIC_KEY.replace(/ \S+$/, ` wave-${i}@example`);
    const created = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => checkAndCreate("CloudSshKey", { serviceName: project, name: `wave-${i}`, publicKey: keyOf(i) })));
    const lists = emulator.log.entries.slice(from).filter((e) => e.method === "GET" && e.path === `/1.0/cloud/project/${project}/sshkey`);
    const posts = emulator.log.entries.slice(from).filter((e) => e.method === "POST");
    console.log(`6 SSH key creates at once: ${lists.length} list calls, ${posts.length} creates`);
    expect(lists.length).toBe(1);
    expect(posts.length).toBe(6);
    await Promise.all(created.map(({ id, outs }) => ops("CloudSshKey").delete(id, outs)));
  });

  test("reads that come together share one list call and keep the fingerprint; a key read with none (adopted) is read on its own", async () => {
    const keyOf = (i: number) => PUBLIC_KEY.replace(/ \S+$/, ` read-${i}@example`);
    const created = await Promise.all([1, 2, 3, 4, 5].map((i) => checkAndCreate("CloudSshKey", { serviceName: project, name: `read-${i}`, publicKey: keyOf(i) })));
    const from = emulator.log.entries.length;
    const reads = await Promise.all(created.map(({ id, outs }) => ops("CloudSshKey").read(id, outs)));
    expect(reads).toEqual(created.map(({ id, outs }) => ({ id, props: outs })));
    const adopted = await ops("CloudSshKey").read(created[0].id, {});
    expect(adopted.props).toMatchObject({ fingerprint: created[0].outs.fingerprint });
    const calls = emulator.log.entries.slice(from).map((e) => `${e.method} ${e.path}`);
    console.log(`5 SSH key reads at once, then one adopted: ${calls.join(", ")}`);
    expect(calls).toEqual([`GET /1.0/cloud/project/${project}/sshkey`, `GET /1.0/cloud/project/${project}/sshkey`, `GET /1.0/cloud/project/${project}/sshkey/${created[0].outs.keyId}`]);
    await Promise.all(created.map(({ id, outs }) => ops("CloudSshKey").delete(id, outs)));
  });

  test("a malformed key or project fails at check with no API call", async () => {
    expect(await expectRejected("CloudSshKey", { serviceName: "my-project", name: "k", publicKey: "not a key" })).toEqual([
      { property: "serviceName", reason: expect.stringContaining("project id") },
      { property: "publicKey", reason: expect.stringContaining("OpenSSH public key") },
    ]);
  });
});

describe("ovh.CloudPrivateNetwork and ovh.CloudSubnet", () => {
  test("network: waits for ACTIVE, renames and adds regions in place, a removed region or new VLAN replaces", async () => {
    const { id, outs, inputs } = await checkAndCreate("CloudPrivateNetwork", { serviceName: project, name: "backend", vlanId: 42, regions: ["SBG5", "GRA11"] });
    expect(outs).toMatchObject({ name: "backend", vlanId: 42, regions: ["GRA11", "SBG5"], status: "ACTIVE", networkId: expect.stringMatching(/^pn-\d+_42$/) });
    expect(Object.keys(outs.openstackIds as object).sort()).toEqual(["GRA11", "SBG5"]);
    expect(await ops("CloudPrivateNetwork").diff(id, outs, inputs)).toMatchObject({ changes: false });

    const grown = { ...inputs, name: "backend-2", regions: ["GRA11", "SBG5", "DE1"] };
    expect(await ops("CloudPrivateNetwork").diff(id, outs, grown)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("CloudPrivateNetwork").update(id, outs, grown);
    expect(updated.outs).toMatchObject({ name: "backend-2", regions: ["DE1", "GRA11", "SBG5"], status: "ACTIVE" });

    expect(await ops("CloudPrivateNetwork").diff(id, updated.outs, { ...grown, regions: ["GRA11"] })).toEqual({
      changes: true,
      replaces: ["regions"],
      deleteBeforeReplace: true,
    });
    expect(await ops("CloudPrivateNetwork").diff(id, updated.outs, { ...grown, vlanId: 43 })).toMatchObject({ replaces: ["vlanId"], deleteBeforeReplace: true });

    await outsideCall("PUT", `/cloud/project/${project}/network/private/${outs.networkId}`, { name: "renamed-outside" });
    expect((await ops("CloudPrivateNetwork").read(id, updated.outs)).props).toMatchObject({ name: "renamed-outside" });
    expect((await ops("CloudPrivateNetwork").read(id, {})).props).toMatchObject({ networkId: outs.networkId, vlanId: 42 });

    await ops("CloudPrivateNetwork").delete(id, updated.outs);
    expect(await ops("CloudPrivateNetwork").read(id, updated.outs)).toEqual({});
  });

  test("subnet: created in a region of the network, every change replaces it, gone with its network", async () => {
    const network = await checkAndCreate("CloudPrivateNetwork", { serviceName: project, name: "subnets", vlanId: 7, regions: ["GRA11"] });
    const { id, outs, inputs } = await checkAndCreate("CloudSubnet", {
      serviceName: project,
      networkId: network.outs.networkId,
      region: "GRA11",
      network: "10.7.0.0/24",
      start: "10.7.0.10",
      end: "10.7.0.200",
    });
    expect(outs).toMatchObject({ region: "GRA11", cidr: "10.7.0.0/24", gatewayIp: "10.7.0.1", dhcp: true, noGateway: false, subnetId: expect.any(String) });
    expect(id).toBe(`${project}/${network.outs.networkId}/${outs.subnetId}`);
    expect(await ops("CloudSubnet").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("CloudSubnet").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("CloudSubnet").diff(id, outs, { ...inputs, end: "10.7.0.250" })).toEqual({ changes: true, replaces: ["end"], deleteBeforeReplace: true });
    expect((await ops("CloudSubnet").read(id, {})).props).toMatchObject({ subnetId: outs.subnetId, region: "GRA11" });

    await ops("CloudSubnet").delete(id, outs);
    expect(await ops("CloudSubnet").read(id, outs)).toEqual({});
    const again = await checkAndCreate("CloudSubnet", { ...inputs });
    await ops("CloudPrivateNetwork").delete(network.id, network.outs);
    expect(await ops("CloudSubnet").read(again.id, again.outs)).toEqual({});
  });

  test("the CIDR and DHCP range are checked at preview, with no API call", async () => {
    const base = { serviceName: project, networkId: "pn-1_7", region: "GRA11" };
    const rejected = (news: Record<string, unknown>) => expectRejected("CloudSubnet", { ...base, ...news });
    expect(await rejected({ network: "10.0.0.5/24", start: "10.0.0.10", end: "10.0.0.20" })).toEqual([
      { property: "network", reason: expect.stringContaining("10.0.0.0/24") },
    ]);
    expect(await rejected({ network: "8.8.8.0/24", start: "8.8.8.10", end: "8.8.8.20" })).toEqual([
      { property: "network", reason: expect.stringContaining("private range") },
    ]);
    expect(await rejected({ network: "10.0.0.0/24", start: "10.0.0.1", end: "10.0.1.20" })).toEqual([
      { property: "start", reason: expect.stringContaining("after the gateway") },
      { property: "end", reason: expect.stringContaining("inside 10.0.0.0/24") },
    ]);
    expect(await rejected({ network: "10.0.0.0/24", start: "10.0.0.50", end: "10.0.0.20" })).toEqual([
      { property: "end", reason: expect.stringContaining("must not come before start") },
    ]);
    expect((await ops("CloudSubnet").check({}, { ...base, network: "10.0.0.0/24", start: "10.0.0.1", end: "10.0.0.254", noGateway: true })).failures).toBeUndefined();
  });
});

describe("ovh.CloudInstance", () => {
  test("lifecycle: waits for ACTIVE, renames in place, resizes up in place, a smaller disk replaces", async () => {
    const key = await checkAndCreate("CloudSshKey", { serviceName: project, name: "instance-key", publicKey: PUBLIC_KEY });
    const network = await checkAndCreate("CloudPrivateNetwork", { serviceName: project, name: "instances", vlanId: 100, regions: ["GRA11"] });
    await checkAndCreate("CloudSubnet", { serviceName: project, networkId: network.outs.networkId, region: "GRA11", network: "10.100.0.0/24", start: "10.100.0.10", end: "10.100.0.99" });
    const { id, outs, inputs } = await checkAndCreate("CloudInstance", {
      serviceName: project,
      name: "web-1",
      region: "GRA11",
      flavor: "b2-7",
      image: "Ubuntu 24.04",
      sshKeyId: key.outs.keyId,
      networks: [{ networkId: network.outs.networkId, ip: "10.100.0.20" }],
      userData: "#cloud-config\n",
    });
    expect(outs).toMatchObject({
      name: "web-1",
      status: "ACTIVE",
      flavor: "b2-7",
      image: "Ubuntu 24.04",
      sshKeyId: key.outs.keyId,
      publicNetwork: true,
      privateIps: ["10.100.0.20"],
      disk: 50,
      userData: "#cloud-config\n",
    });
    expect(outs.ipv4).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(id).toBe(`${project}/${outs.instanceId}`);
    expect(await ops("CloudInstance").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("CloudInstance").diff(id, outs, inputs)).toMatchObject({ changes: false });

    // The preview says which: b2-15 (bigger disk) resizes, d2-2 (smaller disk) and win-b2-7 (Windows) replace.
    expect(await ops("CloudInstance").diff(id, outs, { ...inputs, flavor: "b2-15" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await ops("CloudInstance").diff(id, outs, { ...inputs, flavor: "d2-2" })).toMatchObject({ replaces: ["flavor"] });
    expect(await ops("CloudInstance").diff(id, outs, { ...inputs, flavor: "win-b2-7" })).toMatchObject({ replaces: ["flavor"] });
    expect(await ops("CloudInstance").diff(id, outs, { ...inputs, image: "Debian 12" })).toMatchObject({ replaces: ["image"] });

    const resized = await ops("CloudInstance").update(id, outs, { ...inputs, name: "web-renamed", flavor: "b2-15" });
    expect(resized.outs).toMatchObject({ name: "web-renamed", flavor: "b2-15", disk: 100, status: "ACTIVE", instanceId: outs.instanceId });

    // Drift: renamed in the control panel.
    await outsideCall("PUT", `/cloud/project/${project}/instance/${outs.instanceId}`, { instanceName: "renamed-outside" });
    expect((await ops("CloudInstance").read(id, resized.outs)).props).toMatchObject({ name: "renamed-outside" });
    expect((await ops("CloudInstance").read(id, {})).props).toMatchObject({ instanceId: outs.instanceId, flavor: "b2-15" });

    // The network is in use until the instance is gone.
    const inUse = await ops("CloudPrivateNetwork").delete(network.id, network.outs).catch((e) => e);
    expect(inUse.message).toMatch(/^ovh: delete private network .*HTTP 409: Client::Conflict: Network .* is in use/);
    await ops("CloudInstance").delete(id, resized.outs);
    expect(await ops("CloudInstance").read(id, resized.outs)).toEqual({});
    await ops("CloudPrivateNetwork").delete(network.id, network.outs);
    await ops("CloudSshKey").delete(key.id, key.outs);
  });

  test("an instance in ERROR fails the create, and stays in the state", async () => {
    const creating = checkAndCreate("CloudInstance", { serviceName: project, name: "doomed", region: "GRA11", flavor: "d2-2", image: "Debian 12" });
    const doomed = await until(() => [...emulator.store.projects.get(project)!.instances.values()].find((i) => i.name === "doomed"));
    emulator.setInstanceStatus(doomed.id, "ERROR");
    const error = await creating.catch((e) => e);
    expect(error.message).toMatch(/^ovh: wait for instance to be ACTIVE \(instance "doomed"\) failed: the instance is in status ERROR/);
    expect(error.id).toBe(`${project}/${doomed.id}`);
    expect(error.properties).toMatchObject({ name: "doomed", instanceId: doomed.id });
  });

  test("a stopped instance is renamed without waiting for it to be ACTIVE", async () => {
    const { id, outs, inputs } = await checkAndCreate("CloudInstance", { serviceName: project, name: "sleeper", region: "GRA11", flavor: "d2-2", image: "Debian 12" });
    emulator.setInstanceStatus(outs.instanceId as string, "SHUTOFF");
    const started = Date.now();
    const renamed = await ops("CloudInstance").update(id, outs, { ...inputs, name: "sleeper-2", timeoutMinutes: 0.05 });
    expect(renamed.outs).toMatchObject({ name: "sleeper-2", status: "SHUTOFF" });
    expect(Date.now() - started).toBeLessThan(2_000);
    await ops("CloudInstance").delete(id, renamed.outs);
  });

  test("the first read after a create fails: the instance is kept in the state", async () => {
    for (let i = 0; i < 8; i++) emulator.faults.next({ kind: "503", match: { method: "GET", path: /\/instance\/[^/]+$/ } });
    const error = await checkAndCreate("CloudInstance", { serviceName: project, name: "unread", region: "GRA11", flavor: "d2-2", image: "Debian 12" }).catch((e) => e);
    emulator.faults.clear();
    const made = [...emulator.store.projects.get(project)!.instances.values()].filter((i) => i.name === "unread");
    expect(made).toHaveLength(1);
    expect(error.id).toBe(`${project}/${made[0].id}`);
    expect(error.properties).toMatchObject({ name: "unread", instanceId: made[0].id });
  });

  test("unknown flavor or image: the error lists what the region has", async () => {
    const error = await checkAndCreate("CloudInstance", { serviceName: project, name: "x", region: "GRA11", flavor: "z9-999", image: "Debian 12" }).catch((e) => e);
    expect(error.message).toMatch(/no flavor "z9-999" in GRA11; there are b2-15, b2-15-flex, b2-30/);
    expect(await expectRejected("CloudInstance", { serviceName: project, name: "x", region: "GRA11", flavor: "d2-2", image: "Debian 12", publicNetwork: false })).toEqual([
      { property: "networks", reason: expect.stringContaining("needs a network") },
    ]);
  });
});

describe("ovh.IpDescription", () => {
  test("lifecycle: set, change in place, drift, adopt, cleared on delete", async () => {
    const { id, outs, inputs } = await checkAndCreate("IpDescription", { ip: "203.0.113.7", description: "web failover" });
    expect(inputs.ip).toBe("203.0.113.7/32");
    expect(id).toBe("203.0.113.7/32");
    expect(outs).toEqual({ ip: "203.0.113.7/32", description: "web failover", type: "failover", version: 4, routedTo: "" });
    expect(await ops("IpDescription").diff(id, outs, { ...inputs, description: "db failover" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await ops("IpDescription").diff(id, outs, { ...inputs, ip: "203.0.113.16/29" })).toMatchObject({ replaces: ["ip"] });
    const updated = await ops("IpDescription").update(id, outs, { ...inputs, description: "db failover" });
    expect(updated.outs).toMatchObject({ description: "db failover" });
    expect(emulator.store.ips.get("203.0.113.7/32")?.description).toBe("db failover");

    await outsideCall("PUT", "/ip/203.0.113.7%2F32", { description: "changed outside" });
    expect((await ops("IpDescription").read(id, updated.outs)).props).toMatchObject({ description: "changed outside" });
    expect((await ops("IpDescription").read("203.0.113.16/29", {})).props).toMatchObject({ ip: "203.0.113.16/29", description: "" });

    await ops("IpDescription").delete(id, updated.outs);
    expect(emulator.store.ips.get("203.0.113.7/32")?.description).toBeNull();
    expect(await ops("IpDescription").read("198.51.100.1/32", {})).toEqual({});
    expect(await expectRejected("IpDescription", { ip: "203.0.113.300", description: "x" })).toEqual([
      { property: "ip", reason: expect.stringContaining("IP address or block") },
    ]);
  });
});
