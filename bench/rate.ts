/**
 * Rate limit: 200 OVH DomainRecord creates started at once. The emulator enforces OVH's 20
 * requests per second (answering 429 beyond it) and records when each served request arrived:
 * the peak over any one-second window must never pass 20, and the sustained rate should stay
 * close to it.
 */
import * as ovh from "../test/support/ovh";
import { num, printTable, range } from "./common";

const RECORDS = 200;

/** The most arrivals within any window of one second. */
function peakPerSecond(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let peak = 0;
  for (let end = 0, start = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= 1000) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

export async function benchRate(): Promise<void> {
  const emulator = await ovh.useOvhEmulator();
  try {
    const ops = ovh.ops("DomainRecord");
    await ops.read("example.com/1", {}); // synchronizes the signing clock first
    emulator.rate.arrivals.length = 0;
    emulator.rate.refused = 0;
    const from = emulator.log.entries.length;
    const started = Date.now();
    const results = await Promise.allSettled(
      range(RECORDS).map(async (i) => {
        const checked = await ops.check({}, { zone: "example.com", fieldType: "A", subDomain: `rate-${i}`, target: `192.0.2.${i % 250}` });
        return ops.create(checked.inputs!);
      }),
    );
    const wallMs = Date.now() - started;
    const failed = results.filter((r) => r.status === "rejected");
    const arrivals = emulator.rate.arrivals;
    const spanS = (Math.max(...arrivals) - Math.min(...arrivals)) / 1000;
    const requests = emulator.log.entries.length - from;
    const refreshes = emulator.log.entries.slice(from).filter((entry) => entry.method === "POST" && entry.path.endsWith("/refresh")).length;
    printTable(
      `Rate limit: ${RECORDS} OVH DomainRecord creates at once`,
      ["figure", "value", "target"],
      [
        ["peak requests/s seen by the emulator", String(peakPerSecond(arrivals)), "<= 20"],
        ["sustained requests/s (served requests / their span)", num((arrivals.length - 1) / spanS), ">= 18"],
        ["requests answered 429", String(emulator.rate.refused), "0"],
        ["API requests in all (a create and a refresh each would be 400)", String(requests), ""],
        ["zone refreshes (shared by the creates that end close together)", String(refreshes), `< ${RECORDS}`],
        ["records created / failed", `${RECORDS - failed.length} / ${failed.length}`, `${RECORDS} / 0`],
        ["wall time", `${num(wallMs / 1000)} s`, ""],
        ["records per second", num((RECORDS - failed.length) / (wallMs / 1000)), ""],
      ],
      failed.slice(0, 3).map((r) => `ERROR ${((r as PromiseRejectedResult).reason as Error).message}`),
    );
  } finally {
    await ovh.stopOvhEmulator(emulator);
  }
}
