/**
 * Reliability under random faults: the three emulators fail 20 % of all requests (429 with
 * Retry-After, 500, 502, 503, connections reset before and after the request is processed,
 * latency spikes of seconds) while a program of many resources over the three clouds
 * (test/programs/reliability.ts) goes through up (creates), refresh (reads), up with changes
 * (updates and replacements) and destroy (deletes), through the harness and the real provider
 * host, as several stacks at once. A step that fails is run again, as a user would, a bounded
 * number of times; every failure must name the cloud, the operation and the resource. After
 * every step the emulators must hold exactly the resources the states say exist.
 * Needs `npm run build` first (the harness CLI and the program run from dist/).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  type ContaboEmulator,
  type FaultKind,
  FAULT_KINDS,
  type IonosEmulator,
  type OvhEmulator,
  startContaboEmulator,
  startIonosEmulator,
  startOvhEmulator,
} from "../src/emulator";
import { type HarnessOptions, runHarness, steps } from "./harness";
import { findUp } from "./harness/project";
import { contaboConfig } from "./harness/run-example";

const PROGRAM = path.join(findUp(__dirname, "package.json")!, "dist/test/programs/reliability.js");
/** Stacks run at once (the harness runs refresh and destroy one resource at a time). */
const STACKS = 4;
/** Units of the program per stack: each is about 4.8 resources. */
const UNITS = 7;
const FAULT_RATE = 0.2;
const RANDOM_KINDS: FaultKind[] = ["429", "500", "502", "503", "reset-before", "reset-after", "latency"];
const LATENCY_SPIKE_MS = 2_000;
/** Runs of one step on one stack before the step counts as failed (the first and the re-runs). */
const MAX_RUNS = 4;
/** Longest one harness run may take. */
const RUN_BOUND_MS = 120_000;

type Cloud = "contabo" | "ionos" | "ovh";
const CLOUDS: Cloud[] = ["contabo", "ionos", "ovh"];
type OperationKind = "create" | "read" | "update" | "delete";

let contabo: ContaboEmulator;
let ionos: IonosEmulator;
let ovh: OvhEmulator;
let dir: string;
/** What the emulators held before the run (nothing, unless an emulator starts with something). */
let baseline: Set<string>;

interface LiveResource {
  /** `<cloud>:<Kind> <id>`, as the state names it. */
  key: string;
  token: string;
  name: string;
}

const IONOS_KINDS: Record<string, string> = { datacenter: "Datacenter", lan: "Lan", ipblock: "IpBlock" };

/** Every resource the three emulators hold, named the way the state names it. */
function heldByEmulators(): LiveResource[] {
  const live = (token: string, id: string | number, name: string): LiveResource => ({ key: `${token} ${id}`, token, name });
  const { store: c } = contabo;
  const found = [
    ...[...c.tags.values()].map((tag) => live("contabo:Tag", tag.tagId, tag.name)),
    ...[...c.secrets.values()].map((secret) => live("contabo:Secret", secret.secretId, secret.name)),
    ...[...c.privateNetworks.values()].map((network) => live("contabo:PrivateNetwork", network.privateNetworkId, network.name)),
    // A cancelled order is no longer live: that is how an instance is deleted.
    ...[...c.instances.values()].filter((vm) => !vm.cancelDate).map((vm) => live("contabo:Instance", vm.instanceId, vm.displayName)),
    // An IONOS id is the path's ids: `/datacenters/<dc>/lans/<lan>` is `<dc>/<lan>`.
    ...[...ionos.store.nodes.values()].map((node) =>
      live(`ionos:${IONOS_KINDS[node.type] ?? node.type}`, node.path.split("/").filter((_, i) => i % 2 === 0 && i > 0).join("/"), String(node.properties.name)),
    ),
    ...[...ovh.store.zones.values()].flatMap((zone) =>
      [...zone.records.values()].map((record) => live("ovh:DomainRecord", `${zone.name}/${record.id}`, record.subDomain)),
    ),
    ...[...ovh.store.projects].flatMap(([serviceName, project]) => [
      ...[...project.sshKeys.values()].map((key) => live("ovh:CloudSshKey", `${serviceName}/${key.id}`, key.name)),
      ...[...project.instances.values()].map((vm) => live("ovh:CloudInstance", `${serviceName}/${vm.id}`, vm.name)),
    ]),
  ];
  // Anything else an emulator holds would escape the comparison: there must be nothing else.
  expect(found.length).toBe(contabo.liveResources() + ionos.liveResources() + ovh.liveResources());
  return found;
}

/** What the emulators hold that they did not hold before the run. */
const liveResources = () => heldByEmulators().filter((resource) => !baseline.has(resource.key));

interface StateResource {
  type: string;
  name: string;
  id: string;
}

class Stack {
  readonly state: string;
  constructor(readonly prefix: string) {
    this.state = path.join(dir, `${prefix}.json`);
  }

