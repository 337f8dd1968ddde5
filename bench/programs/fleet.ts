/**
 * A stack of many resources of the three clouds, for the fleet, refresh, state-size and
 * host-memory benchmarks and the read-coalescing test: `FLEET_CONTABO_INSTANCES` Contabo
 * instances, `FLEET_CONTABO_TAGS` Contabo tags, `FLEET_IONOS_SERVERS` IONOS servers with
 * `FLEET_IONOS_LANS` LANs in one data center (made when either count is above zero), and
 * `FLEET_OVH_KEYS` SSH keys and `FLEET_OVH_NETWORKS` private networks in the OVH project
 * `FLEET_OVH_PROJECT`.
 */
import { contabo, ionos, ovh } from "pulumi-eurocloud";

const count = (name: string) => Number(process.env[name] ?? "0");

for (let i = 0; i < count("FLEET_CONTABO_INSTANCES"); i++) new contabo.Instance(`vps-${i}`, {});
for (let i = 0; i < count("FLEET_CONTABO_TAGS"); i++) new contabo.Tag(`tag-${i}`, { color: "#0A78C3" });

const servers = count("FLEET_IONOS_SERVERS");
const lans = count("FLEET_IONOS_LANS");
if (servers + lans > 0) {
  const dc = new ionos.Datacenter("fleet", { location: "de/fra" });
  for (let i = 0; i < servers; i++) new ionos.Server(`server-${i}`, { datacenterId: dc.id, cores: 1, ram: 1024 });
  for (let i = 0; i < lans; i++) new ionos.Lan(`lan-${i}`, { datacenterId: dc.id });
}

const serviceName = process.env.FLEET_OVH_PROJECT ?? "";
// Keys differ by their base64 part; networks by their VLAN (1 to 4000).
const keyOf = (i: number) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${String(i).padStart(6, "0")}FleetKeyForTheEmulatorOnlyAAAAAAAAAAAA fleet-${i}@example`;
for (let i = 0; i < count("FLEET_OVH_KEYS"); i++) new ovh.CloudSshKey(`key-${i}`, { serviceName, publicKey: keyOf(i) });
for (let i = 0; i < count("FLEET_OVH_NETWORKS"); i++) new ovh.CloudPrivateNetwork(`net-${i}`, { serviceName, vlanId: i + 1, regions: ["GRA11"] });
