/** The Contabo resources beyond the first four, through their lifecycles against the emulator. */
import type { ContaboEmulator } from "../src/emulator";
import { apiCallsDuring, checkAndCreate, ops, outsideCall, stopContaboEmulator, useContaboEmulator } from "./support/contabo";

let emulator: ContaboEmulator;
let instanceId: number;
beforeAll(async () => {
  emulator = await useContaboEmulator();
  instanceId = Number((await checkAndCreate("Instance", { displayName: "breadth-vm" })).id);
});
afterAll(() => stopContaboEmulator(emulator));

describe("contabo.TagAssignment", () => {
  test("lifecycle: assign, read, replace on any change, adopt, outside removal, delete", async () => {
    const tag = await checkAndCreate("Tag", { name: "assigned" });
    const { id, outs, inputs } = await checkAndCreate("TagAssignment", {
      tagId: Number(tag.id),
      resourceType: "instance",
      resourceId: instanceId,
    });
    expect(id).toBe(`${tag.id}/instance/${instanceId}`);
    expect(outs).toEqual({
      tagId: Number(tag.id),
      resourceType: "instance",
      resourceId: String(instanceId),
    });
    expect(await ops("TagAssignment").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("TagAssignment").diff(id, outs, { ...inputs, tagId: 1 })).toMatchObject({ replaces: ["tagId"] });
    expect((await ops("TagAssignment").read(id, {})).props).toEqual(outs);

    // Contabo refuses to delete a tag that is still assigned, and says so.
    const refused = await ops("Tag").delete(tag.id, tag.outs).catch((e: Error) => e);
    expect((refused as Error).message).toMatch(/^contabo: delete tag \(tag "assigned"\) failed: HTTP 409: .*assigned/);

    await outsideCall("DELETE", `/v1/tags/${tag.id}/assignments/instance/${instanceId}`);
    expect(await ops("TagAssignment").read(id, outs)).toEqual({});

    const again = await checkAndCreate("TagAssignment", inputs);
    await ops("TagAssignment").delete(again.id, again.outs);
    expect(await ops("TagAssignment").read(again.id, again.outs)).toEqual({});
    await ops("Tag").delete(tag.id, tag.outs);
  });

  test("bad input fails at check with no API call", async () => {
    let failures: unknown;
    const calls = await apiCallsDuring(emulator, async () => {
      failures = (await ops("TagAssignment").check({}, { tagId: -1, resourceType: "vm", resourceId: "" })).failures;
    });
    expect(failures).toEqual([
      { property: "tagId", reason: expect.stringMatching(/>0|positive|greater/i) },
      { property: "resourceType", reason: expect.stringMatching(/instance.*image.*object-storage/) },
      { property: "resourceId", reason: expect.any(String) },
    ]);
    expect(calls).toBe(0);
  });
});

