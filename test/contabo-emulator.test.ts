/** The Contabo emulator itself, over raw HTTP: the rules a client must respect, and the CLI. */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { request } from "undici";
import { type ContaboEmulator, startContaboEmulator } from "../src/emulator";

let emulator: ContaboEmulator;
let token: string;

beforeAll(async () => {
  emulator = await startContaboEmulator({ provisioningMs: 400 });
  const { clientId, clientSecret, username, password } = emulator.credentials;
  const answer = await request(emulator.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, username, password, grant_type: "password" }).toString(),
  });
  token = ((await answer.body.json()) as { access_token: string }).access_token;
});
afterAll(() => emulator.stop());

async function api(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown, headers?: Record<string, string>) {
  const answer = await request(emulator.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, "x-request-id": randomUUID(), "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.body.text();
  return { status: answer.statusCode, body: text ? JSON.parse(text) : undefined };
}

test("x-request-id is required, and a bearer token", async () => {
  expect(await api("GET", "/v1/tags", undefined, { "x-request-id": "not-a-uuid" })).toMatchObject({
    status: 400,
    body: { statusCode: 400, message: ["x-request-id must be a UUID v4"] },
  });
  expect(await api("GET", "/v1/tags", undefined, { authorization: "Bearer forged" })).toMatchObject({ status: 401 });
});

test("tags: unique names, no delete while assigned", async () => {
  const created = await api("POST", "/v1/tags", { name: "web" });
  expect(created).toMatchObject({ status: 201, body: { data: [{ tagId: expect.any(Number) }], _links: { self: expect.any(String) } } });
  const tagId = created.body.data[0].tagId;
  expect(await api("POST", "/v1/tags", { name: "web" })).toMatchObject({ status: 409 });
  expect(await api("GET", `/v1/tags/${tagId}`)).toMatchObject({ body: { data: [{ name: "web", color: "#0A78C3" }] } });

  expect(await api("POST", `/v1/tags/${tagId}/assignments/instance/424242`)).toMatchObject({ status: 404 });
  const instanceId = (await api("POST", "/v1/compute/instances", { period: 1, displayName: "tagged" })).body.data[0].instanceId;
  const assignment = `/v1/tags/${tagId}/assignments/instance/${instanceId}`;
  expect(await api("POST", assignment)).toMatchObject({ status: 201 });
  expect(await api("GET", assignment)).toMatchObject({ body: { data: [{ tagName: "web", resourceName: "tagged" }] } });
  expect(await api("DELETE", `/v1/tags/${tagId}`)).toMatchObject({ status: 409, body: { message: expect.stringMatching(/assigned/) } });
  expect(await api("DELETE", assignment)).toMatchObject({ status: 204 });
  expect(await api("DELETE", `/v1/tags/${tagId}`)).toMatchObject({ status: 204 });
  expect(await api("GET", `/v1/tags/${tagId}`)).toMatchObject({ status: 404, body: { statusCode: 404 } });
});

test("secrets: the password rule", async () => {
  expect(await api("POST", "/v1/secrets", { name: "p", type: "password", value: "password1" })).toMatchObject({ status: 400 });
  expect(await api("POST", "/v1/secrets", { name: "p", type: "password", value: "Pwd!A?2092w#" })).toMatchObject({ status: 201 });
  expect(await api("POST", "/v1/secrets", { name: "k", type: "ssh", value: "ssh-ed25519 AAAA k@h" })).toMatchObject({ status: 201 });
});

test("instances: an order needs a period, goes provisioning → installing → running, and is cancelled once", async () => {
  expect(await api("POST", "/v1/compute/instances", { displayName: "x" })).toMatchObject({
    status: 400,
    body: { message: [expect.stringMatching(/^period/)] },
  });
  const order = await api("POST", "/v1/compute/instances", { period: 1, displayName: "vm" });
  expect(order).toMatchObject({ status: 201, body: { data: [{ status: "provisioning", productId: "V92", region: "EU" }] } });
  const id = order.body.data[0].instanceId;
  const seen = new Set<string>();
  for (let i = 0; i < 30 && !seen.has("running"); i++) {
    seen.add((await api("GET", `/v1/compute/instances/${id}`)).body.data[0].status);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect([...seen]).toEqual(["provisioning", "installing", "running"]);
  expect(await api("DELETE", `/v1/compute/instances/${id}`)).toMatchObject({ status: 405 });
  const cancelled = await api("POST", `/v1/compute/instances/${id}/cancel`, {});
  expect(cancelled).toMatchObject({ status: 201, body: { data: [{ cancelDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }] } });
  expect(await api("POST", `/v1/compute/instances/${id}/cancel`, {})).toMatchObject({ status: 409 });
  // The two secrets and the tagged instance; the cancelled instance no longer counts.
  expect(emulator.liveResources()).toBe(3);
});

test("faults: 429 with Retry-After, and the request log", async () => {
  emulator.faults.next({ kind: "429", retryAfterSeconds: 7 });
  const before = emulator.log.entries.length;
  const answer = await request(emulator.url + "/v1/tags", { headers: { authorization: `Bearer ${token}`, "x-request-id": randomUUID() } });
  expect(answer.statusCode).toBe(429);
  expect(answer.headers["retry-after"]).toBe("7");
  await answer.body.dump();
  expect(emulator.log.entries.slice(before)).toMatchObject([{ method: "GET", path: "/v1/tags", status: 429, fault: "429" }]);
  const logged = JSON.stringify(emulator.log.entries);
  for (const secret of [token, emulator.credentials.clientSecret, emulator.credentials.password]) {
    expect(logged.includes(secret)).toBe(false);
  }
});

test("npm run emulator prints its URLs and credentials as one JSON line", async () => {
  const child = spawn(process.execPath, [join(__dirname, "..", "dist", "src", "emulator", "cli.js")], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
  child.kill("SIGTERM");
  expect(JSON.parse(line)).toEqual({
    contabo: {
      apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      tokenUrl: expect.stringMatching(/\/auth\/realms\/contabo\/protocol\/openid-connect\/token$/),
      clientId: expect.any(String),
      clientSecret: expect.any(String),
      user: expect.any(String),
      password: expect.any(String),
    },
    ionos: {
      apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/cloudapi\/v6$/),
      username: expect.any(String),
      password: expect.any(String),
      token: expect.any(String),
    },
    ovh: {
      endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/1\.0$/),
      oauth2TokenUrl: expect.any(String),
      serviceName: expect.any(String),
      applicationKey: expect.any(String),
      applicationSecret: expect.any(String),
      consumerKey: expect.any(String),
      clientId: expect.any(String),
      clientSecret: expect.any(String),
    },
  });
});
