/**
 * The OVH client: the `$1$` signature against OVH's published test vectors; over real HTTP
 * against the emulator, the server's clock read once, signatures checked over the exact bytes,
 * OAuth2 tokens reused and renewed, errors with OVH's class, message and query id and never a
 * credential, void answers, settings problems named at preview, and the 20 requests/second limit
 * kept for the whole process.
 */
import { request } from "undici";
import { z } from "zod";
import type { OvhEmulator } from "../src/emulator/ovh/emulator";
import { OvhClient, type OvhSettings, apiTarget, ovh, ovhClient, ovhSignature } from "../src/ovh/client";
import { setOvhEnv, stopOvhEmulator, useOvhEmulator, ovhKeyEnv, ovhOAuth2Env } from "./support/ovh";

let emulator: OvhEmulator;
beforeAll(async () => {
  // The emulator's clock is an hour ahead: only signatures made with the server's time pass.
  emulator = await useOvhEmulator({ clockSkewSeconds: 3600 });
});
afterAll(() => stopOvhEmulator(emulator));
afterEach(() => {
  emulator.faults.clear();
  setOvhEnv(ovhKeyEnv(emulator));
});

const context = () => ({ cloud: "ovh" as const, operation: "test" });
const zones = z.array(z.string());

function keyClient(overrides: Partial<Extract<OvhSettings["auth"], { kind: "application-key" }>> = {}): OvhClient {
  const { applicationKey, applicationSecret, consumerKey } = emulator.credentials;
  return new OvhClient({ apiUrl: emulator.apiUrl, auth: { kind: "application-key", applicationKey, applicationSecret, consumerKey, ...overrides } });
}

function oauth2Client(target: OvhEmulator = emulator): OvhClient {
  const { clientId, clientSecret } = target.credentials;
  return new OvhClient({ apiUrl: target.apiUrl, auth: { kind: "oauth2", clientId, clientSecret, tokenUrl: target.tokenUrl } });
}

const entries = (path: string) => emulator.log.entries.filter((entry) => entry.path === path);

describe("the signature", () => {
  const vector = { applicationSecret: "9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk", consumerKey: "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY", timestamp: 1457018875 };

  test("matches OVH's published test vectors", () => {
    expect(ovhSignature({ ...vector, method: "GET", url: "https://eu.api.ovh.com/1.0/call", body: "" })).toBe("$1$7f2db49253edfc41891023fcd1a54cf61db05fbb");
    expect(ovhSignature({ ...vector, method: "POST", url: "https://eu.api.ovh.com/1.0/auth", body: '{"a":"b","c":"d"}' })).toBe(
      "$1$ec2fb5c7a81f64723c77d2e5b609ae6f58a84fc1",
    );
  });

  test("/v1/ and /v2/ paths live beside /1.0", () => {
    expect(apiTarget("https://eu.api.ovh.com/1.0", "/domain/zone")).toBe("https://eu.api.ovh.com/1.0/domain/zone");
    expect(apiTarget("https://eu.api.ovh.com/1.0", "/v2/iam/resource")).toBe("https://eu.api.ovh.com/v2/iam/resource");
  });

  test("the server's clock is read once, by concurrent requests too, and signs every request", async () => {
    const before = entries("/1.0/auth/time").length;
    const client = keyClient();
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.request(context(), "GET", "/domain/zone", zones)));
    await client.request(context(), "GET", "/domain/zone/example.com/record", z.array(z.number()), { query: { fieldType: "A", subDomain: "www" } });
    expect(answers[0]).toEqual(["example.com", "example.org"]);
    expect(entries("/1.0/auth/time").length - before).toBe(1);
  });

  test("the emulator checks it over the exact body bytes and the timestamp, as OVH does", async () => {
    const { applicationKey, applicationSecret, consumerKey } = emulator.credentials;
    const serverNow = Math.floor(Date.now() / 1000) + 3600;
    const url = `${emulator.apiUrl}/domain/zone/example.com/record`;
    const post = async (signedBody: string, sentBody: string, timestamp: number) => {
      const signature = ovhSignature({ applicationSecret, consumerKey, method: "POST", url, body: signedBody, timestamp });
      const res = await request(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-ovh-application": applicationKey,
          "x-ovh-consumer": consumerKey,
          "x-ovh-timestamp": String(timestamp),
          "x-ovh-signature": signature,
        },
        body: sentBody,
      });
      return { status: res.statusCode, body: await res.body.json(), queryId: res.headers["x-ovh-queryid"] };
    };
    // Key order is part of the bytes: the same object serialized differently is another body.
    const body = '{"fieldType":"A","subDomain":"raw","target":"192.0.2.1"}';
    const reordered = '{"subDomain":"raw","fieldType":"A","target":"192.0.2.1"}';
    expect(await post(body, body, serverNow)).toMatchObject({ status: 200, body: { subDomain: "raw" } });
    expect(await post(body, reordered, serverNow)).toMatchObject({ status: 400, body: { class: "Client::BadRequest", message: "Invalid signature" } });
    expect(await post(body, body, serverNow - 3600)).toMatchObject({ status: 400, body: { message: "Query out of time" }, queryId: expect.any(String) });
  });

  test("a wrong secret is refused with OVH's class, message and query id, and no credential shows", async () => {
    const error: Error = await keyClient({ applicationSecret: "not-the-secret-but-long-enough" }).request(context(), "GET", "/domain/zone", zones).catch((e) => e);
    expect(error.message).toMatch(/^ovh: test failed: HTTP 400: Client::BadRequest: Invalid signature \[request id EU\.ext-1\.[0-9a-f]+\.1\.[0-9a-f-]{36}\]$/);
    const wrongKey: Error = await keyClient({ applicationKey: "unknown-application" }).request(context(), "GET", "/domain/zone", zones).catch((e) => e);
    expect(wrongKey.message).toMatch(/HTTP 403: Client::Forbidden: Invalid application key/);
    const everything = [error, wrongKey].map((e) => `${e.message} ${e.stack}`).join(" ");
    for (const credential of Object.values(emulator.credentials)) expect(everything).not.toContain(credential);
  });

  test("void operations: a null body and an empty body are both success", async () => {
    const client = keyClient();
    const record = await client.request(context(), "POST", "/domain/zone/example.com/record", z.object({ id: z.number() }).loose(), {
      body: { fieldType: "A", subDomain: "void", target: "192.0.2.2" },
    });
    await client.call(context(), "PUT", `/domain/zone/example.com/record/${record.id}`, { body: { ttl: 60 } });
    await client.call(context(), "POST", "/domain/zone/example.com/refresh");
    const answers = emulator.log.entries.slice(-2).map((entry) => entry.answer);
    expect(answers).toEqual([null, undefined]);
  });
});

