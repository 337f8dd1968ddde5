/**
 * Crashes: the provider host process is killed during a create, after the emulator processed the
 * request and before the answer reached the provider (the answer is held, the host killed). For
 * each crash point, a different create of the program (the Nth create request to reach the
 * emulator), the next `up` must end with each intended resource existing exactly once in the
 * cloud and once in the state, and nothing else: creates find what the crashed run made by their
 * create key (see src/core/kit.ts) instead of making it twice.
 * Needs `npm run build` first (the harness and the program run from dist/).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ContaboEmulator, startContaboEmulator } from "../src/emulator";
import { runHarness } from "./harness";
import { HOST_PID_FILE_ENV } from "./harness/provider-host";
import { contaboEnv } from "./support/contabo";

const PROGRAM = path.resolve(__dirname, "../dist/test/harness/fixtures/crash-program.js");
/** The requests that create a resource, one per resource of the program (21). */
const CREATE_REQUEST =
  /^\/v1\/(tags|secrets|private-networks|compute\/instances|compute\/images|object-storages|users|roles)$|^\/v1\/compute\/instances\/\d+\/snapshots$|^\/v1\/tags\/\d+\/assignments\/|^\/v1\/vips\/[^/]+\/[^/]+\/\d+$/;
const CRASH_POINTS = 21;

/** What the program declares, per resource type. */
const INTENDED: Record<string, number> = {
  "contabo:Tag": 4,
  "contabo:Secret": 3,
  "contabo:Instance": 3,
  "contabo:TagAssignment": 3,
  "contabo:PrivateNetwork": 2,
  "contabo:VipAssignment": 1,
  "contabo:Snapshot": 1,
  "contabo:Image": 1,
  "contabo:ObjectStorage": 1,
  "contabo:Role": 1,
  "contabo:User": 1,
};

/** Every resource the emulator holds that a stack could own, as `type id` (ids as the state keeps them). */
function cloudResources(emulator: ContaboEmulator): string[] {
  const { store } = emulator;
  return [
    ...[...store.tags.keys()].map((id) => `contabo:Tag ${id}`),
    ...[...store.secrets.keys()].map((id) => `contabo:Secret ${id}`),
    ...[...store.instances.values()].filter((i) => !i.cancelDate).map((i) => `contabo:Instance ${i.instanceId}`),
    ...[...store.tags.values()].flatMap((tag) => [...tag.assignments].map((key) => `contabo:TagAssignment ${tag.tagId}/${key}`)),
    ...[...store.privateNetworks.keys()].map((id) => `contabo:PrivateNetwork ${id}`),
    ...[...store.vips.values()].filter((vip) => vip.assigned).map((vip) => `contabo:VipAssignment ${vip.ip}`),
    ...[...store.snapshots.values()].map((s) => `contabo:Snapshot ${s.instanceId}/${s.snapshotId}`),
    ...[...store.images.values()].filter((image) => !image.standardImage).map((image) => `contabo:Image ${image.imageId}`),
    ...[...store.objectStorages.values()].filter((s) => !s.cancelDate).map((s) => `contabo:ObjectStorage ${s.objectStorageId}`),
    ...[...store.roles.keys()].map((id) => `contabo:Role ${id}`),
    ...[...store.users.values()].filter((user) => !user.owner).map((user) => `contabo:User ${user.userId}`),
  ];
}

interface StateFile {
  resources: { type: string; name: string; id: string }[];
}
const stateResources = (file: string) =>
  (JSON.parse(fs.readFileSync(file, "utf8")) as StateFile).resources.map((r) => `${r.type.replace("pulumi-nodejs:dynamic/", "")} ${r.id}`);

const typeOf = (resource: string) => resource.split(" ")[0];
const countByType = (resources: string[]) => {
  const counts: Record<string, number> = {};
  for (const resource of resources) counts[typeOf(resource)] = (counts[typeOf(resource)] ?? 0) + 1;
  return counts;
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crash-test-"));
const figures = { crashPoints: 0, resources: 0, duplicates: 0, orphans: 0, missing: 0 };
const started = Date.now();

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  const wallSeconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `crash points: ${figures.crashPoints}, resources checked: ${figures.resources}, duplicates: ${figures.duplicates}, ` +
      `orphans: ${figures.orphans}, missing: ${figures.missing}, wall time: ${wallSeconds} s`,
  );
});

test.each(Array.from({ length: CRASH_POINTS }, (_, index) => index + 1))(
  "a crash after create request %i was processed: the next up makes each resource exactly once",
  async (point) => {
    // A fresh cloud per crash point; provisioning is quick so the runs stay short.
    const emulator = await startContaboEmulator({ provisioningMs: 300 });
    const stateFile = path.join(dir, `state-${point}.json`);
    const pidFile = path.join(dir, `host-${point}.pid`);
    const env = { ...contaboEnv(emulator), [HOST_PID_FILE_ENV]: pidFile };
    try {
      let killed: string | undefined;
      emulator.faults.next({
        kind: "hold-after",
        match: { method: "POST", path: CREATE_REQUEST },
        skip: point - 1,
        onHeld: () => {
          try {
            const pid = Number(fs.readFileSync(pidFile, "utf8"));
            process.kill(pid, "SIGKILL");
            killed = `killed ${pid}`;
          } catch (error) {
            killed = `could not kill the provider host: ${error}`;
          }
        },
      });
      const crashed = await runHarness({ op: "up", program: PROGRAM, state: stateFile, env });
      expect(killed).toMatch(/^killed/);
      expect(crashed.code).toBe(1);
      expect(crashed.stderr).toMatch(/the dynamic provider host died \(killed by SIGKILL\)/);

      const rerun = await runHarness({ op: "up", program: PROGRAM, state: stateFile, env });
      if (rerun.code !== 0) throw new Error(`the up after the crash failed:\n${rerun.stdout}\n${rerun.stderr}`);

      const cloud = cloudResources(emulator);
      const state = stateResources(stateFile);
      const cloudCounts = countByType(cloud);
      const duplicates = Object.entries(cloudCounts).reduce((sum, [type, n]) => sum + Math.max(0, n - (INTENDED[type] ?? 0)), 0);
      const orphans = cloud.filter((resource) => !state.includes(resource));
      const missing = state.filter((resource) => !cloud.includes(resource));
      figures.crashPoints++;
      figures.resources += state.length;
      figures.duplicates += duplicates;
      figures.orphans += orphans.length;
      figures.missing += missing.length;

      expect({ duplicates, orphans, missing }).toEqual({ duplicates: 0, orphans: [], missing: [] });
      expect(new Set(state).size).toBe(state.length);
      expect(countByType(state)).toEqual(INTENDED);
      expect(cloudCounts).toEqual(INTENDED);
    } finally {
      await emulator.stop();
    }
  },
  120_000,
);
