/**
 * The program of test/reliability-faults.test.ts: many resources over the three clouds (tags,
 * secrets, networks, instances, data centers, servers and their volumes, LANs, IP blocks, DNS
 * records, SSH keys), in units of a few resources each, shaped by config so that one `up` creates
 * them and a later one changes every one of them (in place, or by replacement where the cloud
 * cannot change it).
 *
 * Config: `prefix` (unique per stack: it names every resource), `count` (units), `revision`
 * (1 as created; 2 changes everything), `serviceName` (the OVH Public Cloud project), and the
 * `contabo:*`, `ionos:*` and `ovh:*` provider settings.
 */
import * as pulumi from "@pulumi/pulumi";
import { contabo, ionos, ovh } from "pulumi-eurocloud";

const config = new pulumi.Config();
const prefix = config.require("prefix");
const count = config.requireNumber("count");
const revision = config.requireNumber("revision");
const serviceName = config.require("serviceName");
const changed = revision > 1;

const sshKey = (comment: string) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIReliabilityTestKey${revision} ${comment}@example`;

let datacenter: ionos.Datacenter | undefined;
for (let i = 0; i < count; i++) {
  const name = `${prefix}-${i}`;

  new contabo.Tag(`tag-${name}`, { color: changed ? "#00aa00" : "#aa0000" });
  new ovh.DomainRecord(`record-${name}`, {
    zone: "example.com",
    subDomain: name,
    // Every fourth record becomes an AAAA record: a replacement (the new one first).
    ...(changed && i % 4 === 0
      ? { fieldType: "AAAA", target: `2001:db8::${i + 1}` }
      : { fieldType: "A", target: `192.0.2.${(i % 250) + 1}` }),
    ttl: changed ? 600 : 300,
  });
  // A few data centers, each holding several LANs (IONOS runs one request at a time per data center).
  if (i % 4 === 0) {
    datacenter = new ionos.Datacenter(`dc-${name}`, { location: "de/fra", description: `revision ${revision}` });
    // A server restarted with more cores, and a blank volume attached to it that grows in place.
    const server = new ionos.Server(`server-${name}`, { datacenterId: datacenter.datacenterId, cores: changed ? 2 : 1, ram: 1024 });
    new ionos.Volume(`disk-${name}`, {
      datacenterId: datacenter.datacenterId,
      serverId: server.serverId,
      size: changed ? 20 : 10,
      licenceType: "LINUX",
    });
  }
  new ionos.Lan(`lan-${name}`, { datacenterId: datacenter!.datacenterId, name: `lan-${name}-r${revision}` });

  if (i % 2 === 0) {
    new contabo.Secret(`secret-${name}`, { type: "ssh", value: sshKey(name) });
  }
  if (i % 3 === 0) {
    // A bigger block is a new block: every other one is replaced.
    new ionos.IpBlock(`ips-${name}`, { location: "de/fra", size: changed && i % 2 === 0 ? 2 : 1, name: `ips-${name}-r${revision}` });
  }
  if (i % 4 === 1) {
    // A new region is a new network (the new one first).
    new contabo.PrivateNetwork(`net-${name}`, {
      region: changed && i % 8 === 1 ? "US-central" : "EU",
      description: `revision ${revision}`,
    });
  }
  if (i % 4 === 2) {
    // A new public key is a new key (the old one deleted first: the name is taken).
    new ovh.CloudSshKey(`key-${name}`, { serviceName, publicKey: sshKey(name) });
  }
  // A few paid orders, renamed in place.
  if (i % 8 === 3) {
    new contabo.Instance(`vm-${name}`, { displayName: `vm-${name}-r${revision}` });
  }
  if (i % 8 === 5) {
    new ovh.CloudInstance(`vm-${name}`, { serviceName, name: `vm-${name}-r${revision}`, region: "GRA11", flavor: "d2-2", image: "Debian 12" });
  }
}
