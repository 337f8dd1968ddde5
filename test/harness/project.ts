import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The nearest directory at or above `start` that holds `file`. */
export function findUp(start: string, file: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, file))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export interface Project {
  name: string;
  /** Where Pulumi.yaml is: the provider host runs here, as under the Pulumi CLI. */
  dir: string;
}

/** The Pulumi project of a program: the `name` in the nearest Pulumi.yaml above it. */
export function projectOf(program: string | undefined): Project {
  const start = program ? path.dirname(path.resolve(program)) : process.cwd();
  const dir = findUp(start, "Pulumi.yaml");
  if (!dir) return { name: "project", dir: process.cwd() };
  const name = /^name:\s*["']?([^"'\s#]+)/m.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))?.[1];
  return { name: name ?? "project", dir };
}

/** `key=value` command-line items as pairs. */
/** The operations the command-line drivers (the harness's and the real engine's) run. */
export const OPERATIONS = ["up", "preview", "refresh", "destroy"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** How the drivers print each step, as the Pulumi CLI does. */
export const STEP_SYMBOLS: Record<string, string> = {
  create: "+",
  update: "~",
  replace: "+-",
  delete: "-",
  "delete-replaced": "--",
  read: ">",
  refresh: "~",
  drift: "~",
};

/** The drivers' common command-line options (for `parseArgs`). */
export const PROGRAM_OPTIONS = {
  program: { type: "string" as const },
  stack: { type: "string" as const, default: "dev" },
  config: { type: "string" as const, multiple: true as const, default: [] as string[] },
  "secret-config": { type: "string" as const, multiple: true as const, default: [] as string[] },
};

/** The operation named on a driver's command line. */
export function operationOf(positionals: string[]): Operation {
  const op = positionals[0] as Operation;
  if (positionals.length !== 1 || !OPERATIONS.includes(op)) throw new Error(`the operation must be one of ${OPERATIONS.join(", ")}`);
  return op;
}

export function keyValuePairs(items: string[]): (readonly [string, string])[] {
  return items.map((item) => {
    const at = item.indexOf("=");
    if (at <= 0) throw new Error(`expected key=value, got "${item}"`);
    return [item.slice(0, at), item.slice(at + 1)] as const;
  });
}

/** The `--config` and `--secret-config` arguments of the harness and engine command lines. */
export function configArgs(config: Record<string, string> = {}, secretConfig: Record<string, string> = {}): string[] {
  return [
    ...Object.entries(config).flatMap(([key, value]) => ["--config", `${key}=${value}`]),
    ...Object.entries(secretConfig).flatMap(([key, value]) => ["--secret-config", `${key}=${value}`]),
  ];
}

/** Runs a Node script of this repository as its own process, collecting what it prints. */
export function runScript(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
