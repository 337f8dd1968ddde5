/**
 * `ionos.Server`: a virtual machine (ENTERPRISE) in a data center. Cores, RAM and CPU family change
 * in place, but IONOS restarts the server to apply them (the preview warns); the data center and
 * availability zone replace it. `vmState` starts or stops it.
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const RESTARTING = ["cores", "ram", "cpuFamily"];

/** The inputs of an `ionos.Server`. */
export interface ServerArgs {
  /** The id of the data center the server is in (`ionos.Datacenter`'s `datacenterId`). A change replaces the server. */
  datacenterId: string;
  /** The server's name: 1 to 255 characters. Defaults to the resource name. A change renames the server in place. */
  name: string;
  /**
   * The number of CPU cores: a whole number from 1 to 62. A change applies in place, and IONOS
   * restarts the server to apply it (the preview warns).
   */
  cores: number;
  /**
   * The memory in MB: at least 256 and a multiple of 256 (4096 is 4 GB). A change applies in
   * place, and IONOS restarts the server to apply it (the preview warns).
   */
  ram: number;
  /**
   * The CPU family, one of the data center's `cpuFamilies`. Left out, IONOS picks one and it is not
   * managed. A change applies in place, and IONOS restarts the server to apply it (the preview
   * warns).
   */
  cpuFamily?: string;
  /**
   * The availability zone the server runs in: `AUTO` (IONOS chooses), `ZONE_1` or `ZONE_2`. A
   * change replaces the server.
   * @default "AUTO"
   */
  availabilityZone?: "AUTO" | "ZONE_1" | "ZONE_2";
  /**
   * Whether the server runs: `RUNNING` or `SHUTOFF` (stopped: billing stops, public IPs are
   * released). A server created `SHUTOFF` is stopped right after its create. A change starts or
   * stops the server in place.
   * @default "RUNNING"
   */
  vmState?: "RUNNING" | "SHUTOFF";
  /**
   * How long, in minutes, each wait for an IONOS request of this server (its create, update, start,
   * stop or delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5
   * is 30 seconds). It only bounds this provider's waits: a change applies in place without an API
   * call.
   * @default 60
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.Server`. */
export type ServerOutputs = Omit<Required<ServerArgs>, "cpuFamily" | "vmState"> & {
  /** The server's CPU family: the one given, or the one IONOS picked ("" when IONOS does not say). */
  cpuFamily: string;
  /** The server's state as IONOS reports it: `RUNNING`, `SHUTOFF`, or a passing state such as `SHUTDOWN`. */
  vmState: string;
  /** The server's id at IONOS (a UUID); `id` is `<datacenterId>/<serverId>`. */
  serverId: string;
  /** The server's type as IONOS reports it: `ENTERPRISE` for the servers this resource creates. */
  type: string;
  /** The id of the volume the server boots from, "" before one is attached. */
  bootVolumeId: string;
};

const inputs = documented<ServerArgs>()(z.object({
  datacenterId: z.string().min(1),
  name: z.string().min(1).max(255),
  cores: z.number().int().min(1).max(62),
  ram: z.number().int().min(256).multipleOf(256, "must be a multiple of 256 (MB)"),
  cpuFamily: z.string().min(1).optional(),
  availabilityZone: z.enum(["AUTO", "ZONE_1", "ZONE_2"]).default("AUTO"),
  vmState: z.enum(["RUNNING", "SHUTOFF"]).default("RUNNING"),
  timeoutMinutes: timeoutMinutes(60),
}));

const serverItem = resource({
  name: z.string().optional(),
  cores: z.number().int(),
  ram: z.number().int(),
  cpuFamily: z.string().optional(),
  availabilityZone: z.enum(["AUTO", "ZONE_1", "ZONE_2"]).optional(),
  vmState: z.string().optional(),
  type: z.string().optional(),
  bootVolume: z.object({ id: z.string() }).loose().nullish(),
});

function outputsOf(server: z.infer<typeof serverItem>, known: Partial<ServerOutputs>, ids: Record<string, string>): ServerOutputs {
  const p = server.properties;
  return {
    datacenterId: ids.datacenterId,
    name: p.name ?? known.name ?? "",
    cores: p.cores,
    ram: p.ram,
    cpuFamily: p.cpuFamily ?? known.cpuFamily ?? "",
    availabilityZone: p.availabilityZone ?? "AUTO",
    vmState: p.vmState ?? "",
    timeoutMinutes: known.timeoutMinutes ?? 60,
    serverId: server.id,
    type: p.type ?? "ENTERPRISE",
    bootVolumeId: p.bootVolume?.id ?? "",
  };
}

const serversOf = (datacenterId: string) => apiPath("datacenters", datacenterId, "servers");

const servers = new IonosKind({
  noun: "server",
  item: serverItem,
  idParts: ["datacenterId", "serverId"],
  collection: serversOf,
  defaultMinutes: 60,
  outputsOf,
});

const ServerResource = defineResource({
  cloud: ionos,
  kind: "Server",
  inputs,
  idOutputs: { serverId: idPart(1) },
  outputNames: [
    "datacenterId", "name", "cores", "ram", "cpuFamily", "availabilityZone", "vmState", "timeoutMinutes", "serverId",
    "type", "bootVolumeId",
  ],
  autoName: "name",
  replaceOnChange: ["datacenterId", "availabilityZone"],
  describe: (values, id) => `server ${values.name ? `"${values.name}"` : id}`,
  changeWarning: (changed) => {
    const restarting = changed.filter((key) => RESTARTING.includes(key));
    return restarting.length > 0 ? `changing ${restarting.join(", ")} restarts the server` : undefined;
  },

  async create(client, wanted, scope) {
    const { datacenterId, name, cores, ram, cpuFamily, availabilityZone, timeoutMinutes } = wanted;
    const body = { properties: { name, cores, ram, cpuFamily, availabilityZone } };
    const created = await servers.create(client, scope, { parentIds: [datacenterId], name, body, known: wanted });
    if (wanted.vmState === "RUNNING") return created;
    await servers.change(client, scope, created.id, { operation: "stop", method: "POST", below: "/stop", minutes: timeoutMinutes });
    return { id: created.id, outputs: await servers.outputs(client, scope, created.id, wanted) };
  },

  read: servers.read,

  async update(client, id, wanted, olds, changed, scope) {
    const { name, cores, ram, cpuFamily, timeoutMinutes: minutes } = wanted;
    if (apiChanges(changed).some((key) => key !== "vmState")) {
      await servers.change(client, scope, id, { operation: "update", method: "PATCH", body: { name, cores, ram, cpuFamily }, minutes });
    }
    if (changed.includes("vmState")) {
      const action = wanted.vmState === "RUNNING" ? "start" : "stop";
      await servers.change(client, scope, id, { operation: action, method: "POST", below: `/${action}`, minutes });
    }
    return servers.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: servers.delete,
});

export interface Server extends ResourceOutputs<ServerOutputs> {}
export class Server extends ServerResource {}
