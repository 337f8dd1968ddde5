/**
 * The OVH managed databases (`ovh.CloudDatabase`, `ovh.CloudDatabaseUser`,
 * `ovh.CloudDatabaseIpRestriction`) through their lifecycles against the emulator over real
 * HTTP: check, create, read, diff (in place and replace), update, outside change, outside delete,
 * adoption by id, delete (twice); bad input rejected at check with no API call; a create whose
 * answer is lost makes one resource. Then every request and answer is checked against OVH's
 * Public Cloud schema.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { regionalId } from "../src/emulator/ovh/catalog";
import { type DatabaseService, databasesOf } from "../src/emulator/ovh/databases";
import type { OvhEmulator } from "../src/emulator/ovh/emulator";
import { contractProblems } from "./support/openapi";
import { legacyOperations } from "./support/ovh-spec";
import { apiCallsDuring, checkAndCreate, ops, outsideCall, stopOvhEmulator, useOvhEmulator } from "./support/ovh";

let emulator: OvhEmulator;
let project: string;
beforeAll(async () => {
  emulator = await useOvhEmulator();
  project = emulator.serviceName;
});
afterAll(() => stopOvhEmulator(emulator));

const services = () => databasesOf(emulator.store.projects.get(project)!);
const service = (clusterId: unknown) => services().get(clusterId as string)!;
const dbPath = (clusterId: unknown, engine = "postgresql") => `/cloud/project/${project}/database/${engine}/${clusterId as string}`;

/** Check must fail naming these properties, without one API call. */
async function expectRejected(kind: string, news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  let failures: { property: string; reason: string }[] | undefined;
  const calls = await apiCallsDuring(emulator, async () => {
    failures = (await ops(kind).check(olds, news)).failures;
  });
  expect(calls).toBe(0);
  return (failures ?? []).map((f) => f.property);
}

/** A service the engine would create: keyed description from the resource name and the create key. */
const postgres = (name: string, extra: Record<string, unknown> = {}) => ({
  serviceName: project,
  engine: "postgresql",
  version: "15",
  plan: "essential",
  flavor: "db1-4",
  region: "GRA",
  __autoName: name,
  __createKey: randomUUID(),
  ...extra,
});

/** A READY service for the users and IP restrictions. */
async function readyService(name: string, engine: "postgresql" | "mysql" = "postgresql") {
  const made = await checkAndCreate("CloudDatabase", postgres(name, engine === "mysql" ? { engine, version: "8" } : {}));
  return made.outs.clusterId as string;
}

