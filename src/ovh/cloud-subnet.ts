/**
 * `ovh.CloudSubnet`: the subnet of a private network in one region, with the range of addresses
 * it gives out. OVH has one subnet per network and region, and no way to change one: every
 * change replaces it (the old one first). The CIDR and the range are checked at preview.
 */
import { BlockList, isIPv4 } from "node:net";
import { z } from "zod";
import { listedCollection } from "../core/coalesce";
import { readOrUndefined, type RequestContext } from "../core/errors";
import { type CheckFailure, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { createOnce } from "../core/reconcile";
import { type OvhClient, ovh } from "./client";
import { cloudRegion, serviceName } from "./common";
import { networkPath } from "./cloud-private-network";

const ipv4 = z.string().refine((text) => isIPv4(text), "must be an IPv4 address");

/** The inputs of an `ovh.CloudSubnet`. */
export interface CloudSubnetArgs {
  /**
   * The id of the Public Cloud project the network belongs to (`serviceName` in OVH's API): 32
   * hexadecimal characters. A change replaces the subnet (the old one is deleted first).
   */
  serviceName: string;
  /**
   * The private network's id (`networkId` of an `ovh.CloudPrivateNetwork`, `pn-…`). A change
   * replaces the subnet (the old one is deleted first).
   */
  networkId: string;
  /**
   * The region of the subnet, e.g. GRA11: one the network is active in; a network has one subnet
   * per region. A change replaces the subnet (the old one is deleted first).
   */
  region: string;
  /**
   * The subnet as an IPv4 CIDR, e.g. 10.0.0.0/24: a private range (within 10.0.0.0/8,
   * 172.16.0.0/12 or 192.168.0.0/16) with a prefix of 8 to 29 bits, written from its first
   * address; checked at preview. A change replaces the subnet (the old one is deleted first).
   */
  network: string;
  /**
   * The first address given out in this region: inside `network`, after the gateway (the
   * network's first host; with `noGateway`, from that first host on) and before the broadcast
   * address; checked at preview. A change replaces the subnet (the old one is deleted first).
   */
  start: string;
  /**
   * The last address given out in this region: within the same bounds as `start`, and not before
   * it; checked at preview. A change replaces the subnet (the old one is deleted first).
   */
  end: string;
  /**
   * Whether DHCP gives out the addresses from `start` to `end`. A change replaces the subnet (the
   * old one is deleted first).
   * @default true
   */
  dhcp?: boolean;
  /**
   * True: the subnet has no default gateway, and the network's first host address stays free for
   * an instance. A change replaces the subnet (the old one is deleted first).
   * @default false
   */
  noGateway?: boolean;
}

/** The outputs of an `ovh.CloudSubnet`. */
export type CloudSubnetOutputs = Required<CloudSubnetArgs> & {
  /** The subnet's id at OVH. */
  subnetId: string;
  /** The subnet's CIDR, as OVH reports it. */
  cidr: string;
  /** The subnet's gateway address; "" with `noGateway`. */
  gatewayIp: string;
};

const inputs = documented<CloudSubnetArgs>()(z.object({
  serviceName,
  networkId: z.string().min(1),
  region: cloudRegion,
  network: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/, "must be an IPv4 CIDR such as 10.0.0.0/24"),
  start: ipv4,
  end: ipv4,
  dhcp: z.boolean().default(true),
  noGateway: z.boolean().default(false),
}));
type Inputs = z.output<typeof inputs>;

const subnetItem = z.object({
  id: z.string(),
  cidr: z.string(),
  dhcpEnabled: z.boolean(),
  gatewayIp: z.string().nullable(),
  ipPools: z.array(z.object({ dhcp: z.boolean(), start: z.string(), end: z.string(), network: z.string(), region: z.string() })),
});
type SubnetItem = z.infer<typeof subnetItem>;

