/**
 * IONOS user management over real HTTP against the emulator: `ionos.User`, `ionos.Group`,
 * `ionos.GroupMembership`, `ionos.Share` and `ionos.S3Key` through check, create, read, diff (in
 * place and replace), update, outside change, outside delete, adoption by id, delete (twice), bad
 * input at check with no API call, and a lost create answer that still makes exactly one. Then
 * every request and answer of these lifecycles is checked against the Cloud API v6 spec.
 */
import type { IonosEmulator, Node } from "../src/emulator/ionos/emulator";
import { TOKEN_PATH } from "../src/emulator/ionos/emulator";
import { ionosClient } from "../src/ionos/client";
import { checkAndCreate, ops, stopIonosEmulator, useIonosEmulator } from "./support/ionos";
import { haveIonosSpecs, ionosOperations, ionosRequestSchema } from "./support/ionos-spec";
import { contractProblems } from "./support/openapi";

let emulator: IonosEmulator;
beforeAll(async () => {
  emulator = await useIonosEmulator();
});
afterAll(() => stopIonosEmulator(emulator));

const outside = { cloud: "ionos" as const, operation: "outside change" };
const limit = { timeoutMs: 10_000, howToRaise: "-" };
/** Calls the API directly, as someone outside Pulumi would, and waits for the request. */
const outsideCall = (method: "PUT" | "DELETE" | "POST", path: string, body?: unknown) => ionosClient().write(outside, method, path, body, limit);

const PASSWORD = "S3cret-Passw0rd-for-tests";
const nodes = (type: string): Node[] => [...emulator.store.nodes.values()].filter((node) => node.type === type);

async function apiCallsDuring(action: () => Promise<unknown>): Promise<number> {
  const before = emulator.log.entries.length;
  await action();
  return emulator.log.entries.length - before;
}

let userSeq = 0;
const newUser = (extra: Record<string, unknown> = {}) =>
  checkAndCreate("User", { firstname: "Ada", lastname: "Lovelace", email: `ada-${++userSeq}@example.com`, password: PASSWORD, ...extra });

