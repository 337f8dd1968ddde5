/**
 * `contabo.PrivateNetwork`: a private network in one region, with the instances attached to it.
 * Attaching needs the private-networking add-on on the instance and takes effect after the
 * instance is restarted (Contabo's rule).
 */
import { z } from "zod";
import { type RequestContext, readOrUndefined } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { sendOnce } from "../core/reconcile";
import { createAudited } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { idPath, listedRead, numericId } from "./common";

const sortedIds = z.array(numericId).transform((ids) => [...new Set(ids)].sort((a, b) => a - b));

/** The inputs of a `contabo.PrivateNetwork`. */
export interface PrivateNetworkArgs {
  /**
   * The network's name: 1 to 255 characters. Defaults to the resource name. A change renames the
   * network in place.
   */
  name: string;
  /**
   * A description of the network: at most 255 characters. A change updates it in place.
   * @default ""
   */
  description?: string;
  /**
   * The region of the network, as Contabo's region slug (e.g. `EU`, `US-central`: the
   * `regionSlug` of `contabo.getDataCenters()`). A change replaces the network.
   * @default "EU"
   */
  region?: string;
  /**
   * The ids of the instances attached to the network (duplicates are dropped, the order does not
   * matter). An instance needs the private-networking add-on (`addOns: { privateNetworking: true }`;
   * Contabo answers 402 without it), and an attachment takes effect after the instance is
   * restarted, which this resource does not do. Left out, attachments are not managed. A change
   * attaches and detaches instances in place.
   */
  instanceIds?: number[];
}

/** The outputs of a `contabo.PrivateNetwork`. */
export type PrivateNetworkOutputs = Omit<Required<PrivateNetworkArgs>, "instanceIds"> & {
  /** The ids of the instances attached to the network, in ascending order, managed or not. */
  instanceIds: number[];
  /** The network's id at Contabo; `id` is the same number as a string. */
  privateNetworkId: number;
  /** The name of the network's region, e.g. `European Union`. */
  regionName: string;
  /** The data center of the network, e.g. `European Union 1`. */
  dataCenter: string;
  /** The network's IPv4 address range in CIDR notation, e.g. `10.0.0.0/22`. */
  cidr: string;
  /** How many IP addresses of the network are available. */
  availableIps: number;
};

const inputs = documented<PrivateNetworkArgs>()(z.object({
  name: z.string().min(1).max(255),
  description: z.string().max(255).default(""),
  region: z.string().min(1).default("EU"),
  instanceIds: sortedIds.optional(),
}));

const networkItem = z.object({
  privateNetworkId: z.number().int(),
  name: z.string(),
  description: z.string(),
  region: z.string(),
  regionName: z.string(),
  dataCenter: z.string(),
  cidr: z.string(),
  availableIps: z.number(),
  createdDate: z.string(),
  instances: z.array(z.object({ instanceId: z.number().int() }).loose()),
});

type NetworkItem = z.infer<typeof networkItem>;

function outputsOf(network: NetworkItem): PrivateNetworkOutputs {
  const { privateNetworkId, name, description, region, regionName, dataCenter, cidr, availableIps } = network;
  const instanceIds = network.instances.map((i) => i.instanceId).sort((a, b) => a - b);
  return { name, description, region, instanceIds, privateNetworkId, regionName, dataCenter, cidr, availableIps };
}

const networks = "/v1/private-networks";

async function getNetwork(client: ContaboClient, context: RequestContext, id: string | number) {
  return client.one(context, "GET", idPath(networks, id), { item: networkItem });
}

/** Attaches and detaches instances until the network holds exactly `wanted`. */
async function setInstances(client: ContaboClient, context: RequestContext, id: string | number, current: number[], wanted: number[]) {
  const attached = async () => outputsOf(await getNetwork(client, context, id)).instanceIds;
  for (const instanceId of wanted.filter((i) => !current.includes(i))) {
    await sendOnce<unknown>({
      what: `attach instance ${instanceId} to private network ${id}`,
      send: () => client.call(context, "POST", `${idPath(networks, id)}/instances/${instanceId}`),
      find: async () => ((await attached()).includes(instanceId) ? true : undefined),
    });
  }
  for (const instanceId of current.filter((i) => !wanted.includes(i))) {
    // A retried detach whose first attempt went through finds nothing to detach: that is success.
    await readOrUndefined(() => client.call(context, "DELETE", `${idPath(networks, id)}/instances/${instanceId}`));
  }
}

const PrivateNetworkResource = defineResource({
  cloud: contabo,
  kind: "PrivateNetwork",
  inputs,
  idOutputs: { privateNetworkId: Number },
  outputNames: ["name", "description", "region", "instanceIds", "privateNetworkId", "regionName", "dataCenter", "cidr", "availableIps"],
  autoName: "name",
  replaceOnChange: ["region"],
  describe: (values, id) => `private network ${values.name ? `"${values.name}"` : id}`,

  async create(client, { name, description, region, instanceIds }, scope) {
    const created = await createAudited(client, scope, {
      what: "private network",
      title: `create private network "${name}"`,
      path: networks,
      body: { name, description, region },
      item: networkItem,
      idField: "privateNetworkId",
      read: (context, id) => getNetwork(client, context, id),
    });
    const id = created.privateNetworkId;
    scope.created(String(id), outputsOf(created));
    if (!instanceIds?.length) return { id: String(id), outputs: outputsOf(created) };
    await setInstances(client, scope.context("attach instances"), id, outputsOf(created).instanceIds, instanceIds);
    return { id: String(id), outputs: outputsOf(await getNetwork(client, scope.context("read private network"), id)) };
  },

  async read(client, id, _olds, scope) {
    const found = await listedRead(client, networks, { item: networkItem, idOf: (network) => network.privateNetworkId, getOne: (one) => getNetwork(client, scope.context("read private network"), one) })(id);
    return found && outputsOf(found);
  },

  async update(client, id, { name, description, instanceIds }, olds, changed, scope) {
    // The PATCH answers with the whole network: read it again only after attaching or detaching.
    let patched: NetworkItem | undefined;
    if (changed.includes("name") || changed.includes("description")) {
      patched = await client.one(scope.context("update private network"), "PATCH", idPath(networks, id), { body: { name, description }, item: networkItem });
    }
    if (instanceIds && changed.includes("instanceIds")) {
      await setInstances(client, scope.context("attach and detach instances"), id, olds.instanceIds ?? [], instanceIds);
      patched = undefined;
    }
    return outputsOf(patched ?? (await getNetwork(client, scope.context("read private network"), id)));
  },

  delete: (client, id, _olds, scope) => client.call(scope.context("delete private network"), "DELETE", idPath(networks, id)),
});

export interface PrivateNetwork extends ResourceOutputs<PrivateNetworkOutputs> {}
export class PrivateNetwork extends PrivateNetworkResource {}
