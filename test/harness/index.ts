/**
 * Runs the Pulumi programs of this repository without the Pulumi CLI: the program runs under
 * `pulumi.runtime.setMocks`, its dynamic resources go to the real provider host. `runHarness`
 * starts the harness CLI (built to dist/test/harness/cli.js) as its own process, one per operation.
 */
import * as path from "node:path";
import type { Operation } from "./engine";
import { configArgs, findUp, runScript } from "./project";

export interface HarnessOptions {
  op: Operation;
  /** The compiled program, e.g. dist/examples/contabo/index.js. */
  program: string;
  /** The state file; created on the first run. */
  state: string;
  config?: Record<string, string>;
  secretConfig?: Record<string, string>;
  /** Added to this process's environment. */
  env?: Record<string, string>;
}

export interface HarnessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in dist/, found from here whether this file runs from src (ts-jest) or from dist. */
export const CLI_PATH = path.join(findUp(__dirname, "package.json")!, "dist/test/harness/cli.js");

export function runHarness(options: HarnessOptions): Promise<HarnessResult> {
  const args = [CLI_PATH, options.op, "--program", options.program, "--state", options.state, ...configArgs(options.config, options.secretConfig)];
  return runScript(args, { ...process.env, ...options.env });
}

/** The resource steps a harness run printed, e.g. `+ create contabo:Tag web`. */
export const steps = (stdout: string) =>
  stdout
    .split("\n")
    .filter((line) => /^ {2}[-+~>]/.test(line))
    .map((line) => line.trim());