describe("ovh.CloudDatabase", () => {
  test("lifecycle: create waits for READY; description, plan, flavor and a newer version change in place; refresh sees outside changes", async () => {
    const puts = () => emulator.log.entries.filter((e) => e.method === "PUT" && /\/database\/postgresql\/[^/]+$/.test(e.path));
    const { id, outs, inputs } = await checkAndCreate("CloudDatabase", postgres("orders"));
    expect(inputs.description).toMatch(/^orders-[0-9a-f]{8}$/);
    expect(id).toBe(`${project}/postgresql/${outs.clusterId}`);
    expect(outs).toMatchObject({
      serviceName: project, engine: "postgresql", version: "15", plan: "essential", flavor: "db1-4", region: "GRA",
      nodeCount: 1, description: inputs.description, timeoutMinutes: 30, status: "READY", networkType: "public",
      createdAt: expect.any(String),
    });
    const [endpoint] = outs.endpoints as { domain: string; port: number; uri: string }[];
    expect(endpoint).toMatchObject({ component: "postgresql", domain: service(outs.clusterId).domain, port: 20184, ssl: true, sslMode: "require" });
    expect(endpoint.uri).toBe(`postgresql://avnadmin@${endpoint.domain}:20184/defaultdb?sslmode=require`);

    expect(await ops("CloudDatabase").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("CloudDatabase").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("CloudDatabase").diff(id, outs, { ...inputs, engine: "mysql", version: "8" })).toMatchObject({ replaces: ["engine"] });
    expect(await ops("CloudDatabase").diff(id, outs, { ...inputs, region: "SBG" })).toMatchObject({ replaces: ["region"] });
    expect(await ops("CloudDatabase").diff(id, outs, { ...inputs, version: "16", flavor: "db1-7", description: "orders" })).toEqual({
      changes: true, replaces: [], deleteBeforeReplace: false,
    });

    // One of plan, flavor and version at a time, as OVH takes them, each waited out.
    const before = puts().length;
    const wanted = { ...inputs, version: "16", flavor: "db1-7", description: "orders db" };
    const updated = await ops("CloudDatabase").update(id, outs, wanted);
    expect(updated.outs).toMatchObject({ version: "16", flavor: "db1-7", description: "orders db", status: "READY" });
    expect(puts().slice(before).map((e) => e.body)).toEqual([{ description: "orders db" }, { flavor: "db1-7" }, { version: "16" }]);
    expect(service(outs.clusterId)).toMatchObject({ version: "16", flavor: "db1-7", description: "orders db" });

    // A downgrade is refused at preview, naming the field.
    expect(await expectRejected("CloudDatabase", { ...wanted, version: "14" }, updated.outs)).toEqual(["version"]);
    // The same version, or another engine's service (a replacement), is fine.
    expect((await ops("CloudDatabase").check(updated.outs, { ...wanted, engine: "mysql", version: "8" })).failures).toBeUndefined();

    // Drift: changed in the control panel; refresh sees it.
    await outsideCall("PUT", dbPath(outs.clusterId), { description: "renamed outside" });
    const drifted = await ops("CloudDatabase").read(id, updated.outs);
    expect(drifted.props).toMatchObject({ description: "renamed outside" });
    expect(await ops("CloudDatabase").diff(id, drifted.props!, wanted)).toMatchObject({ changes: true, replaces: [] });

    // Adopt by id.
    expect((await ops("CloudDatabase").read(id, {})).props).toMatchObject({ clusterId: outs.clusterId, engine: "postgresql", version: "16", timeoutMinutes: 30 });

    // Deleted outside: a service being deleted is gone for a read.
    await outsideCall("DELETE", dbPath(outs.clusterId));
    expect(await ops("CloudDatabase").read(id, updated.outs)).toEqual({});
    await ops("CloudDatabase").delete(id, updated.outs);
    expect(services().has(outs.clusterId as string)).toBe(false);
    await ops("CloudDatabase").delete(id, updated.outs);
  });

  test("delete waits until the service is gone", async () => {
    const { id, outs } = await checkAndCreate("CloudDatabase", postgres("gone", { engine: "mysql", version: "8" }));
    expect(outs.endpoints).toEqual([expect.objectContaining({ component: "mysql", port: 20306 })]);
    await ops("CloudDatabase").delete(id, outs);
    expect(services().has(outs.clusterId as string)).toBe(false);
    expect(await ops("CloudDatabase").read(id, outs)).toEqual({});
  });

  test("on a private network: the network's OpenStack id in the subnet's region goes to OVH", async () => {
    const network = await checkAndCreate("CloudPrivateNetwork", { serviceName: project, name: "db-net", vlanId: 40, regions: ["GRA11"] });
    const subnet = await checkAndCreate("CloudSubnet", {
      serviceName: project, networkId: network.outs.networkId, region: "GRA11", network: "10.40.0.0/24", start: "10.40.0.10", end: "10.40.0.99",
    });
    const args = postgres("private", { privateNetworkId: network.outs.networkId, subnetId: subnet.outs.subnetId });
    const { id, outs, inputs } = await checkAndCreate("CloudDatabase", args);
    expect(outs).toMatchObject({ networkType: "private", privateNetworkId: network.outs.networkId, subnetId: subnet.outs.subnetId });
    expect(service(outs.clusterId)).toMatchObject({ networkId: regionalId("GRA11", network.outs.networkId as string), subnetId: subnet.outs.subnetId });
    expect(await ops("CloudDatabase").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("CloudDatabase").diff(id, outs, { ...inputs, subnetId: randomUUID() })).toMatchObject({ replaces: ["subnetId"] });
    // Adopted, the pn-… id is not known (OVH gives the OpenStack one): only the subnet is.
    expect((await ops("CloudDatabase").read(id, {})).props).toMatchObject({ networkType: "private", subnetId: subnet.outs.subnetId });
    expect((await ops("CloudDatabase").read(id, {})).props).not.toHaveProperty("privateNetworkId");

    // A subnet in another location's region is refused before anything is ordered.
    const count = services().size;
    await expect(checkAndCreate("CloudDatabase", { ...args, region: "SBG", __createKey: randomUUID() })).rejects.toThrow(
      /subnet .* is in GRA11, not in a region of SBG/,
    );
    expect(services().size).toBe(count);
    await ops("CloudDatabase").delete(id, outs);
    await ops("CloudSubnet").delete(subnet.id, subnet.outs);
    await ops("CloudPrivateNetwork").delete(network.id, network.outs);
  });

  test("the catalogue: what OVH does not offer fails naming what it does, or with OVH's own error", async () => {
    const count = services().size;
    await expect(checkAndCreate("CloudDatabase", postgres("nope", { flavor: "db1-30" }))).rejects.toThrow(
      /offers no postgresql 15 service with plan essential and flavor db1-30 in GRA .*flavors db1-15, db1-30, db1-4, db1-7/,
    );
    await expect(checkAndCreate("CloudDatabase", postgres("nope", { version: "9", nodeCount: 1 }))).rejects.toThrow(/HTTP 404: Client::NotFound::VersionNotFound/);
    await expect(checkAndCreate("CloudDatabase", postgres("nope", { plan: "business", flavor: "db1-7", nodeCount: 1 }))).rejects.toThrow(
      /HTTP 400: Client::BadRequest::NotEnoughNodes/,
    );
    expect(services().size).toBe(count);
    const business = await checkAndCreate("CloudDatabase", postgres("business", { plan: "business", flavor: "db1-7" }));
    expect(business.outs.nodeCount).toBe(2);
    await ops("CloudDatabase").delete(business.id, business.outs);
  });

  test("a build that never ends fails after timeoutMinutes, naming the wait, and the service stays in the state", async () => {
    const count = services().size;
    const stuck = (async () => {
      for (;;) {
        const made = [...services().values()].find((s) => s.description.startsWith("stuck-"));
        if (made) return (made.forcedStatus = "CREATING");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const failed = await checkAndCreate("CloudDatabase", postgres("stuck", { timeoutMinutes: 0.02 })).catch((e: Error & { id?: string }) => e);
    await stuck;
    expect(String(failed)).toMatch(/wait for database service to be READY .*status READY.*CREATING.*timeoutMinutes/s);
    const [made] = [...services().values()].filter((s) => s.description.startsWith("stuck-"));
    expect((failed as { id?: string }).id).toBe(`${project}/postgresql/${made.id}`);
    expect(services().size).toBe(count + 1);
    made.forcedStatus = undefined;
    await ops("CloudDatabase").delete(`${project}/postgresql/${made.id}`, { timeoutMinutes: 1 });
  });

  test("bad input is rejected at check, naming the field, with no API call", async () => {
    const good = postgres("bad");
    expect(await expectRejected("CloudDatabase", { ...good, engine: "redis" })).toEqual(["engine"]);
    expect(await expectRejected("CloudDatabase", { ...good, version: "latest" })).toEqual(["version"]);
    expect(await expectRejected("CloudDatabase", { ...good, region: "gra" })).toEqual(["region"]);
    expect(await expectRejected("CloudDatabase", { ...good, nodeCount: 0 })).toEqual(["nodeCount"]);
    expect(await expectRejected("CloudDatabase", { ...good, serviceName: "nope" })).toEqual(["serviceName"]);
    expect(await expectRejected("CloudDatabase", { ...good, description: "x".repeat(256) })).toEqual(["description"]);
    expect(await expectRejected("CloudDatabase", { ...good, privateNetworkId: "pn-1_2" })).toEqual(["subnetId"]);
    expect(await expectRejected("CloudDatabase", { ...good, subnetId: "not-a-uuid" })).toEqual(["subnetId"]);
    expect(await expectRejected("CloudDatabase", { ...good, timeoutMinutes: 0 })).toEqual(["timeoutMinutes"]);
  });

  test("a create whose answer is lost finds the service by its keyed description: exactly one", async () => {
    const count = services().size;
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/database\/postgresql$/ } });
    const { id, outs, inputs } = await checkAndCreate("CloudDatabase", postgres("lost"));
    expect(emulator.faults.injected["reset-after"]).toBeGreaterThan(0);
    expect(services().size).toBe(count + 1);
    expect(outs.status).toBe("READY");
    // A re-run after a crash (the same checked inputs, so the same create key) finds it before ordering another.
    const rerun = await ops("CloudDatabase").create(inputs);
    expect(rerun.id).toBe(id);
    expect(services().size).toBe(count + 1);
    // What a create of this process adopted it will not delete (see the kit): deleted outside.
    await outsideCall("DELETE", dbPath(outs.clusterId));
  });
});

