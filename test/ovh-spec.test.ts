/**
 * Contract tests against OVH's published API descriptions (in ../shared/specs beside the
 * checkout): every request the resources send must be an operation of the spec with a valid
 * body, and every successful answer of the emulator must match the spec's response schema.
 * `/domain`, `/ip` and `/me` have official OpenAPI 3 specs; the Public Cloud API (`/cloud`) only
 * OVH's legacy schema format, turned into JSON Schema here. Skips, saying so, where the specs are
 * absent (a user's clone).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { OvhEmulator } from "../src/emulator/ovh/emulator";
import { type SpecOperation, contractProblems, loadOperations } from "./support/openapi";
import { legacyOperations } from "./support/ovh-spec";
import { checkAndCreate, ops, outsideCall, stopOvhEmulator, useOvhEmulator } from "./support/ovh";

const specFile = (name: string) => join(__dirname, "..", "..", "shared", "specs", name);
const SPECS = ["domain", "ip", "me"].map((api) => specFile(`ovh-eu-${api}.openapi3.json`));
const CLOUD_SPEC = specFile("ovh-eu-1.0-cloud.swagger12.json");
const haveSpecs = [...SPECS, CLOUD_SPEC].every((file) => existsSync(file));
if (!haveSpecs) console.warn(`skipping the OVH contract tests: the specs in ${specFile("")} are absent (they live beside the checkout)`);

const describeWithSpecs = haveSpecs ? describe : describe.skip;

describeWithSpecs("the OVH resources and emulator follow the official specs", () => {
  let emulator: OvhEmulator;
  let operations: SpecOperation[];

  beforeAll(async () => {
    // The specs' paths are relative to their server, https://eu.api.ovh.com/1.0.
    operations = SPECS.flatMap((file) => loadOperations(file, { base: "/1.0" }));
    emulator = await useOvhEmulator();
  });
  afterAll(() => stopOvhEmulator(emulator));

  test("every request and answer of the DNS record and IP description lifecycles", async () => {
    // A lost answer makes the create look the record up in the zone's list.
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/record$/ } });
    const records = [];
    for (const [fieldType, target] of [["A", "192.0.2.1"], ["TXT", "spec"], ["MX", "10 mail.example.com."], ["CAA", '0 issue "letsencrypt.org"']]) {
      records.push(await checkAndCreate("DomainRecord", { zone: "example.com", fieldType, subDomain: `spec-${fieldType.toLowerCase()}`, target, ttl: 300 }));
    }
    const [a] = records;
    await ops("DomainRecord").update(a.id, a.outs, { ...a.inputs, subDomain: "spec-moved", target: "192.0.2.2", ttl: 60 });
    await ops("DomainRecord").read(a.id, {});
    await outsideCall("GET", "/domain/zone");
    await outsideCall("GET", "/domain/zone/example.com");
    for (const record of records) await ops("DomainRecord").delete(record.id, record.outs);

    const description = await checkAndCreate("IpDescription", { ip: "203.0.113.16/29", description: "spec" });
    await ops("IpDescription").update(description.id, description.outs, { ...description.inputs, description: "spec 2" });
    await outsideCall("GET", "/ip");
    await ops("IpDescription").delete(description.id, description.outs);

    const covered = emulator.log.entries.filter((entry) => /^\/1\.0\/(domain|ip)(\/|$)/.test(entry.path));
    const { problems, checked } = contractProblems(covered, operations, {
      // Void operations answer `null`, which the specs leave undocumented ("successful operation", no content).
      skipAnswer: (entry) => entry.answer === null,
    });
    console.log(`checked ${covered.length} requests covering ${checked.size} operations of the specs:\n  ${[...checked].sort().join("\n  ")}`);
    expect(problems).toEqual([]);
    expect(checked.size).toBeGreaterThanOrEqual(10);
  });

  test("every request and answer of the Public Cloud lifecycles", async () => {
    const project = emulator.serviceName;
    for (const path of [/\/sshkey$/, /\/network\/private$/, /\/subnet$/, /\/instance$/]) {
      emulator.faults.next({ kind: "reset-after", match: { method: "POST", path } });
    }
    const key = await checkAndCreate("CloudSshKey", {
      serviceName: project,
      name: "spec-key",
      publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISpecKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA spec@example",
      region: "GRA11",
    });
    const network = await checkAndCreate("CloudPrivateNetwork", { serviceName: project, name: "spec-net", vlanId: 9, regions: ["GRA11"] });
    await ops("CloudPrivateNetwork").update(network.id, network.outs, { ...network.inputs, name: "spec-net-2", regions: ["GRA11", "SBG5"] });
    const subnet = await checkAndCreate("CloudSubnet", {
      serviceName: project, networkId: network.outs.networkId, region: "GRA11", network: "10.9.0.0/24", start: "10.9.0.10", end: "10.9.0.99",
    });
    const vm = await checkAndCreate("CloudInstance", {
      serviceName: project, name: "spec-vm", region: "GRA11", flavor: "b2-7", image: "Ubuntu 24.04", sshKeyId: key.outs.keyId,
      networks: [{ networkId: network.outs.networkId }], userData: "#cloud-config\n",
    });
    await ops("CloudInstance").diff(vm.id, vm.outs, { ...vm.inputs, flavor: "d2-2" });
    await ops("CloudInstance").update(vm.id, vm.outs, { ...vm.inputs, name: "spec-vm-2", flavor: "b2-15" });
    await ops("CloudInstance").read(vm.id, {});
    await outsideCall("GET", `/cloud/project/${project}/region`);
    await outsideCall("GET", `/cloud/project/${project}/region/GRA11`);
    await ops("CloudInstance").delete(vm.id, vm.outs);
    await ops("CloudSubnet").delete(subnet.id, subnet.outs);
    await ops("CloudPrivateNetwork").delete(network.id, network.outs);
    await ops("CloudSshKey").delete(key.id, key.outs);

    const covered = emulator.log.entries.filter((entry) => entry.path.startsWith("/1.0/cloud/"));
    const { problems, checked } = contractProblems(covered, legacyOperations(CLOUD_SPEC), { skipAnswer: (entry) => entry.answer === null });
    console.log(`checked ${covered.length} requests covering ${checked.size} operations of the schema:\n  ${[...checked].sort().join("\n  ")}`);
    expect(problems).toEqual([]);
    expect(checked.size).toBeGreaterThanOrEqual(20);
  });
});
