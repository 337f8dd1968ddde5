/**
 * Provider host start-up: the real dynamic provider host of @pulumi/pulumi, spawned as the engine
 * does, timed until it prints its port; then a Configure call, then the first Check (which
 * deserializes a provider and loads this package through it) and a second Check.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { providerFor } from "../src/core/provider";
import { ProviderHost } from "../test/harness/provider-host";
import { ms, num, percentile, printTable, range, timed } from "./common";

const RUNS = 5;
const TOKEN = "contabo:Tag";
const REF = { urn: "urn:pulumi:bench::bench::pulumi-nodejs:dynamic:Resource::tag", type: "pulumi-nodejs:dynamic:Resource", name: "tag" };

/** The host process's resident memory, from /proc (Linux), in MB. */
function rssMb(host: ProviderHost): number {
  const pid = (host as unknown as { child: ChildProcess }).child.pid;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The pids of a process's descendants, from /proc (Linux). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name, in parentheses, may hold spaces: the parent pid is the second field after it.
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended meanwhile.
    }
  }
  const found: number[] = [];
  for (let queue = [root]; queue.length > 0; ) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

/**
 * Samples the peak resident memory (VmHWM) of the provider hosts started below this process
 * (by the harness), until stopped; `stop` returns it in MB.
 */
export function watchHostMemory(intervalMs = 100): { stop(): number } {
  let peakKb = 0;
  const sample = () => {
    for (const pid of descendants(process.pid)) {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dynamic-provider")) continue;
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0));
      } catch {
        // The host ended meanwhile.
      }
    }
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peakKb / 1024;
    },
  };
}

export async function benchHost(): Promise<void> {
  const provider = providerFor(TOKEN);
  const serialized = (await pulumi.runtime.serializeFunction(() => provider)).text;
  const news = { __provider: serialized, name: "bench" };
  const steps: Record<string, number[]> = { "start (spawn to port printed)": [], configure: [], "first check (loads the package)": [], "second check": [] };
  const rss: number[] = [];
  for (const _run of range(RUNS)) {
    const start = await timed(() => ProviderHost.start({ cwd: process.cwd(), project: "bench", stack: "bench" }));
    const host = start.result;
    try {
      steps["start (spawn to port printed)"].push(start.ms);
      steps.configure.push((await timed(() => host.configure({}))).ms);
      steps["first check (loads the package)"].push((await timed(() => host.check(REF, {}, news))).ms);
      steps["second check"].push((await timed(() => host.check(REF, {}, news))).ms);
      rss.push(rssMb(host));
    } finally {
      await host.stop();
    }
  }
  const rows = Object.entries(steps).map(([step, values]) => [step, ms(percentile(values, 50)), ms(percentile(values, 95))]);
  const total = range(RUNS).map((i) => Object.values(steps).reduce((sum, values) => sum + values[i], 0));
  rows.push(["total to a served check", ms(percentile(total, 50)), ms(percentile(total, 95))]);
  printTable(`Provider host start-up (${RUNS} runs)`, ["step", "p50", "p95"], rows, [
    `Host RSS after the checks: ${num(percentile(rss, 50))} MB (p50). Check of ${TOKEN}; the settings problems it reports do not matter here.`,
  ]);
}
