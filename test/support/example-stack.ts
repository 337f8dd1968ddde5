/**
 * An example program's stack, run step by step through the harness in a temporary directory, for
 * the example tests. Every step's output, and the state file, must hold none of `secrets`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type HarnessOptions, runHarness } from "../harness";

/** The resource steps a harness run printed, e.g. `+ create contabo:Tag web`. */
export const steps = (stdout: string) =>
  stdout
    .split("\n")
    .filter((line) => /^ {2}[-+~>]/.test(line))
    .map((line) => line.trim());

export function exampleStack(program: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "example-stack-"));
  const stateFile = path.join(dir, "state.json");
  const secrets: string[] = [];

  function expectNoPlainSecrets() {
    const text = fs.readFileSync(stateFile, "utf8");
    for (const secret of secrets) expect(text).not.toContain(secret);
  }

  return {
    /** Values that must never show in plain text (credentials, passwords). */
    secrets,
    /** The state file, parsed. */
    state: () => JSON.parse(fs.readFileSync(stateFile, "utf8")),
    expectNoPlainSecrets,
    /** Runs one harness step; fails on a non-zero exit or a secret in the output. */
    async run(op: HarnessOptions["op"], extra: Partial<HarnessOptions> = {}) {
      const result = await runHarness({ op, program, state: stateFile, ...extra });
      for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
      if (result.code !== 0) throw new Error(`harness ${op} failed:\n${result.stdout}\n${result.stderr}`);
      return result;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
