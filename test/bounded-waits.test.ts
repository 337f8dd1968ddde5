/**
 * Bounded waits: every long wait of the providers, made to hang in the emulators (an instance that
 * never leaves `provisioning` or `BUILD`, an IONOS request stuck `RUNNING`, ...), run on the real
 * Pulumi engine with a short `timeoutMinutes` (the input users set). Each
 * create must fail within its timeout plus a small slack, with an error naming the cloud, the
 * operation, the resource, what it waited for and how to raise the limit; its status must show
 * on the resource's line during the wait; and the created resource must stay in the state (a
 * partial failure).
 * Needs `npm run build` (the program runs from dist/) and the Pulumi CLI.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  type ContaboEmulator,
  type IonosEmulator,
  type OvhEmulator,
  startContaboEmulator,
  startIonosEmulator,
  startOvhEmulator,
} from "../src/emulator";
import type { EmulatorServer } from "../src/emulator/server";
import { describeWithEngine, runEngine, stateResources, tempDir } from "./engine";
import { findUp } from "./harness/project";
import { contaboEnv } from "./support/contabo";
import { ionosEnv } from "./support/ionos";
import { ovhKeyEnv } from "./support/ovh";

const PROGRAM = path.join(findUp(__dirname, "package.json")!, "dist/test/programs/one-resource.js");
/** 0.05 minutes: 3 s. */
const TIMEOUT_MINUTES = 0.05;
const TIMEOUT_MS = TIMEOUT_MINUTES * 60_000;
/** Allowed beyond the timeout, from the create reaching the emulator to the engine having saved the state: the last poll and the engine's end. */
const SLACK_MS = 2_000;

let contabo: ContaboEmulator;
let ionos: IonosEmulator;
let ovh: OvhEmulator;
const dir = tempDir("bounded-waits-");
const table: string[][] = [];

beforeAll(async () => {
  // Infinity: orders, downloads and builds never finish.
  contabo = await startContaboEmulator({ provisioningMs: Infinity });
  ionos = await startIonosEmulator({ requestMs: 100 });
  ovh = await startOvhEmulator({ buildMs: Infinity });
});

