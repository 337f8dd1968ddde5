/**
 * The read coalescer of the core: concurrent reads share batch calls per group, a full batch goes
 * at once, a missing key reads as gone, a failed batch fails each of its reads with an error the
 * kit puts the resource in front of, and a read alone waits only the quiet time. The list reader
 * keeps a list for the waves of reads that follow, and stops when an item is read again, an item
 * is missing, a write goes through the client or the reads stop coming.
 */
import { z } from "zod";
import { BatchReadError, Coalescer, SNAPSHOT_IDLE_MS, listReader, sendCounted } from "../src/core/coalesce";
import { CloudApiError } from "../src/core/errors";
import { type CloudBinding, providerOperations } from "../src/core/kit";

/** A coalescer over a table of items, recording each batch call it makes. */
function over(table: Record<string, string>, maxBatch = 100, quietMs?: number, maxWaitMs?: number) {
  const batches: { keys: string[]; group: string }[] = [];
  const coalescer = new Coalescer<string, string>({
    quietMs,
    maxWaitMs,
    maxBatch,
    async fetchBatch(keys, group) {
      batches.push({ keys, group });
      return new Map(keys.filter((key) => key in table).map((key) => [key, `${group}:${table[key]}`]));
    },
  });
  return { coalescer, batches };
}

test("concurrent reads share one batch per group; a key the batch lacks reads as undefined", async () => {
  const { coalescer, batches } = over({ a: "A", b: "B", c: "C" });
  const reads = await Promise.all([
    coalescer.read("a", "dc1"),
    coalescer.read("b", "dc1"),
    coalescer.read("a", "dc1"),
    coalescer.read("c", "dc2"),
    coalescer.read("gone", "dc1"),
  ]);
  expect(reads).toEqual(["dc1:A", "dc1:B", "dc1:A", "dc2:C", undefined]);
  expect(batches.sort((x, y) => x.group.localeCompare(y.group))).toEqual([
    { keys: ["a", "b", "gone"], group: "dc1" },
    { keys: ["c"], group: "dc2" },
  ]);
});

test("a full batch goes at once, without waiting for the quiet time", async () => {
  const { coalescer, batches } = over({ a: "A", b: "B", c: "C" }, 2, 60_000);
  const full = Promise.all([coalescer.read("a"), coalescer.read("b")]);
  // The quiet time is a minute: only a full batch can answer this quickly.
  await expect(full).resolves.toEqual([":A", ":B"]);
  expect(batches).toEqual([{ keys: ["a", "b"], group: "" }]);
});

/** Eight reads, one every 10 ms. */
async function trickle(coalescer: Coalescer<string, string>) {
  const reads: Promise<unknown>[] = [];
  for (const key of "abcdefgh") {
    reads.push(coalescer.read(key));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.all(reads);
}

test("a batch of more than one read waits while reads keep coming, up to its longest wait", async () => {
  const longer = over({}, 100, 50, 10_000);
  await trickle(longer.coalescer);
  expect(longer.batches).toHaveLength(1);
  const bounded = over({}, 100, 50, 25);
  await trickle(bounded.coalescer);
  expect(bounded.batches.length).toBeGreaterThan(1);
});

test("a read alone waits only the quiet time", async () => {
  const { coalescer } = over({ a: "A" });
  const started = performance.now();
  await coalescer.read("a");
  const waited = performance.now() - started;
  console.log(`a read alone took ${waited.toFixed(1)} ms (quiet time 5 ms)`);
  expect(waited).toBeLessThan(50);
});

test("a failed batch call fails each of its reads, and the kit names the resource", async () => {
  const failing = new Coalescer<string, { name: string }>({
    maxBatch: 100,
    async fetchBatch(keys) {
      throw new CloudApiError({ cloud: "contabo", operation: `read ${keys.length} widgets with one list call` }, 500, "boom", "r-1");
    },
  });
  const cloud: CloudBinding<null> = { cloud: "contabo", settingsProblems: () => [], client: () => null };
  const ops = providerOperations({
    cloud,
    kind: "Widget",
    inputs: z.object({ name: z.string() }),
    outputNames: ["name"],
    describe: (values, id) => `widget ${values.name ? `"${values.name}"` : id}`,
    create: async () => ({ id: "w", outputs: { name: "w" } }),
    read: (_client, id) => failing.read(id),
    delete: async () => undefined,
  });
  const reads = await Promise.allSettled([ops.read("w1", { name: "one" }), ops.read("w2", { name: "two" })]);
  expect(reads.map((read) => (read as PromiseRejectedResult).reason.message)).toEqual([
    'contabo: read widget "one" failed: read 2 widgets with one list call failed: HTTP 500: boom [request id r-1]',
    'contabo: read widget "two" failed: read 2 widgets with one list call failed: HTTP 500: boom [request id r-1]',
  ]);
  // Not a 404 of the resource: a failed batch never reads as gone.
  await expect(failing.read("w3")).rejects.toBeInstanceOf(BatchReadError);
});

/** A list reader over a mutable table of items, counting its list calls, each taking `listMs`. */
function listed(table: Map<string, string>, listMs = 0) {
  const client = {};
  const calls: string[] = [];
  const read = listReader(
    client,
    "widgets",
    async (group) => {
      calls.push(group);
      await new Promise((resolve) => setTimeout(resolve, listMs));
      return [...table].map(([id, value]) => ({ id, value }));
    },
    (item) => item.id,
  );
  return { client, calls, read: async (id: string) => (await read(id, "dc1"))?.value };
}

/** Reads in waves as the engine sends them: each wave when the one before is answered. */
async function waves(read: (id: string) => Promise<unknown>, ids: string[], size: number): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (let i = 0; i < ids.length; i += size) answers.push(...(await Promise.all(ids.slice(i, i + size).map(read))));
  return answers;
}

