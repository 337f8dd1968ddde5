/**
 * `ovh.CloudPrivateNetwork`: a private network of a Public Cloud project on its vRack, one VLAN,
 * activated in some regions. The name changes in place and regions are added in place; OVH
 * cannot take a region away or change the VLAN, so those replace the network (the old one
 * first: a VLAN is used by one network at a time).
 */
import { z } from "zod";
import { listedCollection } from "../core/coalesce";
import { readOrUndefined, type RequestContext } from "../core/errors";
import { type OperationScope, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { createOnce, sendOnce } from "../core/reconcile";
import { waitFor } from "../core/wait";
import { type OvhClient, ovh } from "./client";
import { cloudRegion, path, serviceName, timeoutMinutes } from "./common";

const sortedRegions = z.array(cloudRegion).min(1).transform((regions) => [...new Set(regions)].sort());

/** The inputs of an `ovh.CloudPrivateNetwork`. */
export interface CloudPrivateNetworkArgs {
  /**
   * The id of the Public Cloud project the network belongs to (`serviceName` in OVH's API): 32
   * hexadecimal characters. A change replaces the network.
   */
  serviceName: string;
  /**
   * The network's name: 1 to 255 characters. Defaults to the resource name. A change renames the
   * network in place.
   */
  name: string;
  /**
   * The network's VLAN on the project's vRack: 0 to 4000, where 0 is the vRack's untagged
   * network; a VLAN is used by one network at a time. A change replaces the network (the old one
   * is deleted first).
   * @default 0
   */
  vlanId?: number;
  /**
   * The regions the network is active in, e.g. `["GRA11", "SBG5"]`: at least one (duplicates are
   * dropped, the list is sorted). Left out, OVH activates the network in every region of the
   * project, and the regions are not managed (leaving them out later changes nothing). An added
   * region is activated in place; a removed one replaces the network (OVH cannot take a region
   * away).
   */
  regions?: string[];
  /**
   * How long to wait for the network to be ACTIVE in every region after a create or an update,
   * in minutes: more than 0, at most 1440 (fractions allowed). A change takes effect in place, at
   * the next wait.
   * @default 10
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ovh.CloudPrivateNetwork`. */
export type CloudPrivateNetworkOutputs = Required<CloudPrivateNetworkArgs> & {
  /** The network's id at OVH, `pn-<vRack>_<vlanId>`. */
  networkId: string;
  /** The network's status at OVH, e.g. BUILDING or ACTIVE. */
  status: string;
  /** The network's OpenStack id in each region, by region (for a region where it has one). */
  openstackIds: Record<string, string>;
};

const inputs = documented<CloudPrivateNetworkArgs>()(z.object({
  serviceName,
  name: z.string().min(1).max(255),
  vlanId: z.number().int().min(0).max(4000).default(0),
  regions: sortedRegions.optional(),
  timeoutMinutes: timeoutMinutes(10),
}));
type Inputs = z.output<typeof inputs>;

export const networkItem = z.object({
  id: z.string(),
  name: z.string(),
  vlanId: z.number().int(),
  status: z.string(),
  regions: z.array(z.object({ region: z.string(), status: z.string(), openstackId: z.string().nullable() })),
});
type NetworkItem = z.infer<typeof networkItem>;

function outputsOf(project: string, network: NetworkItem, timeoutMinutes: number): CloudPrivateNetworkOutputs {
  return {
    serviceName: project,
    name: network.name,
    vlanId: network.vlanId,
    regions: network.regions.map((r) => r.region).sort(),
    timeoutMinutes,
    networkId: network.id,
    status: network.status,
    openstackIds: Object.fromEntries(network.regions.flatMap((r) => (r.openstackId ? [[r.region, r.openstackId]] : []))),
  };
}

export const networksPath = (project: string) => path`/cloud/project/${project}/network/private`;
export const networkPath = (project: string, networkId: string) => path`/cloud/project/${project}/network/private/${networkId}`;

export function getNetwork(client: OvhClient, context: RequestContext, project: string, networkId: string) {
  return client.request(context, "GET", networkPath(project, networkId), networkItem);
}

const isActive = (network: NetworkItem) => network.status === "ACTIVE" && network.regions.every((r) => r.status === "ACTIVE");

function waitUntilActive(client: OvhClient, scope: OperationScope, project: string, networkId: string, minutes: number) {
  return waitFor({
    context: scope.context("wait for private network to be active"),
    waitingFor: "the network to be ACTIVE in every region",
    poll: () => getNetwork(client, scope.context("read private network status"), project, networkId),
    isDone: isActive,
    describe: (network) => network.regions.map((r) => `${r.region} ${r.status}`).join(", "),
    timeoutMs: minutes * 60_000,
    howToRaise: "the network's timeoutMinutes input",
  });
}

/**
 * The private networks of a project (whole networks, as a GET of one gives them), one list call
 * for the create look-ups that come together and for the reads of a refresh.
 */
const projectNetworks = (client: OvhClient) =>
  listedCollection(
    client,
    "private networks",
    (project) => readOrUndefined(() => client.request({ cloud: "ovh", operation: "list private networks" }, "GET", networksPath(project), z.array(networkItem))),
    (network) => network.id,
  );

const CloudPrivateNetworkResource = defineResource({
  cloud: ovh,
  kind: "CloudPrivateNetwork",
  inputs,
  idOutputs: { networkId: idPart(1) },
  outputNames: ["serviceName", "name", "vlanId", "regions", "timeoutMinutes", "networkId", "status", "openstackIds"],
  autoName: "name",
  replaceOnChange: ["serviceName", "vlanId"],
  deleteBeforeReplace: true,
  // OVH can add a region to a network but not take one away.
  replacesWhen: (_client: OvhClient, olds: CloudPrivateNetworkOutputs, news: Inputs) =>
    news.regions && (olds.regions ?? []).some((region) => !news.regions!.includes(region)) ? ["regions"] : [],
  describe: (values, id) => `private network ${values.name ? `"${values.name}"` : id}`,

  async create(client, wanted, scope) {
    const { serviceName: project, timeoutMinutes, ...body } = wanted;
    // OVH keeps no request log: the VLAN identifies the network, looked up before creating too.
    const created = await createOnce({
      what: `create private network "${wanted.name}"`,
      send: () => client.request(scope.context("create private network"), "POST", networksPath(project), networkItem, { body }),
      // A VLAN belongs to one network: the one with this VLAN and name is the one this create made.
      find: async () => (await projectNetworks(client).list(project))?.find((n) => n.vlanId === wanted.vlanId && n.name === wanted.name),
    });
    const id = `${project}/${created.id}`;
    scope.created(id, outputsOf(project, created, timeoutMinutes));
    const active = await waitUntilActive(client, scope, project, created.id, timeoutMinutes);
    return { id, outputs: outputsOf(project, active, timeoutMinutes) };
  },

  // Reads that come together (a refresh) share one list of the project's networks (the list
  // holds whole networks, as a GET of one does).
  async read(client, id, olds) {
    const [project, networkId] = idParts("ovh", id, ["serviceName", "networkId"]);
    const found = await projectNetworks(client).read(networkId, project);
    return found && outputsOf(project, found, olds.timeoutMinutes ?? 10);
  },

  // Also called with nothing changed after a create whose wait failed: the wait is resumed.
  async update(client, id, wanted, olds, changed, scope) {
    const [project, networkId] = idParts("ovh", id, ["serviceName", "networkId"]);
    if (changed.includes("name")) {
      await client.call(scope.context("rename private network"), "PUT", networkPath(project, networkId), { body: { name: wanted.name } });
    }
    for (const region of (wanted.regions ?? []).filter((r) => !olds.regions.includes(r))) {
      await sendOnce<unknown>({
        what: `activate private network ${networkId} in ${region}`,
        send: () => client.call(scope.context(`activate private network in ${region}`), "POST", `${networkPath(project, networkId)}/region`, { body: { region } }),
        find: async () => ((await getNetwork(client, scope.context("read private network"), project, networkId)).regions.some((r) => r.region === region) ? true : undefined),
      });
    }
    return outputsOf(project, await waitUntilActive(client, scope, project, networkId, wanted.timeoutMinutes), wanted.timeoutMinutes);
  },

  async delete(client, id, _olds, scope) {
    const [project, networkId] = idParts("ovh", id, ["serviceName", "networkId"]);
    await client.call(scope.context("delete private network"), "DELETE", networkPath(project, networkId));
  },
});

export interface CloudPrivateNetwork extends ResourceOutputs<CloudPrivateNetworkOutputs> {}
export class CloudPrivateNetwork extends CloudPrivateNetworkResource {}
