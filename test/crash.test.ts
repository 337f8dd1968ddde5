/**
 * Crashes, on the real Pulumi engine: the provider host process that the engine started is killed
 * during a create, after the emulator processed the request and before the answer reached the
 * provider (the answer is held, the host killed). For
 * each crash point, a different create of the program (the Nth create request to reach the
 * Contabo, IONOS or OVH emulator), the next `up` must end with each intended resource existing
 * exactly once in the cloud and once in the state, and nothing else: creates find what the
 * crashed run made by their create key (see src/core/kit.ts) instead of making it twice. Further
 * crash points are in the creates of replacements: an up that changes inputs which replace five
 * resources, after an up that made everything. The crash points run a few at once, each with
 * clouds of its own. And lost answers: every create request of the program is processed and its
 * connection dropped before the answer; the one up must still make each resource exactly once. Needs `npm run build` (the program runs from dist/) and the Pulumi CLI.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type ContaboEmulator, type IonosEmulator, startContaboEmulator, startIonosEmulator } from "../src/emulator";
import { type OvhEmulator, startOvhEmulator } from "../src/emulator/ovh/emulator";
import { type EngineOptions, RUN_MARK_ENV, describeWithEngine, killProviderHosts, runEngine, stateResources, tempDir } from "./engine";
import { contaboEnv } from "./support/contabo";
import { ionosEnv } from "./support/ionos";
import { ovhKeyEnv } from "./support/ovh";

const PROGRAM = path.resolve(__dirname, "../dist/test/programs/crash.js");
/** The requests that create a resource, one per resource of the program: 23 to Contabo, 7 to IONOS, 5 to OVH. */
const CREATE_REQUEST = {
  contabo:
    /^\/v1\/(tags|secrets|private-networks|compute\/instances|compute\/images|object-storages|users|roles)$|^\/v1\/compute\/instances\/\d+\/snapshots$|^\/v1\/tags\/\d+\/assignments\/|^\/v1\/vips\/[^/]+\/[^/]+\/\d+$/,
  // Not `servers/<id>/volumes`: that attaches a volume, it creates none.
  ionos: /^\/cloudapi\/v6\/(datacenters|ipblocks|datacenters\/[^/]+\/(lans|servers|volumes)|datacenters\/[^/]+\/servers\/[^/]+\/(nics|nics\/[^/]+\/firewallrules))$/,
  ovh: /\/cloud\/project\/[^/]+\/(sshkey|instance|network\/private|network\/private\/[^/]+\/subnet)$|\/domain\/zone\/[^/]+\/record$/,
};
const OVH_PROJECT = "c0ffee00c0ffee00c0ffee00c0ffee00";
/** What the engine reports when the provider host dies under a call. */
const CRASH_ERROR = /error reading from server: (EOF|connection reset by peer)|transport is closing/;
const createPoints = (cloud: "contabo" | "ionos" | "ovh", creates: number, during: "up" | "replacement") =>
  Array.from({ length: creates }, (_, index) => ({ cloud, create: index + 1, during }));
const CRASH_POINTS = [
  ...createPoints("contabo", 23, "up"),
  ...createPoints("ionos", 7, "up"),
  ...createPoints("ovh", 5, "up"),
  // The replacements' creates (the program with `replaced`): 1 Contabo, 1 IONOS, 3 OVH.
  ...createPoints("contabo", 1, "replacement"),
  ...createPoints("ionos", 1, "replacement"),
  ...createPoints("ovh", 3, "replacement"),
];

/** What the program declares, per resource type. */
const INTENDED: Record<string, number> = {
  "contabo:Tag": 6,
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
  "ionos:Datacenter": 1,
  "ionos:Lan": 1,
  "ionos:IpBlock": 1,
  "ionos:Server": 1,
  "ionos:Volume": 1,
  "ionos:Nic": 1,
  "ionos:FirewallRule": 1,
  "ovh:CloudSshKey": 1,
  "ovh:CloudPrivateNetwork": 1,
  "ovh:CloudSubnet": 1,
  "ovh:CloudInstance": 1,
  "ovh:DomainRecord": 1,
};

