/**
 * `ovh.CloudPrivateNetwork`: a private network of a Public Cloud project on its vRack, one VLAN,
 * activated in some regions. The name changes in place and regions are added in place; OVH
 * cannot take a region away or change the VLAN, so those replace the network (the old one
 * first: a VLAN is used by one network at a time).
 */
import { z } from "zod";
import { readOrUndefined, type RequestContext } from "../core/errors";
import { type OperationScope, type ResourceOutputs, defineResource } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { createOnce, sendOnce } from "../core/reconcile";
import { waitFor } from "../core/wait";
import { type OvhClient, ovh } from "./client";
import { cloudRegion, path, serviceName, timeoutMinutes } from "./common";

const sortedRegions = z.array(cloudRegion).min(1).transform((regions) => [...new Set(regions)].sort());

const inputs = z.object({
  serviceName,
  /** Defaults to the resource name. */
  name: z.string().min(1).max(255),
  /** 0 to 4000; 0 is the vRack's untagged network. */
  vlanId: z.number().int().min(0).max(4000).default(0),
  /** Where the network is active; left out, OVH activates it in every region of the project. */
  regions: sortedRegions.optional(),
  /** How long to wait for the network to be active in every region. */
  timeoutMinutes: timeoutMinutes(10),
});
type Inputs = z.output<typeof inputs>;

export const networkItem = z.object({
  id: z.string(),
  name: z.string(),
  vlanId: z.number().int(),
  status: z.string(),
  regions: z.array(z.object({ region: z.string(), status: z.string(), openstackId: z.string().nullable() })),
});
type NetworkItem = z.infer<typeof networkItem>;

export type CloudPrivateNetworkArgs = z.input<typeof inputs>;
export type CloudPrivateNetworkOutputs = Omit<Inputs, "regions"> & {
  regions: string[];
  networkId: string;
  status: string;
  /** The network's OpenStack id in each region. */
  openstackIds: Record<string, string>;
};

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
      find: async () => {
        const found = await client.request(scope.context("look up private network"), "GET", networksPath(project), z.array(networkItem));
        return found.find((n) => n.vlanId === wanted.vlanId && n.name === wanted.name);
      },
    });
    const id = `${project}/${created.id}`;
    scope.created(id, outputsOf(project, created, timeoutMinutes));
    const active = await waitUntilActive(client, scope, project, created.id, timeoutMinutes);
    return { id, outputs: outputsOf(project, active, timeoutMinutes) };
  },

  async read(client, id, olds, scope) {
    const [project, networkId] = idParts("ovh", id, ["serviceName", "networkId"]);
    return readOrUndefined(async () =>
      outputsOf(project, await getNetwork(client, scope.context("read private network"), project, networkId), olds.timeoutMinutes ?? 10),
    );
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
