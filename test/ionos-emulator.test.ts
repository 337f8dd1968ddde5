/** The IONOS emulator itself, over raw HTTP: the behaviour of the API a client must cope with. */
import { request } from "undici";
import { type IonosEmulator, startIonosEmulator } from "../src/emulator";

let emulator: IonosEmulator;
let basic: string;

beforeAll(async () => {
  emulator = await startIonosEmulator({ requestMs: 300 });
  basic = `Basic ${Buffer.from(`${emulator.credentials.username}:${emulator.credentials.password}`).toString("base64")}`;
});
afterAll(() => emulator.stop());

async function api(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown, authorization = basic) {
  const url = path.startsWith("http") ? path : emulator.apiUrl + path;
  const answer = await request(url, {
    method,
    headers: { authorization, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.body.text();
  return { status: answer.statusCode, headers: answer.headers, body: text ? JSON.parse(text) : undefined };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("Basic auth, a bearer token from tokens/generate, 401 otherwise; rate-limit headers on every answer", async () => {
  const minted = await request(`${emulator.url}/auth/v1/tokens/generate`, { headers: { authorization: basic } });
  const { token } = (await minted.body.json()) as { token: string };
  expect(token.split(".")).toHaveLength(3);
  expect((await api("GET", "/datacenters", undefined, `Bearer ${token}`)).status).toBe(200);
  const refused = await api("GET", "/datacenters", undefined, "Bearer forged");
  expect(refused).toMatchObject({ status: 401, body: { httpStatus: 401, messages: [{ errorCode: "315", message: "Unauthorized" }] } });
  expect(refused.headers).toMatchObject({ "x-ratelimit-limit": "600", "x-ratelimit-burst": "50", "x-ratelimit-remaining": expect.any(String) });
});

test("a write answers 202 with an absolute Location; the request goes QUEUED → RUNNING → DONE, the resource BUSY until then", async () => {
  const first = await api("POST", "/datacenters", { properties: { name: "a", location: "de/fra" } });
  const second = await api("POST", `/datacenters/${first.body.id}/lans`, { properties: { name: "l" } });
  expect(first).toMatchObject({ status: 202, body: { type: "datacenter", metadata: { state: "BUSY" } } });
  expect(second.headers.location).toMatch(new RegExp(`^${emulator.apiUrl}/requests/[0-9a-f-]{36}/status$`));
  // The LAN's request waits behind the data center's: requests of one data center run one at a time.
  expect((await api("GET", second.headers.location as string)).body.metadata.status).toBe("QUEUED");
  expect((await api("GET", first.headers.location as string)).body.metadata.status).toBe("RUNNING");
  await sleep(420);
  expect((await api("GET", first.headers.location as string)).body.metadata).toMatchObject({
    status: "DONE",
    targets: [{ target: { id: first.body.id, type: "datacenter" }, status: "DONE" }],
  });
  expect((await api("GET", `/datacenters/${first.body.id}`)).body.metadata.state).toBe("AVAILABLE");
  expect((await api("GET", second.headers.location as string)).body.metadata.status).toBe("RUNNING");
  expect(second.body.id).toBe("1");
});

test("an update shows only once its request is DONE; a FAILED one never", async () => {
  const dc = await api("POST", "/datacenters", { properties: { name: "b", location: "de/fra" } });
  await sleep(420);
  await api("PATCH", `/datacenters/${dc.body.id}`, { name: "b2" });
  expect((await api("GET", `/datacenters/${dc.body.id}`)).body).toMatchObject({ properties: { name: "b" }, metadata: { state: "BUSY" } });
  await sleep(420);
  expect((await api("GET", `/datacenters/${dc.body.id}`)).body.properties.name).toBe("b2");

  emulator.failNextRequest({ method: "PATCH" }, "[VDC-1-2] refused");
  const failed = await api("PATCH", `/datacenters/${dc.body.id}`, { name: "b3" });
  await sleep(420);
  expect((await api("GET", failed.headers.location as string)).body.metadata).toMatchObject({ status: "FAILED", message: "[VDC-1-2] refused" });
  expect((await api("GET", `/datacenters/${dc.body.id}`)).body.properties.name).toBe("b2");
});

test("depth, offset and limit, 404 and 422 bodies, and a data center deleted with its children", async () => {
  const dc = await api("POST", "/datacenters", { properties: { name: "c", location: "de/txl" } });
  for (const name of ["x", "y", "z"]) await api("POST", `/datacenters/${dc.body.id}/lans`, { properties: { name } });
  await sleep(1_300);
  const refs = await api("GET", `/datacenters/${dc.body.id}/lans?depth=0&limit=2`);
  expect(refs.body).toMatchObject({ type: "collection", offset: 0, limit: 2, items: [{ id: "1", type: "lan" }, { id: "2" }] });
  expect(refs.body.items[0].properties).toBeUndefined();
  expect(refs.body._links.next).toBe(`${emulator.apiUrl}/datacenters/${dc.body.id}/lans?offset=2&limit=2`);
  const withChildren = await api("GET", `/datacenters/${dc.body.id}?depth=2`);
  expect(withChildren.body.entities.lans.items.map((lan: { properties: { name: string } }) => lan.properties.name)).toEqual(["x", "y", "z"]);
  expect((await api("GET", `/datacenters/${dc.body.id}?depth=11`)).status).toBe(422);

  expect(await api("GET", `/datacenters/${dc.body.id}/lans/9`)).toMatchObject({
    status: 404,
    body: { httpStatus: 404, messages: [{ errorCode: "309", message: "Resource does not exist" }] },
  });
  const invalid = await api("POST", `/datacenters/${dc.body.id}/servers`, { properties: { cores: 0, ram: 1000 } });
  expect(invalid).toMatchObject({ status: 422, body: { httpStatus: 422 } });
  expect(invalid.body.messages.map((m: { message: string }) => m.message)).toEqual([
    expect.stringMatching(/properties.cores/),
    expect.stringMatching(/properties.ram': must be a multiple of 256 MB/),
  ]);
  expect((await api("PATCH", `/datacenters/${dc.body.id}`, { location: "de/fra" })).status).toBe(422);

  await api("DELETE", `/datacenters/${dc.body.id}`);
  await sleep(650);
  expect((await api("GET", `/datacenters/${dc.body.id}/lans/1`)).status).toBe(404);
  expect([...emulator.store.nodes.keys()].some((path) => path.includes(dc.body.id))).toBe(false);
});