describe("ionos.User", () => {
  test("lifecycle: create, read, in-place update (password too), replace-free diff, outside change and delete, adoption", async () => {
    const { id, outs, inputs } = await newUser({ administrator: false });
    expect(inputs).toEqual({
      firstname: "Ada", lastname: "Lovelace", email: "ada-1@example.com", password: PASSWORD,
      administrator: false, forceSecAuth: false, active: true, timeoutMinutes: 30,
    });
    expect(outs).toMatchObject({ ...inputs, userId: id, secAuthActive: false });
    expect(outs.s3CanonicalUserId).toMatch(/^[0-9a-f]{32}$/);
    // The API never shows the password.
    expect(JSON.stringify(nodes("user").map((n) => n.properties))).not.toContain(PASSWORD);

    expect(await ops("User").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("User").diff(id, outs, inputs)).toMatchObject({ changes: false });
    const changed = { ...inputs, lastname: "Byron", administrator: true, password: "An0ther-Passw0rd" };
    expect(await ops("User").diff(id, outs, changed)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const from = emulator.log.entries.length;
    const updated = await ops("User").update(id, outs, changed);
    expect(updated.outs).toMatchObject({ lastname: "Byron", administrator: true, password: "An0ther-Passw0rd", s3CanonicalUserId: outs.s3CanonicalUserId });
    const put = emulator.log.entries.slice(from).find((e) => e.method === "PUT")!;
    expect(put.body).toMatchObject({ properties: { password: "An0ther-Passw0rd", lastname: "Byron" } });
    // A PUT without a password change does not send it again.
    const renamed = await ops("User").update(id, updated.outs, { ...changed, firstname: "Augusta" });
    const second = emulator.log.entries.filter((e) => e.method === "PUT").pop()!;
    expect((second.body as { properties: Record<string, unknown> }).properties).not.toHaveProperty("password");

    await outsideCall("PUT", `/um/users/${id}`, { properties: { firstname: "Augusta", lastname: "Byron", email: outs.email, active: false } });
    const drifted = await ops("User").read(id, renamed.outs);
    expect(drifted.props).toMatchObject({ active: false, administrator: false, password: "An0ther-Passw0rd" });

    // Adoption: a read with only the id gives the outputs, without the password IONOS never returns.
    const adopted = await ops("User").read(id, {});
    expect(adopted.props).toMatchObject({ userId: id, email: outs.email, firstname: "Augusta" });
    expect(adopted.props).not.toHaveProperty("password");

    await ops("User").delete(id, renamed.outs);
    expect(await ops("User").read(id, renamed.outs)).toEqual({});
    await ops("User").delete(id, renamed.outs);
  });

  test("an outside delete: read returns nothing", async () => {
    const { id, outs } = await newUser();
    await outsideCall("DELETE", `/um/users/${id}`);
    expect(await ops("User").read(id, outs)).toEqual({});
  });

  test("bad input is rejected at check, naming the field, with no API call, and the password is not in the message", async () => {
    const calls = await apiCallsDuring(async () => {
      const bad = await ops("User").check({}, { firstname: "A", lastname: "B", email: "not-an-email", password: PASSWORD });
      expect(bad.failures).toEqual([expect.objectContaining({ property: "email" })]);
      expect(JSON.stringify(bad.failures)).not.toContain(PASSWORD);
      const missing = await ops("User").check({}, { firstname: "A", lastname: "B", email: "a@example.com" });
      expect(missing.failures).toEqual([expect.objectContaining({ property: "password" })]);
      const typo = await ops("User").check({}, { firstname: "A", lastname: "B", email: "a@example.com", password: PASSWORD, admin: true });
      expect(typo.failures?.map((f) => f.property)).toContain("admin");
    });
    expect(calls).toBe(0);
  });

  test("the email is unique in the contract: a second user with it fails, without the password in the error", async () => {
    const first = await newUser();
    const clash = ops("User").create((await ops("User").check({}, { firstname: "B", lastname: "C", email: (first.outs.email as string).toUpperCase(), password: PASSWORD })).inputs!);
    await expect(clash).rejects.toThrow(/already exists/);
    await clash.catch((error: Error) => expect(error.message).not.toContain(PASSWORD));
    await ops("User").delete(first.id, first.outs);
  });

  test("the API's password rule: a short password fails at create, without the password in the error", async () => {
    const checked = await ops("User").check({}, { firstname: "A", lastname: "B", email: "short@example.com", password: "Sh0rt" });
    const created = ops("User").create(checked.inputs!);
    await expect(created).rejects.toThrow(/properties\.password/);
    await created.catch((error: Error) => expect(error.message).not.toContain("Sh0rt"));
    expect(nodes("user").some((n) => n.properties.email === "short@example.com")).toBe(false);
  });

  test("a lost create answer still makes exactly one user", async () => {
    const before = nodes("user").length;
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/um\/users$/ } });
    const { id, outs } = await newUser();
    expect(nodes("user").length).toBe(before + 1);
    expect(outs.userId).toBe(id);
    await ops("User").delete(id, outs);
  });
});

describe("ionos.Group", () => {
  test("lifecycle: every privilege in place, rename in place, outside change and delete, adoption", async () => {
    const { id, outs, inputs } = await checkAndCreate("Group", { name: "ops", createDataCenter: true, s3Privilege: true });
    expect(inputs).toMatchObject({ name: "ops", createDataCenter: true, s3Privilege: true, manageDBaaS: false, timeoutMinutes: 30 });
    expect(outs).toEqual({ ...inputs, groupId: id });
    expect(nodes("group")[0].properties).toMatchObject({ createDataCenter: true, reserveIp: false });
    expect(await ops("Group").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("Group").diff(id, outs, inputs)).toMatchObject({ changes: false });
    const changed = { ...inputs, name: "operations", createDataCenter: false, manageDBaaS: true, createK8sCluster: true };
    expect(await ops("Group").diff(id, outs, changed)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("Group").update(id, outs, changed);
    expect(updated.outs).toEqual({ ...changed, groupId: id });

    await outsideCall("PUT", `/um/groups/${id}`, { properties: { name: "operations", reserveIp: true } });
    const drifted = await ops("Group").read(id, updated.outs);
    expect(drifted.props).toMatchObject({ reserveIp: true, manageDBaaS: false, createK8sCluster: false });
    expect((await ops("Group").read(id, {})).props).toMatchObject({ groupId: id, name: "operations", reserveIp: true });

    await outsideCall("DELETE", `/um/groups/${id}`);
    expect(await ops("Group").read(id, outs)).toEqual({});
    await ops("Group").delete(id, outs);
  });

  test("bad input at check with no API call; a lost create answer makes one group", async () => {
    const calls = await apiCallsDuring(async () => {
      const bad = await ops("Group").check({}, { name: "x", reserveIp: "yes" });
      expect(bad.failures).toEqual([expect.objectContaining({ property: "reserveIp" })]);
    });
    expect(calls).toBe(0);
    const before = nodes("group").length;
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/um\/groups$/ } });
    const { id, outs } = await checkAndCreate("Group", { name: "lost-answer" });
    expect(nodes("group").length).toBe(before + 1);
    await ops("Group").delete(id, outs);
    await ops("Group").delete(id, outs);
  });
});

