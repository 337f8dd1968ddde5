/** Unit tests of the shared core: HTTP errors, retries over real HTTP, redaction, settings. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CloudApiError, ConnectionError, type RequestContext, bodyExcerpt } from "../src/core/errors";
import { parseRetryAfter, send } from "../src/core/http";
import { encodedForms, redact, registerSecret } from "../src/core/redact";
import { mayHaveBeenProcessed, sendOnce } from "../src/core/reconcile";
import { shouldRetry, withRetries } from "../src/core/retry";
import { checkEndpointUrl, readSetting, setStackConfig } from "../src/core/settings";
import { CoalescedRun } from "../src/core/coalesce";
import { DEFAULT_PACING, LearnedDurations, PollBatch, learnedDurations, nextPollDelay, readEach, waitFor } from "../src/core/wait";

const context: RequestContext = { cloud: "contabo", operation: "test call", resource: 'tag "t"' };

/** A tiny server whose answers the test scripts, one handler per request. */
async function scriptedServer(handlers: ((req: IncomingMessage, res: ServerResponse) => void)[]) {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    const handler = handlers[Math.min(calls++, handlers.length - 1)];
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, calls: () => calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function get(url: string, idempotent: boolean) {
  return withRetries(
    async () => {
      const res = await send(context, { method: idempotent ? "GET" : "POST", url, timeoutMs: 2_000 });
      if (res.status >= 400) {
        throw new CloudApiError(context, res.status, res.text, undefined, parseRetryAfter(res.headers["retry-after"]));
      }
      return res.text;
    },
    { idempotent, policy: { minDelayMs: 10, maxDelayMs: 50 } },
  );
}

const answer = (status: number, body: string, headers: Record<string, string> = {}) => (_: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, headers).end(body);
};
const dropConnection = (req: IncomingMessage) => req.socket.destroy();

describe("retries", () => {
  test("429 is retried after Retry-After, then succeeds", async () => {
    const server = await scriptedServer([answer(429, "slow down", { "retry-after": "1" }), answer(200, "ok")]);
    const started = Date.now();
    await expect(get(server.url, false)).resolves.toBe("ok");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(server.calls()).toBe(2);
    await server.close();
  });

  test("503 is retried for GET but not for POST", async () => {
    const getServer = await scriptedServer([answer(503, "busy"), answer(503, "busy"), answer(200, "ok")]);
    await expect(get(getServer.url, true)).resolves.toBe("ok");
    expect(getServer.calls()).toBe(3);
    await getServer.close();

    const postServer = await scriptedServer([answer(503, "busy"), answer(200, "ok")]);
    await expect(get(postServer.url, false)).rejects.toThrow(/HTTP 503: busy/);
    expect(postServer.calls()).toBe(1);
    await postServer.close();
  });

  test("a dropped connection is retried for GET, and reported as possibly processed for POST", async () => {
    const server = await scriptedServer([dropConnection, answer(200, "ok")]);
    await expect(get(server.url, true)).resolves.toBe("ok");
    await server.close();

    const postServer = await scriptedServer([dropConnection]);
    const error = await get(postServer.url, false).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.reachedService).toBe(true);
    expect(mayHaveBeenProcessed(error)).toBe(true);
    await postServer.close();
  });

  test("a refused connection provably did not reach the service: POST is retried", () => {
    const refused = new ConnectionError(context, "ECONNREFUSED", false, new Error("refused"));
    expect(shouldRetry(refused, false)).toBe(true);
    expect(mayHaveBeenProcessed(refused)).toBe(false);
  });

  test("4xx other than 429 is never retried", async () => {
    const server = await scriptedServer([answer(400, "bad"), answer(200, "ok")]);
    await expect(get(server.url, true)).rejects.toThrow(/HTTP 400: bad/);
    expect(server.calls()).toBe(1);
    await server.close();
  });

  test("retries are bounded", async () => {
    const server = await scriptedServer([answer(502, "down")]);
    await expect(get(server.url, true)).rejects.toThrow(/HTTP 502/);
    expect(server.calls()).toBe(7);
    await server.close();
  });

  test("a request that never answers times out with a connection error", async () => {
    const server = await scriptedServer([() => undefined]);
    const error = await send(context, { method: "GET", url: server.url, timeoutMs: 300 }).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/contabo: test call \(tag "t"\) failed: connection error/);
    server.close();
  });
});

