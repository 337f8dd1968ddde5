/** The Contabo resources beyond the first four, through their lifecycles against the emulator. */
import type { ContaboEmulator } from "../src/emulator";
import { contaboClient } from "../src/contabo/client";
import { checkAndCreate, ops, stopContaboEmulator, useContaboEmulator } from "./support/contabo";

let emulator: ContaboEmulator;
let instanceId: number;
beforeAll(async () => {
  emulator = await useContaboEmulator();
  instanceId = Number((await checkAndCreate("Instance", { displayName: "breadth-vm" })).id);
});
afterAll(() => stopContaboEmulator(emulator));

const outsideCall = (method: "PATCH" | "DELETE" | "POST", path: string, body?: unknown) =>
  contaboClient().call({ cloud: "contabo", operation: "outside change" }, method, path, body);

async function apiCallsDuring(action: () => Promise<unknown>): Promise<number> {
  const before = emulator.log.entries.length;
  await action();
  return emulator.log.entries.length - before;
}

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
      tagName: "assigned",
      resourceName: "breadth-vm",
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
    const calls = await apiCallsDuring(async () => {
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
