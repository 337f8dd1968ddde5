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
import { runHarness } from "../test/harness";
import * as contabo from "../test/support/contabo";
import { num, printTable } from "./common";

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

const TAGS = 500;

/** `up` of a stack of many tags through the harness (real provider host), then its state file. */
export async function benchStateFile(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-state-"));
  const emulator = await contabo.useContaboEmulator();
  try {
    const stateFile = path.join(dir, "state.json");
    const program = path.join(__dirname, "programs", "many-tags.js");
    const env = { ...contabo.contaboEnv(emulator), BENCH_TAGS: String(TAGS) };
    const started = Date.now();
    const result = await runHarness({ op: "up", program, state: stateFile, env });
    const wallMs = Date.now() - started;
    if (result.code !== 0) throw new Error(`harness up failed:\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
    const text = fs.readFileSync(stateFile, "utf8");
    const state = JSON.parse(text) as { resources: { type: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[] };
    const resources = state.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    const providerBytes = resources.reduce(
      (sum, r) => sum + [r.inputs.__provider, r.outputs.__provider].reduce<number>((s, p) => s + (typeof p === "string" ? Buffer.byteLength(p) : 0), 0),
      0,
    );
    const bytes = Buffer.byteLength(text);
    printTable(`State file of ${TAGS} contabo:Tag resources (harness up)`, ["figure", "value"], [
      ["resources in the state", String(resources.length)],
      ["state file size", `${num(bytes / 1024)} KB`],
      ["bytes per resource", String(Math.round(bytes / resources.length))],
      ["of which __provider (inputs + outputs)", `${num((100 * providerBytes) / bytes)} %`],
      ["up wall time (with host start-up)", `${num(wallMs / 1000)} s`],
      ["API requests (token requests included)", String(emulator.log.entries.length)],
    ]);
  } finally {
    await contabo.stopContaboEmulator(emulator);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
