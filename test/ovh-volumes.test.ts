/**
 * `ovh.CloudVolume` and `ovh.CloudVolumeAttachment` through their lifecycles against the OVH
 * emulator over real HTTP: check, create (waiting for `available` / `in-use`), read, diff (in
 * place and replace), update (rename, upsize), outside change and delete, adoption by id,
 * delete (twice); bad input rejected at check with no API call; lost create answers that still
 * make one volume and one attachment; and every request and answer held to OVH's Public Cloud
 * schema.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { OvhEmulator } from "../src/emulator/ovh/emulator";
import { volumesOf } from "../src/emulator/ovh/volumes";
import { CREATE_KEY, AUTO_NAME } from "../src/core/kit";
import { contractProblems } from "./support/openapi";
import { legacyOperations } from "./support/ovh-spec";
import { apiCallsDuring, checkAndCreate, ops, outsideCall, stopOvhEmulator, useOvhEmulator } from "./support/ovh";

const CLOUD_SPEC = join(__dirname, "..", "..", "shared", "specs", "ovh-eu-1.0-cloud.swagger12.json");
const haveSpec = existsSync(CLOUD_SPEC);
if (!haveSpec) console.warn(`skipping the OVH volume contract test: the spec ${CLOUD_SPEC} is absent (it lives beside the checkout)`);

let emulator: OvhEmulator;
let project: string;
let instanceId: string;
let otherRegionInstanceId: string;
/** Where the log stood when this file's lifecycles began (the contract test checks from there). */
let logStart = 0;

beforeAll(async () => {
  emulator = await useOvhEmulator({ buildMs: 300 });
  project = emulator.serviceName;
  const vm = await checkAndCreate("CloudInstance", { serviceName: project, name: "vol-host", region: "GRA11", flavor: "b2-7", image: "Ubuntu 24.04" });
  instanceId = vm.outs.instanceId as string;
  const far = await checkAndCreate("CloudInstance", { serviceName: project, name: "vol-far", region: "SBG5", flavor: "b2-7", image: "Ubuntu 24.04" });
  otherRegionInstanceId = far.outs.instanceId as string;
  logStart = emulator.log.entries.length;
});
afterAll(() => stopOvhEmulator(emulator));

const volumes = () => volumesOf(emulator.store.projects.get(project)!);

/** Check must fail naming these properties, without one API call. */
async function expectRejected(kind: string, news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  let failures: { property: string; reason: string }[] | undefined;
  const calls = await apiCallsDuring(emulator, async () => {
    failures = (await ops(kind).check(olds, news)).failures;
  });
  expect(calls).toBe(0);
  return failures ?? [];
}