describe("ovh.CloudDatabaseUser", () => {
  let clusterId: string;
  beforeAll(async () => {
    clusterId = await readyService("users");
  });
  const users = () => [...service(clusterId).users.values()];

  test("lifecycle: the password is given at creation, kept by reads, renewed by a rotation; roles change in place", async () => {
    const args = { serviceName: project, engine: "postgresql", clusterId, name: "app", roles: ["replication", "replication"] };
    const { id, outs, inputs } = await checkAndCreate("CloudDatabaseUser", args);
    expect(inputs).toEqual({ serviceName: project, engine: "postgresql", clusterId, name: "app", roles: ["replication"], timeoutMinutes: 10 });
    const [user] = users();
    expect(id).toBe(`${project}/postgresql/${clusterId}/${user.id}`);
    expect(outs).toEqual({ ...args, roles: ["replication"], timeoutMinutes: 10, userId: user.id, password: user.password, status: "READY", createdAt: user.createdAt });

    expect(await ops("CloudDatabaseUser").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("CloudDatabaseUser").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("CloudDatabaseUser").diff(id, outs, { ...inputs, name: "app2" })).toMatchObject({ replaces: ["name"] });
    expect(await ops("CloudDatabaseUser").diff(id, outs, { ...inputs, clusterId: randomUUID() })).toMatchObject({ replaces: ["clusterId"] });
    expect(await ops("CloudDatabaseUser").diff(id, outs, { ...inputs, roles: [] })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });

    const cleared = await ops("CloudDatabaseUser").update(id, outs, { ...inputs, roles: [] });
    expect(cleared.outs).toMatchObject({ roles: [], password: user.password, status: "READY" });
    expect(user.roles).toEqual([]);
    const rotated = await ops("CloudDatabaseUser").update(id, cleared.outs, { ...inputs, roles: [], passwordRotation: "2026-12" });
    expect(rotated.outs.password).not.toBe(outs.password);
    expect(rotated.outs.password).toBe(user.password);

    // Drift: roles given outside; refresh sees them, and keeps the password.
    await outsideCall("PUT", `${dbPath(clusterId)}/user/${user.id}`, { roles: ["replication"] });
    const drifted = await ops("CloudDatabaseUser").read(id, rotated.outs);
    expect(drifted.props).toMatchObject({ roles: ["replication"], password: user.password });

    // Adopted by id: OVH never shows the password again.
    expect((await ops("CloudDatabaseUser").read(id, {})).props).toMatchObject({ name: "app", userId: user.id, password: "" });

    // A failing change names the user, never the password.
    emulator.faults.next({ kind: "echo", match: { method: "PUT", path: /\/user\/[^/]+$/ } });
    const failed = await ops("CloudDatabaseUser").update(id, drifted.props!, { ...inputs, roles: [], passwordRotation: "2026-12" }).catch((e: Error) => e);
    expect(String(failed)).toMatch(/database user "app"/);
    expect(String(failed)).not.toContain(user.password);

    await outsideCall("DELETE", `${dbPath(clusterId)}/user/${user.id}`);
    expect(await ops("CloudDatabaseUser").read(id, rotated.outs)).toEqual({});
    await ops("CloudDatabaseUser").delete(id, rotated.outs);
    await ops("CloudDatabaseUser").delete(id, rotated.outs);
  });

  test("MySQL users have no roles", async () => {
    const mysql = await readyService("mysql-users", "mysql");
    expect(await expectRejected("CloudDatabaseUser", { serviceName: project, engine: "mysql", clusterId: mysql, name: "app", roles: ["replication"] })).toEqual(["roles"]);
    const { id, outs } = await checkAndCreate("CloudDatabaseUser", { serviceName: project, engine: "mysql", clusterId: mysql, name: "app" });
    expect(outs).toMatchObject({ roles: [], status: "READY", password: service(mysql).users.get(outs.userId as string)!.password });
    await ops("CloudDatabaseUser").delete(id, outs);
    await ops("CloudDatabase").delete(`${project}/mysql/${mysql}`, { timeoutMinutes: 1 });
  });

  test("bad input is rejected at check, naming the field, with no API call", async () => {
    const good = { serviceName: project, engine: "postgresql", clusterId, name: "app" };
    expect(await expectRejected("CloudDatabaseUser", { ...good, name: "1app" })).toEqual(["name"]);
    expect(await expectRejected("CloudDatabaseUser", { ...good, name: "avnadmin" })).toEqual(["name"]);
    expect(await expectRejected("CloudDatabaseUser", { ...good, name: "x".repeat(33) })).toEqual(["name"]);
    expect(await expectRejected("CloudDatabaseUser", { ...good, clusterId: "abc" })).toEqual(["clusterId"]);
    expect(await expectRejected("CloudDatabaseUser", { ...good, engine: "mongodb" })).toEqual(["engine"]);
  });

  test("a create whose answer is lost finds the user it made by its name and resets its password: exactly one", async () => {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/user$/ } });
    const { outs } = await checkAndCreate("CloudDatabaseUser", { serviceName: project, engine: "postgresql", clusterId, name: "lost" });
    const made = users().filter((u) => u.username === "lost");
    expect(made).toHaveLength(1);
    expect(outs).toMatchObject({ userId: made[0].id, password: made[0].password, status: "READY" });
    await outsideCall("DELETE", `${dbPath(clusterId)}/user/${made[0].id}`);
  });

  test("a re-run after a crash finds the user of its keyed name, and gets it a password again", async () => {
    const { id, outs, inputs } = await checkAndCreate("CloudDatabaseUser", { serviceName: project, engine: "postgresql", clusterId, __autoName: "crashed", __createKey: randomUUID() });
    expect(inputs.name).toMatch(/^crashed-[0-9a-f]{8}$/);
    const rerun = await ops("CloudDatabaseUser").create(inputs);
    expect(rerun.id).toBe(id);
    const made = users().filter((u) => u.username === inputs.name);
    expect(made).toHaveLength(1);
    expect(rerun.outs.password).toBe(made[0].password);
    expect(rerun.outs.password).not.toBe(outs.password);
    await outsideCall("DELETE", `${dbPath(clusterId)}/user/${made[0].id}`);
  });

  test("a user of the same name made outside Pulumi is not taken over: the create fails, its password kept", async () => {
    await outsideCall("POST", `${dbPath(clusterId)}/user`, { name: "theirs" });
    const [theirs] = users().filter((u) => u.username === "theirs");
    const password = theirs.password;
    await expect(checkAndCreate("CloudDatabaseUser", { serviceName: project, engine: "postgresql", clusterId, name: "theirs" })).rejects.toThrow(/theirs|exist|conflict/i);
    const listed = users().filter((u) => u.username === "theirs");
    expect(listed).toHaveLength(1);
    expect(listed[0].password).toBe(password);
    await outsideCall("DELETE", `${dbPath(clusterId)}/user/${theirs.id}`);
  });
});

