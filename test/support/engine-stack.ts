/**
 * A program's stack on the real Pulumi engine, run step by step in a temporary directory, for the
 * real-engine suites. Every run's output and every state file the engine wrote must hold none of
 * `secrets`; a failed run throws with the engine's own diagnostics.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { findUp } from "../harness/project";
import { type EngineOptions, type EngineResult, type EngineStep, runEngine, stateFiles, stateResources, tempDir } from "../engine";

/** A step as a line: `update contabo:Instance web-1 [displayName]`. */
export const stepLine = (step: EngineStep) => `${step.op} ${step.type} ${step.name}${step.keys.length > 0 ? ` [${step.keys.join(", ")}]` : ""}`;
/** The steps of a run as sorted lines (steps that run at once come in any order). */
export const stepLines = (run: EngineResult) => run.steps.map(stepLine).sort();

type Extra = Partial<Omit<EngineOptions, "op" | "program" | "dir">>;

export function engineStack(program: string, prefix = "engine-stack-") {
  const dir = tempDir(prefix);
  const secrets: string[] = [];

  function expectNoPlainSecrets(text: string, where: string) {
    for (const secret of secrets) {
      if (text.includes(secret)) throw new Error(`a secret (${secret.slice(0, 4)}...) is in plain text in ${where}`);
    }
  }

  /** Every state file and backup the engine wrote for this stack. */
  function expectNoSecretsInState() {
    for (const file of stateFiles(dir)) expectNoPlainSecrets(fs.readFileSync(file, "utf8"), file);
  }

  async function attempt(op: EngineOptions["op"], extra: Extra = {}): Promise<EngineResult> {
    const result = await runEngine({ op, program, dir, ...extra });
    expectNoPlainSecrets(result.stdout + result.stderr + result.cliOutput, `the output of ${op}`);
    expectNoSecretsInState();
    return result;
  }

  async function run(op: EngineOptions["op"], extra: Extra = {}): Promise<EngineResult> {
    const result = await attempt(op, extra);
    if (result.code !== 0) throw new Error(`pulumi ${op} failed:\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  return {
    dir,
    /** Values that must never show in plain text (credentials, passwords). */
    secrets,
    /** One run; throws when the engine reports a failure. */
    run,
    /** One run that may fail. */
    attempt,
    /** The cloud resources of the latest state. */
    resources: () => stateResources(dir),
    urnOf: (name: string) => {
      const found = stateResources(dir).find((r) => r.name === name);
      if (!found) throw new Error(`no resource named ${name} in the state`);
      return found.urn;
    },
    /**
     * A preview and the up that follows with the same options: the up must carry out exactly the
     * steps the preview promised (the same resources and operations, the same summary) and change
     * the fields it named: each one whose new value the preview knew, and no other. The one
     * exception is the engine's: in a preview, an output of a resource being updated or replaced
     * that is not one of its inputs is unknown (the dynamic-provider host has no preview of its
     * own), so a dependent that uses it previews as an update of that field alone, and the up
     * finds it unchanged (or changed). Such an update of unknown fields only is allowed to come
     * to nothing, and is returned as `conditional`.
     */
    async previewThenUp(extra: Extra = {}) {
      const preview = await run("preview", extra);
      // Config given to the preview is kept in the stack: the up sees the same.
      const up = await run("up", { ...extra, config: undefined, secretConfig: undefined });
      const matching = (step: EngineStep) => (other: EngineStep) => other.op === step.op && other.urn === step.urn;
      const conditional = preview.steps.filter((step) => !up.steps.some(matching(step)));
      expect(conditional.filter((step) => step.op !== "update" || step.keys.some((key) => !step.unknown.includes(key))).map(stepLine)).toEqual([]);
      const summary = { ...preview.summary };
      if (conditional.length > 0) {
        summary.update = (summary.update ?? 0) - conditional.length;
        summary.same = (summary.same ?? 0) + conditional.length;
        if (summary.update === 0) delete summary.update;
      }
      expect(up.summary).toEqual(summary);
      for (const done of up.steps) {
        const promised = preview.steps.find(matching(done));
        expect({ step: stepLine(done), promised: promised ? "yes" : "no" }).toEqual({ step: stepLine(done), promised: "yes" });
        const certain = promised!.keys.filter((key) => !promised!.unknown.includes(key));
        expect({ step: stepLine(done), unpromised: done.keys.filter((key) => !promised!.keys.includes(key)) }).toEqual({ step: stepLine(done), unpromised: [] });
        expect({ step: stepLine(done), missing: certain.filter((key) => !done.keys.includes(key)) }).toEqual({ step: stepLine(done), missing: [] });
      }
      return { preview, up, conditional: conditional.map(stepLine) };
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const PROGRAMS = path.join(findUp(__dirname, "package.json")!, "dist/test/programs");
const ADOPT_PROGRAM = path.join(PROGRAMS, "adopt.js");
/** The program of any resources declared in config (test/programs/declared.ts), for the engine suites of each type. */
export const DECLARED_PROGRAM = path.join(PROGRAMS, "declared.js");

/** One resource of the declared program's `resources` config. */
export interface Declared {
  type: string;
  name: string;
  args: Record<string, unknown>;
}

/**
 * Adopts one cloud resource by its id in a stack of its own (test/programs/adopt.ts): the up must
 * read it (a `read` step), and destroying that stack must leave it. Returns the adopted outputs.
 */
export async function adoptById(options: { type: string; id: string; settings: Extra; secrets: string[] }): Promise<unknown> {
  const adopter = engineStack(ADOPT_PROGRAM, "engine-adopt-");
  adopter.secrets.push(...options.secrets);
  try {
    const { config, secretConfig } = options.settings;
    const up = await adopter.run("up", { config: { ...config, type: options.type, id: options.id }, secretConfig });
    expect(stepLines(up)).toEqual([`read ${options.type} adopted`]);
    // Destroy forgets what it only read: the engine discards it, it deletes nothing.
    const destroy = await adopter.run("destroy");
    expect(stepLines(destroy)).toEqual([`discard ${options.type} adopted`]);
    return up.outputs.adopted.value;
  } finally {
    adopter.remove();
  }
}
