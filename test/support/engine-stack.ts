/**
 * A program's stack on the real Pulumi engine, run step by step in a temporary directory, for the
 * real-engine suites. Every run's output and every state file the engine wrote must hold none of
 * `secrets`; a failed run throws with the engine's own diagnostics.
 */
import * as fs from "node:fs";
import { type EngineOptions, type EngineResult, type EngineStep, runEngine, stateFiles, stateResources, tempDir } from "../engine";

/** A step as a line: `update contabo:Instance web-1 [displayName]`. */
export const stepLine = (step: EngineStep) => `${step.op} ${step.type} ${step.name}${step.keys.length > 0 ? ` [${step.keys.join(", ")}]` : ""}`;
/** The steps of a run as sorted lines (steps that run at once come in any order). */
export const stepLines = (run: EngineResult) => run.steps.map(stepLine).sort();
/** The steps without their fields. */
const stepNames = (run: EngineResult) => run.steps.map((step) => `${step.op} ${step.type} ${step.name}`).sort();

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
    expectNoPlainSecrets(result.stdout + result.stderr, `the output of ${op}`);
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
     * the fields it named: each one whose new value the preview knew, and no other (a field whose
     * value comes from a resource being made may turn out unchanged).
     */
    async previewThenUp(extra: Extra = {}) {
      const preview = await run("preview", extra);
      // Config given to the preview is kept in the stack: the up sees the same.
      const up = await run("up", { ...extra, config: undefined, secretConfig: undefined });
      expect(stepNames(up)).toEqual(stepNames(preview));
      expect(up.summary).toEqual(preview.summary);
      for (const done of up.steps) {
        const promised = preview.steps.find((step) => step.op === done.op && step.urn === done.urn)!;
        const certain = promised.keys.filter((key) => !promised.unknown.includes(key));
        expect({ step: stepLine(done), fields: done.keys.filter((key) => !promised.keys.includes(key)) }).toEqual({ step: stepLine(done), fields: [] });
        expect({ step: stepLine(done), missing: certain.filter((key) => !done.keys.includes(key)) }).toEqual({ step: stepLine(done), missing: [] });
      }
      return { preview, up };
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
