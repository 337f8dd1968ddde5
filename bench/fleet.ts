/**
 * A fleet on the real Pulumi engine: N resources (a quarter each Contabo instances, Contabo
 * tags, IONOS servers and IONOS LANs in one data center) through `up`, `preview`, `refresh` and
 * `destroy`, at the engine's default parallelism and at `--parallel 256`, against emulators whose
 * orders and requests take the time set below. Wall time beside the clouds' own time (Contabo
 * orders run at once; IONOS runs one request at a time per data center), API calls beside one
 * per resource, and the state's size. Needs the Pulumi CLI (`bash .ci/pulumi-cli`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type EngineOptions, pulumiBinDir, runEngine, stateFiles, tempDir } from "../test/engine";
import { FLEET_PROGRAM, startFleet } from "../test/support/fleet";
import { ms, printTable, timed } from "./common";

const SIZES = [50, 200];
const CONTABO_ORDER_MS = 3_000;
const IONOS_REQUEST_MS = 100;
const PARALLEL = [undefined, 256];

export async function benchFleet(): Promise<void> {
  if (!pulumiBinDir()) {
    console.log("\n## Fleet on the Pulumi engine\n\n  skipped: no Pulumi CLI (bash .ci/pulumi-cli builds it)");
    return;
  }
  const rows: string[][] = [];
  for (const size of SIZES) {
    const quarter = size / 4;
    // The data center, then each server and LAN: one request after the other.
    const ionosOwnMs = (2 * quarter + 1) * IONOS_REQUEST_MS;
    const cloudMs = { up: Math.max(CONTABO_ORDER_MS, ionosOwnMs), preview: 0, refresh: 0, destroy: ionosOwnMs };
    for (const parallel of PARALLEL) {
      const fleet = await startFleet(
        { contaboInstances: quarter, contaboTags: quarter, ionosServers: quarter, ionosLans: quarter },
        { contaboOrderMs: CONTABO_ORDER_MS, ionosRequestMs: IONOS_REQUEST_MS },
      );
      const dir = path.join(tempDir("bench-fleet-"), "fleet");
      try {
        for (const op of ["up", "preview", "refresh", "destroy"] as const) {
          const options: EngineOptions = { op, program: FLEET_PROGRAM, dir, env: fleet.env, parallel };
          const run = await timed(() => fleet.requestsDuring(() => runEngine(options)));
          const { result, contabo, ionos } = run.result;
          if (result.code !== 0) throw new Error(`${op} of ${size} resources failed:\n${result.stderr.slice(-2000)}`);
          const stateBytes = op === "destroy" ? 0 : fs.statSync(stateFiles(dir).find((file) => file.endsWith(`${path.sep}dev.json`))!).size;
          rows.push([
            String(size),
            parallel ? `--parallel ${parallel}` : "default",
            op,
            ms(run.ms),
            ms(cloudMs[op]),
            String(contabo.api.length + ionos.api.length),
            op === "preview" ? "0" : String(size + 1),
            op === "destroy" ? "-" : `${Math.round(stateBytes / 1024)} KB`,
          ]);
        }
      } finally {
        await fleet.stop();
        fs.rmSync(path.dirname(dir), { recursive: true, force: true });
      }
    }
  }
  printTable(
    "Fleet on the Pulumi engine (Contabo instances and tags, IONOS servers and LANs in one data center)",
    ["resources", "parallelism", "step", "wall time", "the clouds' own time", "API calls", "one call per resource", "state"],
    rows,
    [
      `Contabo orders take ${CONTABO_ORDER_MS / 1000} s and run at once; IONOS requests take ${IONOS_REQUEST_MS} ms, one at a time per data center.`,
      "Wall time includes the engine's and the provider host's start (about 2-3 s per step). API calls exclude token requests.",
      "The default parallelism is 4 per CPU (PULUMI_PARALLEL or --parallel raise it).",
    ],
  );
}
