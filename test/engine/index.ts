/**
 * Runs programs of this repository on the real Pulumi engine: `runEngine` starts the driver
 * (built to dist/test/engine/cli.js) as its own process, one per operation, with the Pulumi CLI
 * that `.ci/pulumi-cli` finds or built first on PATH. Suites that need the engine use
 * `describeWithEngine`: in CI a missing CLI fails them; elsewhere they skip, saying how to get it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { configArgs, findUp, runScript } from "../harness/project";
import { type EngineRun, RESULT_FILE, backendDir, displayType } from "./layout";

export * from "./layout";

const ROOT = findUp(__dirname, "package.json")!;
const DRIVER = path.join(ROOT, "dist/test/engine/cli.js");

let binDir: string | undefined | null = null;

/** The folder holding `pulumi` and its nodejs provider plugin, or undefined (with the reason on `cliProblem`). */
export function pulumiBinDir(): string | undefined {
  if (binDir === null) {
    const found = spawnSync("bash", [path.join(ROOT, ".ci/pulumi-cli"), "--no-build"], { encoding: "utf8" });
    binDir = found.status === 0 ? found.stdout.trim() : undefined;
    cliProblem = found.stderr.trim();
  }
  return binDir;
}
export let cliProblem = "";

/**
 * `describe` for a suite that runs on the real engine. Without a CLI it fails in CI (CI=true) and
 * skips elsewhere, printing what to install.
 */
export function describeWithEngine(title: string, suite: () => void): void {
  if (pulumiBinDir()) return describe(title, suite);
  const message = `${cliProblem}: the real-engine suite "${title}" needs the Pulumi CLI (bash .ci/pulumi-cli builds it)`;
  if (process.env.CI) {
    describe(title, () => test("the Pulumi CLI is available", () => {
      throw new Error(message);
    }));
  } else {
    console.warn(`skipped: ${message}`);
    describe.skip(title, suite);
  }
}

export interface EngineOptions {
  op: "up" | "preview" | "refresh" | "destroy";
  /** The compiled program, e.g. dist/examples/contabo/index.js. */
  program: string;
  /** The stack's directory (workspace, backend, last run); created on the first run. */
  dir: string;
  stack?: string;
  config?: Record<string, string>;
  secretConfig?: Record<string, string>;
  replace?: string[];
  target?: string[];
  parallel?: number;
  expectNoChanges?: boolean;
  /** Added to this process's environment (the engine passes it on to the provider host). */
  env?: Record<string, string>;
}

export interface EngineResult extends EngineRun {
  stdout: string;
  stderr: string;
}

export async function runEngine(options: EngineOptions): Promise<EngineResult> {
  const bin = pulumiBinDir();
  if (!bin) throw new Error(cliProblem);
  const args = [DRIVER, options.op, "--program", options.program, "--dir", options.dir, "--stack", options.stack ?? "dev"];
  args.push(...configArgs(options.config, options.secretConfig));
  for (const urn of options.replace ?? []) args.push("--replace", urn);
  for (const urn of options.target ?? []) args.push("--target", urn);
  if (options.parallel) args.push("--parallel", String(options.parallel));
  if (options.expectNoChanges) args.push("--expect-no-changes");
  fs.mkdirSync(options.dir, { recursive: true });
  fs.rmSync(path.join(options.dir, RESULT_FILE), { force: true });
  // The plugin script runs `node`: this Node (22 or later) comes first, then the CLI.
  const PATH = [path.dirname(process.execPath), bin, process.env.PATH].join(path.delimiter);
  const { code, stdout, stderr } = await runScript(args, { ...process.env, ...options.env, PATH });
  const file = path.join(options.dir, RESULT_FILE);
  if (!fs.existsSync(file)) throw new Error(`the engine driver wrote no result (exit ${code}):\n${stdout}\n${stderr}`);
  const run = JSON.parse(fs.readFileSync(file, "utf8")) as EngineRun;
  return { ...run, code, stdout, stderr };
}

export interface StateResource {
  urn: string;
  /** e.g. `contabo:Tag` */
  type: string;
  name: string;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** A delete-first replacement deleted it, and the create of the replacement is still to come. */
  pendingReplacement?: boolean;
  /** Why its create failed after it was made (the engine keeps it, and updates it on the next up). */
  initErrors?: string[];
}

/** The state files the engine wrote for a stack directory (the latest checkpoint and its backups). */
export function stateFiles(stackDir: string): string[] {
  const root = path.join(backendDir(stackDir), ".pulumi");
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .map((file) => path.join(root, file))
    .filter((file) => fs.statSync(file).isFile());
}

/** The cloud resources in a stack's latest state (the stack and provider resources left out). */
export function stateResources(stackDir: string, stack = "dev"): StateResource[] {
  const stacks = path.join(backendDir(stackDir), ".pulumi", "stacks");
  if (!fs.existsSync(stacks)) return [];
  const [project] = fs.readdirSync(stacks);
  const file = path.join(stacks, project, `${stack}.json`);
  if (!fs.existsSync(file)) return [];
  const checkpoint = JSON.parse(fs.readFileSync(file, "utf8"));
  const resources: { urn: string; type: string; id?: string; inputs?: object; outputs?: object; pendingReplacement?: boolean; initErrors?: string[] }[] =
    checkpoint.checkpoint?.latest?.resources ?? [];
  return resources
    .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))
    .map((r) => ({
      urn: r.urn,
      type: displayType(r.type),
      name: r.urn.split("::").pop()!,
      id: r.id ?? "",
      inputs: (r.inputs ?? {}) as Record<string, unknown>,
      outputs: (r.outputs ?? {}) as Record<string, unknown>,
      ...(r.pendingReplacement ? { pendingReplacement: true } : {}),
      ...(r.initErrors ? { initErrors: r.initErrors } : {}),
    }));
}

/**
 * Put in a run's `env` with a value of its own (`{ [RUN_MARK_ENV]: mark }`), it marks the
 * processes of that run: the engine passes its environment on to the provider host it starts.
 */
export const RUN_MARK_ENV = "EUROCLOUD_ENGINE_RUN";

/**
 * Kills (SIGKILL) the dynamic-provider hosts that the engine started for the runs marked `mark`,
 * found in /proc by their command line and environment (Linux), and returns their pids.
 */
export function killProviderHosts(mark: string): number[] {
  const killed: number[] = [];
  for (const pid of providerHosts(mark)) {
    try {
      process.kill(pid, "SIGKILL");
      killed.push(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return killed;
}

/** The pids of the dynamic-provider hosts of the runs marked `mark`, found in /proc (Linux). */
function providerHosts(mark: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return (
          fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dynamic-provider") &&
          fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`${RUN_MARK_ENV}=${mark}`)
        );
      } catch {
        return false; // gone meanwhile, or another user's process
      }
    });
}

/**
 * Samples the peak resident memory (`VmHWM`, bytes) of the provider hosts of the runs marked
 * `mark` every `everyMs` until `stop` is called, which returns the highest seen (0: none seen).
 */
export function samplePeakRss(mark: string, everyMs = 200): { stop(): number } {
  let peak = 0;
  const sample = () => {
    for (const pid of providerHosts(mark)) {
      try {
        const kb = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
        peak = Math.max(peak, kb * 1024);
      } catch {
        // Gone meanwhile.
      }
    }
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** A fresh directory for a suite's stacks. */
export const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