  resources(): StateResource[] {
    if (!fs.existsSync(this.state)) return [];
    return (JSON.parse(fs.readFileSync(this.state, "utf8")).resources as StateResource[]).map((r) => ({
      ...r,
      type: r.type.replace("pulumi-nodejs:dynamic/", ""),
    }));
  }
}

/** `<cloud>:<Kind> <id>` of every resource the states hold. */
const stateKeys = (stacks: Stack[]) => stacks.flatMap((stack) => stack.resources().map((r) => `${r.type} ${r.id}`));

/** Duplicates (two live resources of one name), orphans (live, not in a state), missing (in a state, gone). */
function compare(stacks: Stack[]) {
  const live = liveResources();
  const inState = stateKeys(stacks);
  const names = new Map<string, number>();
  for (const resource of live) names.set(`${resource.token} ${resource.name}`, (names.get(`${resource.token} ${resource.name}`) ?? 0) + 1);
  return {
    live: live.length,
    inState: inState.length,
    duplicates: [...names].filter(([, n]) => n > 1).map(([name, n]) => `${name} ×${n}`),
    orphans: live.filter((resource) => !inState.includes(resource.key)).map((resource) => `${resource.key} (${resource.name})`),
    missing: inState.filter((key) => !live.some((resource) => resource.key === key)),
    doubleInState: inState.filter((key, i) => inState.indexOf(key) !== i),
  };
}

const operations = new Map<string, number>();
const count = (cloud: string, kind: OperationKind, n = 1) => operations.set(`${cloud} ${kind}`, (operations.get(`${cloud} ${kind}`) ?? 0) + n);
const failures: string[] = [];
const runTimes: number[] = [];
let reruns = 0;

/** Cloud of a harness label such as `contabo:Tag tag-a-0`. */
const cloudOf = (label: string) => label.split(":")[0] as Cloud;

/** Counts the resource operations one harness run carried out, from its output. */
function countOperations(op: HarnessOptions["op"], stdout: string, failed: string[], before: StateResource[]) {
  if (op === "refresh") {
    // Refresh reads every resource of the state; a read that failed is an error line.
    for (const cloud of CLOUDS) {
      const read = before.filter((r) => cloudOf(r.type) === cloud).length - failed.filter((line) => cloudOf(line) === cloud).length;
      count(cloud, "read", read);
    }
    return;
  }
  for (const line of steps(stdout)) {
    const [, step, type] = line.split(" ");
    const cloud = cloudOf(type);
    if (step === "create" || step === "update") count(cloud, step);
    else if (step === "delete" || step === "delete-replaced") count(cloud, "delete");
    else if (step === "replace") {
      count(cloud, "create");
      // Create-before-delete replacements print their delete (delete-replaced) at the end.
      if (line.includes("delete before create")) count(cloud, "delete");
    } else throw new Error(`unexpected step: ${line}`);
  }
}

const secrets = () => [
  contabo.credentials.clientSecret,
  contabo.credentials.password,
  ionos.credentials.token,
  ionos.credentials.password,
  ovh.credentials.applicationSecret,
  ovh.credentials.consumerKey,
];

/** One step on one stack, re-run after a failure as a user would; throws when it never succeeds. */
async function runStep(stack: Stack, op: HarnessOptions["op"], config: Record<string, string> = {}, secretConfig: Record<string, string> = {}) {
  for (let run = 1; run <= MAX_RUNS; run++) {
    const before = stack.resources();
    const started = Date.now();
    const result = await runHarness({ op, program: PROGRAM, state: stack.state, config: run === 1 ? config : {}, secretConfig: run === 1 ? secretConfig : {} });
    runTimes.push(Date.now() - started);
    for (const secret of secrets()) expect(result.stdout + result.stderr).not.toContain(secret);
    const errors = result.stderr.split("\n").filter((line) => line.startsWith("error: ")).map((line) => line.slice("error: ".length));
    countOperations(op, result.stdout, errors, before);
    failures.push(...errors);
    if (result.code === 0) return;
    expect(errors.length).toBeGreaterThan(0);
    if (run < MAX_RUNS) reruns++;
  }
  throw new Error(`${op} of stack ${stack.prefix} failed ${MAX_RUNS} times`);
}

beforeAll(async () => {
  [contabo, ionos, ovh] = await Promise.all([
    startContaboEmulator({ provisioningMs: 300 }),
    startIonosEmulator({ requestMs: 50 }),
    startOvhEmulator({ buildMs: 300 }),
  ]);
  baseline = new Set(heldByEmulators().map((resource) => resource.key));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "reliability-"));
  for (const emulator of [contabo, ionos, ovh]) {
    Object.assign(emulator.faults, { rate: FAULT_RATE, kinds: RANDOM_KINDS, retryAfterSeconds: 1, latencyMs: LATENCY_SPIKE_MS });
  }
});