describe("ionos.GroupMembership", () => {
  test("lifecycle: add, read, replace diff, removed outside, adoption, delete keeps the user; a lost answer adds once", async () => {
    const user = await newUser();
    const group = await checkAndCreate("Group", { name: "members" });
    const other = await checkAndCreate("Group", { name: "others" });
    const { id, outs, inputs } = await checkAndCreate("GroupMembership", { groupId: group.id, userId: user.id });
    expect(id).toBe(`${group.id}/${user.id}`);
    expect(outs).toEqual({ groupId: group.id, userId: user.id, timeoutMinutes: 30 });
    expect(await ops("GroupMembership").read(id, outs)).toEqual({ id, props: outs });
    expect((await ops("GroupMembership").read(id, {})).props).toEqual(outs);
    expect(await ops("GroupMembership").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("GroupMembership").diff(id, outs, { ...inputs, groupId: other.id })).toMatchObject({ changes: true, replaces: ["groupId"] });
    expect((await ops("GroupMembership").update(id, outs, { ...inputs, timeoutMinutes: 5 })).outs).toMatchObject({ timeoutMinutes: 5 });

    // The user's groups list it too.
    const groups = await ionosClient().list(outside, `/um/users/${user.id}/groups`, (await import("zod")).z.object({ id: (await import("zod")).z.string() }));
    expect(groups.map((g) => g.id)).toEqual([group.id]);

    await outsideCall("DELETE", `/um/groups/${group.id}/users/${user.id}`);
    expect(await ops("GroupMembership").read(id, outs)).toEqual({});
    await ops("GroupMembership").delete(id, outs);

    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/um\/groups\/[^/]+\/users$/ } });
    const again = await checkAndCreate("GroupMembership", { groupId: other.id, userId: user.id });
    expect(again.id).toBe(`${other.id}/${user.id}`);
    const posts = emulator.log.entries.filter((e) => e.method === "POST" && e.path.endsWith(`/um/groups/${other.id}/users`));
    expect(posts).toHaveLength(1);
    await ops("GroupMembership").delete(again.id, again.outs);
    expect(await ops("GroupMembership").read(again.id, again.outs)).toEqual({});
    expect(nodes("user").some((n) => n.id === user.id)).toBe(true);
    // A membership of a group gone is gone.
    await ops("Group").delete(group.id, group.outs);
    expect(await ops("GroupMembership").read(id, outs)).toEqual({});
    await ops("Group").delete(other.id, other.outs);
    await ops("User").delete(user.id, user.outs);
  });

  test("made again with the same create key after an outside removal (refresh, then up), it is added again", async () => {
    const user = await newUser();
    const group = await checkAndCreate("Group", { name: "again" });
    const key = "0b7f3f0e-6c1d-4d55-9a43-3e1f6c1a2b3c";
    const inputs = { groupId: group.id, userId: user.id, timeoutMinutes: 30, __createKey: key };
    const first = await ops("GroupMembership").create(inputs);
    await outsideCall("DELETE", `/um/groups/${group.id}/users/${user.id}`);
    expect(await ops("GroupMembership").read(first.id, first.outs)).toEqual({});
    const again = await ops("GroupMembership").create(inputs);
    expect(again.id).toBe(first.id);
    expect(await ops("GroupMembership").read(again.id, again.outs)).toMatchObject({ id: first.id });
    const posts = emulator.log.entries.filter((e) => e.method === "POST" && e.path.endsWith(`/um/groups/${group.id}/users`));
    expect(posts).toHaveLength(2);
    await ops("Group").delete(group.id, group.outs);
    await ops("User").delete(user.id, user.outs);
  });

  test("bad input at check with no API call; the API refuses an unknown user", async () => {
    const calls = await apiCallsDuring(async () => {
      const bad = await ops("GroupMembership").check({}, { groupId: "", userId: "u" });
      expect(bad.failures).toEqual([expect.objectContaining({ property: "groupId" })]);
    });
    expect(calls).toBe(0);
    const group = await checkAndCreate("Group", { name: "strangers" });
    await expect(checkAndCreate("GroupMembership", { groupId: group.id, userId: "no-such-user" })).rejects.toThrow(/no user/);
    await ops("Group").delete(group.id, group.outs);
  });
});

