/**
 * Refresh at scale through the real provider host: the harness sends a refresh's reads at once,
 * as the engine does, and the provider serves concurrent reads of Contabo instances with list
 * calls filtered by ids and those of IONOS servers with one list per data center. A resource
 * the list leaves out is gone, and refresh drops it.
 * Needs `npm run build` first (the harness CLI and the program run from dist/).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ContaboEmulator, type IonosEmulator, startContaboEmulator, startIonosEmulator } from "../src/emulator";
import { runHarness } from "./harness";
import { contaboEnv } from "./support/contabo";
import { ionosEnv } from "./support/ionos";

const PROGRAM = path.resolve(__dirname, "../dist/bench/programs/fleet.js");
const INSTANCES = 30;
const SERVERS = 10;

let contabo: ContaboEmulator;
let ionos: IonosEmulator;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "refresh-coalescing-"));
const stateFile = path.join(dir, "state.json");

const run = (op: "up" | "refresh") =>
  runHarness({
    op,
    program: PROGRAM,
    state: stateFile,
    env: {
      ...contaboEnv(contabo),
      ...ionosEnv(ionos),
      FLEET_CONTABO_INSTANCES: String(INSTANCES),
      FLEET_IONOS_SERVERS: String(SERVERS),
    },
  });

/** The requests each emulator received while the action ran, as `METHOD path`. */
async function requestsDuring(action: () => Promise<unknown>) {
  const before = { contabo: contabo.log.entries.length, ionos: ionos.log.entries.length };
  await action();
  return {
    contabo: contabo.log.entries.slice(before.contabo).map((e) => `${e.method} ${e.path}`),
    ionos: ionos.log.entries.slice(before.ionos).map((e) => `${e.method} ${e.path}`),
  };
}

beforeAll(async () => {
  contabo = await startContaboEmulator({ provisioningMs: 100 });
  ionos = await startIonosEmulator({ requestMs: 5, rateLimit: { perMinute: 60_000, burst: 1_000 } });
  const up = await run("up");
  if (up.code !== 0) throw new Error(`up failed:\n${up.stdout}\n${up.stderr}`);
}, 120_000);

afterAll(async () => {
  await Promise.all([contabo.stop(), ionos.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a refresh reads 30 instances and 10 servers with a few list calls, and drops what is gone", async () => {
  const [goneInstance] = contabo.store.instances.keys();
  contabo.store.instances.delete(goneInstance);
  const goneServer = [...ionos.store.nodes.values()].find((node) => node.type === "server")!;
  ionos.store.nodes.delete(goneServer.path);

  let result!: Awaited<ReturnType<typeof run>>;
  const requests = await requestsDuring(async () => (result = await run("refresh")));
  const contaboApi = requests.contabo.filter((r) => !r.includes("/openid-connect/token"));
  const ionosApi = requests.ionos.filter((r) => !r.includes("/tokens/generate"));
  console.log(`refresh of ${INSTANCES} Contabo instances: ${contaboApi.length} API calls (${contaboApi.join(", ")})`);
  console.log(`refresh of ${SERVERS} IONOS servers and their data center: ${ionosApi.length} API calls (${ionosApi.join(", ")})`);

  expect(result.code).toBe(0);
  // One GET per instance would be 30 calls; a list call takes up to 100 ids.
  expect(contaboApi.length).toBeLessThanOrEqual(3);
  expect(contaboApi.every((r) => r === "GET /v1/compute/instances")).toBe(true);
  // The servers share one list call; the data center is read on its own.
  expect(ionosApi.filter((r) => r.endsWith("/servers"))).toHaveLength(1);
  expect(ionosApi.length).toBeLessThanOrEqual(3);

  const gone = result.stdout.split("\n").filter((line) => line.includes("gone from the cloud"));
  expect(gone).toHaveLength(2);
  const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
  const ids = state.resources.map((r: { id: string }) => r.id);
  expect(ids).not.toContain(String(goneInstance));
  const datacenterId = goneServer.path.split("/")[2];
  expect(ids).not.toContain(`${datacenterId}/${goneServer.id}`);
  expect(state.resources).toHaveLength(INSTANCES + SERVERS + 1 - 2);
});