describe("OAuth2", () => {
  test("one token for many calls; a revoked token is replaced once", async () => {
    const client = oauth2Client();
    const clockReads = entries("/1.0/auth/time").length;
    await Promise.all(Array.from({ length: 5 }, () => client.request(context(), "GET", "/domain/zone", zones)));
    expect(client.token?.requests).toBe(1);
    // Bearer requests are not signed: no clock read.
    expect(entries("/1.0/auth/time")).toHaveLength(clockReads);
    emulator.reset();
    await client.request(context(), "GET", "/domain/zone", zones);
    expect(client.token?.requests).toBe(2);
  });

  test("a token is renewed before it expires", async () => {
    const shortLived = await useOvhEmulator({ tokenTtlSeconds: 1 });
    const client = oauth2Client(shortLived);
    await client.request(context(), "GET", "/domain/zone", zones);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await client.request(context(), "GET", "/domain/zone", zones);
    expect(client.token?.requests).toBe(2);
    expect(shortLived.log.entries.filter((entry) => entry.status === 401)).toHaveLength(0);
    await shortLived.stop();
  });

  test("works through the settings, with the token URL of an endpoint given as a URL", async () => {
    setOvhEnv(ovhOAuth2Env(emulator));
    expect(ovh.settingsProblems()).toEqual([]);
    expect(await ovhClient().request(context(), "GET", "/domain/zone", zones)).toEqual(["example.com", "example.org"]);
    expect(ovhClient().settings.auth.kind).toBe("oauth2");
  });
});