describe("contabo.Snapshot", () => {
  test("lifecycle: create, rename and describe in place, drift, replace on instance change, adopt, delete", async () => {
    const { id, outs, inputs } = await checkAndCreate("Snapshot", { instanceId, name: "before upgrade" });
    expect(id).toMatch(new RegExp(`^${instanceId}/snap`));
    expect(outs).toMatchObject({ instanceId, name: "before upgrade", imageId: expect.any(String) });
    expect(outs).not.toHaveProperty("description");
    expect(Date.parse(outs.autoDeleteDate as string)).toBeGreaterThan(Date.now());

    const described = { ...inputs, name: "before-upgrade-2", description: "kernel 6.8" };
    expect(await ops("Snapshot").diff(id, outs, described)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("Snapshot").update(id, outs, described);
    expect(updated.outs).toMatchObject({ name: "before-upgrade-2", description: "kernel 6.8" });

    const [, snapshotId] = id.split("/");
    await outsideCall("PATCH", `/v1/compute/instances/${instanceId}/snapshots/${snapshotId}`, { description: "changed by hand" });
    const drifted = await ops("Snapshot").read(id, updated.outs);
    expect(drifted.props).toMatchObject({ description: "changed by hand" });
    expect(await ops("Snapshot").diff(id, drifted.props!, described)).toMatchObject({ changes: true, replaces: [] });
    expect(await ops("Snapshot").diff(id, outs, { ...described, instanceId: instanceId + 1 })).toMatchObject({
      replaces: ["instanceId"],
    });
    expect((await ops("Snapshot").read(id, {})).props).toMatchObject({ snapshotId, name: "before-upgrade-2" });

    await ops("Snapshot").delete(id, updated.outs);
    expect(await ops("Snapshot").read(id, updated.outs)).toEqual({});
  });

  test("a lost answer to a snapshot create takes exactly one snapshot", async () => {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/snapshots$/ } });
    const { outs } = await checkAndCreate("Snapshot", { instanceId, name: "lost-answer" });
    expect([...emulator.store.snapshots.values()].filter((s) => s.name === "lost-answer")).toHaveLength(1);
    expect(outs.name).toBe("lost-answer");
  });

  test("names are checked at preview", async () => {
    const { failures } = await ops("Snapshot").check({}, { instanceId, name: "way_too_long_for_a_contabo_snapshot" });
    expect(failures).toEqual([
      { property: "name", reason: expect.stringMatching(/30/) },
      { property: "name", reason: "may contain only letters, numbers, spaces and dashes" },
    ]);
  });
});

