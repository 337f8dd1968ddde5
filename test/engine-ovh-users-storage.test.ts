/**
 * `ovh.CloudUser`, `ovh.CloudS3Credential` and `ovh.CloudStorageContainer` on the real Pulumi
 * engine against the OVH emulator, one stack of the declared program (test/programs/declared.ts):
 * a user, an S3 credential of it, and a container. New roles and a new container type change in
 * place and nothing else; a new container name replaces the container; a new description replaces
 * the user and its credential; unknown roles fail at preview naming `roles`; refresh after an
 * outside change and an outside delete; adoption by id with `get`; destroy, after which the cloud
 * holds nothing. The user's password and the S3 secret never show in plain text in the state or
 * the output. Needs `npm run build` and the Pulumi CLI.
 */
import { type OvhEmulator, startOvhEmulator } from "../src/emulator/ovh/emulator";
import { usersStorageOf } from "../src/emulator/ovh/users-storage";
import { describeWithEngine } from "./engine";
import { DECLARED_PROGRAM, adoptById, engineStack, stepLines } from "./support/engine-stack";


describeWithEngine("ovh.CloudUser, ovh.CloudS3Credential and ovh.CloudStorageContainer on the Pulumi engine", () => {
  let emulator: OvhEmulator;
  const stack = engineStack(DECLARED_PROGRAM, "engine-ovh-users-storage-");

  interface Shape {
    user?: Record<string, unknown>;
    container?: Record<string, unknown>;
  }
  /** The stack's resources, with the user's and the container's arguments as given. */
  const declared = ({ user = {}, container = {} }: Shape) => {
    const serviceName = emulator.serviceName;
    return JSON.stringify([
      { type: "ovh:CloudUser", name: "app", args: { serviceName, roles: ["objectstore_operator"], ...user } },
      { type: "ovh:CloudS3Credential", name: "app-s3", args: { serviceName, userId: "@app.userId" } },
      { type: "ovh:CloudStorageContainer", name: "assets", args: { serviceName, region: "GRA", ...container } },
    ]);
  };
  const settings = (shape: Shape = {}) => {
    const { applicationKey, applicationSecret, consumerKey } = emulator.credentials;
    return {
      config: { "ovh:endpoint": emulator.apiUrl, resources: declared(shape) },
      secretConfig: { "ovh:applicationKey": applicationKey, "ovh:applicationSecret": applicationSecret, "ovh:consumerKey": consumerKey },
    };
  };
  /** Only the resource list changes after the first up: the rest of the config stays in the stack. */
  const shaped = (shape: Shape) => ({ config: { resources: declared(shape) } });

  beforeAll(async () => {
    emulator = await startOvhEmulator({ buildMs: 400 });
    stack.secrets.push(...Object.values(emulator.credentials));
  });

  afterAll(async () => {
    await emulator.stop();
    stack.remove();
  });

  const state = () => usersStorageOf(emulator.store.projects.get(emulator.serviceName)!);
  const users = () => [...state().users.values()].filter((u) => u.goneAt === undefined);
  const containers = () => [...state().containers.values()];
  /**
   * Every password and S3 secret OVH has handed out (from the emulator's log and store) must never
   * show in plain text: the stack checks each run's output and every state file for them.
   */
  const guardSecrets = () => {
    for (const entry of emulator.log.entries) {
      const password = (entry.answer as { password?: unknown } | undefined)?.password;
      if (typeof password === "string" && !stack.secrets.includes(password)) stack.secrets.push(password);
    }
    for (const user of state().users.values()) {
      for (const secret of user.s3.values()) if (!stack.secrets.includes(secret)) stack.secrets.push(secret);
    }
  };

  test("up creates the user (waiting for it to be ok), its S3 credential and the container", async () => {
    const up = await stack.run("up", settings());
    guardSecrets();
    expect(stepLines(up)).toEqual(["create ovh:CloudS3Credential app-s3", "create ovh:CloudStorageContainer assets", "create ovh:CloudUser app"]);
    expect(up.summary).toEqual({ create: 4 });
    expect(users()).toEqual([expect.objectContaining({ description: expect.stringMatching(/^app-[0-9a-f]{8}$/), roles: new Set(["objectstore_operator"]) })]);
    expect(users()[0].s3.size).toBe(1);
    expect(containers()).toEqual([expect.objectContaining({ name: expect.stringMatching(/^assets-[0-9a-f]{8}$/), region: "GRA", type: "private" })]);
    expect(emulator.liveResources()).toBe(3);
    // Both secrets are in the state, encrypted.
    const byName = Object.fromEntries(stack.resources().map((r) => [r.name, r]));
    expect(JSON.stringify(byName.app)).toContain('"password"');
    expect(JSON.stringify(byName["app-s3"])).toContain('"secret"');
    expect(stack.secrets.length).toBeGreaterThanOrEqual(Object.values(emulator.credentials).length + 2);
  });

  test("a preview with nothing changed shows no change", async () => {
    const preview = await stack.run("preview", { expectNoChanges: true });
    expect(preview.steps).toEqual([]);
    expect(preview.summary).toEqual({ same: 4 });
  });

  test("new roles and a public container change both in place, and the credential not at all", async () => {
    const [user] = users();
    const { up } = await stack.previewThenUp(shaped({ user: { roles: ["objectstore_operator", "compute_operator"] }, container: { type: "public" } }));
    expect(stepLines(up)).toEqual(["update ovh:CloudStorageContainer assets [type]", "update ovh:CloudUser app [roles]"]);
    expect(up.summary).toEqual({ same: 2, update: 2 });
    expect(users()).toEqual([expect.objectContaining({ id: user.id, roles: new Set(["compute_operator", "objectstore_operator"]) })]);
    expect(containers()[0].type).toBe("public");
  });

  const current: Shape = { user: { roles: ["objectstore_operator", "compute_operator"] }, container: { type: "public" } };

  test("a new container name replaces the container, and nothing else", async () => {
    const [before] = containers();
    current.container = { type: "public", name: "assets-renamed" };
    const { up } = await stack.previewThenUp(shaped(current));
    expect(stepLines(up)).toEqual(["delete-replaced ovh:CloudStorageContainer assets", "replace ovh:CloudStorageContainer assets [name]"]);
    expect(containers()).toEqual([expect.objectContaining({ name: "assets-renamed", type: "public" })]);
    expect(containers()[0].id).not.toBe(before.id);
  });

  test("a new description replaces the user and its S3 credential; the new password and secret stay secret", async () => {
    const [before] = users();
    current.user = { ...current.user, description: "application user" };
    const { up } = await stack.previewThenUp(shaped(current));
    guardSecrets();
    expect(stepLines(up).filter((line) => line.startsWith("replace "))).toEqual([
      "replace ovh:CloudS3Credential app-s3 [userId]",
      "replace ovh:CloudUser app [description]",
    ]);
    expect(users()).toEqual([expect.objectContaining({ description: "application user", roles: new Set(["compute_operator", "objectstore_operator"]) })]);
    expect(users()[0].id).not.toBe(before.id);
    expect(users()[0].s3.size).toBe(1);
    // The next run checks the state that up wrote for the new secrets.
    await stack.run("preview", { expectNoChanges: true });
  });

  test("refresh notices roles changed outside Pulumi, and the next up puts them back", async () => {
    users()[0].roles = new Set(["image_operator"]);
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["update ovh:CloudUser app [roles]"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["update ovh:CloudUser app [roles]"]);
    expect(users()[0].roles).toEqual(new Set(["compute_operator", "objectstore_operator"]));
  });

  test("refresh notices an S3 credential and a container deleted outside Pulumi, and the next up makes them again", async () => {
    users()[0].s3.clear();
    state().containers.clear();
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["delete ovh:CloudS3Credential app-s3", "delete ovh:CloudStorageContainer assets"]);
    const { up } = await stack.previewThenUp();
    guardSecrets();
    expect(stepLines(up)).toEqual(["create ovh:CloudS3Credential app-s3", "create ovh:CloudStorageContainer assets"]);
    expect(users()[0].s3.size).toBe(1);
    expect(containers()).toEqual([expect.objectContaining({ name: "assets-renamed", type: "public" })]);
    await stack.run("preview", { expectNoChanges: true });
  });

  test("get adopts the user and the S3 credential by id (the secret read from OVH, kept secret), and destroying that stack leaves them", async () => {
    const [user] = users();
    const userAdopted = await adoptById({ type: "ovh:CloudUser", id: `${emulator.serviceName}/${user.id}`, settings: settings(current), secrets: stack.secrets });
    expect(userAdopted).toMatchObject({ userId: user.id, username: user.username, description: "application user", status: "ok" });
    // The password is given once, at creation: a user adopted by id has none.
    expect(userAdopted).not.toHaveProperty("password");
    // The S3 secret is read from OVH and kept secret: searched for in the adopting stack's state and output.
    const [[access]] = user.s3.entries();
    const credential = await adoptById({ type: "ovh:CloudS3Credential", id: `${emulator.serviceName}/${user.id}/${access}`, settings: settings(current), secrets: stack.secrets });
    expect(credential).toMatchObject({ access, userId: user.id, secret: "[secret]" });
    expect(users()).toHaveLength(1);
    expect(user.s3.size).toBe(1);
  });

  test("unknown roles fail at preview naming roles, with no API call", async () => {
    const before = emulator.log.entries.length;
    const preview = await stack.attempt("preview", shaped({ ...current, user: { ...current.user, roles: ["root"] } }));
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toMatch(/roles/);
    expect(emulator.log.entries.slice(before).filter((e) => /\/(user|storage)/.test(e.path))).toEqual([]);
  });

  test("destroy removes everything from the cloud", async () => {
    const destroy = await stack.run("destroy");
    expect(destroy.summary).toEqual({ delete: 4 });
    expect(stack.resources()).toEqual([]);
    expect(emulator.liveResources()).toBe(0);
  });
});