test("a refresh's waves of reads are answered by one list call, kept for the waves after the first", async () => {
  const ids = Array.from({ length: 40 }, (_, i) => `w${i}`);
  const { calls, read } = listed(new Map(ids.map((id) => [id, id.toUpperCase()])));
  const answers = await waves(read, ids, 8);
  expect(answers).toEqual(ids.map((id) => id.toUpperCase()));
  console.log(`40 reads in waves of 8: ${calls.length} list call(s)`);
  expect(calls).toEqual(["dc1"]);
});

test("a kept list answers each item once: an item read again, or one it lacks, is listed again", async () => {
  const table = new Map([["a", "A"], ["b", "B"]]);
  const { calls, read } = listed(table);
  expect(await read("a")).toBe("A");
  table.set("a", "A2");
  // b comes from the kept list; a second read of a lists again and sees its change.
  expect(await read("b")).toBe("B");
  expect(await read("a")).toBe("A2");
  expect(calls).toHaveLength(2);
  // d was made after the kept list: it is listed again, not taken as gone.
  table.set("d", "D");
  expect(await read("d")).toBe("D");
  expect(calls).toHaveLength(3);
  // Only a list made after the read asked says an item is gone.
  expect(await read("gone")).toBeUndefined();
  expect(calls).toHaveLength(4);
});

test("no kept list answers a read after a write went through the client, nor after the reads stopped coming", async () => {
  const table = new Map([["a", "A"], ["b", "B"], ["c", "C"]]);
  const { client, calls, read } = listed(table);
  expect(await read("a")).toBe("A");
  await sendCounted(client, "PUT", async () => table.set("b", "B2"));
  expect(await read("b")).toBe("B2");
  expect(calls).toHaveLength(2);
  // A GET is no write: the list made for b answers c.
  await sendCounted(client, "GET", async () => undefined);
  expect(await read("c")).toBe("C");
  expect(calls).toHaveLength(2);

  const idle = listed(new Map([["a", "A"], ["b", "B"]]));
  await idle.read("a");
  idle.calls.length = 0;
  await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_IDLE_MS + 100));
  await idle.read("b");
  expect(idle.calls).toHaveLength(1);
});

test("reads that come while a list is under way wait for it rather than list again", async () => {
  const { calls, read } = listed(new Map([["a", "A"], ["b", "B"], ["c", "C"]]), 200);
  const first = read("a");
  // Past the quiet time the first list is sent (it takes 200 ms): a read now cannot join its call, but waits for its answer.
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await Promise.all([first, read("b"), read("c")])).toEqual(["A", "B", "C"]);
  expect(calls).toHaveLength(1);
});
