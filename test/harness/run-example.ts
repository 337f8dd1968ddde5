/**
 * `npm run example`: the Contabo example (examples/contabo) against the Contabo emulator started
 * here. With the Pulumi CLI on PATH, `pulumi` itself runs it (a local file backend in a temporary
 * directory); otherwise the test harness does (the real provider host, the engine mocked).
 * Steps: up, an up that changes nothing, an up that renames the VPS in place, refresh, destroy.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ContaboEmulator, startContaboEmulator } from "../../src/emulator";
import { runHarness } from ".";
import { findUp } from "./project";

const ROOT = findUp(__dirname, "package.json")!;
export const EXAMPLE_PROGRAM = path.join(ROOT, "dist/examples/contabo/index.js");

/** The example's stack config for an emulator: credentials as secrets, endpoints in plain text. */
export function contaboConfig(emulator: ContaboEmulator) {
  return {
    config: { "contabo:apiUrl": emulator.url, "contabo:tokenUrl": emulator.tokenUrl },
    secretConfig: {
      "contabo:clientId": emulator.credentials.clientId,
      "contabo:clientSecret": emulator.credentials.clientSecret,
      "contabo:user": emulator.credentials.username,
      "contabo:password": emulator.credentials.password,
    },
  };
}

interface Step {
  title: string;
  op: "up" | "refresh" | "destroy";
  config?: Record<string, string>;
  expectNoChanges?: boolean;
}

const STEPS: Step[] = [
  { title: "up: creates the stack", op: "up" },
  { title: "up again: nothing to change", op: "up", expectNoChanges: true },
  { title: "up with displayName=web-renamed: renames the VPS in place", op: "up", config: { displayName: "web-renamed" } },
  { title: "refresh", op: "refresh" },
  { title: "destroy", op: "destroy" },
];

function hasPulumiCli(): boolean {
  return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

async function withHarness(emulator: ContaboEmulator, dir: string): Promise<boolean> {
  const { config, secretConfig } = contaboConfig(emulator);
  const state = path.join(dir, "state.json");
  for (const [index, step] of STEPS.entries()) {
    console.log(`\n=== ${step.title}`);
    // Config given once is kept in the state file for the later steps.
    const first = index === 0;
    const result = await runHarness({
      op: step.op,
      program: EXAMPLE_PROGRAM,
      state,
      config: { ...(first ? config : {}), ...step.config },
      secretConfig: first ? secretConfig : {},
    });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    if (result.code !== 0) return false;
    if (step.expectNoChanges && !/^Resources: \d+ unchanged$/m.test(result.stdout)) {
      console.error("error: expected no changes");
      return false;
    }
  }
  return true;
}

/**
 * A throwaway project in `dir` that runs the compiled example, so neither the stack config file nor
 * the state lands in the repository.
 */
async function withPulumiCli(emulator: ContaboEmulator, dir: string): Promise<boolean> {
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: eurocloud-contabo-example\nruntime: nodejs\n");
  fs.writeFileSync(path.join(dir, "index.js"), `module.exports = require(${JSON.stringify(EXAMPLE_PROGRAM)});\n`);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.mkdirSync(path.join(dir, "backend"));
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: "eurocloud-example",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  // Asynchronous: the emulator answers from this process's event loop.
  const pulumi = (...args: string[]) => {
    console.log(`\n$ pulumi ${args.join(" ")}`);
    const child = spawn("pulumi", [...args, "--non-interactive"], { cwd: dir, env, stdio: "inherit" });
    return new Promise<boolean>((resolve) => child.on("close", (code) => resolve(code === 0)));
  };

  const { config, secretConfig } = contaboConfig(emulator);
  const commands = [
    ["stack", "init", "dev"],
    ...Object.entries(config).map(([key, value]) => ["config", "set", key, value]),
    ...Object.entries(secretConfig).map(([key, value]) => ["config", "set", "--secret", key, value]),
  ];
  for (const command of commands) if (!(await pulumi(...command))) return false;
  let ok = true;
  for (const step of STEPS) {
    console.log(`\n=== ${step.title}`);
    const config = Object.entries(step.config ?? {}).flatMap(([key, value]) => ["--config", `${key}=${value}`]);
    ok = await pulumi(step.op, "--yes", ...config, ...(step.expectNoChanges ? ["--expect-no-changes"] : []));
    if (!ok) break;
  }
  await pulumi("stack", "rm", "dev", "--yes", "--force");
  return ok;
}

async function main(): Promise<number> {
  const emulator = await startContaboEmulator({ provisioningMs: 2_000 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eurocloud-example-"));
  console.log(`Contabo emulator at ${emulator.url}`);
  try {
    let ok: boolean;
    if (hasPulumiCli()) {
      console.log("Pulumi CLI found: running the example with `pulumi` (local file backend in a temporary directory)");
      ok = await withPulumiCli(emulator, dir);
    } else {
      console.log("Pulumi CLI not found: running the example through the test harness (the real provider host, mocked engine)");
      ok = await withHarness(emulator, dir);
    }
    console.log(`\nLive resources left in the emulator: ${emulator.liveResources()}`);
    return ok ? 0 : 1;
  } finally {
    await emulator.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