describe("ovh.CloudVolume", () => {
  test("lifecycle: waits for available, renames and grows in place, a new type or region replaces", async () => {
    const { id, outs, inputs } = await checkAndCreate("CloudVolume", { serviceName: project, region: "GRA11", name: "data", size: 10 });
    expect(inputs).toEqual({ serviceName: project, region: "GRA11", name: "data", description: "", type: "classic", size: 10, timeoutMinutes: 10 });
    expect(outs).toEqual({ ...inputs, volumeId: expect.any(String), status: "available", attachedTo: [] });
    expect(id).toBe(`${project}/${outs.volumeId}`);

    expect(await ops("CloudVolume").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("CloudVolume").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("CloudVolume").diff(id, outs, { ...inputs, name: "data-2", description: "logs", size: 20 })).toEqual({
      changes: true, replaces: [], deleteBeforeReplace: false,
    });
    expect(await ops("CloudVolume").diff(id, outs, { ...inputs, type: "high-speed" })).toMatchObject({ changes: true, replaces: ["type"] });
    expect(await ops("CloudVolume").diff(id, outs, { ...inputs, region: "SBG5" })).toMatchObject({ changes: true, replaces: ["region"] });

    const renamed = { ...inputs, name: "data-2", description: "logs" };
    const afterRename = await ops("CloudVolume").update(id, outs, renamed);
    expect(afterRename.outs).toEqual({ ...outs, name: "data-2", description: "logs" });
    expect(volumes().get(outs.volumeId as string)).toMatchObject({ name: "data-2", description: "logs" });

    // A larger size grows the volume in place: extending, then available again.
    const grown = { ...renamed, size: 25 };
    const afterUpsize = await ops("CloudVolume").update(id, afterRename.outs, grown);
    expect(afterUpsize.outs).toEqual({ ...afterRename.outs, size: 25, status: "available" });
    expect(volumes().get(outs.volumeId as string)).toMatchObject({ size: 25 });
    expect(emulator.log.entries.filter((e) => e.method === "POST" && e.path.endsWith("/upsize")).map((e) => e.body)).toEqual([{ size: 25 }]);

    // Drift: renamed in the Control Panel; refresh sees it.
    await outsideCall("PUT", `/cloud/project/${project}/volume/${outs.volumeId}`, { name: "renamed-outside" });
    const drifted = await ops("CloudVolume").read(id, afterUpsize.outs);
    expect(drifted.props).toMatchObject({ name: "renamed-outside" });
    expect(await ops("CloudVolume").diff(id, drifted.props!, grown)).toMatchObject({ changes: true, replaces: [] });

    // Adopt by id.
    expect((await ops("CloudVolume").read(id, {})).props).toEqual({ ...drifted.props, timeoutMinutes: 10 });

    await ops("CloudVolume").delete(id, afterUpsize.outs);
    expect(volumes().has(outs.volumeId as string)).toBe(false);
    expect(await ops("CloudVolume").read(id, afterUpsize.outs)).toEqual({});
    await ops("CloudVolume").delete(id, afterUpsize.outs);
  });

  test("deleted outside Pulumi: refresh drops it", async () => {
    const { id, outs } = await checkAndCreate("CloudVolume", { serviceName: project, region: "GRA11", name: "gone", size: 10, type: "high-speed-gen2" });
    expect(outs).toMatchObject({ type: "high-speed-gen2" });
    await outsideCall("DELETE", `/cloud/project/${project}/volume/${outs.volumeId}`);
    expect(await ops("CloudVolume").read(id, outs)).toEqual({});
    await ops("CloudVolume").delete(id, outs);
  });

  test("bad input and a shrink fail at check, naming the field, with no API call", async () => {
    const good = { serviceName: project, region: "GRA11", name: "v", size: 10 };
    expect(await expectRejected("CloudVolume", { ...good, serviceName: "my-project", size: 5 })).toEqual([
      { property: "serviceName", reason: expect.stringContaining("project id") },
      { property: "size", reason: expect.stringContaining("10") },
    ]);
    expect(await expectRejected("CloudVolume", { ...good, type: "ssd" })).toEqual([{ property: "type", reason: expect.stringContaining("high-speed") }]);
    expect(await expectRejected("CloudVolume", { ...good, size: 10.5 })).toEqual([{ property: "size", reason: expect.any(String) }]);
    expect(await expectRejected("CloudVolume", { ...good, region: "gra11" })).toEqual([{ property: "region", reason: expect.stringContaining("region") }]);
    expect(await expectRejected("CloudVolume", { ...good, description: "x".repeat(256) })).toEqual([{ property: "description", reason: expect.any(String) }]);
    expect(await expectRejected("CloudVolume", { ...good, size: 20 }, { ...good, size: 40 })).toEqual([
      { property: "size", reason: expect.stringContaining("cannot shrink") },
    ]);
  });

  test("a wait is bounded by timeoutMinutes, and an error status ends it", async () => {
    const { id, outs, inputs } = await checkAndCreate("CloudVolume", { serviceName: project, region: "GRA11", name: "stuck", size: 10, timeoutMinutes: 0.02 });
    const volume = volumes().get(outs.volumeId as string)!;
    volume.forcedStatus = "extending";
    const started = Date.now();
    await expect(ops("CloudVolume").update(id, outs, { ...inputs, size: 20 })).rejects.toThrow(/volume "stuck".*available.*extending.*timeoutMinutes/s);
    expect(Date.now() - started).toBeLessThan(5_000);
    volume.forcedStatus = "error_extending";
    await expect(ops("CloudVolume").update(id, outs, { ...inputs, size: 20 })).rejects.toThrow(/current status is: error_extending/);
    // OVH deletes a volume in error.
    await ops("CloudVolume").delete(id, outs);
    expect(volumes().has(volume.id)).toBe(false);
  });

  test("a lost create answer still makes one volume (found by its keyed name), also for a name of its own", async () => {
    const createKey = "0c3f5a9e-1111-4222-8333-444455556666";
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/volume$/ } });
    const keyed = await checkAndCreate("CloudVolume", { serviceName: project, region: "GRA11", size: 10, [AUTO_NAME]: "lost", [CREATE_KEY]: createKey });
    expect(keyed.outs.name).toMatch(/^lost-[0-9a-f]{8}$/);
    expect([...volumes().values()].filter((v) => v.name === keyed.outs.name)).toHaveLength(1);
    // A re-run after a crash (the same key) finds it before creating.
    const again = await checkAndCreate("CloudVolume", { serviceName: project, region: "GRA11", size: 10, [AUTO_NAME]: "lost", [CREATE_KEY]: createKey });
    expect(again.id).toBe(keyed.id);
    expect([...volumes().values()].filter((v) => v.name === keyed.outs.name)).toHaveLength(1);

    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/volume$/ } });
    const named = await checkAndCreate("CloudVolume", { serviceName: project, region: "GRA11", name: "lost-named", size: 10 });
    expect([...volumes().values()].filter((v) => v.name === "lost-named")).toHaveLength(1);
    // The keyed one was adopted by this process: its delete is refused as a `--replace` would be (see the kit).
    await outsideCall("DELETE", `/cloud/project/${project}/volume/${keyed.outs.volumeId}`);
    await ops("CloudVolume").delete(named.id, named.outs);
    expect([...volumes().values()].filter((v) => v.name.startsWith("lost"))).toEqual([]);
  });
});

