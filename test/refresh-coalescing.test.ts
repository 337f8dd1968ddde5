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
import { type Fleet, startFleet } from "./support/fleet";

const INSTANCES = 30;
const SERVERS = 10;

let fleet: Fleet;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "refresh-coalescing-"));
const stateFile = path.join(dir, "state.json");

beforeAll(async () => {
  fleet = await startFleet({ contaboInstances: INSTANCES, ionosServers: SERVERS });
  const up = await fleet.run("up", stateFile);
  if (up.code !== 0) throw new Error(`up failed:\n${up.stdout}\n${up.stderr}`);
}, 120_000);

afterAll(async () => {
  await fleet.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a refresh reads 30 instances and 10 servers with a few list calls, and drops what is gone", async () => {
  const [goneInstance] = fleet.contabo.store.instances.keys();
  fleet.contabo.store.instances.delete(goneInstance);
  const goneServer = [...fleet.ionos.store.nodes.values()].find((node) => node.type === "server")!;
  fleet.ionos.store.nodes.delete(goneServer.path);

  const { result, contabo, ionos } = await fleet.requestsDuring(() => fleet.run("refresh", stateFile));
  console.log(`refresh of ${INSTANCES} Contabo instances: ${contabo.api.length} API calls (${contabo.api.join(", ")})`);
  console.log(`refresh of ${SERVERS} IONOS servers and their data center: ${ionos.api.length} API calls (${ionos.api.join(", ")})`);

  expect(result.code).toBe(0);
  // One GET per instance would be 30 calls; a list call takes up to 100 ids.
  expect(contabo.api.length).toBeLessThanOrEqual(3);
  expect(contabo.api.every((r) => r === "GET /v1/compute/instances")).toBe(true);
  // The servers share one list call; the data center is read on its own.
  expect(ionos.api.filter((r) => r.endsWith("/servers"))).toHaveLength(1);
  expect(ionos.api.length).toBeLessThanOrEqual(3);

  const gone = result.stdout.split("\n").filter((line) => line.includes("gone from the cloud"));
  expect(gone).toHaveLength(2);
  const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
  const ids = state.resources.map((r: { id: string }) => r.id);
  expect(ids).not.toContain(String(goneInstance));
  const datacenterId = goneServer.path.split("/")[2];
  expect(ids).not.toContain(`${datacenterId}/${goneServer.id}`);
  expect(state.resources).toHaveLength(INSTANCES + SERVERS + 1 - 2);
});
