/**
 * Runs every benchmark against the local emulators and prints their tables, with the date and
 * the machine. `npm run bench`; one benchmark: `node dist/bench/run.js wait` (calls, rate, state, state-file, host, refresh, fleet).
 */
import * as os from "node:os";
import { benchCalls } from "./calls";
import { benchFleet } from "./fleet";
import { benchHost } from "./host";
import { benchRate } from "./rate";
import { benchRefresh } from "./refresh";
import { benchState, benchStateFile } from "./state";
import { benchWait } from "./wait";

const BENCHMARKS: Record<string, () => Promise<void>> = {
  wait: benchWait,
  calls: benchCalls,
  rate: benchRate,
  state: benchState,
  "state-file": benchStateFile,
  host: benchHost,
  refresh: benchRefresh,
  fleet: benchFleet,
};

async function main(): Promise<void> {
  const chosen = process.argv.slice(2);
  const unknown = chosen.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(", ")}; choose from ${Object.keys(BENCHMARKS).join(", ")}`);
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`# pulumi-eurocloud benchmarks, ${new Date().toISOString()}`);
  console.log(`Machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.type()} ${os.release()}; Node ${process.version}`);
  for (const name of chosen.length > 0 ? chosen : Object.keys(BENCHMARKS)) {
    const started = Date.now();
    await BENCHMARKS[name]();
    console.log(`  (${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
