/**
 * One operation of a program on the real Pulumi engine, one process per operation (as each
 * `pulumi` command is):
 *   node dist/test/engine/cli.js <up|preview|refresh|destroy> --program <file.js> --dir <stack dir>
 *     [--stack <name>] [--config key=value]... [--secret-config key=value]...
 *     [--replace <urn>]... [--target <urn>]... [--parallel N] [--expect-no-changes]
 * The program runs as an Automation API inline program (the Node SDK serves the language runtime,
 * so no language plugin is needed); the `pulumi` CLI on PATH is the engine, with a local file
 * backend in `<dir>/backend`. Config given once is kept in the stack's config file (secrets
 * encrypted). The engine's steps are printed as the harness prints them (`  + create contabo:Tag
 * web`), its summary, its error diagnostics as `error: <type> <name>: <message>` on stderr, and
 * everything it reported is written to `<dir>/last-run.json` for the tests (see `index.ts`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { type EngineEvent, LocalWorkspace, type OpMap, type Stack, type StepEventMetadata } from "@pulumi/pulumi/automation";
import { HIDDEN_KEYS } from "../../src/core/kit";
import { type Operation, PROGRAM_OPTIONS, STEP_SYMBOLS, keyValuePairs, operationOf, projectOf } from "../harness/project";
import { type EngineRun, type EngineStep, RESULT_FILE, backendDir, displayType, workDir } from "./layout";

/** The sign the engine puts on a secret value in a state (its ciphertext beside it). */
const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };

/**
 * The stack's outputs with every secret, nested ones too (a secret output of an exported
 * resource), as "[secret]": secrets are not written out in plain text, not even to the tests'
 * record. The Automation API marks only top-level secrets; the state marks each one.
 */
async function maskedOutputs(stack: Stack, names: string[]): Promise<EngineRun["outputs"]> {
  const deployment = (await stack.exportStack()).deployment as { resources?: { type: string; outputs?: Record<string, unknown> }[] };
  const root = deployment.resources?.find((resource) => resource.type === "pulumi:pulumi:Stack")?.outputs ?? {};
  const isSecret = (value: unknown) => typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG.key] === SECRET_SIG.value;
  const mask = (value: unknown): unknown => {
    if (isSecret(value)) return "[secret]";
    if (Array.isArray(value)) return value.map(mask);
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, mask(v)]));
    return value;
  };
  return Object.fromEntries(names.map((name) => [name, { value: mask(root[name]), secret: isSecret(root[name]) }]));
}

function parse(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...PROGRAM_OPTIONS,
      dir: { type: "string" },
      replace: { type: "string", multiple: true, default: [] },
      target: { type: "string", multiple: true, default: [] },
      parallel: { type: "string" },
      "expect-no-changes": { type: "boolean", default: false },
    },
  });
  const op = operationOf(positionals);
  if (!values.dir) throw new Error("--dir <stack directory> is required");
  if (!values.program) throw new Error("--program <file.js> is required");
  return {
    op,
    ...values,
    dir: path.resolve(values.dir),
    program: path.resolve(values.program),
    config: keyValuePairs(values.config),
    secretConfig: keyValuePairs(values["secret-config"]),
    parallel: values.parallel ? Number(values.parallel) : undefined,
  };
}

const nameOf = (urn: string) => urn.split("::").pop()!;

/** The kit's hidden inputs: the provider code, the create key, the resource name for an auto-name, the URN. */

/** The top-level properties that differ, hidden ones left out, sorted. */
function changedKeys(olds: Record<string, unknown> = {}, news: Record<string, unknown> = {}): string[] {
  return [...new Set([...Object.keys(olds), ...Object.keys(news)])]
    .filter((key) => !HIDDEN_KEYS.includes(key) && JSON.stringify(olds[key]) !== JSON.stringify(news[key]))
    .sort();
}

/** How the engine shows a secret value in its events. */
const SECRET = "[secret]";

/** The value the engine shows for an input not known yet in a preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const pick = (values: Record<string, unknown> = {}, keys: string[]) => Object.fromEntries(keys.map((key) => [key, values[key]]));

/**
 * A step as the engine reported it; the replacement's halves are shown as `replace` and
 * `delete-replaced`. The dynamic provider host gives the engine no list of changed properties, so
 * the fields are the properties that differ, as the CLI shows them: the inputs (in a refresh, the
 * outputs too). The engine masks secret values in its events: a changed secret is not named.
 */
