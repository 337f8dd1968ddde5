/**
 * Reliability under random faults, on the real Pulumi engine: the three emulators fail 20 % of all
 * requests (429 with Retry-After, 500, 502, 503, connections reset before and after the request
 * is processed, latency spikes of seconds), IONOS reached through a forwarding proxy (its answers
 * name the emulator's own URLs, as behind a gateway), while a program of many resources over the
 * three clouds (test/programs/reliability.ts) goes through up (creates), refresh (reads), up with
 * changes (updates and replacements) and destroy (deletes), as several stacks at once, once per
 * seed of the fault draws. A step that fails is run again, as a user would, a bounded number of
 * times; every failure must name the cloud, the operation and the resource. After every step the
 * emulators must hold exactly the resources the states say exist, and after every up a preview
 * must show nothing left to do (the up converged). Needs `npm run build` and the Pulumi CLI.
 */
import * as fs from "node:fs";
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
import { type EngineOptions, type EngineResult, describeWithEngine, runEngine, stateFiles, stateResources, tempDir } from "./engine";
import { findUp } from "./harness/project";
import { contaboConfig } from "./harness/run-example";
import { type Proxy, startProxy } from "./support/proxy";

const PROGRAM = path.join(findUp(__dirname, "package.json")!, "dist/test/programs/reliability.js");
/** One round per seed of the fault draws. */
const SEEDS = [1, 2];
/** Stacks run at once in a round. */
const STACKS = 3;
/** Units of the program per stack: each is about 5.5 resources. */
const UNITS = 6;
const FAULT_RATE = 0.2;
const RANDOM_KINDS: FaultKind[] = ["429", "500", "502", "503", "reset-before", "reset-after", "latency"];
const LATENCY_SPIKE_MS = 2_000;
/** Runs of one step on one stack before the step counts as failed (the first and the re-runs). */
const MAX_RUNS = 4;
/** Longest one engine run may take. */
const RUN_BOUND_MS = 180_000;

type Cloud = "contabo" | "ionos" | "ovh";
const CLOUDS: Cloud[] = ["contabo", "ionos", "ovh"];
type OperationKind = "create" | "read" | "update" | "delete";

let contabo: ContaboEmulator;
let ionos: IonosEmulator;
let ovh: OvhEmulator;
let ionosGateway: Proxy;
/** What the emulators held before the run (nothing, unless an emulator starts with something). */
let baseline: Set<string>;

interface LiveResource {
  /** `<cloud>:<Kind> <id>`, as the state names it. */
  key: string;
  token: string;
  name: string;
}

const IONOS_KINDS: Record<string, string> = { datacenter: "Datacenter", lan: "Lan", ipblock: "IpBlock", server: "Server", volume: "Volume" };

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

class Stack {
  readonly dir: string;
  constructor(root: string, readonly prefix: string) {
    this.dir = path.join(root, prefix);
  }

