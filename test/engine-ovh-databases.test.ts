/**
 * `ovh.CloudDatabase`, `ovh.CloudDatabaseUser` and `ovh.CloudDatabaseIpRestriction` on the real
 * Pulumi engine against the OVH emulator, one stack of the declared program
 * (test/programs/declared.ts): a PostgreSQL service, a user of it and an IP restriction. A new
 * description and a newer version change the service in place and nothing else; an older
 * version fails at preview naming `version`; another engine replaces the service, its user and
 * its restriction; refresh after an outside change and an outside delete; adoption by id with
 * `get`; destroy, after which the cloud holds nothing. The user's password, read from the
 * emulator, must never be in plain text in the state or the output. Needs `npm run build` and
 * the Pulumi CLI.
 */
import { databasesOf } from "../src/emulator/ovh/databases";
import { type OvhEmulator, startOvhEmulator } from "../src/emulator/ovh/emulator";
import { describeWithEngine } from "./engine";
import { DECLARED_PROGRAM, adoptById, engineStack, stepLines } from "./support/engine-stack";

const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

describeWithEngine("ovh.CloudDatabase, ovh.CloudDatabaseUser and ovh.CloudDatabaseIpRestriction on the Pulumi engine", () => {
  let emulator: OvhEmulator;
  const stack = engineStack(DECLARED_PROGRAM, "engine-ovh-databases-");

  /** The stack's resources, with the service's arguments as given. */
  const declared = (db: Record<string, unknown>) => {
    const serviceName = emulator.serviceName;
    const service = { serviceName, engine: "postgresql", version: "15", plan: "essential", flavor: "db1-4", region: "GRA", ...db };
    return JSON.stringify([
      { type: "ovh:CloudDatabase", name: "db", args: service },
      { type: "ovh:CloudDatabaseUser", name: "app", args: { serviceName, engine: "@db.engine", clusterId: "@db.clusterId" } },
      {
        type: "ovh:CloudDatabaseIpRestriction",
        name: "office",
        args: { serviceName, engine: "@db.engine", clusterId: "@db.clusterId", ip: "203.0.113.0/24", description: "office" },
      },
    ]);
  };
  const settings = (db: Record<string, unknown> = {}) => {
    const { applicationKey, applicationSecret, consumerKey } = emulator.credentials;
    return {
      config: { "ovh:endpoint": emulator.apiUrl, resources: declared(db) },
      secretConfig: { "ovh:applicationKey": applicationKey, "ovh:applicationSecret": applicationSecret, "ovh:consumerKey": consumerKey },
    };
  };
  /** Only the resource list changes after the first up: the rest of the config stays in the stack. */
  const withService = (db: Record<string, unknown>) => ({ config: { resources: declared(db) } });

  beforeAll(async () => {
    emulator = await startOvhEmulator({ buildMs: 400 });
    stack.secrets.push(...Object.values(emulator.credentials));
  });

  afterAll(async () => {
    await emulator.stop();
    stack.remove();
  });

  const services = () => [...databasesOf(emulator.store.projects.get(emulator.serviceName)!).values()];
  const live = () => services().filter((s) => s.busy.status !== "DELETING");
  const users = () => live().flatMap((s) => [...s.users.values()]);
  const restrictions = () => live().flatMap((s) => [...s.ipRestrictions.values()]);
  /** Every user password the emulator handed out must stay secret. */
  const keepPasswordsSecret = () => {
    for (const user of users()) if (!stack.secrets.includes(user.password)) stack.secrets.push(user.password);
  };
  /** The user's password is in the state, as a secret. */
  const passwordInState = () => {
    const user = stack.resources().find((r) => r.name === "app")!;
    return (user.outputs as Record<string, unknown>).password;
  };

  test("up creates the service, waits for READY, then its user and IP restriction", async () => {
    const up = await stack.run("up", settings());
    expect(stepLines(up)).toEqual(["create ovh:CloudDatabase db", "create ovh:CloudDatabaseIpRestriction office", "create ovh:CloudDatabaseUser app"]);
    expect(up.summary).toEqual({ create: 4 });
    expect(live()).toEqual([expect.objectContaining({ engine: "postgresql", version: "15", description: expect.stringMatching(/^db-[0-9a-f]{8}$/) })]);
    expect(users()).toEqual([expect.objectContaining({ username: expect.stringMatching(/^app-[0-9a-f]{8}$/) })]);
    expect(restrictions()).toEqual([expect.objectContaining({ ip: "203.0.113.0/24", description: "office" })]);
    keepPasswordsSecret();
    // The state holds the password, encrypted; the secrets check above found it nowhere in plain text.
    expect(passwordInState()).toMatchObject({ [SECRET_SIGNATURE]: expect.any(String) });
    await stack.run("preview", { expectNoChanges: true });
    expect(emulator.liveResources()).toBe(3);
  });

  test("a preview with nothing changed shows no change", async () => {
    const preview = await stack.run("preview", { expectNoChanges: true });
    expect(preview.steps).toEqual([]);
    expect(preview.summary).toEqual({ same: 4 });
  });

  test("a new description changes the service in place, and nothing else", async () => {
    const { up } = await stack.previewThenUp(withService({ description: "orders" }));
    expect(stepLines(up)).toEqual(["update ovh:CloudDatabase db [description]"]);
    expect(up.summary).toEqual({ same: 3, update: 1 });
    expect(live()).toEqual([expect.objectContaining({ description: "orders" })]);
  });

  test("a newer version upgrades the service in place, and nothing else", async () => {
    const [before] = live();
    const { up } = await stack.previewThenUp(withService({ description: "orders", version: "16" }));
    expect(stepLines(up)).toEqual(["update ovh:CloudDatabase db [version]"]);
    expect(live()).toEqual([expect.objectContaining({ id: before.id, version: "16" })]);
  });

  test("an older version fails at preview naming version, with no API call", async () => {
    const before = emulator.log.entries.length;
    const preview = await stack.attempt("preview", withService({ description: "orders", version: "14" }));
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toMatch(/version.*older than the service's 16/);
    expect(emulator.log.entries.slice(before).filter((e) => e.path.includes("/database"))).toEqual([]);
    expect(live()[0].version).toBe("16");
  });

  test("another engine replaces the service, its user and its IP restriction", async () => {
    const [before] = live();
    const { up } = await stack.previewThenUp(withService({ description: "orders", engine: "mysql", version: "8" }));
    expect(stepLines(up)).toEqual([
      "delete-replaced ovh:CloudDatabase db",
      "delete-replaced ovh:CloudDatabaseIpRestriction office",
      "delete-replaced ovh:CloudDatabaseUser app",
      "replace ovh:CloudDatabase db [engine, version]",
      "replace ovh:CloudDatabaseIpRestriction office [clusterId, engine]",
      "replace ovh:CloudDatabaseUser app [clusterId, engine, name]",
    ]);
    keepPasswordsSecret();
    expect(live()).toEqual([expect.objectContaining({ engine: "mysql", version: "8", description: "orders" })]);
    expect(live()[0].id).not.toBe(before.id);
    expect(users()).toEqual([expect.objectContaining({ username: expect.stringMatching(/^app-[0-9a-f]{8}$/) })]);
    expect(restrictions()).toEqual([expect.objectContaining({ ip: "203.0.113.0/24" })]);
    expect(emulator.liveResources()).toBe(3);
  });

  test("refresh notices a change made outside Pulumi, and the next up puts it back", async () => {
    restrictions()[0].description = "changed outside";
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["update ovh:CloudDatabaseIpRestriction office [description]"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["update ovh:CloudDatabaseIpRestriction office [description]"]);
    expect(restrictions()[0].description).toBe("office");
  });

  test("refresh notices a user deleted outside Pulumi, and the next up makes it again", async () => {
    live()[0].users.clear();
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["delete ovh:CloudDatabaseUser app"]);
    expect(refresh.summary).toEqual({ same: 3, delete: 1 });
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["create ovh:CloudDatabaseUser app"]);
    keepPasswordsSecret();
    expect(users()).toHaveLength(1);
    expect(passwordInState()).toMatchObject({ [SECRET_SIGNATURE]: expect.any(String) });
  });

  test("get adopts the service by its id, and destroying that stack leaves it", async () => {
    const [db] = live();
    const adopted = await adoptById({ type: "ovh:CloudDatabase", id: `${emulator.serviceName}/mysql/${db.id}`, settings: settings(), secrets: stack.secrets });
    expect(adopted).toMatchObject({ clusterId: db.id, engine: "mysql", version: "8", description: "orders", status: "READY", networkType: "public" });
    expect(live()).toHaveLength(1);
  });

  test("destroy removes everything from the cloud", async () => {
    const destroy = await stack.run("destroy");
    expect(destroy.summary).toEqual({ delete: 4 });
    expect(stack.resources()).toEqual([]);
    expect(emulator.liveResources()).toBe(0);
  });
});