const IONOS_KINDS: Record<string, string> = {
  datacenters: "Datacenter",
  lans: "Lan",
  ipblocks: "IpBlock",
  servers: "Server",
  volumes: "Volume",
  nics: "Nic",
  firewallrules: "FirewallRule",
};

/** Every resource the emulators hold that a stack could own, as `type id` (ids as the state keeps them). */
function cloudResources(contaboCloud: ContaboEmulator, ionosCloud: IonosEmulator, ovhCloud: OvhEmulator): string[] {
  const { store } = contaboCloud;
  const project = ovhCloud.store.projects.get(OVH_PROJECT)!;
  const ovhResources = [
    ...[...project.sshKeys.keys()].map((id) => `ovh:CloudSshKey ${OVH_PROJECT}/${id}`),
    ...[...project.networks.values()].map((network) => `ovh:CloudPrivateNetwork ${OVH_PROJECT}/${network.id}`),
    ...[...project.networks.values()].flatMap((network) =>
      [...network.subnets.keys()].map((id) => `ovh:CloudSubnet ${OVH_PROJECT}/${network.id}/${id}`),
    ),
    ...[...project.instances.keys()].map((id) => `ovh:CloudInstance ${OVH_PROJECT}/${id}`),
    ...[...ovhCloud.store.zones.values()].flatMap((zone) => [...zone.records.keys()].map((id) => `ovh:DomainRecord ${zone.name}/${id}`)),
  ];
  // An IONOS path alternates collections and ids; the state's id is the ids joined.
  const ionosResources = [...ionosCloud.store.nodes.values()].map((node) => {
    const segments = node.path.split("/").slice(1);
    return `ionos:${IONOS_KINDS[segments.at(-2)!]} ${segments.filter((_, index) => index % 2 === 1).join("/")}`;
  });
  return [
    ...ionosResources,
    ...ovhResources,
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

const typeOf = (resource: string) => resource.split(" ")[0];
const countByType = (resources: string[]) => {
  const counts: Record<string, number> = {};
  for (const resource of resources) counts[typeOf(resource)] = (counts[typeOf(resource)] ?? 0) + 1;
  return counts;
};

const root = tempDir("crash-test-");
const figures = { crashPoints: 0, kills: 0, resources: 0, duplicates: 0, orphans: 0, missing: 0 };
const started = Date.now();

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  const wallSeconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `crash points: ${figures.crashPoints}, provider hosts killed: ${figures.kills}, resources checked: ${figures.resources}, ` +
      `duplicates: ${figures.duplicates}, orphans: ${figures.orphans}, missing: ${figures.missing}, wall time: ${wallSeconds} s`,
  );
});

