/**
 * Refresh at scale on the real Pulumi engine: the engine sends a refresh's reads at once (as many
 * as its --parallel allows), and the provider answers the reads of each type with list calls (Contabo
 * instances and tags by their lists, a page of 100 to a call; IONOS servers and LANs with one
 * list per data center, the data center with the list of data centers). A resource the complete
 * list leaves out is gone, and refresh drops it. At the default parallelism the engine sends the
 * reads in waves, and a list made for the first wave answers the waves after it.
 * Needs `npm run build` (the program runs from dist/) and the Pulumi CLI.
 */
import * as path from "node:path";
import { describeWithEngine, runEngine, stateResources, tempDir } from "./engine";
import { FLEET_PROGRAM, type Fleet, startFleet } from "./support/fleet";

const INSTANCES = 30;
const TAGS = 30;
const SERVERS = 10;
const LANS = 10;
/** Reads the engine sends at once (its --parallel): more than the resources, so all come together. */
const WAVE = 128;

describeWithEngine("refresh by type, on the Pulumi engine", () => {
  let fleet: Fleet;
  const dir = path.join(tempDir("refresh-coalescing-"), "fleet");

  beforeAll(async () => {
    fleet = await startFleet({ contaboInstances: INSTANCES, contaboTags: TAGS, ionosServers: SERVERS, ionosLans: LANS });
    const up = await runEngine({ op: "up", program: FLEET_PROGRAM, dir, env: fleet.env, parallel: 64 });
    if (up.code !== 0) throw new Error(`up failed:\n${up.stdout}\n${up.stderr}`);
  }, 300_000);

  afterAll(async () => {
    await fleet.stop();
  });

  test(`a refresh with --parallel ${WAVE} reads ${INSTANCES} instances, ${TAGS} tags, ${SERVERS} servers and ${LANS} LANs with one to three list calls per type, and drops what is gone`, async () => {
    const [goneInstance] = fleet.contabo.store.instances.keys();
    fleet.contabo.store.instances.delete(goneInstance);
    const [goneTag] = fleet.contabo.store.tags.keys();
    fleet.contabo.store.tags.delete(goneTag);
    const goneServer = [...fleet.ionos.store.nodes.values()].find((node) => node.type === "server")!;
    fleet.ionos.store.nodes.delete(goneServer.path);

    // The engine reads at most --parallel resources at once: reads share a list only within such a wave.
    const { result, contabo, ionos } = await fleet.requestsDuring(() => runEngine({ op: "refresh", program: FLEET_PROGRAM, dir, env: fleet.env, parallel: WAVE }));
    console.log(
      [
        `refresh on the Pulumi engine (--parallel ${WAVE}) of ${INSTANCES} Contabo instances and ${TAGS} tags: ${contabo.api.length} API calls (${contabo.api.join(", ")})`,
        `refresh of ${SERVERS} IONOS servers, ${LANS} LANs and their data center: ${ionos.api.length} API calls (${ionos.api.join(", ")})`,
      ].join("\n"),
    );
    expect(result.code).toBe(0);
    // One list call per type when the reads reach the provider host in one burst; the host takes
    // them in bursts (a busy machine spreads them), so up to three calls per type are allowed.
    const datacenter = goneServer.path.split("/").slice(0, 3).join("/");
    const lists = ["GET /v1/compute/instances", "GET /v1/tags", "GET /cloudapi/v6/datacenters", `GET /cloudapi/v6${datacenter}/lans`, `GET /cloudapi/v6${datacenter}/servers`];
    const calls = [...contabo.api, ...ionos.api];
    expect(calls.filter((call) => !lists.includes(call))).toEqual([]);
    const perList = lists.map((list) => ({ list, calls: calls.filter((call) => call === list).length }));
    expect(perList.filter(({ calls: n }) => n < 1 || n > 3)).toEqual([]);

    // The engine reports what a refresh found gone as deletes.
    expect(result.steps.filter((step) => step.op === "delete").map((step) => step.type).sort()).toEqual(["contabo:Instance", "contabo:Tag", "ionos:Server"]);
    const ids = stateResources(dir).map((r) => r.id);
    expect(ids).not.toContain(String(goneInstance));
    expect(ids).not.toContain(String(goneTag));
    expect(ids).not.toContain(`${datacenter.split("/")[2]}/${goneServer.id}`);
    expect(ids).toHaveLength(INSTANCES + TAGS + SERVERS + LANS + 1 - 3);
  }, 120_000);

  test("at the engine's default parallelism the reads come in waves: a list made for the first wave answers the waves after it, and shows what changed outside", async () => {
    // Changed outside Pulumi before the refresh: the last tag and LAN, read in the refresh's later waves.
    const lastTag = [...fleet.contabo.store.tags.values()].at(-1)!;
    lastTag.color = "#123456";
    const lastLan = [...fleet.ionos.store.nodes.values()].filter((node) => node.type === "lan").at(-1)!;
    lastLan.properties.name = "renamed outside";
    const { result, contabo, ionos } = await fleet.requestsDuring(() => runEngine({ op: "refresh", program: FLEET_PROGRAM, dir, env: fleet.env }));
    const resources = INSTANCES + TAGS + SERVERS + LANS + 1 - 3;
    const calls = [...contabo.api, ...ionos.api];
    const perCall = [...new Set(calls)].map((call) => `${call} ×${calls.filter((c) => c === call).length}`);
    console.log(`refresh on the Pulumi engine (default parallelism) of ${resources} resources: ${calls.length} API calls (${perCall.join(", ")})`);
    expect(result.code).toBe(0);
    // Every type is listed whole: one list for all the waves (two if the engine paused between
    // waves longer than a kept list waits for the next read).
    const datacenter = [...fleet.ionos.store.nodes.values()].find((node) => node.type === "datacenter")!.path;
    const lists = ["GET /v1/compute/instances", "GET /v1/tags", "GET /cloudapi/v6/datacenters", `GET /cloudapi/v6${datacenter}/lans`, `GET /cloudapi/v6${datacenter}/servers`];
    expect(calls.filter((call) => !lists.includes(call))).toEqual([]);
    const perList = lists.map((list) => ({ list, calls: calls.filter((call) => call === list).length }));
    expect(perList.filter(({ calls: n }) => n < 1 || n > 2)).toEqual([]);
    const state = stateResources(dir);
    expect(state.find((r) => r.id === String(lastTag.tagId))?.outputs).toMatchObject({ color: "#123456" });
    expect(state.find((r) => r.id === `${datacenter.split("/")[2]}/${lastLan.id}`)?.outputs).toMatchObject({ name: "renamed outside" });
  }, 120_000);
});