function stepOf(operation: Operation, metadata: StepEventMetadata): EngineStep | undefined {
  const { op, type, urn } = metadata;
  if (op === "same" || op === "create-replacement" || op === "refresh" || !type.startsWith("pulumi-nodejs:dynamic/")) return undefined;
  const { old, new: next } = metadata;
  const keys: string[] = [];
  if (op === "update" || op === "replace") {
    // Changed inputs, and inputs that differ from the output of the same name (a drift that a
    // refresh found); a masked secret on one side only tells nothing.
    const drifted = Object.fromEntries(
      Object.entries(old?.outputs ?? {}).filter(([key, value]) => key in (next?.inputs ?? {}) && value !== SECRET && next?.inputs?.[key] !== SECRET),
    );
    keys.push(...changedKeys(old?.inputs, next?.inputs), ...changedKeys(drifted, pick(next?.inputs, Object.keys(drifted))));
  }
  if (operation === "refresh" && op === "update") keys.push(...changedKeys(old?.outputs, next?.outputs));
  const replaces = op === "replace" ? (metadata.keys ?? []) : [];
  const unknown = keys.filter((key) => JSON.stringify(next?.inputs?.[key] ?? null).includes(UNKNOWN));
  return { op, type: displayType(type), name: nameOf(urn), urn, keys: [...new Set([...keys, ...replaces])].sort(), replaces, unknown };
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`usage error: ${(error as Error).message}`);
    return 2;
  }
  const project = projectOf(args.program);
  const work = workDir(args.dir);
  fs.mkdirSync(backendDir(args.dir), { recursive: true });
  fs.mkdirSync(work, { recursive: true });
  // The provider host runs in the project directory and loads the package from its node_modules.
  const modules = path.join(work, "node_modules");
  if (!fs.existsSync(modules)) fs.symlinkSync(path.join(project.dir, "node_modules"), modules, "dir");

  const run: EngineRun = { op: args.op, code: 1, summary: {}, steps: [], errors: [], diagnostics: [], outputs: {}, cliOutput: "" };
  const onEvent = (event: EngineEvent) => {
    const diagnostic = event.diagnosticEvent;
    if (diagnostic) {
      const entry = { urn: diagnostic.urn, severity: diagnostic.severity, message: diagnostic.message.trim(), ephemeral: diagnostic.ephemeral };
      run.diagnostics.push(entry);
      if (diagnostic.severity === "error" && diagnostic.urn) {
        const where = `${displayType(diagnostic.urn.split("::")[2].split("$").pop()!)} ${nameOf(diagnostic.urn)}`;
        run.errors.push(`${where}: ${entry.message}`);
      } else if (diagnostic.severity === "error") run.errors.push(entry.message);
    }
    // In a preview the planned steps, otherwise the steps carried out.
    const metadata = args.op === "preview" ? event.resourcePreEvent?.metadata : event.resOutputsEvent?.metadata;
    const step = metadata && stepOf(args.op, metadata);
    // The engine may report a step's outputs more than once.
    if (step && !run.steps.some((seen) => seen.op === step.op && seen.urn === step.urn)) {
      run.steps.push(step);
      const fields = step.keys.length > 0 ? ` [${step.keys.join(", ")}]` : "";
      console.log(`  ${STEP_SYMBOLS[step.op] ?? "?"} ${step.op} ${step.type} ${step.name}${fields}`);
    }
    if (event.summaryEvent) run.summary = event.summaryEvent.resourceChanges as OpMap;
  };

  console.log(`${args.op} (${args.stack}) of project ${project.name} on the Pulumi engine`);
  try {
    const stack = await LocalWorkspace.createOrSelectStack(
      {
        projectName: project.name,
        stackName: args.stack,
        program: async () => ({ ...(await require(args.program)) }),
      },
      {
        workDir: work,
        projectSettings: { name: project.name, runtime: "nodejs", backend: { url: `file://${backendDir(args.dir)}` } },
        envVars: {
          PULUMI_CONFIG_PASSPHRASE: "eurocloud-tests",
          PULUMI_SKIP_UPDATE_CHECK: "true",
        },
      },
    );
    const namespaced = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
    const config = Object.fromEntries([
      ...args.config.map(([key, value]) => [namespaced(key), { value, secret: false }]),
      ...args.secretConfig.map(([key, value]) => [namespaced(key), { value, secret: true }]),
    ]);
    if (Object.keys(config).length > 0) await stack.setAllConfig(config);

    // The CLI's own rendering of the run, as a user reads it.
    const onOutput = (text: string) => (run.cliOutput += text);
    const common = { onEvent, onOutput, parallel: args.parallel, color: "never" as const };
    const targeted = { target: args.target.length > 0 ? args.target : undefined, expectNoChanges: args["expect-no-changes"] || undefined };
    if (args.op === "up") {
      const result = await stack.up({ ...common, ...targeted, replace: args.replace.length > 0 ? args.replace : undefined });
      run.outputs = await maskedOutputs(stack, Object.keys(result.outputs));
    } else if (args.op === "preview") {
      await stack.preview({ ...common, ...targeted, replace: args.replace.length > 0 ? args.replace : undefined });
    } else if (args.op === "refresh") {
      await stack.refresh({ ...common, ...targeted });
    } else {
      await stack.destroy({ ...common, target: targeted.target });
    }
    run.code = 0;
  } catch (error) {
    // The engine's own diagnostics name what failed; without any, the CLI's message is all there is.
    if (run.errors.length === 0) run.errors.push(error instanceof Error ? error.message : String(error));
  }

  const changes = Object.entries(run.summary).filter(([, n]) => (n ?? 0) > 0);
  console.log(`${args.op === "preview" ? "Plan" : "Resources"}: ${changes.map(([op, n]) => `${n} ${op}`).join(", ") || "no changes"}`);
  const outputs = Object.entries(run.outputs);
  if (outputs.length > 0) {
    console.log("Outputs:");
    for (const [key, { value }] of outputs) console.log(`    ${key}: ${JSON.stringify(value)}`);
  }
  for (const error of run.errors) console.error(`error: ${error}`);
  fs.writeFileSync(path.join(args.dir, RESULT_FILE), JSON.stringify(run, null, 2));
  return run.code;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`error: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
