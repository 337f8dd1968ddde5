/**
 * IONOS user management on the real Pulumi engine against the IONOS emulator, through the generic
 * declared program (test/programs/declared.ts): a user whose password comes from secret config, a
 * group, the user's membership in it, a data center shared with the group, and an S3 key of the
 * user. Up, a preview with nothing changed, in-place changes (the password, a secret, included),
 * a replacing change, refresh after an outside change and an outside delete, adoption by id, bad
 * input failing at preview with no API call, destroy leaving nothing. The password and the S3
 * secret key must never be in the state or the output in plain text. Needs `npm run build` and
 * the Pulumi CLI (`bash .ci/pulumi-cli`).
 */
import { type IonosEmulator, startIonosEmulator } from "../src/emulator";
import { describeWithEngine } from "./engine";
import { type Declared, DECLARED_PROGRAM, adoptById, engineStack, stepLines } from "./support/engine-stack";

const PASSWORD = "Engine-User-Passw0rd-1";
const NEW_PASSWORD = "Engine-User-Passw0rd-2";


interface Change {
  email?: string;
  k8s?: boolean;
  edit?: boolean;
  keyActive?: boolean;
  location?: string;
}

function program(change: Change = {}): Declared[] {
  return [
    {
      type: "ionos:User",
      name: "user",
      args: { firstname: "Grace", lastname: "Hopper", email: change.email ?? "grace@example.com", password: "@secret.userPassword" },
    },
    { type: "ionos:Group", name: "group", args: { name: "developers", createDataCenter: true, s3Privilege: true, createK8sCluster: change.k8s ?? false } },
    { type: "ionos:GroupMembership", name: "member", args: { groupId: "@group.groupId", userId: "@user.userId" } },
    { type: "ionos:Datacenter", name: "dc", args: { name: "shared-dc", location: change.location ?? "de/fra" } },
    { type: "ionos:Share", name: "share", args: { groupId: "@group.groupId", resourceId: "@dc.datacenterId", editPrivilege: change.edit ?? false } },
    { type: "ionos:S3Key", name: "key", args: { userId: "@user.userId", active: change.keyActive ?? true } },
  ];
}

