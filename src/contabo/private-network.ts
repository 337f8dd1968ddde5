/**
 * `contabo.PrivateNetwork`: a private network in one region, with the instances attached to it.
 * Attaching needs the private-networking add-on on the instance and takes effect after the
 * instance is restarted (Contabo's rule).
 */
import { z } from "zod";
import { type RequestContext, readOrUndefined } from "../core/errors";
import { type ResourceOutputs, defineResource } from "../core/kit";
import { sendOnce } from "../core/reconcile";
import { createAudited } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { idPath, numericId } from "./common";

const sortedIds = z.array(numericId).transform((ids) => [...new Set(ids)].sort((a, b) => a - b));

const inputs = z.object({
  /** Defaults to the resource name. */
  name: z.string().min(1).max(255),
  description: z.string().max(255).default(""),
  /** Changing the region replaces the network. */
  region: z.string().min(1).default("EU"),
  /** Instances attached to the network; left out, attachments are not managed. */
  instanceIds: sortedIds.optional(),
});

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

export type PrivateNetworkArgs = z.input<typeof inputs>;
export type PrivateNetworkOutputs = Omit<z.output<typeof inputs>, "instanceIds"> & {
  instanceIds: number[];
  privateNetworkId: number;
  regionName: string;
  dataCenter: string;
  cidr: string;
  availableIps: number;
};

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

  read: (client, id, _olds, scope) =>
    readOrUndefined(async () => outputsOf(await getNetwork(client, scope.context("read private network"), id))),

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