afterAll(async () => {
  await Promise.all([contabo.stop(), ionos.stop(), ovh.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test(`20 % random faults: at least 500 resource operations over the three clouds converge, with no duplicate and no orphan`, async () => {
  const started = Date.now();
  const stacks = Array.from({ length: STACKS }, (_, i) => new Stack(String.fromCharCode(97 + i)));
  const settings = {
    config: {
      ...contaboConfig(contabo).config,
      "ionos:apiUrl": ionos.apiUrl,
      "ovh:endpoint": ovh.apiUrl,
      serviceName: ovh.serviceName,
      count: String(UNITS),
      revision: "1",
    },
    secretConfig: {
      ...contaboConfig(contabo).secretConfig,
      "ionos:token": ionos.credentials.token,
      "ovh:applicationKey": ovh.credentials.applicationKey,
      "ovh:applicationSecret": ovh.credentials.applicationSecret,
      "ovh:consumerKey": ovh.credentials.consumerKey,
    },
  };
  const checks: string[] = [];
  const STEPS: { title: string; run: (stack: Stack) => Promise<void> }[] = [
    { title: "up (creates)", run: (stack) => runStep(stack, "up", { ...settings.config, prefix: stack.prefix }, settings.secretConfig) },
    { title: "refresh (reads)", run: (stack) => runStep(stack, "refresh") },
    { title: "up with changes (updates, replacements)", run: (stack) => runStep(stack, "up", { revision: "2" }) },
    { title: "destroy (deletes)", run: (stack) => runStep(stack, "destroy") },
  ];
  const comparisons: ReturnType<typeof compare>[] = [];
  const stepFailures: unknown[] = [];
  for (const step of STEPS) {
    const stepStarted = Date.now();
    const outcomes = await Promise.allSettled(stacks.map((stack) => step.run(stack)));
    const result = compare(stacks);
    comparisons.push(result);
    checks.push(
      `${step.title}: ${((Date.now() - stepStarted) / 1000).toFixed(1)} s, ${result.live} live, ${result.inState} in the states, ` +
        `${result.duplicates.length} duplicates, ${result.orphans.length} orphans, ${result.missing.length} missing` +
        [...result.duplicates, ...result.orphans, ...result.missing.map((key) => `${key} (missing)`)].map((what) => `\n    ${what}`).join(""),
    );
    stepFailures.push(...outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : [])));
    if (stepFailures.length > 0) break;
  }
  for (const emulator of [contabo, ionos, ovh]) emulator.faults.rate = 0;

  const total = [...operations.values()].reduce((a, b) => a + b, 0);
  const injected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, contabo.faults.injected[kind] + ionos.faults.injected[kind] + ovh.faults.injected[kind]]));
  const sum = (of: (result: ReturnType<typeof compare>) => number) => comparisons.reduce((n, result) => n + of(result), 0);
  const requests = contabo.log.entries.length + ionos.log.entries.length + ovh.log.entries.length;
  console.log(
    [
      `reliability under ${FAULT_RATE * 100} % random faults: ${STACKS} stacks × ${UNITS} units, ${total} resource operations through the provider host`,
      ...CLOUDS.map((cloud) => `  ${cloud}: ${(["create", "read", "update", "delete"] as const).map((kind) => `${operations.get(`${cloud} ${kind}`) ?? 0} ${kind}`).join(", ")}`),
      `  requests: ${requests}; faults injected: ${Object.entries(injected).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`).join(", ")}`,
      `  lost answers (reset-after): ${injected["reset-after"]}; duplicates: ${sum((r) => r.duplicates.length)}; orphans: ${sum((r) => r.orphans.length)}; missing: ${sum((r) => r.missing.length)}`,
      `  re-runs needed: ${reruns}; failed operations: ${failures.length}; longest run ${(Math.max(...runTimes) / 1000).toFixed(1)} s`,
      ...checks.map((line) => `  ${line}`),
      `  wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`,
      ...failures.map((failure) => `  failure: ${failure}`),
    ].join("\n"),
  );

  expect(stepFailures).toEqual([]);
  for (const result of comparisons) {
    expect({ duplicates: result.duplicates, orphans: result.orphans, missing: result.missing, doubleInState: result.doubleInState }).toEqual({
      duplicates: [],
      orphans: [],
      missing: [],
      doubleInState: [],
    });
  }
  expect(total).toBeGreaterThanOrEqual(500);
  for (const cloud of CLOUDS) for (const kind of ["create", "read", "update", "delete"]) expect(operations.get(`${cloud} ${kind}`) ?? 0).toBeGreaterThan(0);
  for (const kind of RANDOM_KINDS) expect(injected[kind]).toBeGreaterThan(0);
  // A clear failure: the harness names the resource (type and name), the message the cloud, the operation and the resource.
  for (const failure of failures) expect(failure).toMatch(/^(contabo|ionos|ovh):\w+ \S+: \1: [a-z]+ .+ (failed|timed out)/);
  expect(Math.max(...runTimes)).toBeLessThanOrEqual(RUN_BOUND_MS);
  expect(liveResources()).toEqual([]);
}, 600_000);
