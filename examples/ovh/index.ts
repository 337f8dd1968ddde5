/**
 * An OVHcloud stack: an SSH key, a private network with a subnet in GRA11, an instance on both the
 * public and the private network, a DNS record pointing at the instance, and the description of
 * a failover IP.
 *
 * Config: `ovh:*` credentials (or the OVH_* environment variables), `serviceName` (the Public
 * Cloud project id), and optionally `zone` (a DNS zone of the account), `flavor` (b2-15 resizes
 * the instance in place, d2-2 replaces it: the preview says which), `failoverIp`, `sshPublicKey`
 * and `userData`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ovh } from "pulumi-eurocloud";

const config = new pulumi.Config();
const serviceName = config.require("serviceName");
const region = "GRA11";

const key = new ovh.CloudSshKey("deploy", {
  serviceName,
  publicKey: config.get("sshPublicKey") ?? "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyForTheEmulatorOnly deploy@example",
});

const network = new ovh.CloudPrivateNetwork("backend", { serviceName, vlanId: 10, regions: [region] });

const subnet = new ovh.CloudSubnet("backend-gra", {
  serviceName,
  networkId: network.networkId,
  region,
  network: "10.10.0.0/24",
  start: "10.10.0.10",
  end: "10.10.0.200",
});

const web = new ovh.CloudInstance(
  "web-1",
  {
    serviceName,
    region,
    flavor: config.get("flavor") ?? "b2-7",
    image: "Ubuntu 24.04",
    sshKeyId: key.keyId,
    // An object holding outputs is passed as one output.
    networks: [pulumi.output({ networkId: network.networkId, ip: "10.10.0.20" })],
    userData: config.get("userData") ?? "#cloud-config\npackage_update: true\n",
  },
  // The private address comes from the subnet: it must exist first.
  { dependsOn: [subnet] },
);

const record = new ovh.DomainRecord("web", {
  zone: config.get("zone") ?? "example.com",
  fieldType: "A",
  subDomain: "web",
  target: web.ipv4,
  ttl: 300,
});

new ovh.IpDescription("failover", { ip: config.get("failoverIp") ?? "203.0.113.7", description: "web failover" });

export const instanceId = web.instanceId;
export const ipv4 = web.ipv4;
export const status = web.status;
export const flavor = web.flavor;
export const privateIps = web.privateIps;
export const fqdn = pulumi.interpolate`${record.subDomain}.${record.zone}`;