describe("settings problems, reported at preview", () => {
  const problems = (env: Record<string, string>) => {
    setOvhEnv(env);
    return ovh.settingsProblems();
  };

  test("both methods at once", () => {
    expect(problems({ ...ovhKeyEnv(emulator), OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: "secret-value" })).toEqual([
      {
        property: "ovh:clientId",
        reason: expect.stringMatching(/^both application keys \(ovh:applicationKey, ovh:applicationSecret, ovh:consumerKey\) and OAuth2 client credentials \(ovh:clientId, ovh:clientSecret\) are set/),
      },
    ]);
    expect(() => ovhClient()).toThrow(/^ovh: ovh:clientId: both application keys/);
  });

  test("OAuth2 is refused on Kimsufi and So you Start", () => {
    for (const endpoint of ["kimsufi-eu", "soyoustart-ca", "https://eu.api.kimsufi.com/1.0"]) {
      expect(problems({ OVH_ENDPOINT: endpoint, OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: "secret-value" })).toEqual([
        { property: "ovh:clientId", reason: expect.stringMatching(/^OAuth2 is not available on the (kimsufi-eu|soyoustart-ca) endpoint: use application keys/) },
      ]);
    }
    expect(problems({ OVH_ENDPOINT: "ovh-ca", OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: "secret-value" })).toEqual([]);
  });

  test("missing credentials name both ways to set them; a partial set names what is missing", () => {
    expect(problems({})).toEqual([
      { property: "ovh:applicationKey", reason: expect.stringMatching(/ovh:applicationKey.*OVH_APPLICATION_KEY.*ovh:clientSecret.*OVH_CLIENT_SECRET/) },
    ]);
    expect(problems({ OVH_APPLICATION_KEY: "ak", OVH_CONSUMER_KEY: "ck-value" })).toEqual([
      { property: "ovh:applicationSecret", reason: expect.stringMatching(/pulumi config set --secret ovh:applicationSecret.*OVH_APPLICATION_SECRET/) },
    ]);
  });

  test("endpoints: a name of OVH's, or an https URL", () => {
    const keys = { OVH_APPLICATION_KEY: "ak", OVH_APPLICATION_SECRET: "as-value", OVH_CONSUMER_KEY: "ck-value" };
    expect(problems({ ...keys, OVH_ENDPOINT: "ovh-mars" })).toEqual([{ property: "ovh:endpoint", reason: expect.stringContaining("ovh-eu, ovh-ca, ovh-us") }]);
    expect(problems({ ...keys, OVH_ENDPOINT: "http://api.example.com/1.0" })).toEqual([{ property: "ovh:endpoint", reason: expect.stringMatching(/https/) }]);
    expect(problems({ ...keys, OVH_ENDPOINT: "ovh-us" })).toEqual([]);
    expect(ovhClient().settings.apiUrl).toBe("https://api.us.ovhcloud.com/1.0");
    expect(problems({ OVH_ENDPOINT: "https://eu.api.example.net/1.0", OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: "secret-value" })).toEqual([
      { property: "ovh:oauth2TokenUrl", reason: expect.stringContaining("OVH_OAUTH2_TOKEN_URL") },
    ]);
  });
});

describe("the rate limit", () => {
  /** The most requests the emulator received in any one second, and the mean rate. */
  function rates(arrivals: number[]) {
    let peak = 0;
    for (let i = 0, j = 0; j < arrivals.length; j++) {
      while (arrivals[j] - arrivals[i] >= 1000) i++;
      peak = Math.max(peak, j - i + 1);
    }
    const seconds = (arrivals[arrivals.length - 1] - arrivals[0]) / 1000;
    return { peak, sustained: (arrivals.length - 1) / seconds };
  }

  test("200 concurrent requests from two clients never exceed 20 per second at the API", async () => {
    const [first, second] = [keyClient(), oauth2Client()];
    emulator.rate.arrivals.length = 0;
    emulator.rate.refused = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? first : second).request(context(), "GET", "/domain/zone", zones)),
    );
    const { peak, sustained } = rates(emulator.rate.arrivals);
    console.log(
      `rate limit: ${emulator.rate.arrivals.length} API requests in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
        `peak ${peak} in any one second, sustained ${sustained.toFixed(1)}/s, ${emulator.rate.refused} refused with 429`,
    );
    expect(emulator.rate.refused).toBe(0);
    expect(peak).toBeLessThanOrEqual(20);
    expect(sustained).toBeGreaterThan(15);
  }, 30_000);

  test("a 429 is waited out and retried", async () => {
    emulator.faults.next({ kind: "429", retryAfterSeconds: 1, match: { method: "GET", path: /\/domain\/zone$/ } });
    const started = Date.now();
    expect(await keyClient().request(context(), "GET", "/domain/zone", zones)).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  test("the emulator refuses the 21st request of a second with 429", async () => {
    // Straight to the API, without the client's limiter.
    const time = () => request(`${emulator.apiUrl}/auth/time`).then((res) => res.statusCode);
    emulator.rate.arrivals.length = 0;
    const statuses = await Promise.all(Array.from({ length: 25 }, time));
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(5);
  });
});