const PRIVATE_RANGES: [string, number][] = [["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16]];
const toNumber = (ip: string) => ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
const fromNumber = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");

/** The CIDR and range rules OVH (and OpenStack under it) enforce, as failures for the preview. */
function rangeFailures({ network, start, end, noGateway }: Inputs): CheckFailure[] {
  const [base, bits] = network.split("/");
  const prefix = Number(bits);
  if (!isIPv4(base) || prefix < 8 || prefix > 29) return [{ property: "network", reason: "must be an IPv4 CIDR with a prefix of 8 to 29 bits, e.g. 10.0.0.0/24" }];
  const size = 2 ** (32 - prefix);
  const first = toNumber(base);
  if (first % size !== 0) {
    return [{ property: "network", reason: `must start at the network's first address: ${fromNumber(first - (first % size))}/${prefix}` }];
  }
  const isPrivate = new BlockList();
  for (const [address, length] of PRIVATE_RANGES) isPrivate.addSubnet(address, length, "ipv4");
  const failures: CheckFailure[] = [];
  if (!isPrivate.check(base) || !isPrivate.check(fromNumber(first + size - 1))) {
    failures.push({ property: "network", reason: "must be a private range (within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)" });
  }
  // The network's own address and its broadcast address are never given out; the first host is the gateway.
  const lowest = first + (noGateway ? 1 : 2);
  const highest = first + size - 2;
  const usable = `${noGateway ? "from the network's second address" : "after the gateway (the network's first host)"} up to the last address before the broadcast`;
  for (const [property, ip] of [["start", start], ["end", end]] as const) {
    if (toNumber(ip) < lowest || toNumber(ip) > highest) failures.push({ property, reason: `must be inside ${network}, ${usable}` });
  }
  if (failures.length === 0 && toNumber(start) > toNumber(end)) failures.push({ property: "end", reason: `must not come before start (${start})` });
  return failures;
}

function outputsOf(project: string, networkId: string, subnet: SubnetItem, region?: string): CloudSubnetOutputs | undefined {
  const pool = subnet.ipPools.find((p) => p.region === region) ?? subnet.ipPools[0];
  if (!pool) return undefined;
  return {
    serviceName: project,
    networkId,
    region: pool.region,
    network: pool.network,
    start: pool.start,
    end: pool.end,
    dhcp: subnet.dhcpEnabled,
    noGateway: subnet.gatewayIp === null,
    subnetId: subnet.id,
    cidr: subnet.cidr,
    gatewayIp: subnet.gatewayIp ?? "",
  };
}

const subnetsPath = (project: string, networkId: string) => `${networkPath(project, networkId)}/subnet`;
const subnetPath = (project: string, networkId: string, subnetId: string) => `${subnetsPath(project, networkId)}/${encodeURIComponent(subnetId)}`;

/**
 * The subnets of a network (`<project>/<networkId>`), one list call for the create look-ups that
 * come together and for the reads of a refresh: OVH has no GET of one subnet.
 */
const networkSubnets = (client: OvhClient) =>
  listedCollection(
    client,
    "subnets",
    (network) => {
      const [project, networkId] = network.split("/");
      const context: RequestContext = { cloud: "ovh", operation: `list the subnets of network ${networkId}` };
      return readOrUndefined(() => client.request(context, "GET", subnetsPath(project, networkId), z.array(subnetItem)));
    },
    (subnet) => subnet.id,
  );

const CloudSubnetResource = defineResource({
  cloud: ovh,
  kind: "CloudSubnet",
  inputs,
  idOutputs: { subnetId: idPart(2) },
  outputNames: ["serviceName", "networkId", "region", "network", "start", "end", "dhcp", "noGateway", "subnetId", "cidr", "gatewayIp"],
  replaceOnChange: ["serviceName", "networkId", "region", "network", "start", "end", "dhcp", "noGateway"],
  deleteBeforeReplace: true,
  describe: (values, id) => (values.network ? `subnet ${values.network} in ${values.region}` : `subnet ${id}`),
  validate: rangeFailures,

  async create(client, wanted, scope) {
    const { serviceName: project, networkId, ...body } = wanted;
    // OVH keeps no request log: network, region and CIDR identify the subnet, looked up before creating too.
    const subnet = await createOnce({
      what: `create subnet ${wanted.network} in ${wanted.region}`,
      send: () => client.request(scope.context("create subnet"), "POST", subnetsPath(project, networkId), subnetItem, { body }),
      // One subnet per network and region: the one there with this CIDR is the one this create made.
      find: async () =>
        (await networkSubnets(client).list(`${project}/${networkId}`))?.find(
          (s) => s.cidr === wanted.network && s.ipPools.some((p) => p.region === wanted.region),
        ),
    });
    const outputs = outputsOf(project, networkId, subnet, wanted.region);
    if (!outputs) throw new Error(`ovh: create subnet ${wanted.network}: the answer has no address pool`);
    return { id: `${project}/${networkId}/${subnet.id}`, outputs };
  },

  // Read from the network's list of subnets, shared by the reads that come together (a refresh).
  async read(client, id, olds) {
    const [project, networkId, subnetId] = idParts("ovh", id, ["serviceName", "networkId", "subnetId"]);
    const subnet = await networkSubnets(client).read(subnetId, `${project}/${networkId}`);
    return subnet && outputsOf(project, networkId, subnet, olds.region);
  },

  async delete(client, id, _olds, scope) {
    const [project, networkId, subnetId] = idParts("ovh", id, ["serviceName", "networkId", "subnetId"]);
    await client.call(scope.context("delete subnet"), "DELETE", subnetPath(project, networkId, subnetId));
  },
});

export interface CloudSubnet extends ResourceOutputs<CloudSubnetOutputs> {}
export class CloudSubnet extends CloudSubnetResource {}
