/**
 * `npm run example`: the Contabo example (examples/contabo) against the Contabo emulator started
 * here. With a Pulumi CLI (on PATH, or the one `bash .ci/pulumi-cli` built), the Pulumi engine runs
 * it through the Automation API (a local file backend in a temporary directory); otherwise the test
 * harness does (the real provider host, the engine imitated).
 * Steps: up, an up that changes nothing, an up that renames the VPS in place, refresh, destroy.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ContaboEmulator, startContaboEmulator } from "../../src/emulator";
import { cliProblem, pulumiBinDir, runEngine } from "../engine";
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
 * The steps on the real Pulumi engine, through the Automation API (no language plugin needed),
 * with a local file backend in `dir`.
 */
async function withEngine(emulator: ContaboEmulator, dir: string): Promise<boolean> {
  const { config, secretConfig } = contaboConfig(emulator);
  for (const [index, step] of STEPS.entries()) {
    console.log(`\n=== ${step.title}`);
    const first = index === 0;
    const result = await runEngine({
      op: step.op,
      program: EXAMPLE_PROGRAM,
      dir,
      config: { ...(first ? config : {}), ...step.config },
      secretConfig: first ? secretConfig : {},
      expectNoChanges: step.expectNoChanges,
    });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    if (result.code !== 0) return false;
  }
  return true;
}

async function main(): Promise<number> {
  const emulator = await startContaboEmulator({ provisioningMs: 2_000 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eurocloud-example-"));
  console.log(`Contabo emulator at ${emulator.url}`);
  try {
    let ok: boolean;
    const cli = pulumiBinDir();
    if (cli) {
      console.log(`Pulumi CLI found in ${cli}: running the example on the Pulumi engine (Automation API, local file backend in a temporary directory)`);
      ok = await withEngine(emulator, dir);
    } else {
      console.log(`${cliProblem}\nRunning the example through the test harness instead (the real provider host, the engine imitated)`);
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