describe("ionos.Share", () => {
  test("lifecycle: share a data center, rights in place (PUT), replace diff, outside change and delete, adoption", async () => {
    const dc = await checkAndCreate("Datacenter", { name: "shared", location: "de/fra" });
    const group = await checkAndCreate("Group", { name: "viewers" });
    const { id, outs, inputs } = await checkAndCreate("Share", { groupId: group.id, resourceId: dc.id });
    expect(id).toBe(`${group.id}/${dc.id}`);
    expect(outs).toEqual({ groupId: group.id, resourceId: dc.id, editPrivilege: false, sharePrivilege: false, timeoutMinutes: 30 });
    expect(await ops("Share").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("Share").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("Share").diff(id, outs, { ...inputs, resourceId: "other" })).toMatchObject({ replaces: ["resourceId"] });
    const changed = { ...inputs, editPrivilege: true };
    expect(await ops("Share").diff(id, outs, changed)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("Share").update(id, outs, changed);
    expect(updated.outs).toMatchObject({ editPrivilege: true, sharePrivilege: false });
    expect(emulator.log.entries.filter((e) => e.method === "PUT" && e.path.endsWith(`/shares/${dc.id}`))).toHaveLength(1);

    await outsideCall("PUT", `/um/groups/${group.id}/shares/${dc.id}`, { properties: { sharePrivilege: true } });
    expect((await ops("Share").read(id, updated.outs)).props).toMatchObject({ editPrivilege: false, sharePrivilege: true });
    expect((await ops("Share").read(id, {})).props).toMatchObject({ groupId: group.id, resourceId: dc.id, sharePrivilege: true });

    await outsideCall("DELETE", `/um/groups/${group.id}/shares/${dc.id}`);
    expect(await ops("Share").read(id, outs)).toEqual({});
    await ops("Share").delete(id, outs);

    // A lost create answer: one share, found on its own path.
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/shares\/[^/]+$/ } });
    const again = await checkAndCreate("Share", { ...inputs, sharePrivilege: true });
    expect(again.outs).toMatchObject({ sharePrivilege: true });
    expect(nodes("resource")).toHaveLength(1);
    // A share goes with its resource.
    await ops("Datacenter").delete(dc.id, dc.outs);
    expect(await ops("Share").read(again.id, again.outs)).toEqual({});
    await ops("Share").delete(again.id, again.outs);
    await ops("Group").delete(group.id, group.outs);
  });

  test("bad input at check with no API call; a share of a resource that does not exist is refused", async () => {
    const calls = await apiCallsDuring(async () => {
      const bad = await ops("Share").check({}, { groupId: "g", resourceId: "r", editPrivilege: 1 });
      expect(bad.failures).toEqual([expect.objectContaining({ property: "editPrivilege" })]);
    });
    expect(calls).toBe(0);
    const group = await checkAndCreate("Group", { name: "nothing" });
    await expect(checkAndCreate("Share", { groupId: group.id, resourceId: "no-such-resource" })).rejects.toThrow(/does not exist/);
    await ops("Group").delete(group.id, group.outs);
  });
});

