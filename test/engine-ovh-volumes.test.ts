/**
 * `ovh.CloudVolume` and `ovh.CloudVolumeAttachment` on the real Pulumi engine against the OVH
 * emulator, one stack of the declared program (test/programs/declared.ts): an SSH key, an
 * instance, a volume and its attachment. A rename and an upsize change the volume in place and
 * nothing else; a new type replaces the volume and its attachment; a shrink fails at preview
 * naming `size`; refresh after an outside change and an outside delete; adoption by id with
 * `get`; destroy, after which the cloud holds nothing. Needs `npm run build` and the Pulumi CLI.
 */
import { type OvhEmulator, startOvhEmulator } from "../src/emulator/ovh/emulator";
import { volumesOf } from "../src/emulator/ovh/volumes";
import { describeWithEngine } from "./engine";
import { DECLARED_PROGRAM, adoptById, engineStack, stepLines } from "./support/engine-stack";

const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIVolumeSuiteKeyForTheEmulatorOnly deploy@example";

describeWithEngine("ovh.CloudVolume and ovh.CloudVolumeAttachment on the Pulumi engine", () => {
  let emulator: OvhEmulator;
  const stack = engineStack(DECLARED_PROGRAM, "engine-ovh-volumes-");

  /** The stack's resources, with the volume's arguments as given. */
  const declared = (volume: Record<string, unknown>) => {
    const serviceName = emulator.serviceName;
    return JSON.stringify([
      { type: "ovh:CloudSshKey", name: "deploy", args: { serviceName, publicKey: PUBLIC_KEY } },
      { type: "ovh:CloudInstance", name: "web", args: { serviceName, region: "GRA11", flavor: "b2-7", image: "Ubuntu 24.04", sshKeyId: "@deploy.keyId" } },
      { type: "ovh:CloudVolume", name: "data", args: { serviceName, region: "GRA11", size: 10, ...volume } },
      { type: "ovh:CloudVolumeAttachment", name: "data-on-web", args: { serviceName, volumeId: "@data.volumeId", instanceId: "@web.instanceId" } },
    ]);
  };
  const settings = (volume: Record<string, unknown> = {}) => {
    const { applicationKey, applicationSecret, consumerKey } = emulator.credentials;
    return {
      config: { "ovh:endpoint": emulator.apiUrl, resources: declared(volume) },
      secretConfig: { "ovh:applicationKey": applicationKey, "ovh:applicationSecret": applicationSecret, "ovh:consumerKey": consumerKey },
    };
  };
  /** Only the resource list changes after the first up: the rest of the config stays in the stack. */
  const withVolume = (volume: Record<string, unknown>) => ({ config: { resources: declared(volume) } });

  beforeAll(async () => {
    emulator = await startOvhEmulator({ buildMs: 400 });
    stack.secrets.push(...Object.values(emulator.credentials));
  });

  afterAll(async () => {
    await emulator.stop();
    stack.remove();
  });

  const project = () => emulator.store.projects.get(emulator.serviceName)!;
  const volumes = () => [...volumesOf(project()).values()];
  const instance = () => [...project().instances.values()][0];

  test("up creates the key, the instance, the volume and its attachment", async () => {
    const up = await stack.run("up", settings({ description: "data" }));
    expect(stepLines(up)).toEqual([
      "create ovh:CloudInstance web",
      "create ovh:CloudSshKey deploy",
      "create ovh:CloudVolume data",
      "create ovh:CloudVolumeAttachment data-on-web",
    ]);
    expect(up.summary).toEqual({ create: 5 });
    expect(volumes()).toEqual([expect.objectContaining({ name: expect.stringMatching(/^data-[0-9a-f]{8}$/), size: 10, type: "classic", attachedTo: [instance().id] })]);
    // The key, the instance and the volume (an attachment is a state of the volume).
    expect(emulator.liveResources()).toBe(3);
  });

  test("a preview with nothing changed shows no change", async () => {
    const preview = await stack.run("preview", { expectNoChanges: true });
    expect(preview.steps).toEqual([]);
    expect(preview.summary).toEqual({ same: 5 });
  });

  test("a new name and description change the volume in place, and nothing else", async () => {
    const { up } = await stack.previewThenUp(withVolume({ name: "data-renamed", description: "logs" }));
    expect(stepLines(up)).toEqual(["update ovh:CloudVolume data [description, name]"]);
    expect(up.summary).toEqual({ same: 4, update: 1 });
    expect(volumes()).toEqual([expect.objectContaining({ name: "data-renamed", description: "logs" })]);
  });

  test("a larger size grows the attached volume in place, and nothing else", async () => {
    const [before] = volumes();
    const { up } = await stack.previewThenUp(withVolume({ name: "data-renamed", description: "logs", size: 20 }));
    expect(stepLines(up)).toEqual(["update ovh:CloudVolume data [size]"]);
    expect(volumes()).toEqual([expect.objectContaining({ id: before.id, size: 20, attachedTo: [instance().id] })]);
  });

  test("a smaller size fails at preview naming size, with no API call", async () => {
    const before = emulator.log.entries.length;
    const preview = await stack.attempt("preview", withVolume({ name: "data-renamed", description: "logs", size: 15 }));
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toMatch(/size.*cannot shrink/);
    expect(emulator.log.entries.slice(before).filter((e) => e.path.includes("/volume"))).toEqual([]);
    expect(volumes()[0].size).toBe(20);
  });

  test("a new type replaces the volume and its attachment, and nothing else", async () => {
    const [before] = volumes();
    const { up } = await stack.previewThenUp(withVolume({ name: "data-renamed", description: "logs", size: 20, type: "high-speed" }));
    expect(stepLines(up)).toEqual([
      "delete-replaced ovh:CloudVolume data",
      "delete-replaced ovh:CloudVolumeAttachment data-on-web",
      "replace ovh:CloudVolume data [type]",
      "replace ovh:CloudVolumeAttachment data-on-web [volumeId]",
    ]);
    expect(volumes()).toEqual([expect.objectContaining({ type: "high-speed", size: 20, attachedTo: [instance().id] })]);
    expect(volumes()[0].id).not.toBe(before.id);
  });

  test("refresh notices a change made outside Pulumi, and the next up puts it back", async () => {
    volumes()[0].description = "changed outside";
    const refresh = await stack.run("refresh");
    // The volume was last read when it was made, before its attachment: the refresh of a changed
    // input also records its status and attachedTo now (output-only changes show no step).
    expect(stepLines(refresh)).toEqual(["update ovh:CloudVolume data [attachedTo, description, status]"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["update ovh:CloudVolume data [description]"]);
    expect(volumes()[0].description).toBe("logs");
  });

  test("refresh notices a detach made outside Pulumi, and the next up attaches again", async () => {
    volumes()[0].attachedTo = [];
    const refresh = await stack.run("refresh");
    // The volume's own inputs are as they were: only the attachment changes.
    expect(stepLines(refresh)).toEqual(["delete ovh:CloudVolumeAttachment data-on-web"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["create ovh:CloudVolumeAttachment data-on-web"]);
    expect(volumes()[0].attachedTo).toEqual([instance().id]);
  });

  test("refresh notices a volume deleted outside Pulumi (its attachment with it), and the next up makes both again", async () => {
    volumesOf(project()).clear();
    const refresh = await stack.run("refresh");
    expect(stepLines(refresh)).toEqual(["delete ovh:CloudVolume data", "delete ovh:CloudVolumeAttachment data-on-web"]);
    const { up } = await stack.previewThenUp();
    expect(stepLines(up)).toEqual(["create ovh:CloudVolume data", "create ovh:CloudVolumeAttachment data-on-web"]);
    expect(volumes()).toEqual([expect.objectContaining({ name: "data-renamed", type: "high-speed", size: 20, attachedTo: [instance().id] })]);
  });

  test("get adopts the volume by its id, and destroying that stack leaves it", async () => {
    const [volume] = volumes();
    const adopted = await adoptById({ type: "ovh:CloudVolume", id: `${emulator.serviceName}/${volume.id}`, settings: settings(), secrets: stack.secrets });
    expect(adopted).toMatchObject({ volumeId: volume.id, name: "data-renamed", type: "high-speed", size: 20, status: "in-use", attachedTo: [instance().id] });
    expect(volumes()).toHaveLength(1);
  });

  test("destroy removes everything from the cloud", async () => {
    const destroy = await stack.run("destroy");
    expect(destroy.summary).toEqual({ delete: 5 });
    expect(stack.resources()).toEqual([]);
    expect(emulator.liveResources()).toBe(0);
  });
});
