/**
 * An IONOS Cloud stack: a data center with a public LAN, a server booting from an Ubuntu volume,
 * a NIC on the LAN using an address from a reserved IP block, and a firewall rule letting SSH in.
 *
 * Config: `ionos:token` (or `ionos:username` and `ionos:password`, or the IONOS_* environment
 * variables), and optionally `location` (replaces everything), `cores` (restarts the server in
 * place) and `sshPublicKey`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ionos } from "pulumi-eurocloud";

const config = new pulumi.Config();
const location = config.get("location") ?? "de/fra";

const dc = new ionos.Datacenter("web", { location, description: "pulumi-eurocloud example" });

const lan = new ionos.Lan("public", { datacenterId: dc.id, public: true });

const ips = new ionos.IpBlock("web-ips", { location, size: 1 });

const server = new ionos.Server("web-1", {
  datacenterId: dc.id,
  cores: config.getNumber("cores") ?? 2,
  ram: 4096,
});

const boot = new ionos.Volume("web-1-boot", {
  datacenterId: dc.id,
  serverId: server.serverId,
  size: 20,
  type: "SSD Standard",
  imageAlias: "ubuntu:latest",
  imagePassword: config.getSecret("imagePassword") ?? pulumi.secret("Emulat0rPassw0rd2026"),
  sshKeys: [config.get("sshPublicKey") ?? "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyForTheEmulatorOnly deploy@example"],
});

const nic = new ionos.Nic("web-1-public", {
  datacenterId: dc.id,
  serverId: server.serverId,
  lan: lan.lanId,
  ips: [ips.ips[0]],
  firewallActive: true,
});

new ionos.FirewallRule("ssh", {
  datacenterId: dc.id,
  serverId: server.serverId,
  nicId: nic.nicId,
  protocol: "TCP",
  portRangeStart: 22,
  portRangeEnd: 22,
});

export const datacenterId = dc.id;
export const publicIp = nic.ips[0];
export const bootVolumeId = boot.volumeId;
export const vmState = server.vmState;