describe("contabo.Instance power state", () => {
  test("created stopped, started in place, stopped outside Pulumi is drift, unmanaged when left out", async () => {
    const { id, outs, inputs } = await checkAndCreate("Instance", { displayName: "sleeper", powerState: "stopped" });
    expect(outs).toMatchObject({ status: "stopped", powerState: "stopped" });

    const running = { ...inputs, powerState: "running" };
    expect(await ops("Instance").diff(id, outs, running)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const started = await ops("Instance").update(id, outs, running);
    expect(started.outs).toMatchObject({ status: "running", powerState: "running" });

    await outsideCall("POST", `/v1/compute/instances/${id}/actions/stop`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refreshed = await ops("Instance").read(id, started.outs);
    expect(refreshed.props).toMatchObject({ powerState: "stopped" });
    expect(await ops("Instance").diff(id, refreshed.props!, running)).toMatchObject({ changes: true, replaces: [] });
    const { powerState: _left, ...unmanaged } = running;
    expect(await ops("Instance").diff(id, refreshed.props!, unmanaged)).toMatchObject({ changes: false });
  });
});

describe("contabo.Image", () => {
  const url = "https://images.example.com/alpine-3.20.qcow2";

  test("lifecycle: download waited for, renamed in place, url replaces, adopt, outside delete, delete", async () => {
    const { id, outs, inputs } = await checkAndCreate("Image", { name: "alpine", url, osType: "Linux", version: "3.20" });
    expect(outs).toMatchObject({ imageId: id, status: "downloaded", format: "qcow2", sizeMb: expect.any(Number) });

    expect(await ops("Image").diff(id, outs, { ...inputs, url: "https://images.example.com/alpine-3.21.qcow2" })).toMatchObject({
      replaces: ["url"],
    });
    const renamed = await ops("Image").update(id, outs, { ...inputs, name: "alpine-base", description: "with ssh" });
    expect(renamed.outs).toMatchObject({ name: "alpine-base", description: "with ssh", status: "downloaded" });
    expect((await ops("Image").read(id, {})).props).toMatchObject({ imageId: id, name: "alpine-base" });

    await outsideCall("DELETE", `/v1/compute/images/${id}`);
    expect(await ops("Image").read(id, renamed.outs)).toEqual({});
    const again = await checkAndCreate("Image", inputs);
    await ops("Image").delete(again.id, again.outs);
    expect(await ops("Image").read(again.id, again.outs)).toEqual({});
  });

  test("a failed download fails the create with Contabo's message, and keeps the image in the state", async () => {
    const error = await checkAndCreate("Image", {
      name: "broken",
      url: "https://unreachable.example.com/broken.iso",
      osType: "Linux",
      version: "1",
    }).catch((e) => e);
    expect(error.message).toMatch(/^contabo: .*image "broken".*the download failed: Download of .* failed/);
    expect(error.id).toEqual(expect.any(String));
    expect(error.properties).toMatchObject({ name: "broken", imageId: error.id, format: "iso" });
  });

  test("the URL is checked at preview", async () => {
    const { failures } = await ops("Image").check({}, { name: "x", url: "ftp://example.com/a.img", osType: "BSD", version: "1" });
    expect(failures).toEqual([
      { property: "url", reason: "must be an http or https URL" },
      { property: "url", reason: "must point to an .iso or .qcow2 file" },
      { property: "osType", reason: expect.stringMatching(/Linux.*Windows/) },
    ]);
    const { failures: format } = await ops("Image").check({}, { name: "x", url: "https://example.com/a.img", osType: "Linux", version: "1" });
    expect(format).toEqual([{ property: "url", reason: "must point to an .iso or .qcow2 file" }]);
  });
});

describe("lookups", () => {
  test("data centers, an image by name, an instance by display name", async () => {
    const { getDataCenters, getImage, getInstance } = await import("../src/contabo");
    const centers = await getDataCenters();
    expect(centers.map((c) => c.regionSlug)).toContain("EU");
    expect(centers.find((c) => c.regionSlug === "EU")).toMatchObject({ slug: "EU2", capabilities: expect.arrayContaining(["Object-Storage"]) });

    expect(await getImage({ name: "ubuntu-22.04" })).toMatchObject({ imageId: "afecbb85-e2fc-46f0-9684-b46b1faf00bb", standardImage: true });
    await expect(getImage({ name: "ubuntu" })).rejects.toThrow('contabo: look up image "ubuntu" failed: nothing matches');

    expect(await getInstance({ displayName: "breadth-vm" })).toMatchObject({ instanceId, status: "running", ipv4: expect.any(String) });
  });
});

describe("contabo.ObjectStorage", () => {
  test("lifecycle: order waited for, grow and rename in place, shrink refused at preview, region replaces first, cancel", async () => {
    const { id, outs, inputs } = await checkAndCreate("ObjectStorage", { displayName: "backups", totalPurchasedSpaceTB: 0.25 });
    expect(outs).toMatchObject({
      objectStorageId: id,
      status: "READY",
      region: "EU",
      s3Url: expect.stringMatching(/^https:\/\//),
      s3TenantId: expect.any(String),
      autoScaling: { state: "disabled", sizeLimitTB: 0 },
    });

    const shrink = await ops("ObjectStorage").check(outs, { ...inputs, totalPurchasedSpaceTB: 0.1 });
    expect(shrink.failures).toEqual([{ property: "totalPurchasedSpaceTB", reason: "can only grow: it is 0.25 TB" }]);
    expect(await ops("ObjectStorage").diff(id, outs, { ...inputs, region: "SIN" })).toEqual({
      changes: true,
      replaces: ["region"],
      deleteBeforeReplace: true,
    });

    const grown = { ...inputs, displayName: "backups-2", totalPurchasedSpaceTB: 1, autoScaling: { state: "enabled", sizeLimitTB: 2 } };
    const updated = await ops("ObjectStorage").update(id, outs, grown);
    expect(updated.outs).toMatchObject({ displayName: "backups-2", totalPurchasedSpaceTB: 1, status: "READY", autoScaling: { state: "enabled" } });
    expect((await ops("ObjectStorage").read(id, {})).props).toMatchObject({ objectStorageId: id, displayName: "backups-2" });

    emulator.faults.next({ kind: "reset-after", match: { method: "PATCH", path: /\/cancel$/ } });
    await ops("ObjectStorage").delete(id, updated.outs);
    expect((await ops("ObjectStorage").read(id, updated.outs)).props).toMatchObject({ status: "CANCELLED", cancelDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  test("a lost answer to an order places exactly one order", async () => {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /^\/v1\/object-storages$/ } });
    await checkAndCreate("ObjectStorage", { displayName: "lost", region: "SIN", totalPurchasedSpaceTB: 0.25 });
    expect([...emulator.store.objectStorages.values()].filter((s) => s.region === "SIN" && !s.cancelDate)).toHaveLength(1);
  });
});

describe("contabo.Role and contabo.User", () => {
  test("a role with tag-limited permissions, updated with PUT; a user with it, updated with PATCH", async () => {
    const tag = await checkAndCreate("Tag", { name: "team-a" });
    const role = await checkAndCreate("Role", {
      name: "instance-operators",
      permissions: [{ apiName: "/v1/compute/instances", actions: ["UPDATE", "READ", "READ"], resources: [Number(tag.id)] }],
    });
    expect(role.outs).toEqual({
      name: "instance-operators",
      admin: false,
      accessAllResources: false,
      permissions: [{ apiName: "/v1/compute/instances", actions: ["READ", "UPDATE"], resources: [Number(tag.id)] }],
      roleId: Number(role.id),
      type: "custom",
    });
    expect(await ops("Role").diff(role.id, role.outs, role.inputs)).toMatchObject({ changes: false });
    const widened = { ...role.inputs, accessAllResources: true, permissions: [] };
    const updatedRole = await ops("Role").update(role.id, role.outs, widened);
    expect(updatedRole.outs).toMatchObject({ accessAllResources: true, permissions: [] });

    const user = await checkAndCreate("User", { email: "ops@example.com", firstName: "Ops", lastName: "Team", roles: [Number(role.id)] });
    expect(user.outs).toMatchObject({ email: "ops@example.com", enabled: true, locale: "en", roles: [Number(role.id)], owner: false });
    const disabled = await ops("User").update(user.id, user.outs, { ...user.inputs, enabled: false, email: "ops2@example.com" });
    expect(disabled.outs).toMatchObject({ enabled: false, email: "ops2@example.com" });
    expect((await ops("User").read(user.id, {})).props).toMatchObject({ userId: user.id, email: "ops2@example.com" });

    // Outside Pulumi: the role is deleted; the user's roles drift.
    await outsideCall("DELETE", `/v1/roles/${role.id}`);
    expect(await ops("Role").read(role.id, updatedRole.outs)).toEqual({});
    const drifted = await ops("User").read(user.id, disabled.outs);
    expect(drifted.props).toMatchObject({ roles: [] });
    expect(await ops("User").diff(user.id, drifted.props!, { ...user.inputs, enabled: false, email: "ops2@example.com" })).toMatchObject({
      changes: true,
    });

    await ops("User").delete(user.id, disabled.outs);
    expect(await ops("User").read(user.id, disabled.outs)).toEqual({});
  });

  test("the account owner can be adopted but never deleted", async () => {
    const owner = [...emulator.store.users.values()].find((u) => u.owner)!;
    const adopted = await ops("User").read(owner.userId, {});
    expect(adopted.props).toMatchObject({ owner: true, email: emulator.credentials.username });
    const calls = await apiCallsDuring(emulator, async () => {
      const refused = await ops("User").delete(owner.userId, adopted.props!).catch((e: Error) => e);
      expect((refused as Error).message).toMatch(/^contabo: delete user "[^"]+" failed: it is the account owner, which cannot be deleted$/);
    });
    expect(calls).toBe(0);
  });

  test("a lost answer to a user create makes one user; bad e-mail and actions fail at check", async () => {
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /^\/v1\/users$/ } });
    await checkAndCreate("User", { email: "once@example.com", firstName: "Once", lastName: "Only" });
    expect([...emulator.store.users.values()].filter((u) => u.email === "once@example.com")).toHaveLength(1);

    expect((await ops("User").check({}, { email: "not-an-email", firstName: "A", lastName: "B" })).failures).toEqual([
      { property: "email", reason: expect.any(String) },
    ]);
    const role = await ops("Role").check({}, { name: "r", permissions: [{ apiName: "/v1/tags", actions: ["DESTROY"] }] });
    expect(role.failures).toEqual([{ property: "permissions.0.actions.0", reason: expect.stringMatching(/CREATE/) }]);
  });
});

describe("contabo.VipAssignment", () => {
  test("assign a bought VIP, adopt it by IP, move it (freed first), outside unassignment, delete", async () => {
    const { id, outs, inputs } = await checkAndCreate("VipAssignment", { ip: "203.0.113.200", resourceId: instanceId });
    expect(id).toBe("203.0.113.200");
    expect(outs).toMatchObject({ ip: "203.0.113.200", resourceType: "instances", resourceId: instanceId, vipId: expect.any(String) });
    expect((await ops("VipAssignment").read(id, {})).props).toEqual(outs);
    expect(await ops("VipAssignment").diff(id, outs, { ...inputs, resourceId: instanceId + 1 })).toEqual({
      changes: true,
      replaces: ["resourceId"],
      deleteBeforeReplace: true,
    });

    // A second assignment of a taken VIP is refused with Contabo's message.
    const taken = await checkAndCreate("VipAssignment", { ip: "203.0.113.200", resourceId: instanceId }).catch((e: Error) => e);
    expect((taken as Error).message).toMatch(/HTTP 409: VIP 203\.0\.113\.200 is already assigned/);

    await outsideCall("DELETE", `/v1/vips/203.0.113.200/instances/${instanceId}`);
    expect(await ops("VipAssignment").read(id, outs)).toEqual({});
    // Deleting what is already unassigned succeeds.
    await ops("VipAssignment").delete(id, outs);

    const again = await checkAndCreate("VipAssignment", inputs);
    await ops("VipAssignment").delete(again.id, again.outs);
    expect(emulator.store.vips.get("203.0.113.200")?.assigned).toBeUndefined();
  });

  test("the IP is checked at preview", async () => {
    const { failures } = await ops("VipAssignment").check({}, { ip: "203.0.113", resourceId: instanceId });
    expect(failures).toEqual([{ property: "ip", reason: "must be an IPv4 address" }]);
  });
});

describe("contabo.Instance add-ons", () => {
  test("ordered with the instance, added in place with an upgrade, never removed", async () => {
    const { id, outs, inputs } = await checkAndCreate("Instance", { displayName: "with-backup", addOns: { backup: true } });
    expect(outs.addOns).toEqual({ privateNetworking: false, backup: true });
    expect(emulator.store.instances.get(Number(id))?.addOns).toEqual(new Set(["backup"]));

    const both = { ...inputs, addOns: { privateNetworking: true, backup: true } };
    expect(await ops("Instance").diff(id, outs, both)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const upgraded = await ops("Instance").update(id, outs, both);
    expect(upgraded.outs.addOns).toEqual({ privateNetworking: true, backup: true });
    expect(emulator.store.instances.get(Number(id))?.addOns).toEqual(new Set(["backup", "privateNetworking"]));

    const removal = await ops("Instance").check(upgraded.outs, { ...inputs, addOns: { privateNetworking: true, backup: false } });
    expect(removal.failures).toEqual([{ property: "addOns.backup", reason: expect.stringMatching(/cannot remove an add-on/) }]);
  });
});

test("an instance cancelled outside Pulumi is destroyed without a second cancel", async () => {
  const { id, outs } = await checkAndCreate("Instance", { displayName: "cancelled-by-hand" });
  await outsideCall("POST", `/v1/compute/instances/${id}/cancel`, {});
  const refreshed = await ops("Instance").read(id, outs);
  expect(refreshed.props?.cancelDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const calls = await apiCallsDuring(emulator, () => ops("Instance").delete(id, refreshed.props!));
  expect(calls).toBe(0);
});
