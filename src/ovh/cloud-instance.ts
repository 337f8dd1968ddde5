/**
 * `ovh.CloudInstance`: a Public Cloud instance. A create waits until it is ACTIVE. Left out, the
 * name is the resource name with a suffix of the create key (`web-1a2b3c4d`): OVH keeps nothing
 * else a create could be found by, so only such a name lets a run that follows a crashed one find
 * the instance the crashed run ordered instead of ordering a second. The name
 * changes in place; a new flavor resizes the instance in place where OVH allows it (Linux to
 * Linux or Windows to Windows, flex to flex, and to a disk at least as large), otherwise it
 * replaces the instance, and the preview says which. Everything else replaces it.
 */
import { z } from "zod";
import { readOrUndefined, type RequestContext } from "../core/errors";
import { type CheckFailure, type OperationScope, type ResourceOutputs, defineResource, documented, isKeyedName } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { createOnce, createdSince, sendOnce } from "../core/reconcile";
import { onOwner, sharedList } from "../core/coalesce";
import { PollBatch, readEach, waitFor } from "../core/wait";
import { type OvhClient, ovh } from "./client";
import { cloudRegion, path, serviceName, timeoutMinutes } from "./common";
import { getNetwork } from "./cloud-private-network";

/** The inputs of an `ovh.CloudInstance`. */
export interface CloudInstanceArgs {
  /**
   * The id of the Public Cloud project the instance belongs to (`serviceName` in OVH's API): 32
   * hexadecimal characters. A change replaces the instance.
   */
  serviceName: string;
  /**
   * The instance's name: 1 to 255 characters. Defaults to the resource name, a dash and 8
   * hexadecimal digits of the create key (e.g. `web-1a2b3c4d`), new for a replacement; left out,
   * an instance keeps the name it has. A change renames the instance in place.
   */
  name: string;
  /** The instance's region, e.g. GRA11, SBG5 or BHS5. A change replaces the instance. */
  region: string;
  /**
   * The flavor's name in the region, e.g. b3-8 or d2-4. A change resizes the instance in place (it
   * restarts) where OVH allows it: Linux to Linux or Windows to Windows, flex to flex, and to a
   * disk at least as large; otherwise it replaces the instance. The preview says which.
   */
  flavor: string;
  /**
   * The image's name in the region, e.g. "Ubuntu 24.04"; what was given is kept, whatever OVH
   * later calls the image. A change replaces the instance.
   */
  image: string;
  /**
   * The SSH key installed at creation: the `keyId` of an `ovh.CloudSshKey`. Left out, no key is
   * installed, and the key is not managed (leaving it out later changes nothing). A change
   * replaces the instance.
   */
  sshKeyId?: string;
  /**
   * The private networks the instance is attached to, each active in the instance's region. A
   * change replaces the instance (the old one is deleted first when the new one keeps a fixed
   * address of it on the same network).
   * @default []
   */
  networks?: {
    /** The private network's id: the `networkId` of an `ovh.CloudPrivateNetwork` (`pn-…`). */
    networkId: string;
    /** The instance's fixed IPv4 address in the network; left out, OVH assigns one. */
    ip?: string;
  }[];
  /**
   * Whether the instance is on the public network (Ext-Net) too; false needs at least one private
   * network. A change replaces the instance.
   * @default true
   */
  publicNetwork?: boolean;
  /**
   * The cloud-init user data, run at the first boot: at most 65535 characters. Stored as a Pulumi
   * secret, since it often carries keys. Left out, there is none, and it is not managed (leaving
   * it out later changes nothing). A change replaces the instance.
   */
  userData?: string;
  /**
   * How long to wait for the instance to be ACTIVE after a create or a resize, and to be gone
   * after a delete, in minutes: more than 0, at most 1440 (fractions allowed). A change takes
   * effect in place, at the next wait.
   * @default 15
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ovh.CloudInstance`. */
export type CloudInstanceOutputs = Omit<CloudInstanceArgs, "networks" | "publicNetwork" | "timeoutMinutes"> &
  Required<Pick<CloudInstanceArgs, "networks" | "publicNetwork" | "timeoutMinutes">> & {
    /** The instance's id at OVH. */
    instanceId: string;
    /** The instance's status at OVH, e.g. ACTIVE, BUILD, RESIZE, SHUTOFF or ERROR. */
    status: string;
    /** The flavor's id at OVH. */
    flavorId: string;
    /** The image's id at OVH. */
    imageId: string;
    /** The flavor's number of virtual CPUs. */
    vcpus: number;
    /** The flavor's memory, in GiB. */
    ram: number;
    /** The flavor's disk size, in GB. */
    disk: number;
    /** The instance's public IPv4 address; "" without one. */
    ipv4: string;
    /** The instance's public IPv6 address; "" without one. */
    ipv6: string;
    /** The instance's addresses on its private networks. */
    privateIps: string[];
    /** When the instance was created, as an ISO 8601 timestamp. */
    created: string;
  };

const inputs = documented<CloudInstanceArgs>()(z.object({
  serviceName,
  name: z.string().min(1).max(255),
  region: cloudRegion,
  flavor: z.string().min(1),
  image: z.string().min(1),
  sshKeyId: z.string().min(1).optional(),
  networks: z.array(z.object({ networkId: z.string().min(1), ip: z.ipv4().optional() }).strict()).default([]),
  publicNetwork: z.boolean().default(true),
  userData: z.string().max(65_535).optional(),
  timeoutMinutes: timeoutMinutes(15),
}));
type Inputs = z.output<typeof inputs>;

const flavorItem = z.object({ id: z.string(), name: z.string(), region: z.string(), osType: z.string(), disk: z.number(), vcpus: z.number(), ram: z.number() }).loose();
const imageItem = z.object({ id: z.string(), name: z.string(), region: z.string() }).loose();
const address = z.object({ ip: z.string(), type: z.string(), version: z.number(), networkId: z.string() }).loose();
const instanceItem = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  status: z.string(),
  created: z.string(),
  flavor: flavorItem,
  image: imageItem,
  sshKey: z.object({ id: z.string() }).loose().nullable(),
  ipAddresses: z.array(address),
});
type InstanceItem = z.infer<typeof instanceItem>;
type Flavor = z.infer<typeof flavorItem>;

