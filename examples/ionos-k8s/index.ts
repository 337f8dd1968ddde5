/**
 * An IONOS Managed Kubernetes stack: a data center for the worker nodes, a cluster, and a node
 * pool of workers in that data center. The cluster's kubeconfig is exported as a secret, to hand
 * to a Kubernetes provider (`new k8s.Provider("ionos", { kubeconfig })`).
 *
 * Config: `ionos:token` (or `ionos:username` and `ionos:password`, or the IONOS_* environment
 * variables), and optionally `location` (replaces everything), `k8sVersion` (upgrades the cluster
 * in place), `nodeCount` (scales the pool in place), `coresCount` (replaces the pool) and
 * `private` (`true`: a private cluster in the data center's location, its NAT gateway on a
 * reserved IP; replaces the cluster and its pool).
 */
import * as pulumi from "@pulumi/pulumi";
import { ionos } from "pulumi-eurocloud";

const config = new pulumi.Config();
const location = config.get("location") ?? "de/fra";

const dc = new ionos.Datacenter("k8s", { location, description: "pulumi-eurocloud Kubernetes example" });

const nat = config.getBoolean("private") ? new ionos.IpBlock("k8s-nat", { location, size: 1 }) : undefined;

const cluster = new ionos.K8sCluster("k8s", {
  k8sVersion: config.get("k8sVersion") ?? "1.31.2",
  maintenanceWindow: { dayOfTheWeek: "Sunday", time: "03:00:00Z" },
  ...(nat ? { public: false, location, natGatewayIp: nat.ips[0] } : {}),
});

const workers = new ionos.K8sNodePool("workers", {
  clusterId: cluster.clusterId,
  datacenterId: dc.datacenterId,
  nodeCount: config.getNumber("nodeCount") ?? 2,
  cpuFamily: "INTEL_SKYLAKE",
  coresCount: config.getNumber("coresCount") ?? 2,
  ramSize: 4096,
  storageType: "SSD",
  storageSize: 20,
  labels: { pool: "workers" },
});

export const clusterId = cluster.clusterId;
export const kubeconfig = pulumi.secret(cluster.kubeconfig);
export const nodePublicIps = workers.nodePublicIps;
