/**
 * The read coalescer of the core: concurrent reads share batch calls per group, a full batch goes
 * at once, a missing key reads as gone, a failed batch fails each of its reads with an error the
 * kit puts the resource in front of, and a read alone waits only the quiet time.
 */
import { z } from "zod";
import { BatchReadError, Coalescer } from "../src/core/coalesce";
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
