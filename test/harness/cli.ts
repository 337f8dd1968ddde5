/**
 * The harness command line, one operation per process (as each `pulumi` command is):
 *   node dist/test/harness/cli.js <up|preview|refresh|destroy> --program <file.js> --state <state.json>
 *     [--stack <name>] [--config key=value]... [--secret-config key=value]...
 * Config is kept in the state file (secrets encrypted) for later runs; keys without a namespace
 * belong to the project, as with `pulumi config set`.
 */
import { parseArgs } from "node:util";
import { Deployment, type Operation } from "./engine";
import { PROGRAM_OPTIONS, keyValuePairs, operationOf, projectOf } from "./project";
import { type StackState, openState } from "./state";

const HEADINGS: Record<Operation, string> = { up: "Updating", preview: "Previewing update", refresh: "Refreshing", destroy: "Destroying" };

function parse(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...PROGRAM_OPTIONS,
      state: { type: "string" },
    },
  });
  const op = operationOf(positionals);
  if (!values.state) throw new Error("--state <file> is required");
  if (!values.program && (op === "up" || op === "preview")) throw new Error(`--program <file.js> is required for ${op}`);
  return { op, ...values, state: values.state, config: keyValuePairs(values.config), secretConfig: keyValuePairs(values["secret-config"]) };
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
  const { state, save } = openState(args.state);
  const namespaced = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
  for (const [key, value] of args.config) state.config[namespaced(key)] = { value, secret: false };
  for (const [key, value] of args.secretConfig) state.config[namespaced(key)] = { value, secret: true };

  console.log(`${HEADINGS[args.op]} (${args.stack}) of project ${project.name}`);
  // Written after every completed step, as the engine checkpoints: a crash loses only the steps under way.
  const checkpoint = (resources: StackState["resources"]) => {
    if (args.op === "preview") return;
    state.resources = resources;
    save(state);
  };
  const deployment = new Deployment(state, project, args.stack, args.op === "preview", (line) => console.log(line), checkpoint);
  try {
    if (args.op === "refresh") await deployment.refresh();
    else if (args.op === "destroy") await deployment.destroy();
    else {
      const outputs = await deployment.runProgram(args.program!);
      if (outputs && args.op === "up") state.outputs = outputs;
      if (outputs) deployment.printOutputs(outputs);
    }
  } finally {
    await deployment.close();
    // Saved whatever happened: a resource created before an error must stay in the state.
    if (args.op !== "preview") state.resources = deployment.result();
    if (args.op === "destroy" && deployment.failures.length === 0) state.outputs = {};
    save(state);
  }

  console.log(deployment.summary());
  for (const failure of deployment.failures) console.error(`error: ${failure}`);
  return deployment.failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`error: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