describe("sendOnce", () => {
  test("after a lost answer it finds the created resource instead of sending again", async () => {
    let sent = 0;
    const lost = new ConnectionError(context, "ECONNRESET", true, new Error("socket hang up"));
    const result = await sendOnce({
      what: "create tag",
      send: async () => {
        sent++;
        throw lost;
      },
      find: async () => ({ tagId: 7 }),
    });
    expect(result).toEqual({ tagId: 7 });
    expect(sent).toBe(1);
  });

  test("sends again when the lookup finds nothing, and gives up after its bound", async () => {
    let sent = 0;
    const lost = new CloudApiError(context, 502, "bad gateway", undefined);
    await expect(
      sendOnce({ what: "create tag", attempts: 3, send: async () => { sent++; throw lost; }, find: async () => undefined }),
    ).rejects.toBe(lost);
    expect(sent).toBe(3);
  });

  test("a clear refusal (4xx) is not retried", async () => {
    const refused = new CloudApiError(context, 409, "name taken", undefined);
    let found = 0;
    await expect(sendOnce({ what: "x", send: async () => { throw refused; }, find: async () => { found++; return 1; } })).rejects.toBe(refused);
    expect(found).toBe(0);
  });
});

describe("errors and redaction", () => {
  test("an API error names the cloud, operation, resource, status, message and request id", () => {
    const error = new CloudApiError(context, 404, "Entry Tag not found by tagId 5", "req-1");
    expect(error.message).toBe('contabo: test call (tag "t") failed: HTTP 404: Entry Tag not found by tagId 5 [request id req-1]');
  });

  test("registered secrets and bearer tokens never appear in messages", () => {
    registerSecret("hunter2-super-secret");
    const error = new CloudApiError(context, 400, "bad password hunter2-super-secret", undefined);
    expect(error.message).not.toContain("hunter2-super-secret");
    expect(redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig")).not.toContain("eyJhbGci");
  });

  test("a secret is also redacted URL-encoded, JSON-escaped and in base64, as an echoed request quotes it", () => {
    const secret = 'p@ss "word"/+1';
    registerSecret(secret);
    const echoed = [
      `client_secret=${encodeURIComponent(secret)}`,
      new URLSearchParams({ password: secret }).toString(),
      JSON.stringify({ body: JSON.stringify({ value: secret }) }),
      `Basic ${Buffer.from(secret).toString("base64")}`,
    ];
    for (const text of echoed) expect(redact(text)).toContain("[redacted]");
    const redacted = redact(echoed.join(" "));
    for (const form of encodedForms(secret)) expect(redacted).not.toContain(form);
  });

  test("an error body is redacted before it is cut, so no part of a secret across the cut shows", () => {
    const secret = "cut-across-the-limit-secret-Qv93";
    registerSecret(secret);
    const excerpt = bodyExcerpt(`<html>${"x".repeat(480)}${secret} and more</html>`);
    expect(excerpt).not.toContain("cut-across");
    expect(excerpt.length).toBeLessThanOrEqual(500);
    expect(bodyExcerpt("  ")).toBe("(empty body)");
  });

  test("Retry-After in seconds and as a date; absurd values ignored", () => {
    expect(parseRetryAfter("3")).toBe(3);
    expect(parseRetryAfter(new Date(Date.now() + 5_000).toUTCString())).toBeGreaterThan(3);
    expect(parseRetryAfter("9999")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe("settings", () => {
  const spec = { configKey: "contabo:clientId", envNames: ["CNTB_OAUTH2_CLIENT_ID"] };
  afterEach(() => {
    delete process.env.CNTB_OAUTH2_CLIENT_ID;
    setStackConfig(() => undefined);
  });

  test("stack config wins over the environment, which wins over the default", () => {
    expect(readSetting({ ...spec, default: "d" })).toBe("d");
    process.env.CNTB_OAUTH2_CLIENT_ID = "from-env";
    expect(readSetting(spec)).toBe("from-env");
    setStackConfig((key) => (key === "contabo:clientId" ? "from-config" : undefined));
    expect(readSetting(spec)).toBe("from-config");
  });

  test("plain http only to loopback", () => {
    expect(checkEndpointUrl("u", "https://api.contabo.com")).toBeUndefined();
    expect(checkEndpointUrl("u", "http://127.0.0.1:8080")).toBeUndefined();
    expect(checkEndpointUrl("u", "http://localhost:1")).toBeUndefined();
    expect(checkEndpointUrl("u", "http://api.contabo.com")).toMatch(/must use https/);
    expect(checkEndpointUrl("u", "not a url")).toMatch(/absolute URL/);
  });
});

describe("waitFor", () => {
  test("returns once done, polling faster early on", async () => {
    let polls = 0;
    const doneAt = Date.now() + 500;
    await waitFor({
      context,
      waitingFor: "done",
      poll: async () => ++polls,
      isDone: () => Date.now() >= doneAt,
      timeoutMs: 5_000,
      howToRaise: "x",
      pacing: { minIntervalMs: 50 },
    });
    expect(Date.now() - doneAt).toBeLessThan(200);
    expect(polls).toBeLessThan(15);
  });

  test("fails at once when the cloud reports a failure, and after the bound otherwise", async () => {
    await expect(
      waitFor({ context, waitingFor: "running", poll: async () => "error", isDone: () => false, failure: (s) => `status ${s}`, timeoutMs: 1_000, howToRaise: "x" }),
    ).rejects.toThrow(/failed: status error/);
    await expect(
      waitFor({ context, waitingFor: "status running", poll: async () => "busy", isDone: () => false, timeoutMs: 300, howToRaise: "the timeoutMinutes input", pacing: { minIntervalMs: 50 } }),
    ).rejects.toThrow(/timed out after 0 s waiting for status running. Raise the limit with the timeoutMinutes input/);
  });
});

describe("poll schedule", () => {
  const pacing = DEFAULT_PACING;

  test("with nothing learned: the minimum interval first, then a fraction of the time waited, capped", () => {
    expect(nextPollDelay(0, undefined, pacing)).toBe(pacing.minIntervalMs);
    expect(nextPollDelay(10_000, undefined, pacing)).toBe(10_000 * pacing.intervalFraction);
    expect(nextPollDelay(3_600_000, undefined, pacing)).toBe(pacing.maxIntervalMs);
  });

  test("with a duration learned: sparse until shortly before it, then dense", () => {
    // 0.5 s seen: dense from 0.45 s, its first poll one interval (0.15 s) later; nothing before.
    expect(nextPollDelay(0, 500, pacing)).toBe(600);
    // 60 s seen: every 5 s (a quarter, capped at the maximum interval) up to 54 s + 8 % of 54 s, then 8 % of the time waited.
    expect(nextPollDelay(0, 60_000, pacing)).toBe(5_000);
    expect(nextPollDelay(45_000, 60_000, pacing)).toBe(5_000);
    expect(nextPollDelay(54_000, 60_000, pacing)).toBe(54_000 * pacing.intervalFraction);
    // 20 s seen: the last sparse poll lands on the first dense one, at 18 s + 8 % of 18 s.
    expect(nextPollDelay(16_000, 20_000, pacing)).toBeCloseTo(18_000 * (1 + pacing.intervalFraction) - 16_000);
    // Close to the first dense poll: not sooner than dense polling would.
    expect(nextPollDelay(56_000, 60_000, pacing)).toBe(56_000 * pacing.intervalFraction);
    // Past the expected end the wait is as bounded as one that knew nothing.
    expect(nextPollDelay(90_000, 60_000, pacing)).toBe(nextPollDelay(90_000, undefined, pacing));
    // Never closer than dense polling, even just before the dense phase.
    expect(nextPollDelay(500, 500, pacing)).toBe(pacing.minIntervalMs);
  });

  test("learned durations: the shortest of the last few, per kind", () => {
    const durations = new LearnedDurations(3);
    expect(durations.expected("a")).toBeUndefined();
    for (const ms of [900, 400, 700, 800, 600]) durations.record("a", ms);
    durations.record("b", 50);
    // 900 and 400 are forgotten: the last three are 700, 800, 600.
    expect(durations.expected("a")).toBe(600);
    expect(durations.expected("b")).toBe(50);
  });

  test("a second wait of a kind polls less than the first, and returns as soon", async () => {
    learnedDurations.clear();
    const wait = async () => {
      let polls = 0;
      const doneAt = Date.now() + 1_200;
      await waitFor({ context, waitingFor: "done", kind: "test: learned", poll: async () => ++polls, isDone: () => Date.now() >= doneAt, timeoutMs: 5_000, howToRaise: "x" });
      return { polls, lateMs: Date.now() - doneAt };
    };
    const first = await wait();
    const second = await wait();
    console.log(`1.2 s wait: first ${first.polls} polls, ${first.lateMs} ms late; second ${second.polls} polls, ${second.lateMs} ms late`);
    expect(first.polls).toBeGreaterThanOrEqual(6);
    expect(second.polls).toBeLessThanOrEqual(3);
    expect(second.lateMs).toBeLessThan(200);
    expect(learnedDurations.expected("test: learned")).toBeGreaterThan(1_000);
  });

  test("concurrent waits started apart, their ends spread wider than a poll interval: no poll just before the first end", async () => {
    // A rate limit spread the creates 75 ms apart; each takes the 0.7 s learned, so they end from
    // 0.7 s to 0.925 s after the first start. Dense polling every 0.2 s from 0.63 s: a poll at
    // 0.63 s itself would answer every wait before its end, and the ends would take two more polls.
    learnedDurations.clear();
    learnedDurations.record("test: staggered", 700);
    const calls: number[] = [];
    const doneAt = new Map<string, number>();
    const batch = new PollBatch<boolean>(async (keys) => {
      calls.push(Date.now());
      return new Map(keys.map((key) => [key, Date.now() >= doneAt.get(key)!]));
    });
    const first = Date.now();
    const lateMs = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        await new Promise((resolve) => setTimeout(resolve, first + i * 75 - Date.now()));
        const key = `w${i}`;
        doneAt.set(key, Date.now() + 700);
        await waitFor({ context, waitingFor: "done", kind: "test: staggered", batch: { polls: batch, key }, isDone: (done) => done, timeoutMs: 5_000, howToRaise: "x", pacing: { minIntervalMs: 200 } });
        return Date.now() - doneAt.get(key)!;
      }),
    );
    console.log(`4 waits of 0.7 s, 75 ms apart: batched calls at ${calls.map((at) => at - first).join(", ")} ms; late by ${lateMs.join(", ")} ms`);
    // The first call comes after the first end (at 0.83 s) and answers two waits, the second (at 1.03 s) the others.
    expect(calls[0] - first).toBeGreaterThanOrEqual(700);
    expect(calls).toHaveLength(2);
    for (const late of lateMs) expect(late).toBeLessThan(200 + 100);
  });

  test("concurrent waits share their polls through a batch; a failed poll fails the waits it answered", async () => {
    const calls: string[][] = [];
    const doneAt = Date.now() + 600;
    const batch = new PollBatch<boolean>(async (keys) => {
      calls.push(keys);
      return new Map(keys.map((key) => [key, Date.now() >= doneAt]));
    });
    const started = Date.now();
    await Promise.all(
      ["a", "b", "c", "d"].map((key) =>
        waitFor({ context, waitingFor: "done", batch: { polls: batch, key }, isDone: (done) => done, timeoutMs: 5_000, howToRaise: "x" }),
      ),
    );
    console.log(`4 waits of 0.6 s: ${calls.length} batched calls in ${Date.now() - started} ms`);
    expect(Date.now() - doneAt).toBeLessThan(200);
    // Alone, each would poll about 4 times: together they send about as many calls as one.
    expect(calls.length).toBeLessThanOrEqual(5);
    expect(calls[0].sort()).toEqual(["a", "b", "c", "d"]);

    const failing = new PollBatch<boolean>(async () => {
      throw new Error("the list call failed");
    });
    const waits = ["x", "y"].map((key) => waitFor({ context, waitingFor: "done", batch: { polls: failing, key }, isDone: (done) => done, timeoutMs: 5_000, howToRaise: "x" }));
    for (const wait of waits) await expect(wait).rejects.toThrow(/the list call failed/);
    // A key whose own read failed fails its wait alone.
    const partly = new PollBatch<boolean>((keys) => readEach(keys, async (key) => {
      if (key === "gone") throw new Error("HTTP 404 for gone");
      return true;
    }));
    const [kept, lost] = await Promise.allSettled(
      ["kept", "gone"].map((key) => waitFor({ context, waitingFor: "done", batch: { polls: partly, key }, isDone: (done) => done, timeoutMs: 5_000, howToRaise: "x" })),
    );
    expect(kept).toEqual({ status: "fulfilled", value: true });
    expect(lost).toMatchObject({ status: "rejected", reason: new Error("HTTP 404 for gone") });
    const silent = new PollBatch<boolean>(async () => new Map());
    await expect(waitFor({ context, waitingFor: "done", batch: { polls: silent, key: "z" }, isDone: (done) => done, timeoutMs: 5_000, howToRaise: "x" })).rejects.toThrow(/did not answer for z/);
  });
});

describe("CoalescedRun", () => {
  test("callers that come during a run share the next one, which starts after them; a failed run fails its callers", async () => {
    const runs: { callers: number[]; startedAt: number }[] = [];
    let fail = false;
    const shared = new CoalescedRun<number>(async (callers) => {
      runs.push({ callers, startedAt: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (fail) throw new Error("refresh failed");
    });
    const calledAt: number[] = [];
    const call = (i: number) => {
      calledAt[i] = Date.now();
      return shared.run(i);
    };
    const first = call(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all([first, call(1), call(2), call(3)]);
    expect(runs.map((r) => r.callers)).toEqual([[0], [1, 2, 3]]);
    // Each caller's run started at or after its call.
    for (const run of runs) for (const caller of run.callers) expect(run.startedAt).toBeGreaterThanOrEqual(calledAt[caller]);

    fail = true;
    const outcomes = await Promise.allSettled([call(4), call(5)]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await call(6);
    expect(runs.map((r) => r.callers).slice(2)).toEqual([[4], [5], [6]]);
  });
});