describe("ovh.CloudDatabaseIpRestriction", () => {
  let clusterId: string;
  beforeAll(async () => {
    clusterId = await readyService("restricted");
  });
  const restrictions = () => [...service(clusterId).ipRestrictions.values()].filter((r) => r.busy.status !== "DELETING");

  test("lifecycle: a lone address is its /32; the description changes in place", async () => {
    const args = { serviceName: project, engine: "postgresql", clusterId, ip: "203.0.113.5", description: "office" };
    const { id, outs, inputs } = await checkAndCreate("CloudDatabaseIpRestriction", args);
    expect(id).toBe(`${project}/postgresql/${clusterId}/203.0.113.5/32`);
    expect(outs).toEqual({ ...args, ip: "203.0.113.5/32", timeoutMinutes: 10, status: "READY" });
    expect(emulator.log.entries.some((e) => e.path.endsWith("/ipRestriction/203.0.113.5%2F32"))).toBe(true);

    expect(await ops("CloudDatabaseIpRestriction").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("CloudDatabaseIpRestriction").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("CloudDatabaseIpRestriction").diff(id, outs, { ...inputs, ip: "203.0.113.0/24" })).toMatchObject({ replaces: ["ip"] });
    expect(await ops("CloudDatabaseIpRestriction").diff(id, outs, { ...inputs, description: "home" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("CloudDatabaseIpRestriction").update(id, outs, { ...inputs, description: "home" });
    expect(updated.outs).toMatchObject({ description: "home", status: "READY" });
    expect(restrictions()).toEqual([expect.objectContaining({ ip: "203.0.113.5/32", description: "home" })]);

    await outsideCall("PUT", `${dbPath(clusterId)}/ipRestriction/${encodeURIComponent("203.0.113.5/32")}`, { description: "edited" });
    expect((await ops("CloudDatabaseIpRestriction").read(id, updated.outs)).props).toMatchObject({ description: "edited" });
    expect((await ops("CloudDatabaseIpRestriction").read(id, {})).props).toMatchObject({ ip: "203.0.113.5/32", clusterId, engine: "postgresql", timeoutMinutes: 10 });

    await outsideCall("DELETE", `${dbPath(clusterId)}/ipRestriction/${encodeURIComponent("203.0.113.5/32")}`);
    expect(await ops("CloudDatabaseIpRestriction").read(id, updated.outs)).toEqual({});
    await ops("CloudDatabaseIpRestriction").delete(id, updated.outs);
    await ops("CloudDatabaseIpRestriction").delete(id, updated.outs);
    expect(restrictions()).toEqual([]);
  });

  test("an IPv6 block, deleted by Pulumi: the delete waits until it is gone", async () => {
    const { id, outs } = await checkAndCreate("CloudDatabaseIpRestriction", { serviceName: project, engine: "postgresql", clusterId, ip: "2001:db8::/48" });
    expect(outs).toMatchObject({ ip: "2001:db8::/48", description: "" });
    await ops("CloudDatabaseIpRestriction").delete(id, outs);
    expect(service(clusterId).ipRestrictions.size).toBe(0);
  });

  test("bad input is rejected at check, naming the field, with no API call", async () => {
    const good = { serviceName: project, engine: "postgresql", clusterId, ip: "203.0.113.0/24" };
    expect(await expectRejected("CloudDatabaseIpRestriction", { ...good, ip: "203.0.113.0/33" })).toEqual(["ip"]);
    expect(await expectRejected("CloudDatabaseIpRestriction", { ...good, ip: "example.com" })).toEqual(["ip"]);
    expect(await expectRejected("CloudDatabaseIpRestriction", { ...good, description: "x".repeat(256) })).toEqual(["description"]);
    expect(await expectRejected("CloudDatabaseIpRestriction", { ...good, clusterId: "x" })).toEqual(["clusterId"]);
  });

  test("a create whose answer is lost finds the restriction by its block: exactly one", async () => {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/ipRestriction$/ } });
    const { id, outs, inputs } = await checkAndCreate("CloudDatabaseIpRestriction", { serviceName: project, engine: "postgresql", clusterId, ip: "198.51.100.0/24", description: "lost" });
    expect(restrictions()).toEqual([expect.objectContaining({ ip: "198.51.100.0/24", description: "lost" })]);
    expect(outs.status).toBe("READY");
    expect((await ops("CloudDatabaseIpRestriction").create(inputs)).id).toBe(id);
    expect(restrictions()).toHaveLength(1);
    await outsideCall("DELETE", `${dbPath(clusterId)}/ipRestriction/${encodeURIComponent("198.51.100.0/24")}`);
  });

  test("deleting the service takes its users and restrictions with it, and nothing is left", async () => {
    await checkAndCreate("CloudDatabaseIpRestriction", { serviceName: project, engine: "postgresql", clusterId, ip: "192.0.2.0/24" });
    for (const s of [...services().values()] as DatabaseService[]) {
      await ops("CloudDatabase").delete(`${project}/${s.engine}/${s.id}`, { timeoutMinutes: 1 });
    }
    // Each delete returned once its service was gone; one deleted outside goes within buildMs / 4.
    for (let i = 0; i < 20 && services().size > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await outsideCall("GET", `/cloud/project/${project}/database/postgresql`);
    }
    expect(services().size).toBe(0);
    expect(emulator.liveResources()).toBe(0);
  });
});

