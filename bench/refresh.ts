/**
 * Refresh at scale: 200 Contabo instances and 200 IONOS servers (in one data center) made by a
 * harness `up`, then a `refresh` through the real provider host, once with instant answers and
 * once with 50 ms per API call: wall time and the API calls each emulator saw, beside one GET
 * per resource (what the reads cost uncoalesced).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startFleet } from "../test/support/fleet";
import { ms, printTable, timed } from "./common";

const INSTANCES = 200;
const SERVERS = 200;
/** The issue's target for the instances' refresh. */
const CONTABO_TARGET = 10;
/** Every API call answered this much later, in the second refresh. */
const LATENCY_MS = 50;

export async function benchRefresh(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-refresh-"));
  const state = path.join(dir, "state.json");
  const fleet = await startFleet({ contaboInstances: INSTANCES, ionosServers: SERVERS });
  try {
    const up = await timed(() => fleet.run("up", state));
    if (up.result.code !== 0) throw new Error(`harness up failed:\n${up.result.stdout.slice(-2000)}\n${up.result.stderr.slice(-2000)}`);
    const rows: string[][] = [];
    const notes: string[] = [`The up before the refreshes: ${ms(up.ms)}.`];
    for (const latencyMs of [0, LATENCY_MS]) {
      for (const emulator of [fleet.contabo, fleet.ionos]) {
        Object.assign(emulator.faults, { rate: latencyMs > 0 ? 1 : 0, kinds: ["latency"], latencyMs });
      }
      const refresh = await timed(() => fleet.requestsDuring(() => fleet.run("refresh", state)));
      const { result, contabo, ionos } = refresh.result;
      if (result.code !== 0) throw new Error(`harness refresh failed:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
      const listCalls = (api: string[], suffix: string) => String(api.filter((r) => r.endsWith(suffix)).length);
      const latency = `${latencyMs} ms`;
      rows.push(
        ["contabo", latency, String(INSTANCES), String(contabo.api.length), listCalls(contabo.api, "/compute/instances"), String(contabo.tokens), String(INSTANCES)],
        ["ionos", latency, `${SERVERS} + 1 data center`, String(ionos.api.length), listCalls(ionos.api, "/servers"), String(ionos.tokens), String(SERVERS + 1)],
      );
      notes.push(
        `Refresh wall time with ${latency} per API call: ${ms(refresh.ms)} (the harness process and the provider host start-up included); ` +
          `Contabo target <= ${CONTABO_TARGET} calls ${contabo.api.length <= CONTABO_TARGET ? "met" : "MISSED"}.`,
      );
    }
    printTable(
      `Refresh of ${INSTANCES} Contabo instances and ${SERVERS} IONOS servers through the provider host`,
      ["cloud", "latency", "resources", "API calls", "of them list calls", "token calls", "one GET per resource"],
      rows,
      notes,
    );
  } finally {
    await fleet.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