afterAll(async () => {
  await Promise.all([contabo.stop(), ionos.stop(), ovh.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
  const widths = [0, 1, 2].map((i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join(" | ");
  console.log(
    ["bounded waits (on the Pulumi engine):", line(["wait", "timeout", "failed after", "message"]), ...table.map(line)].join("\n"),
  );
});

/** Resolves with the time the first request matching arrives at the emulator, after its first `skip` log entries. */
async function arrivalOf(emulator: EmulatorServer, skip: number, method: string, pathPattern: RegExp): Promise<number> {
  for (;;) {
    if (emulator.log.entries.slice(skip).some((entry) => entry.method === method && pathPattern.test(entry.path))) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface StuckCase {
  wait: string;
  emulator: () => EmulatorServer;
  env: () => Record<string, string>;
  type: string;
  name: string;
  args: () => Record<string, unknown>;
  /** The create request whose arrival starts the clock. */
  create: { method: string; path: RegExp };
  /** Makes this create hang (when the emulator's own setting does not). */
  arrange?: () => void;
  /** The whole error message expected, the resource's id given. */
  message: (id: string) => string | RegExp;
}

const ovhProject = () => ovh.serviceName;

const CASES: StuckCase[] = [
  {
    wait: "Contabo instance stuck in provisioning",
    emulator: () => contabo,
    env: () => contaboEnv(contabo),
    type: "contabo:Instance",
    name: "stuck-vps",
    args: () => ({ timeoutMinutes: TIMEOUT_MINUTES }),
    create: { method: "POST", path: /^\/v1\/compute\/instances$/ },
    message: () =>
      'contabo: wait for instance to be running (instance "stuck-vps"): timed out after 3 s waiting for status running ' +
      "(last seen: provisioning). Raise the limit with the instance's timeoutMinutes input.",
  },
  {
    wait: "Contabo image download",
    emulator: () => contabo,
    env: () => contaboEnv(contabo),
    type: "contabo:Image",
    name: "stuck-image",
    args: () => ({ url: "https://example.com/stuck.iso", osType: "Linux", version: "1", timeoutMinutes: TIMEOUT_MINUTES }),
    create: { method: "POST", path: /^\/v1\/compute\/images$/ },
    message: () =>
      'contabo: wait for image download (image "stuck-image"): timed out after 3 s waiting for status downloaded ' +
      "(last seen: downloading, 0 of 2048 MB). Raise the limit with the image's timeoutMinutes input.",
  },
  {
    wait: "Contabo object storage",
    emulator: () => contabo,
    env: () => contaboEnv(contabo),
    type: "contabo:ObjectStorage",
    name: "stuck-s3",
    args: () => ({ region: "EU", totalPurchasedSpaceTB: 1, timeoutMinutes: TIMEOUT_MINUTES }),
    create: { method: "POST", path: /^\/v1\/object-storages$/ },
    message: () =>
      'contabo: wait for object storage to be ready (object storage "stuck-s3"): timed out after 3 s waiting for status READY ' +
      "(last seen: PROVISIONING). Raise the limit with the object storage's timeoutMinutes input.",
  },
  {
    wait: "IONOS request stuck in RUNNING",
    emulator: () => ionos,
    env: () => ionosEnv(ionos),
    type: "ionos:Datacenter",
    name: "stuck-dc",
    args: () => ({ location: "de/fra", timeoutMinutes: TIMEOUT_MINUTES }),
    create: { method: "POST", path: /\/datacenters$/ },
    arrange: () => ionos.stallNextRequest({ method: "POST", path: /\/datacenters$/ }),
    message: () =>
      /^ionos: create data center \(data center "stuck-dc"\): timed out after 3 s waiting for IONOS request [0-9a-f-]{36} to be DONE \(last seen: RUNNING\)\. Raise the limit with the timeoutMinutes input of the data center \(now 0\.05\)\.$/,
  },
  {
    wait: "IONOS resource stuck BUSY (create answer lost)",
    emulator: () => ionos,
    env: () => ionosEnv(ionos),
    type: "ionos:Datacenter",
    name: "busy-dc",
    args: () => ({ location: "de/fra", timeoutMinutes: TIMEOUT_MINUTES }),
    create: { method: "POST", path: /\/datacenters$/ },
    arrange: () => {
      ionos.stallNextRequest({ method: "POST", path: /\/datacenters$/ });
      // The create is carried out but its answer, naming the request to follow, is lost.
      ionos.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/datacenters$/ } });
    },
    message: (id) =>
      `ionos: create data center (data center "busy-dc"): timed out after 3 s waiting for /datacenters/${id} to be AVAILABLE ` +
      "(last seen: BUSY). Raise the limit with the timeoutMinutes input of the data center (now 0.05).",
  },
  {
    wait: "OVH instance stuck in BUILD",
    emulator: () => ovh,
    env: () => ovhKeyEnv(ovh),
    type: "ovh:CloudInstance",
    name: "stuck-vm",
    args: () => ({ serviceName: ovhProject(), region: "GRA11", flavor: "d2-2", image: "Debian 12", timeoutMinutes: TIMEOUT_MINUTES }),
    create: { method: "POST", path: /\/instance$/ },
    // Left unnamed, the instance is named after its create key.
    message: () =>
      /^ovh: wait for instance to be ACTIVE \(instance "stuck-vm-[0-9a-f]{8}"\): timed out after 3 s waiting for status ACTIVE \(last seen: BUILD\)\. Raise the limit with the instance's timeoutMinutes input\.$/,
  },
  {
    wait: "OVH private network stuck BUILDING",
    emulator: () => ovh,
    env: () => ovhKeyEnv(ovh),
    type: "ovh:CloudPrivateNetwork",
    name: "stuck-net",
    args: () => ({ serviceName: ovhProject(), vlanId: 42, regions: ["GRA11"], timeoutMinutes: TIMEOUT_MINUTES }),
    create: { method: "POST", path: /\/network\/private$/ },
    message: () =>
      'ovh: wait for private network to be active (private network "stuck-net"): timed out after 3 s waiting for the network to be ' +
      "ACTIVE in every region (last seen: GRA11 BUILDING). Raise the limit with the network's timeoutMinutes input.",
  },
];

describeWithEngine("bounded waits on the Pulumi engine", () => {
  test.each(CASES.map((stuck) => [stuck.wait, stuck] as const))("%s: fails after its timeout, says why, keeps the resource", async (_wait, stuck) => {
    const emulator = stuck.emulator();
    const stackDir = path.join(dir, stuck.name);
    stuck.arrange?.();
    const arrival = arrivalOf(emulator, emulator.log.entries.length, stuck.create.method, stuck.create.path);
    const result = await runEngine({
      op: "up",
      program: PROGRAM,
      dir: stackDir,
      config: { type: stuck.type, name: stuck.name, args: JSON.stringify(stuck.args()) },
      env: stuck.env(),
    });
    const failedAfterMs = Date.now() - (await arrival);

    expect(result.code).not.toBe(0);
    const [resource] = stateResources(stackDir);
    const errors = result.errors.filter((error) => error.startsWith(`${stuck.type} `));
    expect(errors).toHaveLength(1);
    // A create that failed after the resource was made: the engine lists the reasons.
    const message = errors[0].replace(/^\S+ \S+: /, "").replace(/^1 error occurred:\n\t\* /, "");
    const expected = stuck.message(resource?.id ?? "(none)");
    if (typeof expected === "string") expect(message).toBe(expected);
    else expect(message).toMatch(expected);
    table.push([stuck.wait, `${TIMEOUT_MS / 1000} s`, `${(failedAfterMs / 1000).toFixed(2)} s`, message]);

    expect(failedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(failedAfterMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    // The wait's status was on the resource's own line meanwhile (every 2 s, from the start).
    const statuses = result.diagnostics.filter((d) => d.urn === resource?.urn && d.ephemeral && d.message.includes("waiting for"));
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    // The resource exists in the cloud: the state keeps it, with the failure, so it is never lost.
    expect(resource).toMatchObject({ type: stuck.type, name: stuck.name, initErrors: [message] });
    expect(resource.id).toMatch(/\S/);
  });
});