describeWithEngine("crashes of the provider host and lost answers, on the Pulumi engine", () => {
  test("every create of the program loses its answer (processed, then the connection drops): one up makes each resource exactly once", async () => {
    const contaboCloud = await startContaboEmulator({ provisioningMs: 300 });
    const ionosCloud = await startIonosEmulator({ requestMs: 100 });
    const ovhCloud = await startOvhEmulator({ buildMs: 300, projects: [OVH_PROJECT] });
    const clouds = { contabo: contaboCloud, ionos: ionosCloud, ovh: ovhCloud };
    try {
      const creates = { contabo: 23, ionos: 7, ovh: 5 };
      for (const [cloud, n] of Object.entries(creates) as [keyof typeof creates, number][]) {
        for (let i = 0; i < n; i++) clouds[cloud].faults.next({ kind: "reset-after", match: { method: "POST", path: CREATE_REQUEST[cloud] } });
      }
      const dir = path.join(root, "lost-answers");
      const env = { ...contaboEnv(contaboCloud), ...ionosEnv(ionosCloud), ...ovhKeyEnv(ovhCloud) };
      const up = await runEngine({ op: "up", program: PROGRAM, dir, env, config: { ovhProject: OVH_PROJECT, replaced: "false" } });
      if (up.code !== 0) throw new Error(`the up failed:\n${up.stdout}\n${up.stderr}`);

      const lost = Object.fromEntries(Object.entries(clouds).map(([cloud, emulator]) => [cloud, emulator.faults.injected["reset-after"]]));
      const inCloud = cloudResources(contaboCloud, ionosCloud, ovhCloud);
      const state = stateResources(dir).map((r) => `${r.type} ${r.id}`);
      console.log(`lost answers: ${JSON.stringify(lost)}; ${state.length} resources in the state, ${inCloud.length} in the clouds`);
      expect(lost).toEqual(creates);
      expect(countByType(inCloud)).toEqual(INTENDED);
      expect([...state].sort()).toEqual([...inCloud].sort());
    } finally {
      await Promise.all(Object.values(clouds).map((emulator) => emulator.stop()));
    }
  }, 300_000);

  test.concurrent.each(CRASH_POINTS)(
    "a crash after $cloud create request $create of the $during was processed: the next up makes each resource exactly once",
    async ({ cloud, create, during }) => {
      // Fresh clouds per crash point; provisioning is quick so the runs stay short.
      const contaboCloud = await startContaboEmulator({ provisioningMs: 300 });
      const ionosCloud = await startIonosEmulator({ requestMs: 100 });
      const ovhCloud = await startOvhEmulator({ buildMs: 300, projects: [OVH_PROJECT] });
      const mark = `${cloud}-${create}-${during}`;
      const dir = path.join(root, mark);
      const env = { ...contaboEnv(contaboCloud), ...ionosEnv(ionosCloud), ...ovhKeyEnv(ovhCloud), [RUN_MARK_ENV]: mark };
      const up = (replaced: boolean) =>
        runEngine({ op: "up", program: PROGRAM, dir, env, config: { ovhProject: OVH_PROJECT, replaced: String(replaced) } } satisfies EngineOptions);
      try {
        if (during === "replacement") {
          const first = await up(false);
          if (first.code !== 0) throw new Error(`the first up failed:\n${first.stdout}\n${first.stderr}`);
        }
        let killed: number[] = [];
        const crashing = { contabo: contaboCloud, ionos: ionosCloud, ovh: ovhCloud }[cloud];
        crashing.faults.next({
          kind: "hold-after",
          match: { method: "POST", path: CREATE_REQUEST[cloud] },
          skip: create - 1,
          onHeld: () => {
            killed = killProviderHosts(mark);
          },
        });
        const crashed = await up(during === "replacement");
        expect(killed).toHaveLength(1);
        expect(crashed.code).not.toBe(0);
        expect(crashed.errors.join("\n")).toMatch(CRASH_ERROR);

        const rerun = await up(during === "replacement");
        if (rerun.code !== 0) throw new Error(`the up after the crash failed:\n${rerun.stdout}\n${rerun.stderr}`);

        const inCloud = cloudResources(contaboCloud, ionosCloud, ovhCloud);
        const state = stateResources(dir).map((r) => `${r.type} ${r.id}`);
        const cloudCounts = countByType(inCloud);
        const duplicates = Object.entries(cloudCounts).reduce((sum, [type, n]) => sum + Math.max(0, n - (INTENDED[type] ?? 0)), 0);
        const orphans = inCloud.filter((resource) => !state.includes(resource));
        const missing = state.filter((resource) => !inCloud.includes(resource));
        figures.crashPoints++;
        figures.kills += killed.length;
        figures.resources += state.length;
        figures.duplicates += duplicates;
        figures.orphans += orphans.length;
        figures.missing += missing.length;

        expect({ duplicates, orphans, missing }).toEqual({ duplicates: 0, orphans: [], missing: [] });
        expect(new Set(state).size).toBe(state.length);
        expect(countByType(state)).toEqual(INTENDED);
        expect(cloudCounts).toEqual(INTENDED);
      } finally {
        await Promise.all([contaboCloud.stop(), ionosCloud.stop(), ovhCloud.stop()]);
      }
    },
    300_000,
  );
});