describe("ovh.CloudVolumeAttachment", () => {
  test("lifecycle: attaches (in-use), the volume cannot go while attached, detaches on delete", async () => {
    const volume = await checkAndCreate("CloudVolume", { serviceName: project, region: "GRA11", name: "attached", size: 10 });
    const volumeId = volume.outs.volumeId as string;
    const { id, outs, inputs } = await checkAndCreate("CloudVolumeAttachment", { serviceName: project, volumeId, instanceId });
    expect(inputs).toEqual({ serviceName: project, volumeId, instanceId, timeoutMinutes: 5 });
    expect(outs).toEqual(inputs);
    expect(id).toBe(`${project}/${volumeId}/${instanceId}`);
    expect((await ops("CloudVolume").read(volume.id, volume.outs)).props).toMatchObject({ status: "in-use", attachedTo: [instanceId] });

    expect(await ops("CloudVolumeAttachment").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("CloudVolumeAttachment").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("CloudVolumeAttachment").diff(id, outs, { ...inputs, instanceId: otherRegionInstanceId })).toMatchObject({ replaces: ["instanceId"] });
    expect(await ops("CloudVolumeAttachment").diff(id, outs, { ...inputs, volumeId: "other" })).toMatchObject({ replaces: ["volumeId"] });
    expect(await ops("CloudVolumeAttachment").diff(id, outs, { ...inputs, timeoutMinutes: 9 })).toMatchObject({ changes: true, replaces: [] });
    expect((await ops("CloudVolumeAttachment").update(id, outs, { ...inputs, timeoutMinutes: 9 })).outs).toEqual({ ...outs, timeoutMinutes: 9 });

    // OVH refuses a second attach and the delete of an attached volume.
    await expect(outsideCall("POST", `/cloud/project/${project}/volume/${volumeId}/attach`, { instanceId })).rejects.toThrow(/status must be available/);
    await expect(ops("CloudVolume").delete(volume.id, volume.outs)).rejects.toThrow(/delete volume .*must not be attached, but current status is: in-use/);

    // An attached volume grows in place too, and stays in use.
    const grown = await ops("CloudVolume").update(volume.id, volume.outs, { ...volume.inputs, size: 15 });
    expect(grown.outs).toMatchObject({ size: 15, status: "in-use", attachedTo: [instanceId] });

    // Adopt by id.
    expect((await ops("CloudVolumeAttachment").read(id, {})).props).toEqual(outs);

    await ops("CloudVolumeAttachment").delete(id, outs);
    expect(volumes().get(volumeId)).toMatchObject({ attachedTo: [] });
    expect((await ops("CloudVolume").read(volume.id, volume.outs)).props).toMatchObject({ status: "available", attachedTo: [] });
    expect(await ops("CloudVolumeAttachment").read(id, outs)).toEqual({});
    await ops("CloudVolumeAttachment").delete(id, outs);

    // Detached outside Pulumi: refresh drops it.
    const again = await checkAndCreate("CloudVolumeAttachment", { serviceName: project, volumeId, instanceId });
    await outsideCall("POST", `/cloud/project/${project}/volume/${volumeId}/detach`, { instanceId });
    expect(await ops("CloudVolumeAttachment").read(again.id, again.outs)).toEqual({});
    await ops("CloudVolumeAttachment").delete(again.id, again.outs);
    await ops("CloudVolume").delete(volume.id, grown.outs);
    // Its volume gone: deleting the attachment succeeds, and read finds nothing.
    await ops("CloudVolumeAttachment").delete(again.id, again.outs);
    expect(await ops("CloudVolumeAttachment").read(again.id, again.outs)).toEqual({});
  });

  test("an instance deleted outside detaches the volume: the attachment is gone, deleting it succeeds", async () => {
    const vm = await checkAndCreate("CloudInstance", { serviceName: project, name: "short-lived", region: "GRA11", flavor: "b2-7", image: "Ubuntu 24.04" });
    const volume = await checkAndCreate("CloudVolume", { serviceName: project, region: "GRA11", name: "orphan", size: 10 });
    const attachment = await checkAndCreate("CloudVolumeAttachment", { serviceName: project, volumeId: volume.outs.volumeId, instanceId: vm.outs.instanceId });
    await outsideCall("DELETE", `/cloud/project/${project}/instance/${vm.outs.instanceId}`);
    expect(await ops("CloudVolumeAttachment").read(attachment.id, attachment.outs)).toEqual({});
    await ops("CloudVolumeAttachment").delete(attachment.id, attachment.outs);
    expect((await ops("CloudVolume").read(volume.id, volume.outs)).props).toMatchObject({ status: "available", attachedTo: [] });
    await ops("CloudVolume").delete(volume.id, volume.outs);
  });

  test("a volume and an instance of different regions: OVH's error names both regions", async () => {
    const volume = await checkAndCreate("CloudVolume", { serviceName: project, region: "GRA11", name: "elsewhere", size: 10 });
    await expect(
      checkAndCreate("CloudVolumeAttachment", { serviceName: project, volumeId: volume.outs.volumeId, instanceId: otherRegionInstanceId }),
    ).rejects.toThrow(/ovh: attach volume \(attachment of volume .*\) failed: .*GRA11.*SBG5.*same region/);
    expect(volumes().get(volume.outs.volumeId as string)).toMatchObject({ attachedTo: [] });
    await ops("CloudVolume").delete(volume.id, volume.outs);
  });

  test("a lost attach answer still makes one attachment", async () => {
    const volume = await checkAndCreate("CloudVolume", { serviceName: project, region: "GRA11", name: "lost-attach", size: 10 });
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/attach$/ } });
    const attachment = await checkAndCreate("CloudVolumeAttachment", { serviceName: project, volumeId: volume.outs.volumeId, instanceId });
    expect(volumes().get(volume.outs.volumeId as string)).toMatchObject({ attachedTo: [instanceId] });
    const attaches = emulator.log.entries.filter((e) => e.method === "POST" && e.path.endsWith(`/volume/${volume.outs.volumeId}/attach`));
    expect(attaches).toHaveLength(1);
    await ops("CloudVolumeAttachment").delete(attachment.id, attachment.outs);
    await ops("CloudVolume").delete(volume.id, volume.outs);
  });

  test("bad input fails at check, naming the field, with no API call", async () => {
    expect(await expectRejected("CloudVolumeAttachment", { serviceName: project, volumeId: "", instanceId: "a/b", timeoutMinutes: 0 })).toEqual([
      { property: "volumeId", reason: expect.any(String) },
      { property: "instanceId", reason: expect.stringContaining("instance id") },
      { property: "timeoutMinutes", reason: expect.any(String) },
    ]);
  });
});

