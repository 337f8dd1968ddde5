/**
 * Async-wait overhead: how long after the cloud is done an operation returns, and how often it
 * polls meanwhile, for IONOS writes (a data center create, whose request takes T), Contabo
 * instance provisioning and OVH instance BUILD. Several creates run at once (each in its own
 * data center / instance, so they do not queue behind each other). Beside each row: what a
 * fixed 5 s poll (the IONOS Terraform provider's minimum) and a fixed 1 s poll (the Go SDKs)
 * would waste on the same completion times, from the moment the cloud accepted the request.
 */
import type { ProviderOperations } from "../src/core/kit";
import type { LogEntry } from "../src/emulator/server";
import * as contabo from "../test/support/contabo";
import * as ionos from "../test/support/ionos";
import * as ovh from "../test/support/ovh";
import { mean, ms, num, percentile, printTable, range } from "./common";

export const WAIT_TIMES_MS = [500, 2_000, 10_000];
const RUNS = 5;

interface Sample {
  /** When the cloud accepted the request and when it finished (emulator clock = this clock). */
  acceptedAt: number;
  doneAt: number;
  returnedAt: number;
  polls: number;
}

const count = (entries: LogEntry[], from: number, path: string) =>
  entries.slice(from).filter((entry) => entry.method === "GET" && entry.path === path).length;

async function checked(ops: ProviderOperations, inputs: Record<string, unknown>) {
  const result = await ops.check({}, inputs);
  if (result.failures) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return result.inputs!;
}

async function ionosSamples(requestMs: number): Promise<Sample[]> {
  const emulator = await ionos.useIonosEmulator({ requestMs });
  try {
    const ops = ionos.ops("Datacenter");
    await ops.read("00000000-0000-0000-0000-000000000000", {}); // fetches the token first
    const from = emulator.log.entries.length;
    return await Promise.all(
      range(RUNS).map(async (i) => {
        const inputs = await checked(ops, { name: `wait-${requestMs}-${i}`, location: "de/fra" });
        const { id } = await ops.create(inputs);
        const returnedAt = Date.now();
        const request = [...emulator.store.requests.values()].find((r) => r.method === "POST" && r.targets.some((t) => t.id === id));
        if (!request) throw new Error(`no IONOS request for data center ${id}`);
        const polls = count(emulator.log.entries, from, `/cloudapi/v6/requests/${request.id}/status`);
        return { acceptedAt: request.startsAt, doneAt: request.doneAt, returnedAt, polls };
      }),
    );
  } finally {
    await ionos.stopIonosEmulator(emulator);
  }
}

async function contaboSamples(provisioningMs: number): Promise<Sample[]> {
  const emulator = await contabo.useContaboEmulator({ provisioningMs });
  try {
    const ops = contabo.ops("Instance");
    await ops.read("999999", {}); // fetches the token first
    const from = emulator.log.entries.length;
    return await Promise.all(
      range(RUNS).map(async (i) => {
        const inputs = await checked(ops, { displayName: `wait-${provisioningMs}-${i}` });
        const { id } = await ops.create(inputs);
        const returnedAt = Date.now();
        const instance = emulator.store.instances.get(Number(id))!;
        const polls = count(emulator.log.entries, from, `/v1/compute/instances/${id}`);
        return { acceptedAt: instance.installStartedAt, doneAt: instance.installStartedAt + provisioningMs, returnedAt, polls };
      }),
    );
  } finally {
    await contabo.stopContaboEmulator(emulator);
  }
}

async function ovhSamples(buildMs: number): Promise<Sample[]> {
  const emulator = await ovh.useOvhEmulator({ buildMs });
  try {
    const ops = ovh.ops("CloudInstance");
    const project = emulator.serviceName;
    await ops.read(`${project}/none`, {}); // synchronizes the signing clock first
    const from = emulator.log.entries.length;
    return await Promise.all(
      range(RUNS).map(async (i) => {
        const inputs = await checked(ops, { serviceName: project, name: `wait-${buildMs}-${i}`, region: "GRA11", flavor: "b2-7", image: "Ubuntu 24.04" });
        const { outs } = await ops.create(inputs);
        const returnedAt = Date.now();
        const instance = emulator.store.projects.get(project)!.instances.get(String(outs.instanceId))!;
        const polls = count(emulator.log.entries, from, `/1.0/cloud/project/${project}/instance/${instance.id}`);
        return { acceptedAt: instance.busy.until - buildMs, doneAt: instance.busy.until, returnedAt, polls };
      }),
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

function row(label: string, waitMs: number, samples: Sample[]): string[] {
  const overheads = samples.map((s) => s.returnedAt - s.doneAt);
  const pollRates = samples.map((s) => s.polls / ((s.returnedAt - s.acceptedAt) / 1000));
  const target = Math.max(200, waitMs / 10);
  const p95 = percentile(overheads, 95);
  return [
    label,
    `${waitMs / 1000} s`,
    String(samples.length),
    ms(percentile(overheads, 50)),
    ms(p95),
    ms(target),
    p95 <= target ? "yes" : "NO",
    num(mean(pollRates), 2),
    mean(pollRates) <= 1 ? "yes" : "NO",
    ms(percentile(samples.map((s) => fixedPollWaste(s, 5_000)), 50)),
    ms(percentile(samples.map((s) => fixedPollWaste(s, 1_000)), 50)),
  ];
}

export async function benchWait(): Promise<void> {
  const rows: string[][] = [];
  for (const waitMs of WAIT_TIMES_MS) rows.push(row("ionos Datacenter create (request DONE)", waitMs, await ionosSamples(waitMs)));
  for (const waitMs of WAIT_TIMES_MS) rows.push(row("contabo Instance create (running)", waitMs, await contaboSamples(waitMs)));
  for (const waitMs of WAIT_TIMES_MS) rows.push(row("ovh CloudInstance create (ACTIVE)", waitMs, await ovhSamples(waitMs)));
  printTable(
    "Async-wait overhead: cloud done -> operation returns",
    ["operation", "cloud time T", "runs", "p50", "p95", "target p95", "met", "polls/s", "<= 1", "fixed 5 s poll wastes", "fixed 1 s poll wastes"],
    rows,
    [
      `${RUNS} creates at once per row. polls/s: status reads per second between acceptance and return (target <= 1).`,
      "target p95 = max(200 ms, 10 % of T). Fixed polls: first poll at or after the end, from acceptance, no round trip counted;",
      "when T is a multiple of the interval they are lucky (0 ms); on a real cloud's random end time they waste interval/2 on average.",
    ],
  );
}
