/**
 * What the user reads during `pulumi up` on the real Pulumi engine: the package's messages go on
 * the line of the resource they are about, through the engine's Log RPC (the provider host gets
 * the engine's address; each resource carries its URN). A wait shows its status every 2 s as an
 * ephemeral message of that resource; a preview warning comes once, on the resource it is about;
 * what matters after the run (a cancelled contract and its end date) is an info on the resource.
 * Nothing the package says lands on the stack alone. Needs `npm run build` and the Pulumi CLI.
 */
import * as path from "node:path";
import { type ContaboEmulator, type IonosEmulator, startContaboEmulator, startIonosEmulator } from "../src/emulator";
import { type EngineResult, describeWithEngine, runEngine, stateResources, tempDir } from "./engine";
import { findUp } from "./harness/project";
import { contaboEnv } from "./support/contabo";
import { ionosEnv } from "./support/ionos";

const ROOT = findUp(__dirname, "package.json")!;
const ONE_RESOURCE = path.join(ROOT, "dist/test/programs/one-resource.js");
const IONOS_EXAMPLE = path.join(ROOT, "dist/examples/ionos/index.js");
/** How long the emulator takes to provision an instance: the order of the report. */
const ORDER_MS = 15_000;

/** The stderr lines of the provider host (the fallback without a resource line) show in the engine's diagnostics with this prefix. */
const STDERR_PREFIX = "[eurocloud]";

/** The engine's diagnostics of one resource. */
const on = (run: EngineResult, urn: string) => run.diagnostics.filter((d) => d.urn === urn);
/** Diagnostics that the package sent, wherever they landed: its stderr fallback included. */
const fromPackageOffLine = (run: EngineResult) => run.diagnostics.filter((d) => d.message.includes(STDERR_PREFIX));

describeWithEngine("messages on the resource's own line, on the Pulumi engine", () => {
  let contabo: ContaboEmulator;
  let ionos: IonosEmulator;
  const root = tempDir("engine-messages-");

  beforeAll(async () => {
    contabo = await startContaboEmulator({ provisioningMs: ORDER_MS });
    ionos = await startIonosEmulator({ requestMs: 100 });
  });

  afterAll(async () => {
    await Promise.all([contabo.stop(), ionos.stop()]);
  });

  test(`an instance whose order takes ${ORDER_MS / 1000} s shows its status at least every 2 s on its own line; its cancelled contract is an info on it`, async () => {
    const dir = path.join(root, "instance");
    const settings = { program: ONE_RESOURCE, dir, env: contaboEnv(contabo) };
    const up = await runEngine({
      ...settings,
      op: "up",
      config: { type: "contabo:Instance", name: "web-1", args: JSON.stringify({ displayName: "web-1" }) },
    });
    if (up.code !== 0) throw new Error(`up failed:\n${up.stderr}`);
    const [instance] = stateResources(dir);
    const statuses = on(up, instance.urn).filter((d) => d.ephemeral && d.message.includes("waiting for"));
    console.log(
      [
        `${statuses.length} status updates on the line of ${instance.urn}:`,
        ...statuses.map((d) => `  ${d.message}`),
        "the CLI's output of the wait:",
        ...up.cliOutput.split("\n").filter((line) => line.trim() !== "").map((line) => `  | ${line}`),
      ].join("\n"),
    );
    expect(statuses.length).toBeGreaterThanOrEqual(5);
    expect(statuses[0].message).toMatch(/^wait for instance to be running: waiting for status running(: \w+)?, 0 s of \d+ min$/);
    expect(statuses.some((d) => /: installing, \d+ s of \d+ min$/.test(d.message))).toBe(true);
    expect(fromPackageOffLine(up)).toEqual([]);

    const destroy = await runEngine({ ...settings, op: "destroy" });
    if (destroy.code !== 0) throw new Error(`destroy failed:\n${destroy.stderr}`);
    const notes = on(destroy, instance.urn).filter((d) => !d.ephemeral);
    expect(notes).toEqual([
      expect.objectContaining({ severity: "info", message: expect.stringMatching(/^cancelled the contract of instance \d+; it ends on \d{4}-\d\d-\d\d/) }),
    ]);
    expect(fromPackageOffLine(destroy)).toEqual([]);
  }, 120_000);

  test("a change that restarts an IONOS server warns once, on the server, in the preview and in the up", async () => {
    const dir = path.join(root, "ionos");
    const settings = { program: IONOS_EXAMPLE, dir, config: { "ionos:apiUrl": ionos.apiUrl }, env: ionosEnv(ionos) };
    const up = await runEngine({ ...settings, op: "up" });
    if (up.code !== 0) throw new Error(`up failed:\n${up.stderr}`);
    const server = stateResources(dir).find((r) => r.type === "ionos:Server")!;
    for (const op of ["preview", "up"] as const) {
      const run = await runEngine({ ...settings, op, config: { cores: "4" } });
      if (run.code !== 0) throw new Error(`${op} failed:\n${run.stderr}`);
      const warnings = run.diagnostics.filter((d) => d.severity === "warning");
      expect({ op, warnings }).toEqual({
        op,
        warnings: [expect.objectContaining({ urn: server.urn, message: "changing cores restarts the server" })],
      });
      expect(fromPackageOffLine(run)).toEqual([]);
    }
    expect((await runEngine({ ...settings, op: "destroy" })).code).toBe(0);
  }, 180_000);
});