  /** The cloud resources the stack's state holds; a delete-first replacement whose create is still to come is gone from the cloud. */
  resources = () => stateResources(this.dir).filter((r) => !r.pendingReplacement);
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
/** The resource errors of the failed runs (`<type> <name>: <message>`, one per message). */
const failures: string[] = [];
/** The engine's other error lines (the run's own verdict, such as "update failed"). */
const verdicts = new Set<string>();
const runTimes: number[] = [];
const notConverged: string[] = [];
let reruns = 0;

/** Cloud of a type such as `contabo:Tag`. */
const cloudOf = (type: string) => type.split(":")[0] as Cloud;

/**
 * The messages of a resource error: the engine lists the reasons of a create that failed after
 * the resource was made as `N error(s) occurred:` followed by `* <reason>` lines.
 */
function resourceFailures(error: string): string[] {
  const [, where, message] = /^((?:contabo|ionos|ovh):\w+ \S+): ([\s\S]*)$/.exec(error) ?? [];
  if (!where) return [];
  const reasons = /^\d+ errors? occurred:/.test(message) ? message.split("\n").slice(1).map((line) => line.replace(/^\s*\* /, "")) : [message];
  return reasons.filter((reason) => reason.trim() !== "").map((reason) => `${where}: ${reason}`);
}

/** Counts the resource operations one engine run carried out, from the steps it reported. */
function countOperations(run: EngineResult, before: { type: string }[]) {
  if (run.op === "refresh") {
    // Refresh reads every resource of the state; a read that failed is an error of that resource.
    const failed = run.errors.filter((error) => resourceFailures(error).length > 0);
    for (const cloud of CLOUDS) {
      count(cloud, "read", before.filter((r) => cloudOf(r.type) === cloud).length - failed.filter((error) => cloudOf(error) === cloud).length);
    }
    return;
  }
  for (const step of run.steps) {
    const cloud = cloudOf(step.type);
    if (step.op === "create" || step.op === "update") count(cloud, step.op);
    else if (step.op === "replace") count(cloud, "create");
    else if (step.op === "delete" || step.op === "delete-replaced") count(cloud, "delete");
    else throw new Error(`unexpected step: ${step.op} ${step.type} ${step.name}`);
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

function expectNoSecrets(text: string, where: string) {
  for (const secret of secrets()) if (text.includes(secret)) throw new Error(`a credential (${secret.slice(0, 4)}...) is in plain text in ${where}`);
}

/** One step on one stack, re-run after a failure as a user would; throws when it never succeeds. */
async function runStep(stack: Stack, op: EngineOptions["op"], config: Record<string, string> = {}, secretConfig: Record<string, string> = {}) {
  for (let run = 1; run <= MAX_RUNS; run++) {
    const before = stack.resources();
    const started = Date.now();
    // Config given once is kept in the stack's config file for the re-runs and later steps.
    const result = await runEngine({ op, program: PROGRAM, dir: stack.dir, config: run === 1 ? config : {}, secretConfig: run === 1 ? secretConfig : {} });
    runTimes.push(Date.now() - started);
    expectNoSecrets(result.stdout + result.stderr + result.cliOutput, `the output of ${op} of stack ${stack.prefix}`);
    for (const file of stateFiles(stack.dir)) expectNoSecrets(fs.readFileSync(file, "utf8"), file);
    countOperations(result, before);
    for (const error of result.errors) {
      const reasons = resourceFailures(error);
      if (reasons.length > 0) failures.push(...reasons);
      else verdicts.add(error);
    }
    if (result.code === 0) {
      if (op === "up") await expectConverged(stack);
      return;
    }
    expect(failures.length).toBeGreaterThan(0);
    if (run < MAX_RUNS) reruns++;
  }
  throw new Error(`${op} of stack ${stack.prefix} failed ${MAX_RUNS} times`);
}

/** After an up that succeeded, a preview has nothing left to do: each resource's outputs are what its inputs ask. */
async function expectConverged(stack: Stack) {
  const preview = await runEngine({ op: "preview", program: PROGRAM, dir: stack.dir });
  if (preview.code !== 0) throw new Error(`preview of stack ${stack.prefix} failed:\n${preview.stderr}`);
  notConverged.push(...preview.steps.map((step) => `${stack.prefix}: ${step.op} ${step.type} ${step.name} [${step.keys.join(", ")}]`));
}

let root: string;

beforeAll(async () => {
  [contabo, ionos, ovh] = await Promise.all([
    startContaboEmulator({ provisioningMs: 300 }),
    startIonosEmulator({ requestMs: 50 }),
    startOvhEmulator({ buildMs: 300 }),
  ]);
  ionosGateway = await startProxy(ionos.apiUrl);
  baseline = new Set(heldByEmulators().map((resource) => resource.key));
  root = tempDir("reliability-");
});

afterAll(async () => {
  await Promise.all([contabo.stop(), ionos.stop(), ovh.stop(), ionosGateway.stop()]);
  fs.rmSync(root, { recursive: true, force: true });
});

describeWithEngine("reliability under random faults, on the Pulumi engine", () => {
  test(`${FAULT_RATE * 100} % random faults, seeds ${SEEDS.join(" and ")}: at least 500 resource operations over the three clouds converge, with no duplicate and no orphan`, async () => {
    const started = Date.now();
    const settings = {
      config: {
        ...contaboConfig(contabo).config,
        "ionos:apiUrl": ionosGateway.url,
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
    const STEPS: { title: string; run: (stack: Stack) => Promise<void> }[] = [
      { title: "up (creates)", run: (stack) => runStep(stack, "up", { ...settings.config, prefix: stack.prefix }, settings.secretConfig) },
      { title: "refresh (reads)", run: (stack) => runStep(stack, "refresh") },
      { title: "up with changes (updates, replacements)", run: (stack) => runStep(stack, "up", { revision: "2" }) },
      { title: "destroy (deletes)", run: (stack) => runStep(stack, "destroy") },
    ];
    const checks: string[] = [];
    const comparisons: ReturnType<typeof compare>[] = [];
    const stepFailures: unknown[] = [];
    for (const seed of SEEDS) {
      for (const [i, emulator] of [contabo, ionos, ovh].entries()) {
        Object.assign(emulator.faults, { rate: FAULT_RATE, kinds: RANDOM_KINDS, retryAfterSeconds: 1, latencyMs: LATENCY_SPIKE_MS });
        emulator.faults.seed(seed * 3 + i);
      }
      const stacks = Array.from({ length: STACKS }, (_, i) => new Stack(root, `s${seed}${String.fromCharCode(97 + i)}`));
      for (const step of STEPS) {
        const stepStarted = Date.now();
        const outcomes = await Promise.allSettled(stacks.map((stack) => step.run(stack)));
        const result = compare(stacks);
        comparisons.push(result);
        checks.push(
          `seed ${seed}, ${step.title}: ${((Date.now() - stepStarted) / 1000).toFixed(1)} s, ${result.live} live, ${result.inState} in the states, ` +
            `${result.duplicates.length} duplicates, ${result.orphans.length} orphans, ${result.missing.length} missing` +
            [...result.duplicates, ...result.orphans, ...result.missing.map((key) => `${key} (missing)`)].map((what) => `\n    ${what}`).join(""),
        );
        stepFailures.push(...outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : [])));
        if (stepFailures.length > 0) break;
      }
      if (stepFailures.length > 0) break;
    }
    for (const emulator of [contabo, ionos, ovh]) emulator.faults.rate = 0;

    const total = [...operations.values()].reduce((a, b) => a + b, 0);
    const injected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, contabo.faults.injected[kind] + ionos.faults.injected[kind] + ovh.faults.injected[kind]]));
    const sum = (of: (result: ReturnType<typeof compare>) => number) => comparisons.reduce((n, result) => n + of(result), 0);
    const requests = contabo.log.entries.length + ionos.log.entries.length + ovh.log.entries.length;
    console.log(
      [
        `reliability under ${FAULT_RATE * 100} % random faults on the Pulumi engine: seeds ${SEEDS.join(", ")} × ${STACKS} stacks × ${UNITS} units, ` +
          `${total} resource operations`,
        ...CLOUDS.map((cloud) => `  ${cloud}: ${(["create", "read", "update", "delete"] as const).map((kind) => `${operations.get(`${cloud} ${kind}`) ?? 0} ${kind}`).join(", ")}`),
        `  requests: ${requests} (IONOS through the proxy: ${ionosGateway.forwarded}); faults injected: ` +
          Object.entries(injected).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`).join(", "),
        `  lost answers (reset-after): ${injected["reset-after"]}; duplicates: ${sum((r) => r.duplicates.length)}; orphans: ${sum((r) => r.orphans.length)}; ` +
          `missing: ${sum((r) => r.missing.length)}; not converged after an up: ${notConverged.length}`,
        `  engine runs: ${runTimes.length}, re-runs needed: ${reruns}; failed operations: ${failures.length}; longest run ${(Math.max(...runTimes) / 1000).toFixed(1)} s`,
        ...checks.map((line) => `  ${line}`),
        `  wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`,
        ...notConverged.map((step) => `  not converged: ${step}`),
        ...failures.map((failure) => `  failure: ${failure}`),
        ...[...verdicts].map((verdict) => `  engine: ${verdict}`),
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
    expect(notConverged).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(500);
    for (const cloud of CLOUDS) for (const kind of ["create", "read", "update", "delete"]) expect(operations.get(`${cloud} ${kind}`) ?? 0).toBeGreaterThan(0);
    for (const kind of RANDOM_KINDS) expect(injected[kind]).toBeGreaterThan(0);
    // A clear failure: the engine names the resource (type and name), the message the cloud, the operation and the resource.
    for (const failure of failures) expect(failure).toMatch(/^(contabo|ionos|ovh):\w+ \S+: \1: [a-z]+ .+ (failed|timed out)/);
    expect(Math.max(...runTimes)).toBeLessThanOrEqual(RUN_BOUND_MS);
    expect(liveResources()).toEqual([]);
  }, 1_800_000);
});
