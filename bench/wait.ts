/**
 * Async-wait overhead: how long after the cloud is done an operation returns, and how often it
 * polls meanwhile, for IONOS writes (a data center create, whose request takes T), Contabo
 * instance provisioning and OVH instance BUILD. Each row is a fresh provider process (nothing
 * learned): one create alone first (the first wait of its kind, reported on its own), then
 * several at once (each in its own data center / instance, so they do not queue behind each
 * other). Beside each row: what a fixed 5 s poll (the IONOS Terraform provider's minimum) and a
 * fixed 1 s poll (the Go SDKs) would waste on the same completion times, from the moment the
 * cloud accepted the request.
 */
import type { ProviderOperations } from "../src/core/kit";
import { learnedDurations } from "../src/core/wait";
import type { LogEntry } from "../src/emulator/server";
import * as contabo from "../test/support/contabo";
import * as ionos from "../test/support/ionos";
import * as ovh from "../test/support/ovh";
import { ms, num, percentile, printTable, range } from "./common";

export const WAIT_TIMES_MS = [500, 2_000, 10_000];
const RUNS = 5;

interface Sample {
  /** When the cloud accepted the request and when it finished (emulator clock = this clock). */
  acceptedAt: number;
  doneAt: number;
  returnedAt: number;
}

/** The creates of a row, and the status polls they sent (all of them together: concurrent waits share polls). */
interface Run {
  samples: Sample[];
  polls: number;
}

/**
 * The status polls in the log since `from`: GETs of a status path (one resource or request) or of
 * the list that answers for several, less the reads each create makes of its resource anyway
 * (`ownReads`: the calls table counts those).
 */
const statusPolls = (entries: LogEntry[], from: number, isStatusPoll: (entry: LogEntry) => boolean, ownReads: number) =>
  entries.slice(from).filter(isStatusPoll).length - ownReads;

/** One create alone (the first of its kind in the process), then `RUNS` at once. */
async function aloneThenTogether(
  log: () => LogEntry[],
  countPolls: (entries: LogEntry[], from: number, creates: number) => number,
  create: (i: number) => Promise<Sample>,
): Promise<{ alone: Run; together: Run }> {
  learnedDurations.clear();
  const measure = async (indexes: number[]): Promise<Run> => {
    const from = log().length;
    const samples = await Promise.all(indexes.map(create));
    return { samples, polls: countPolls(log(), from, indexes.length) };
  };
  const alone = await measure([RUNS]);
  return { alone, together: await measure(range(RUNS)) };
}

async function checked(ops: ProviderOperations, inputs: Record<string, unknown>) {
  const result = await ops.check({}, inputs);
  if (result.failures) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return result.inputs!;
}

async function ionosRuns(requestMs: number) {
  const emulator = await ionos.useIonosEmulator({ requestMs });
  try {
    const ops = ionos.ops("Datacenter");
    await ops.read("00000000-0000-0000-0000-000000000000", {}); // fetches the token first
    return await aloneThenTogether(
      () => emulator.log.entries,
      (entries, from) => statusPolls(entries, from, ionos.isRequestStatusPoll, 0),
      async (i) => {
        const inputs = await checked(ops, { name: `wait-${requestMs}-${i}`, location: "de/fra" });
        const { id } = await ops.create(inputs);
        const returnedAt = Date.now();
        const request = [...emulator.store.requests.values()].find((r) => r.method === "POST" && r.targets.some((t) => t.id === id));
        if (!request) throw new Error(`no IONOS request for data center ${id}`);
        return { acceptedAt: request.startsAt, doneAt: request.doneAt, returnedAt };
      },
    );
  } finally {
    await ionos.stopIonosEmulator(emulator);
  }
}

async function contaboRuns(provisioningMs: number) {
  const emulator = await contabo.useContaboEmulator({ provisioningMs });
  try {
    const ops = contabo.ops("Instance");
    await ops.read("999999", {}); // fetches the token first
    const isStatusPath = (path: string) => /^\/v1\/compute\/instances(\/\d+)?$/.test(path);
    return await aloneThenTogether(
      () => emulator.log.entries,
      // A create reads its instance once after ordering it.
      (entries, from, creates) => statusPolls(entries, from, (entry) => entry.method === "GET" && isStatusPath(entry.path), creates),
      async (i) => {
        const inputs = await checked(ops, { displayName: `wait-${provisioningMs}-${i}` });
        const { id } = await ops.create(inputs);
        const returnedAt = Date.now();
        const instance = emulator.store.instances.get(Number(id))!;
        return { acceptedAt: instance.installStartedAt, doneAt: instance.installStartedAt + provisioningMs, returnedAt };
      },
    );
  } finally {
    await contabo.stopContaboEmulator(emulator);
  }
}