describeWithEngine("IONOS user management on the Pulumi engine", () => {
  // A step is a preview and an up (or a refresh, preview and up): on a loaded machine, over a minute.
  jest.setTimeout(180_000);
  let emulator: IonosEmulator;
  const stack = engineStack(DECLARED_PROGRAM, "engine-ionos-um-");
  const settings = () => ({ config: { "ionos:apiUrl": emulator.apiUrl }, secretConfig: { "ionos:token": emulator.credentials.token } });
  const declare = (resources: Declared[]) => ({ config: { resources: JSON.stringify(resources) } });
  const changed: Change = { k8s: true, edit: true, keyActive: false };

  beforeAll(async () => {
    emulator = await startIonosEmulator({ requestMs: 50 });
    stack.secrets.push(PASSWORD, NEW_PASSWORD, ...Object.values(emulator.credentials));
  });

  afterAll(async () => {
    await emulator.stop();
    stack.remove();
  });

  const nodes = (type: string) => [...emulator.store.nodes.values()].filter((node) => node.type === type);
  const secretKeys = () => nodes("s3key").map((key) => key.properties.secretKey as string);

  test("up creates the user, group, membership, data center, share and S3 key", async () => {
    const { config, secretConfig } = settings();
    const up = await stack.run("up", {
      config: { ...config, ...declare(program()).config },
      secretConfig: { ...secretConfig, "secret.userPassword": PASSWORD },
    });
    expect(stepLines(up)).toEqual([
      "create ionos:Datacenter dc",
      "create ionos:Group group",
      "create ionos:GroupMembership member",
      "create ionos:S3Key key",
      "create ionos:Share share",
      "create ionos:User user",
    ]);
    expect(up.summary).toEqual({ create: 7 });
    // The secret key is known now: every later run checks the state and output for it.
    stack.secrets.push(...secretKeys());
    expect(secretKeys()).toHaveLength(1);
    expect(JSON.stringify(nodes("user")[0].properties)).not.toContain(PASSWORD);
    expect(emulator.liveResources()).toBe(5);
  });

  test("a preview with nothing changed shows no change, and the state holds no secret in plain text", async () => {
    const preview = await stack.run("preview", { expectNoChanges: true });
    expect(preview.steps).toEqual([]);
    expect(preview.summary).toEqual({ same: 7 });
  });

  test("a new privilege, share right and key state change in place, and nothing that depends on them", async () => {
    const { up } = await stack.previewThenUp(declare(program(changed)));
    expect(stepLines(up)).toEqual(["update ionos:Group group [createK8sCluster]", "update ionos:S3Key key [active]", "update ionos:Share share [editPrivilege]"]);
    expect(nodes("group")[0].properties.createK8sCluster).toBe(true);
    expect(nodes("resource")[0].properties.editPrivilege).toBe(true);
    expect(nodes("s3key")[0].properties.active).toBe(false);
  });

  test("a new password is set in place, and stays out of the state", async () => {
    const { up } = await stack.previewThenUp({ secretConfig: { "secret.userPassword": NEW_PASSWORD } });
    // The engine masks secrets in its events: the changed field is not named.
    expect(stepLines(up)).toEqual(["update ionos:User user"]);
    const put = emulator.log.entries.filter((entry) => entry.method === "PUT" && /\/um\/users\/[^/]+$/.test(entry.path)).at(-1)!;
    expect(put.body).toMatchObject({ properties: { password: NEW_PASSWORD, email: "grace@example.com" } });
  });

  test("a new location replaces the data center, and so its share, and nothing else", async () => {
    const before = nodes("resource")[0].id;
    changed.location = "de/txl";
    const { up } = await stack.previewThenUp(declare(program(changed)));
    expect(stepLines(up)).toEqual([
      "delete-replaced ionos:Datacenter dc",
      "delete-replaced ionos:Share share",
      "replace ionos:Datacenter dc [location]",
      "replace ionos:Share share [resourceId]",
    ]);
    expect(nodes("resource").map((share) => share.id === before)).toEqual([false]);
    expect(nodes("resource")[0].id).toBe(nodes("datacenter")[0].id);
  });

  test("refresh notices the user changed outside Pulumi, and the next up puts it back", async () => {
    const [user] = nodes("user");
    user.properties = { ...user.properties, lastname: "Murray" };
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["update ionos:User user [lastname]"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["update ionos:User user [lastname]"]);
    expect(nodes("user")[0].properties.lastname).toBe("Hopper");
  });

  test("refresh notices the membership removed outside Pulumi, and the next up adds it again", async () => {
    const [group] = nodes("group");
    (group.hidden!.members as Set<string>).clear();
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["delete ionos:GroupMembership member"]);
    expect(refresh.summary).toEqual({ same: 6, delete: 1 });
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["create ionos:GroupMembership member"]);
    expect([...(group.hidden!.members as Set<string>)]).toEqual([nodes("user")[0].id]);
  });

  test("get adopts the share by its id, and destroying that stack leaves it", async () => {
    const [share] = nodes("resource");
    const group = nodes("group")[0];
    const adopted = await adoptById({ type: "ionos:Share", id: `${group.id}/${share.id}`, settings: settings(), secrets: stack.secrets });
    expect(adopted).toMatchObject({ groupId: group.id, resourceId: share.id, editPrivilege: true, sharePrivilege: false });
    expect(emulator.store.nodes.has(share.path)).toBe(true);
  });

  test("a bad email fails at preview, naming the field, with no API call", async () => {
    const before = emulator.log.entries.length;
    const preview = await stack.attempt("preview", declare(program({ ...changed, email: "not-an-email" })));
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toMatch(/email/);
    expect(emulator.log.entries.length).toBe(before);
    // The stack keeps the config the failed preview was given: put the good one back.
    const good = await stack.run("preview", { ...declare(program(changed)), expectNoChanges: true });
    expect(good.steps).toEqual([]);
  });

  test("destroy removes everything from the cloud", async () => {
    const destroy = await stack.run("destroy");
    expect(destroy.summary).toEqual({ delete: 7 });
    expect(stack.resources()).toEqual([]);
    expect(emulator.liveResources()).toBe(0);
  });
});
