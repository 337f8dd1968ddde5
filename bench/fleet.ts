/**
 * A fleet on the real Pulumi engine: N resources over the three clouds (two tenths each Contabo
 * instances, Contabo tags, IONOS servers and IONOS LANs in one data center; one tenth each OVH
 * SSH keys and private networks) through `up`, `preview`, `refresh` and `destroy`, at the
 * engine's default parallelism and at `--parallel N` (every step of a wave at once), against emulators whose orders, requests
 * and builds take the time set below. Wall time beside the clouds' own time, API calls beside the
 * fewest the APIs allow, OVH's busiest second and 429s (its limit is 20 a second), the provider
 * host's peak memory, and the state's size. Needs the Pulumi CLI (`bash .ci/pulumi-cli`).
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type EngineOptions, RUN_MARK_ENV, pulumiBinDir, runEngine, samplePeakRss, stateFiles, tempDir } from "../test/engine";
import { FLEET_PROGRAM, type FleetCounts, startFleet } from "../test/support/fleet";
import { ms, printTable, timed } from "./common";

const SIZES = (process.env.FLEET_SIZES ?? "50,200,500").split(",").map(Number);
const CONTABO_ORDER_MS = 3_000;
const IONOS_REQUEST_MS = 100;
const OVH_BUILD_MS = 4_000;
/** The size of a list page: Contabo's (IONOS and OVH list a collection in one call at these sizes). */
const PAGE = 100;

function countsOf(size: number): Required<FleetCounts> {
  const tenth = size / 10;
  return { contaboInstances: 2 * tenth, contaboTags: 2 * tenth, ionosServers: 2 * tenth, ionosLans: 2 * tenth, ovhKeys: tenth, ovhNetworks: tenth };
}

/**
 * The fewest API calls each step can make: a create or a delete per resource (and the IONOS data
 * center); a refresh reads each type with one call per page of its list (IONOS: the data centers,
 * servers and LANs; OVH: the project's SSH keys and networks).
 */
function fewestCalls(counts: Required<FleetCounts>, op: string): number {
  const resources = Object.values(counts).reduce((sum, n) => sum + n, 0) + 1;
  if (op === "preview") return 0;
  if (op !== "refresh") return resources;
  const pages = (n: number) => Math.ceil(n / PAGE);
  return pages(counts.contaboInstances) + pages(counts.contaboTags) + 3 + 2;
}

export async function benchFleet(): Promise<void> {
  if (!pulumiBinDir()) {
    console.log("\n## Fleet on the Pulumi engine\n\n  skipped: no Pulumi CLI (bash .ci/pulumi-cli builds it)");
    return;
  }
  const rows: string[][] = [];
  for (const size of SIZES) {
    const counts = countsOf(size);
    // IONOS: the data center, then each server and LAN, one request after the other.
    const ionosOwnMs = (counts.ionosServers + counts.ionosLans + 1) * IONOS_REQUEST_MS;
    // OVH: a network's region is ready in a quarter of a build; 20 requests a second at most.
    const ovhOwnMs = Math.max(OVH_BUILD_MS / 4, ((counts.ovhKeys + counts.ovhNetworks) / 20) * 1000);
    const cloudMs = { up: Math.max(CONTABO_ORDER_MS, ionosOwnMs, ovhOwnMs), preview: 0, refresh: 0, destroy: ionosOwnMs };
    for (const parallel of [undefined, size]) {
      const fleet = await startFleet(counts, { contaboOrderMs: CONTABO_ORDER_MS, ionosRequestMs: IONOS_REQUEST_MS, ovhBuildMs: OVH_BUILD_MS });
      const dir = path.join(tempDir("bench-fleet-"), "fleet");
      const mark = randomUUID();
      try {
        for (const op of ["up", "preview", "refresh", "destroy"] as const) {
          const options: EngineOptions = { op, program: FLEET_PROGRAM, dir, env: { ...fleet.env, [RUN_MARK_ENV]: mark }, parallel };
          const memory = samplePeakRss(mark);
          const run = await timed(() => fleet.requestsDuring(() => runEngine(options)));
          const peakRss = memory.stop();
          const { result, contabo, ionos, ovh } = run.result;
          if (result.code !== 0) throw new Error(`${op} of ${size} resources failed:\n${result.stderr.slice(-2000)}`);
          const stateBytes = op === "destroy" ? 0 : fs.statSync(stateFiles(dir).find((file) => file.endsWith(`${path.sep}dev.json`))!).size;
          rows.push([
            String(size),
            parallel ? `--parallel ${parallel}` : "default",
            op,
            ms(run.ms),
            ms(cloudMs[op]),
            String(contabo.api.length + ionos.api.length + ovh.api.length),
            String(fewestCalls(counts, op)),
            `${ovh.busiestSecond}/s, ${ovh.refused}`,
            peakRss ? `${Math.round(peakRss / 2 ** 20)} MB` : "-",
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
    "Fleet on the Pulumi engine (Contabo instances and tags, IONOS servers and LANs in one data center, OVH SSH keys and private networks)",
    ["resources", "parallelism", "step", "wall time", "the clouds' own time", "API calls", "fewest possible", "OVH busiest second, 429s", "host peak RSS", "state"],
    rows,
    [
      `Contabo orders take ${CONTABO_ORDER_MS / 1000} s and run at once; IONOS requests take ${IONOS_REQUEST_MS} ms, one at a time per data center; an OVH network's region is ready in ${OVH_BUILD_MS / 4000} s.`,
      "Wall time includes the engine's and the provider host's start (about 2-3 s per step). API calls exclude token requests.",
      "The default parallelism is 4 per CPU (PULUMI_PARALLEL or --parallel raise it). Peak RSS is the provider host's (VmHWM), sampled every 200 ms.",
    ],
  );
}