/** An instance in a project's list. */
const listedInstance = z.object({ id: z.string(), name: z.string(), created: z.string(), status: z.string() }).loose();

/** Statuses of an instance on its way out: never adopted by a create. */
const LEAVING_STATUSES = ["DELETING", "DELETED", "SOFT_DELETED"];

/** Statuses an instance leaves by itself, towards ACTIVE. */
const TRANSITIONAL_STATUSES = ["BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "REBOOT", "HARD_REBOOT"];

/** Outputs from the API's view, keeping what the API does not return (networks as given, user data). */
function outputsOf(project: string, item: InstanceItem, known: Partial<CloudInstanceOutputs>): CloudInstanceOutputs {
  const publicIp = (version: number) => item.ipAddresses.find((a) => a.type === "public" && a.version === version)?.ip ?? "";
  return {
    serviceName: project,
    name: item.name,
    region: item.region,
    flavor: item.flavor.name,
    // Set at creation only and replacing when changed: a later rename of the image or removal of
    // the key must not make a refresh plan a replacement, so what was given is kept.
    image: known.image ?? item.image.name,
    sshKeyId: known.sshKeyId ?? item.sshKey?.id,
    networks: known.networks ?? [],
    publicNetwork: item.ipAddresses.some((a) => a.type === "public"),
    userData: known.userData,
    timeoutMinutes: known.timeoutMinutes ?? 15,
    instanceId: item.id,
    status: item.status,
    flavorId: item.flavor.id,
    imageId: item.image.id,
    vcpus: item.flavor.vcpus,
    ram: item.flavor.ram,
    disk: item.flavor.disk,
    ipv4: publicIp(4),
    ipv6: publicIp(6),
    privateIps: item.ipAddresses.filter((a) => a.type === "private").map((a) => a.ip),
    created: item.created,
  };
}

const project = (name: string) => path`/cloud/project/${name}`;
const instancePath = (name: string, instanceId: string) => path`/cloud/project/${name}/instance/${instanceId}`;

function getInstance(client: OvhClient, context: RequestContext, serviceName: string, instanceId: string) {
  return client.request(context, "GET", instancePath(serviceName, instanceId), instanceItem);
}

/** A flavor or image of a region, by name; the error lists the names the region has. */
async function catalogEntry<T extends { name: string }>(
  client: OvhClient,
  context: RequestContext,
  place: { serviceName: string; region: string },
  catalog: "flavor" | "image",
  item: z.ZodType<T>,
  name: string,
): Promise<T> {
  const entries = await client.request(context, "GET", `${project(place.serviceName)}/${catalog}`, z.array(item), { query: { region: place.region } });
  const found = entries.find((entry) => entry.name === name);
  if (!found) {
    throw new Error(`ovh: no ${catalog} "${name}" in ${place.region}; there are ${[...new Set(entries.map((e) => e.name))].sort().join(", ")}`);
  }
  return found;
}

const flavorNamed = (client: OvhClient, context: RequestContext, place: { serviceName: string; region: string }, name: string) =>
  catalogEntry(client, context, place, "flavor", flavorItem, name);

const publicNetworks = z.array(z.object({ regions: z.array(z.object({ region: z.string(), openstackId: z.string().nullable() })) }).loose());

/**
 * The OpenStack ids, in the instance's region, of the networks it is attached to; undefined
 * without private networks: left out, OVH attaches the public network only (nothing to look up).
 */
async function networkParams(client: OvhClient, scope: OperationScope, wanted: Inputs) {
  const { serviceName: name, region } = wanted;
  if (wanted.networks.length === 0) return undefined;
  const params: { networkId: string; ip?: string }[] = [];
  if (wanted.publicNetwork) {
    const publics = await client.request(scope.context("read the public network"), "GET", `${project(name)}/network/public`, publicNetworks);
    const openstackId = publics.flatMap((n) => n.regions).find((r) => r.region === region)?.openstackId;
    if (!openstackId) throw new Error(`ovh: the public network is not available in ${region}`);
    params.push({ networkId: openstackId });
  }
  for (const { networkId, ip } of wanted.networks) {
    const network = await getNetwork(client, scope.context("read private network"), name, networkId);
    const openstackId = network.regions.find((r) => r.region === region)?.openstackId;
    if (!openstackId) throw new Error(`ovh: private network ${networkId} is not active in ${region}: add ${region} to its regions`);
    params.push({ networkId: openstackId, ip });
  }
  return params;
}

/** What both the list of a project's instances and one instance's detail show: enough to see a BUILD end. */
const instanceStatus = z.object({ id: z.string(), status: z.string(), ipAddresses: z.array(address) }).loose();
type InstanceStatus = z.infer<typeof instanceStatus>;

/**
 * The instances' statuses (undefined: gone): one alone read directly, several from one list of the
 * project's instances; one the list misses (just created, or just gone) is read on its own.
 */
async function instanceStatuses(client: OvhClient, serviceName: string, ids: string[]): Promise<Map<string, InstanceStatus | undefined | Error>> {
  const context: RequestContext = { cloud: "ovh", operation: "read instance status", resource: `instance ${ids.join(", ")} of project ${serviceName}` };
  const found = ids.length > 1 ? await client.request(context, "GET", `${project(serviceName)}/instance`, z.array(instanceStatus)) : [];
  const listed = new Map<string, InstanceStatus | undefined>(found.filter((i) => ids.includes(i.id)).map((i) => [i.id, i]));
  const unlisted = await readEach(ids.filter((id) => !listed.has(id)), (id) => readOrUndefined(() => getInstance(client, context, serviceName, id)));
  return new Map<string, InstanceStatus | undefined | Error>([...listed, ...unlisted]);
}

/** What a wait follows: it names the kind whose durations are learned; "settle" (whatever is under way) learns nothing. */
type WaitAfter = "create" | "resize" | "delete" | "settle";

/** Waits for the instance's status, sharing the polls of concurrent waits in the project. */
function waitForInstance(
  client: OvhClient,
  scope: OperationScope,
  serviceName: string,
  instanceId: string,
  wait: { after: WaitAfter; minutes: number; isDone: (status: InstanceStatus | undefined) => boolean },
) {
  return waitFor({
    context: scope.context(wait.after === "delete" ? "wait for instance to be deleted" : "wait for instance to be ACTIVE"),
    waitingFor: wait.after === "delete" ? "the instance to be gone" : "status ACTIVE",
    batch: { polls: onOwner(client, `instance polls of ${serviceName}`, () => new PollBatch((ids) => instanceStatuses(client, serviceName, ids))), key: instanceId },
    kind: wait.after === "settle" ? undefined : `ovh: instance ${wait.after}`,
    isDone: wait.isDone,
    // An instance in ERROR can still be deleted: only the waits for ACTIVE fail on it.
    failure: (item) => (wait.after !== "delete" && item?.status === "ERROR" ? "the instance is in status ERROR" : undefined),
    describe: (item) => item?.status ?? "gone",
    timeoutMs: wait.minutes * 60_000,
    howToRaise: "the instance's timeoutMinutes input",
    pacing: { maxIntervalMs: 10_000 },
  });
}

/** Waits until the instance is ACTIVE; returns its status and addresses then. */
async function waitUntilActive(client: OvhClient, scope: OperationScope, serviceName: string, instanceId: string, after: WaitAfter, minutes: number) {
  const active = await waitForInstance(client, scope, serviceName, instanceId, { after, minutes, isDone: (item) => item?.status === "ACTIVE" });
  // ACTIVE is a status: the instance is there.
  return active!;
}

/** OVH's resize rule (its "resize an instance" guide): same OS, flex to flex only, and no smaller disk. */
export function canResize(from: Flavor, to: Flavor): boolean {
  const flex = (flavor: Flavor) => flavor.name.endsWith("-flex");
  return from.osType === to.osType && flex(from) === flex(to) && to.disk >= from.disk;
}

/** The instances of a project in a region (`<project>/<region>`), one list call for the create look-ups of a wave. */
const regionInstances = (client: OvhClient) =>
  sharedList(client, "instances", (place) => {
    const [serviceName, region] = place.split("/");
    const context: RequestContext = { cloud: "ovh", operation: `list the instances in ${region}` };
    return readOrUndefined(() => client.request(context, "GET", `${project(serviceName)}/instance`, z.array(listedInstance), { query: { region } }));
  });

const CloudInstanceResource = defineResource({
  cloud: ovh,
  kind: "CloudInstance",
  inputs,
  idOutputs: { instanceId: idPart(1) },
  outputNames: [
    "serviceName", "name", "region", "flavor", "image", "sshKeyId", "networks", "publicNetwork", "userData", "timeoutMinutes",
    "instanceId", "status", "flavorId", "imageId", "vcpus", "ram", "disk", "ipv4", "ipv6", "privateIps", "created",
  ],
  autoName: "name",
  keyedAutoName: true,
  replaceOnChange: ["serviceName", "region", "image", "sshKeyId", "networks", "publicNetwork", "userData"],
  // A fixed private address the new instance keeps is free only once the old one is gone.
  deleteBeforeReplace: (olds, news) =>
    news.networks.some((n) => n.ip && (olds.networks ?? []).some((o) => o.networkId === n.networkId && o.ip === n.ip)),
  secretInputs: ["userData"],
  describe: (values, id) => `instance ${values.name ? `"${values.name}"` : id}`,
  // Whether OVH can resize to the new flavor depends on both flavors: asked of the API at preview.
  async replacesWhen(client: OvhClient, olds: CloudInstanceOutputs, news: Inputs) {
    if (olds.flavor === news.flavor || olds.region !== news.region) return [];
    const context = { cloud: "ovh" as const, operation: "compare flavors for a resize", resource: `instance "${news.name}"` };
    const [from, to] = await Promise.all([olds.flavor, news.flavor].map((flavor) => flavorNamed(client, context, news, flavor)));
    return canResize(from, to) ? [] : ["flavor"];
  },
  changeWarning: (changed) =>
    changed.includes("flavor") ? "a new flavor resizes the instance (it restarts) where OVH allows it, otherwise replaces it" : undefined,

  validate(news): CheckFailure[] {
    return news.publicNetwork || news.networks.length > 0
      ? []
      : [{ property: "networks", reason: "an instance needs a network: give private networks, or leave publicNetwork true" }];
  },

  async create(client, wanted, scope) {
    const { serviceName: name, region } = wanted;
    const [flavor, image, networks] = await Promise.all([
      flavorNamed(client, scope.context("find flavor"), wanted, wanted.flavor),
      catalogEntry(client, scope.context("find image"), wanted, "image", imageItem, wanted.image),
      networkParams(client, scope, wanted),
    ]);
    const body = {
      name: wanted.name,
      region,
      flavorId: flavor.id,
      imageId: image.id,
      sshKeyId: wanted.sshKeyId,
      userData: wanted.userData,
      networks,
    };
    // A keyed name is this create's alone: an instance of that name (not on its way out) is the
    // one an earlier run ordered. Other names are not unique: only the newest of the name created
    // since this create began is taken for this create's, after a lost answer.
    const keyed = isKeyedName(wanted.name, scope.createKey);
    const isNew = createdSince(Date.now());
    const created = await (keyed ? createOnce : sendOnce)({
      what: `create instance "${wanted.name}"`,
      // The answer is the instance's detail.
      send: () => client.request(scope.context("create instance"), "POST", `${project(name)}/instance`, instanceItem, { body }),
      // The list shows a summary: the detail is read then.
      find: async () => {
        const newest = ((await regionInstances(client)(`${name}/${region}`)) ?? [])
          .filter((i) => i.name === wanted.name && !LEAVING_STATUSES.includes(i.status) && (keyed || isNew(i.created)))
          .sort((a, b) => b.created.localeCompare(a.created))[0];
        return newest && getInstance(client, scope.context("read instance"), name, newest.id);
      },
    });
    const id = `${name}/${created.id}`;
    // From here on the instance exists: a failed wait must not lose it from the state.
    scope.created(id, outputsOf(name, created, wanted));
    // A BUILD changes the status and the addresses only: no need to read the whole instance again.
    const active = await waitUntilActive(client, scope, name, created.id, "create", wanted.timeoutMinutes);
    return { id, outputs: outputsOf(name, { ...created, status: active.status, ipAddresses: active.ipAddresses }, wanted) };
  },

  async read(client, id, olds, scope) {
    const [name, instanceId] = idParts("ovh", id, ["serviceName", "instanceId"]);
    return readOrUndefined(async () => outputsOf(name, await getInstance(client, scope.context("read instance"), name, instanceId), olds));
  },

  // Also called with nothing changed after a create whose wait failed: the wait is resumed.
  async update(client, id, wanted, olds, changed, scope) {
    const [name, instanceId] = idParts("ovh", id, ["serviceName", "instanceId"]);
    if (changed.includes("name")) {
      await client.call(scope.context("rename instance"), "PUT", instancePath(name, instanceId), { body: { instanceName: wanted.name } });
    }
    if (changed.includes("flavor")) {
      const flavor = await flavorNamed(client, scope.context("find flavor"), wanted, wanted.flavor);
      // Resizing to the flavor it already has (a retried resize) is refused: resize only when needed.
      const current = await getInstance(client, scope.context("read instance"), name, instanceId);
      if (current.flavor.id !== flavor.id) {
        await waitUntilActive(client, scope, name, instanceId, "settle", wanted.timeoutMinutes);
        await client.call(scope.context(`resize instance to ${flavor.name}`), "POST", `${instancePath(name, instanceId)}/resize`, { body: { flavorId: flavor.id } });
      }
    }
    // Wait only while the instance is on its way (a resize, or a create whose wait failed): a
    // stopped or shelved instance stays as it is.
    const now = await getInstance(client, scope.context("read instance"), name, instanceId);
    if (!TRANSITIONAL_STATUSES.includes(now.status)) return outputsOf(name, now, { ...olds, ...wanted });
    await waitUntilActive(client, scope, name, instanceId, "resize", wanted.timeoutMinutes);
    // A resize changes the flavor too: read the whole instance.
    return outputsOf(name, await getInstance(client, scope.context("read instance"), name, instanceId), { ...olds, ...wanted });
  },

  async delete(client, id, olds, scope) {
    const [name, instanceId] = idParts("ovh", id, ["serviceName", "instanceId"]);
    await client.call(scope.context("delete instance"), "DELETE", instancePath(name, instanceId));
    // Deletion takes a while: what the instance used (networks, SSH key) is free only once it is gone.
    await waitForInstance(client, scope, name, instanceId, { after: "delete", minutes: olds.timeoutMinutes ?? 15, isDone: (item) => item === undefined });
  },
});

export interface CloudInstance extends ResourceOutputs<CloudInstanceOutputs> {}
export class CloudInstance extends CloudInstanceResource {}
