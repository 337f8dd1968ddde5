/**
 * A stack of many resources of both clouds, for the refresh, state-size and host-memory
 * benchmarks and the read-coalescing test: `FLEET_CONTABO_INSTANCES` Contabo instances,
 * `FLEET_CONTABO_TAGS` Contabo tags, and `FLEET_IONOS_SERVERS` IONOS servers with
 * `FLEET_IONOS_LANS` LANs in one data center (made when either count is above zero).
 */
import { contabo, ionos } from "pulumi-eurocloud";

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
