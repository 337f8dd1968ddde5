/**
 * State weight: the `__provider` value Pulumi stores (twice) in the state of every resource:
 * the serialized provider shim of its type, serialized as `pulumi.dynamic.Resource` does.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import "../src/index";
import { providerFor } from "../src/core/provider";
import { registeredTokens } from "../src/core/registry";
import { startFleet } from "../test/support/fleet";
import { num, printTable, timed } from "./common";
import { watchHostMemory } from "./host";

export async function benchState(): Promise<void> {
  const rows: string[][] = [];
  for (const token of registeredTokens().sort()) {
    const provider = providerFor(token);
    const { text } = await pulumi.runtime.serializeFunction(() => provider);
    const bytes = Buffer.byteLength(text);
    rows.push([token, String(bytes), bytes <= 2048 ? "yes" : "NO"]);
  }
  printTable("State weight: __provider bytes per resource type", ["resource type", "bytes", "<= 2 KB"], rows, [
    "Stored once in the inputs and once in the outputs of every resource.",
  ]);
}

/** 500 resources of five types: the instances and servers carry the most outputs. */
const FLEET = { contaboInstances: 200, contaboTags: 100, ionosServers: 150, ionosLans: 49 };
const LATENCY_MS = 50;

/**
 * `up` of a stack of 500 resources of both clouds through the harness (real provider host),
 * every API call answered after 50 ms: the state file it leaves, and the provider host's peak
 * memory meanwhile.
 */
export async function benchStateFile(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-state-"));
  const fleet = await startFleet(FLEET);
  for (const emulator of [fleet.contabo, fleet.ionos]) {
    Object.assign(emulator.faults, { rate: 1, kinds: ["latency"], latencyMs: LATENCY_MS });
  }
  try {
    const stateFile = path.join(dir, "state.json");
    const memory = watchHostMemory();
    const up = await timed(() => fleet.requestsDuring(() => fleet.run("up", stateFile)));
    const peakMb = memory.stop();
    const { result, contabo, ionos } = up.result;
    if (result.code !== 0) throw new Error(`harness up failed:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
    const text = fs.readFileSync(stateFile, "utf8");
    const state = JSON.parse(text) as { resources: { type: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[] };
    const bytes = Buffer.byteLength(text);
    const byType = new Map<string, { count: number; bytes: number; providerBytes: number }>();
    for (const r of state.resources) {
      const type = r.type.split("/").pop()!;
      const entry = byType.get(type) ?? { count: 0, bytes: 0, providerBytes: 0 };
      entry.count++;
      entry.bytes += Buffer.byteLength(JSON.stringify(r, null, 2));
      entry.providerBytes += [r.inputs.__provider, r.outputs.__provider].reduce<number>((sum, p) => sum + (typeof p === "string" ? Buffer.byteLength(p) : 0), 0);
      byType.set(type, entry);
    }
    const providerBytes = [...byType.values()].reduce((sum, t) => sum + t.providerBytes, 0);
    printTable(
      `State file of ${state.resources.length} resources (harness up, ${LATENCY_MS} ms per API call)`,
      ["resource type", "resources", "bytes per resource", "of which __provider"],
      [...byType.entries()].map(([type, t]) => [type, String(t.count), String(Math.round(t.bytes / t.count)), String(Math.round(t.providerBytes / t.count))]),
      [
        `State file: ${num(bytes / 1024)} KB, ${Math.round(bytes / state.resources.length)} bytes per resource, ${num((100 * providerBytes) / bytes)} % of it __provider (stored in the inputs and the outputs).`,
        `Up wall time ${num(up.ms / 1000)} s (host start-up included); API requests: ${contabo.api.length} Contabo, ${ionos.api.length} IONOS, and ${contabo.tokens + ionos.tokens} token requests.`,
        `Provider host peak RSS (VmHWM) during the up: ${num(peakMb)} MB.`,
      ],
    );
  } finally {
    await fleet.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