(haveSpec ? describe : describe.skip)("the volume requests and answers follow OVH's Public Cloud schema", () => {
  test("every volume request and answer of the lifecycles above", () => {
    const covered = emulator.log.entries.slice(logStart).filter((entry) => /^\/1\.0\/cloud\/project\/[^/]+\/volume(\/|$)/.test(entry.path));
    const { problems, checked } = contractProblems(covered, legacyOperations(CLOUD_SPEC), { skipAnswer: (entry) => entry.answer === null });
    console.log(`checked ${covered.length} requests covering ${checked.size} operations of the schema:\n  ${[...checked].sort().join("\n  ")}`);
    expect(problems).toEqual([]);
    expect([...checked].sort()).toEqual([
      "DELETE /cloud/project/{serviceName}/volume/{volumeId}",
      "GET /cloud/project/{serviceName}/volume",
      "GET /cloud/project/{serviceName}/volume/{volumeId}",
      "POST /cloud/project/{serviceName}/volume",
      "POST /cloud/project/{serviceName}/volume/{volumeId}/attach",
      "POST /cloud/project/{serviceName}/volume/{volumeId}/detach",
      "POST /cloud/project/{serviceName}/volume/{volumeId}/upsize",
      "PUT /cloud/project/{serviceName}/volume/{volumeId}",
    ]);
  });
});
