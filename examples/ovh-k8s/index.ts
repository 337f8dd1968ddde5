/**
 * An OVHcloud Managed Kubernetes stack: a private network with a subnet in GRA11, a cluster whose
 * nodes are on them, and a node pool.
 *
 * Config: `ovh:*` credentials (or the OVH_* environment variables), `serviceName` (the Public
 * Cloud project id), and optionally `version` (a newer one upgrades the cluster in place; an older
 * one is refused at preview), `flavor` (the nodes' flavor: a change replaces the pool), `nodes`
 * (how many: changes in place) and `apiAllowed` (a CIDR allowed to reach the API server).
 */
import * as pulumi from "@pulumi/pulumi";
import { ovh } from "pulumi-eurocloud";

const config = new pulumi.Config();
const serviceName = config.require("serviceName");
const region = "GRA11";

const network = new ovh.CloudPrivateNetwork("k8s-net", { serviceName, vlanId: 20, regions: [region] });

const subnet = new ovh.CloudSubnet("k8s-gra", {
  serviceName,
  networkId: network.networkId,
  region,
  network: "10.20.0.0/24",
  start: "10.20.0.10",
  end: "10.20.0.250",
});

const cluster = new ovh.CloudKubeCluster(
  "k8s",
  {
    serviceName,
    region,
    version: config.get("version") ?? "1.28",
    // The cluster takes the network's OpenStack id in its region.
    privateNetworkId: network.openstackIds.apply((ids) => ids[region]),
    nodesSubnetId: subnet.subnetId,
    updatePolicy: "MINIMAL_DOWNTIME",
    ipRestrictions: [config.get("apiAllowed") ?? "203.0.113.0/24"],
  },
  { dependsOn: [subnet] },
);

const pool = new ovh.CloudKubeNodePool("workers", {
  serviceName,
  kubeId: cluster.kubeId,
  flavorName: config.get("flavor") ?? "b2-7",
  desiredNodes: config.getNumber("nodes") ?? 2,
  maxNodes: 5,
  template: { labels: { role: "worker" } },
});

export const kubeId = cluster.kubeId;
export const apiUrl = cluster.url;
export const kubeconfig = cluster.kubeconfig;
export const version = cluster.version;
export const nodePoolId = pool.nodePoolId;
export const currentNodes = pool.currentNodes;
