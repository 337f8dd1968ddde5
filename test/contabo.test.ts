/**
 * Every Contabo resource through its full lifecycle against the emulator over real HTTP:
 * check, create, read, diff (in place and replace), update, outside change (drift), outside
 * delete, adoption by id, delete; bad input rejected at check with no API call.
 */
import type { ContaboEmulator } from "../src/emulator";
import { apiCallsDuring, checkAndCreate, ops, outsideCall, stopContaboEmulator, useContaboEmulator } from "./support/contabo";

let emulator: ContaboEmulator;
beforeAll(async () => {
  emulator = await useContaboEmulator();
});
afterAll(() => stopContaboEmulator(emulator));

describe("contabo.Tag", () => {
  test("lifecycle", async () => {
    const { id, outs, inputs } = await checkAndCreate("Tag", { name: "web", color: "#ff0000" });
    expect(inputs).toEqual({ name: "web", color: "#FF0000" });
    expect(outs).toEqual({ name: "web", color: "#FF0000", tagId: Number(id) });

    expect(await ops("Tag").read(id, outs)).toEqual({ id, props: outs });
    expect(await ops("Tag").diff(id, outs, inputs)).toMatchObject({ changes: false });

    const renamed = { name: "web-2", color: "#FF0000" };
    expect(await ops("Tag").diff(id, outs, renamed)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("Tag").update(id, outs, renamed);
    expect(updated.outs).toMatchObject({ name: "web-2", tagId: Number(id) });

    // Drift: someone changes the color in the Contabo panel; refresh sees it and up reverts it.
    await outsideCall("PATCH", `/v1/tags/${id}`, { color: "#00FF00" });
    const refreshed = await ops("Tag").read(id, updated.outs);
    expect(refreshed.props).toMatchObject({ color: "#00FF00" });
    expect(await ops("Tag").diff(id, refreshed.props!, renamed)).toMatchObject({ changes: true });

    // Adopt by id: a read with nothing but the id.
    expect((await ops("Tag").read(id, {})).props).toMatchObject({ name: "web-2", tagId: Number(id) });

    await ops("Tag").delete(id, updated.outs);
    expect(await ops("Tag").read(id, updated.outs)).toEqual({});
    // Deleting what is already gone succeeds.
    await ops("Tag").delete(id, updated.outs);
  });

  test("deleted outside Pulumi: refresh drops it", async () => {
    const { id, outs } = await checkAndCreate("Tag", { name: "short-lived" });
    await outsideCall("DELETE", `/v1/tags/${id}`);
    expect(await ops("Tag").read(id, outs)).toEqual({});
  });

  test("bad input fails at check, naming the field, with no API call", async () => {
    let failures: unknown;
    const calls = await apiCallsDuring(emulator, async () => {
      failures = (await ops("Tag").check({}, { name: "has space", color: "red" })).failures;
    });
    expect(failures).toEqual([
      { property: "name", reason: "may contain only letters, numbers, colons, dashes and underscores" },
      { property: "color", reason: "must be a color as #RRGGBB" },
    ]);
    expect(calls).toBe(0);
  });
});

describe("contabo.Secret", () => {
  const password = "Str0ng!Pass#1";

  test("lifecycle, with type change as a replacement", async () => {
    const { id, outs, inputs } = await checkAndCreate("Secret", { name: "root", type: "password", value: password });
    expect(outs).toMatchObject({ name: "root", type: "password", value: password, secretId: Number(id) });
    expect(await ops("Secret").diff(id, outs, inputs)).toMatchObject({ changes: false });

    const rotated = { ...inputs, value: "N3w!Pass#word" };
    expect(await ops("Secret").diff(id, outs, rotated)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const updated = await ops("Secret").update(id, outs, rotated);
    expect(updated.outs).toMatchObject({ value: "N3w!Pass#word" });

    expect(await ops("Secret").diff(id, updated.outs, { ...rotated, type: "ssh" })).toMatchObject({ replaces: ["type"] });
    expect((await ops("Secret").read(id, {})).props).toMatchObject({ secretId: Number(id), value: "N3w!Pass#word" });

    await outsideCall("PATCH", `/v1/secrets/${id}`, { value: "Outs1de!Change#" });
    expect((await ops("Secret").read(id, updated.outs)).props).toMatchObject({ value: "Outs1de!Change#" });

    await ops("Secret").delete(id, updated.outs);
    expect(await ops("Secret").read(id, updated.outs)).toEqual({});
  });

  test("the password rule is checked at preview; ssh keys are not held to it", async () => {
    const weak = await ops("Secret").check({}, { name: "x", type: "password", value: "password" });
    expect(weak.failures).toEqual([{ property: "value", reason: expect.stringMatching(/upper and a lower case/) }]);
    const ssh = await ops("Secret").check({}, { name: "x", type: "ssh", value: "ssh-ed25519 AAAAC3Nza user@host" });
    expect(ssh.failures).toBeUndefined();
  });
});

describe("contabo.PrivateNetwork and contabo.Instance", () => {
  test("instance lifecycle: order, wait for running, rename in place, reinstall, cancel", async () => {
    const key = await checkAndCreate("Secret", { name: "key", type: "ssh", value: "ssh-ed25519 AAAAC3NzaKEY user@host" });
    const { id, outs, inputs } = await checkAndCreate("Instance", {
      displayName: "web-1",
      sshKeys: [Number(key.id)],
      userData: "#cloud-config\n",
    });
    expect(outs).toMatchObject({ displayName: "web-1", status: "running", productId: "V92", region: "EU", sshKeys: [Number(key.id)] });
    expect(typeof outs.ipv4).toBe("string");

    expect(await ops("Instance").diff(id, outs, inputs)).toMatchObject({ changes: false });
    expect(await ops("Instance").diff(id, outs, { ...inputs, region: "UK" })).toMatchObject({ replaces: ["region"] });
    expect(await ops("Instance").diff(id, outs, { ...inputs, productId: "V94", period: 12 })).toMatchObject({
      replaces: ["productId", "period"],
    });

    const renamed = await ops("Instance").update(id, outs, { ...inputs, displayName: "web-renamed" });
    expect(renamed.outs).toMatchObject({ displayName: "web-renamed", instanceId: Number(id) });

    const reinstalled = await ops("Instance").update(id, renamed.outs, { ...inputs, displayName: "web-renamed", defaultUser: "root" });
    expect(reinstalled.outs).toMatchObject({ defaultUser: "root", status: "running" });

    expect((await ops("Instance").read(id, {})).props).toMatchObject({ instanceId: Number(id), displayName: "web-renamed" });

    await ops("Instance").delete(id, reinstalled.outs);
    expect((await ops("Instance").read(id, reinstalled.outs)).props?.cancelDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test("an instance in error fails the create with Contabo's message, and stays in the state", async () => {
    const creating = checkAndCreate("Instance", { displayName: "doomed", timeoutMinutes: 1 });
    // Let the order through, then break the instance as Contabo sometimes does.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const doomed = [...emulator.store.instances.values()].find((i) => i.displayName === "doomed")!;
    emulator.setInstanceStatus(doomed.instanceId, "error");
    const error = await creating.catch((e) => e);
    expect(error.message).toMatch(/contabo: .*instance "doomed".*status error/);
    expect(error.id).toBe(String(doomed.instanceId));
    expect(error.properties).toMatchObject({ displayName: "doomed" });
  });

  test("private network: attach and detach instances, region replaces", async () => {
    const outsider = await checkAndCreate("Instance", { displayName: "no-add-on" });
    const vm = await checkAndCreate("Instance", { displayName: "pn-member", addOns: { privateNetworking: true } });
    const { id, outs, inputs } = await checkAndCreate("PrivateNetwork", { name: "backend", instanceIds: [Number(vm.id)] });
    expect(outs).toMatchObject({ name: "backend", description: "", region: "EU", instanceIds: [Number(vm.id)] });
    expect(typeof outs.cidr).toBe("string");

    expect(await ops("PrivateNetwork").diff(id, outs, { ...inputs, region: "US-east" })).toMatchObject({ replaces: ["region"] });

    const detached = await ops("PrivateNetwork").update(id, outs, { ...inputs, description: "db tier", instanceIds: [] });
    expect(detached.outs).toMatchObject({ description: "db tier", instanceIds: [] });

    await outsideCall("POST", `/v1/private-networks/${id}/instances/${vm.id}`);
    const drifted = await ops("PrivateNetwork").read(id, detached.outs);
    expect(drifted.props).toMatchObject({ instanceIds: [Number(vm.id)] });
    expect(await ops("PrivateNetwork").diff(id, drifted.props!, { ...inputs, instanceIds: [] })).toMatchObject({ changes: true });

    // Contabo asks for the private-networking add-on, with 402.
    const refused = await checkAndCreate("PrivateNetwork", { name: "no-add-on", instanceIds: [Number(outsider.id)] }).catch((e: Error) => e);
    expect((refused as Error).message).toMatch(/HTTP 402: Instance \d+ needs the Private Networking add-on/);

    await ops("PrivateNetwork").delete(id, detached.outs);
    expect(await ops("PrivateNetwork").read(id, detached.outs)).toEqual({});
  });
});

test("the client reuses one token for every call of the process", async () => {
  const issued = emulator.tokensIssued;
  await Promise.all(Array.from({ length: 5 }, (_, i) => checkAndCreate("Tag", { name: `many-${i}` })));
  expect(emulator.tokensIssued).toBe(issued);
});