const CLOUD_SPEC = join(__dirname, "..", "..", "shared", "specs", "ovh-eu-1.0-cloud.swagger12.json");

(existsSync(CLOUD_SPEC) ? describe : describe.skip)("the databases follow OVH's Public Cloud schema", () => {
  if (!existsSync(CLOUD_SPEC)) console.warn(`skipping the OVH databases contract test: ${CLOUD_SPEC} is absent`);
  test("every request the lifecycles above sent, and every answer", async () => {
    await outsideCall("GET", `/cloud/project/${project}/database/capabilities`);
    await outsideCall("GET", `/cloud/project/${project}/database/availability`);
    const clusterId = await readyService("spec");
    await outsideCall("GET", `/cloud/project/${project}/database/availability?clusterId=${clusterId}&action=update&target=version`);
    await outsideCall("GET", `${dbPath(clusterId)}/roles`);
    await outsideCall("GET", `${dbPath(clusterId)}/node`);
    await ops("CloudDatabase").delete(`${project}/postgresql/${clusterId}`, { timeoutMinutes: 1 });

    const covered = emulator.log.entries.filter((entry) => entry.path.startsWith("/1.0/cloud/"));
    const { problems, checked } = contractProblems(covered, legacyOperations(CLOUD_SPEC), { skipAnswer: (entry) => entry.answer === null });
    const ofDatabases = [...checked].filter((op) => op.includes("/database/")).sort();
    console.log(`checked ${covered.length} requests covering ${checked.size} operations of the schema, ${ofDatabases.length} of databases:\n  ${ofDatabases.join("\n  ")}`);
    expect(problems).toEqual([]);
    expect(ofDatabases.length).toBeGreaterThanOrEqual(20);
  });
});