describe("ionos.S3Key", () => {
  test("lifecycle: create (POST answered 200), secret from the create, deactivate in place, outside change and delete, adoption", async () => {
    const user = await newUser();
    const { id, outs, inputs } = await checkAndCreate("S3Key", { userId: user.id });
    const key = nodes("s3key")[0];
    expect(id).toBe(`${user.id}/${key.id}`);
    expect(outs).toEqual({ userId: user.id, active: true, timeoutMinutes: 30, keyId: key.id, secretKey: key.properties.secretKey });
    const post = emulator.log.entries.find((e) => e.method === "POST" && e.path.endsWith("/s3keys"))!;
    expect(post.status).toBe(200);
    expect(await ops("S3Key").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("S3Key").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("S3Key").diff(id, outs, { ...inputs, userId: "other" })).toMatchObject({ replaces: ["userId"] });
    const updated = await ops("S3Key").update(id, outs, { ...inputs, active: false });
    expect(updated.outs).toMatchObject({ active: false, secretKey: outs.secretKey });
    await outsideCall("PUT", `/um/users/${user.id}/s3keys/${key.id}`, { properties: { active: true } });
    expect((await ops("S3Key").read(id, updated.outs)).props).toMatchObject({ active: true });
    expect((await ops("S3Key").read(id, {})).props).toMatchObject({ keyId: key.id, userId: user.id, secretKey: outs.secretKey });
    await outsideCall("DELETE", `/um/users/${user.id}/s3keys/${key.id}`);
    expect(await ops("S3Key").read(id, outs)).toEqual({});
    await ops("S3Key").delete(id, outs);

    // Made inactive: created, then a PUT.
    const inactive = await checkAndCreate("S3Key", { userId: user.id, active: false });
    expect(inactive.outs).toMatchObject({ active: false });
    await ops("S3Key").delete(inactive.id, inactive.outs);
    await ops("S3Key").delete(inactive.id, inactive.outs);
    await ops("User").delete(user.id, user.outs);
  });

  test("a lost create answer makes one key, with its secret; at most five keys a user; bad input at check", async () => {
    const user = await newUser();
    emulator.faults.next({ kind: "reset-after", match: { method: "POST", path: /\/s3keys$/ } });
    const first = await checkAndCreate("S3Key", { userId: user.id });
    expect(nodes("s3key")).toHaveLength(1);
    expect(first.outs.secretKey).toBe(nodes("s3key")[0].properties.secretKey);
    for (let i = 0; i < 4; i++) await checkAndCreate("S3Key", { userId: user.id });
    await expect(checkAndCreate("S3Key", { userId: user.id })).rejects.toThrow(/5 S3 keys/);
    const calls = await apiCallsDuring(async () => {
      const bad = await ops("S3Key").check({}, { userId: user.id, active: "no" });
      expect(bad.failures).toEqual([expect.objectContaining({ property: "active" })]);
    });
    expect(calls).toBe(0);
    // Deleting the user deletes the keys.
    await ops("User").delete(user.id, user.outs);
    expect(nodes("s3key")).toHaveLength(0);
    expect(await ops("S3Key").read(first.id, first.outs)).toEqual({});
  });
});

const haveSpecs = haveIonosSpecs("the user management contract check");

(haveSpecs ? test : test.skip)("every request sent and every answer given above follows the Cloud API v6 spec", () => {
  const operations = ionosOperations();
  // Error answers (the refusals tested above) are not held to a schema.
  const entries = emulator.log.entries;
  const { problems, checked } = contractProblems(entries, operations,  { requestSchema: ionosRequestSchema, skipAnswer: (entry) => entry.path === TOKEN_PATH });
  const um = [...checked].filter((name) => name.includes("/um/")).sort();
  console.log(`checked ${entries.length} requests covering ${checked.size} operations, ${um.length} of user management:\n  ${um.join("\n  ")}`);
  expect(problems).toEqual([]);
  expect(um).toEqual(expect.arrayContaining([
    "POST /um/users", "GET /um/users", "GET /um/users/{userId}", "PUT /um/users/{userId}", "DELETE /um/users/{userId}",
    "POST /um/groups", "GET /um/groups", "PUT /um/groups/{groupId}", "DELETE /um/groups/{groupId}",
    "POST /um/groups/{groupId}/users", "GET /um/groups/{groupId}/users", "DELETE /um/groups/{groupId}/users/{userId}",
    "GET /um/users/{userId}/groups",
    "POST /um/groups/{groupId}/shares/{resourceId}", "GET /um/groups/{groupId}/shares/{resourceId}",
    "PUT /um/groups/{groupId}/shares/{resourceId}", "DELETE /um/groups/{groupId}/shares/{resourceId}", "GET /um/groups/{groupId}/shares",
    "POST /um/users/{userId}/s3keys", "GET /um/users/{userId}/s3keys", "GET /um/users/{userId}/s3keys/{keyId}",
    "PUT /um/users/{userId}/s3keys/{keyId}", "DELETE /um/users/{userId}/s3keys/{keyId}",
  ]));
});