async function ovhRuns(buildMs: number) {
  const emulator = await ovh.useOvhEmulator({ buildMs });
  try {
    const ops = ovh.ops("CloudInstance");
    const project = emulator.serviceName;
    await ops.read(`${project}/none`, {}); // synchronizes the signing clock first
    const instances = `/1.0/cloud/project/${project}/instance`;
    const isStatusPath = (path: string) => path === instances || (path.startsWith(`${instances}/`) && !path.slice(instances.length + 1).includes("/"));
    return await aloneThenTogether(
      () => emulator.log.entries,
      // The create's answer is the instance: it reads nothing but the status.
      (entries, from) => statusPolls(entries, from, (entry) => entry.method === "GET" && isStatusPath(entry.path), 0),
      async (i) => {
        const inputs = await checked(ops, { serviceName: project, name: `wait-${buildMs}-${i}`, region: "GRA11", flavor: "b2-7", image: "Ubuntu 24.04" });
        const { outs } = await ops.create(inputs);
        const returnedAt = Date.now();
        const instance = emulator.store.projects.get(project)!.instances.get(String(outs.instanceId))!;
        return { acceptedAt: instance.busy.until - buildMs, doneAt: instance.busy.until, returnedAt };
      },
    );
  } finally {
    await ovh.stopOvhEmulator(emulator);
  }
}

/** What a poll every `intervalMs` from acceptance would waste: its first poll at or after the end. */
const fixedPollWaste = (sample: Sample, intervalMs: number) => {
  const duration = sample.doneAt - sample.acceptedAt;
  return Math.ceil(duration / intervalMs) * intervalMs - duration;
};

/** Status polls per second of waiting: the polls over the waits' summed durations (a poll shared by k waits counts once). */
const pollRate = (run: Run) => run.polls / (run.samples.reduce((sum, s) => sum + (s.returnedAt - s.acceptedAt), 0) / 1000);

/** Status requests per second of wall time, from the first acceptance to the last return. */
const wallRate = (run: Run) =>
  run.polls / ((Math.max(...run.samples.map((s) => s.returnedAt)) - Math.min(...run.samples.map((s) => s.acceptedAt))) / 1000);

function row(label: string, waitMs: number, { alone, together }: { alone: Run; together: Run }): string[] {
  const overheads = together.samples.map((s) => s.returnedAt - s.doneAt);
  const target = Math.max(200, waitMs / 10);
  const p95 = percentile(overheads, 95);
  const rate = pollRate(together);
  const first = alone.samples[0];
  return [
    label,
    `${waitMs / 1000} s`,
    String(together.samples.length),
    ms(percentile(overheads, 50)),
    ms(p95),
    ms(target),
    p95 <= target ? "yes" : "NO",
    num(rate, 2),
    rate <= 1 ? "yes" : "NO",
    num(wallRate(together), 2),
    `${ms(first.returnedAt - first.doneAt)}, ${num(pollRate(alone), 2)}/s`,
    ms(percentile(together.samples.map((s) => fixedPollWaste(s, 5_000)), 50)),
    ms(percentile(together.samples.map((s) => fixedPollWaste(s, 1_000)), 50)),
  ];
}

export async function benchWait(): Promise<void> {
  const rows: string[][] = [];
  for (const waitMs of WAIT_TIMES_MS) rows.push(row("ionos Datacenter create (request DONE)", waitMs, await ionosRuns(waitMs)));
  for (const waitMs of WAIT_TIMES_MS) rows.push(row("contabo Instance create (running)", waitMs, await contaboRuns(waitMs)));
  for (const waitMs of WAIT_TIMES_MS) rows.push(row("ovh CloudInstance create (ACTIVE)", waitMs, await ovhRuns(waitMs)));
  printTable(
    "Async-wait overhead: cloud done -> operation returns",
    [
      "operation", "cloud time T", "runs", "p50", "p95", "target p95", "met", "polls/s", "<= 1", "requests/s (wall)",
      "first alone: overhead, polls/s", "fixed 5 s poll wastes", "fixed 1 s poll wastes",
    ],
    rows,
    [
      `Each row: a fresh process (nothing learned), one create alone ("first alone"), then ${RUNS} creates at once (p50, p95, polls/s).`,
      "polls/s: status polls per second of waiting = status requests sent (a list answering several waits counts once) over the",
      "  waits' summed durations (acceptance to return); target <= 1. Status requests: GETs of the request / instance or of the",
      "  list answering for several, less the read a Contabo create makes of its instance before the wait (calls table).",
      "requests/s (wall): the same requests over the wall time the waits took together (what the API sees).",
      "first alone: the first wait of its kind polls densely (it knows nothing); a wait alone cannot meet <= 1 poll/s for T = 0.5 s",
      "  (one poll in 0.5 s is 2/s); later waits of the kind poll sparsely, then densely from one dense interval after 90 % of",
      "  the shortest duration seen.",
      "target p95 = max(200 ms, 10 % of T). Fixed polls: first poll at or after the end, from acceptance, no round trip counted;",
      "when T is a multiple of the interval they are lucky (0 ms); on a real cloud's random end time they waste interval/2 on average.",
    ],
  );
}
