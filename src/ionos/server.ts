/**
 * `ionos.Server`: a virtual machine (ENTERPRISE) in a data center. Cores, RAM and CPU family change
 * in place, but IONOS restarts the server to apply them (the preview warns); the data center and
 * availability zone replace it. `vmState` starts or stops it.
 */
import { z } from "zod";
import { Coalescer, onOwner } from "../core/coalesce";
import { type RequestContext, readOrUndefined } from "../core/errors";
import { idPart } from "../core/ids";
import { type ResourceOutputs, defineResource } from "../core/kit";
import { type IonosClient, ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const RESTARTING = ["cores", "ram", "cpuFamily"];

const inputs = z.object({
  datacenterId: z.string().min(1),
  /** Defaults to the resource name. */
  name: z.string().min(1).max(255),
  cores: z.number().int().min(1).max(62),
  /** MB, a multiple of 256. */
  ram: z.number().int().min(256).multipleOf(256, "must be a multiple of 256 (MB)"),
  /** Left out, IONOS picks one of the data center's (see its `cpuFamilies`). */
  cpuFamily: z.string().min(1).optional(),
  availabilityZone: z.enum(["AUTO", "ZONE_1", "ZONE_2"]).default("AUTO"),
  /** RUNNING or SHUTOFF (stopped: billing stops, public IPs are released). */
  vmState: z.enum(["RUNNING", "SHUTOFF"]).default("RUNNING"),
  timeoutMinutes: timeoutMinutes(60),
});

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

type Inputs = z.output<typeof inputs>;
export type ServerArgs = z.input<typeof inputs>;
export type ServerOutputs = Omit<Inputs, "cpuFamily" | "vmState"> & {
  cpuFamily: string;
  /** As IONOS reports it: RUNNING, SHUTOFF, or a passing state such as SHUTDOWN. */
  vmState: string;
  serverId: string;
  type: string;
  /** The volume the server boots from, "" before one is attached. */
  bootVolumeId: string;
};

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

/**
 * Server reads that arrive together (a refresh) share one list call per data center: with its
 * default depth the list brings every server's properties.
 */
const serverReads = (client: IonosClient) =>
  onOwner(client, "server reads", () =>
    new Coalescer({
      // One list answers for every server of the data center, however many are read.
      maxBatch: Infinity,
      async fetchBatch(_serverIds: string[], datacenterId: string) {
        const context: RequestContext = { cloud: "ionos", operation: `read the servers of data center ${datacenterId} with one list call` };
        // The data center is gone, and its servers with it.
        const found = await readOrUndefined(() => client.list(context, serversOf(datacenterId), serverItem));
        return new Map((found ?? []).map((server) => [server.id, server]));
      },
    }),
  );

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

  async read(client, id, olds) {
    const ids = servers.ids(id);
    const found = await serverReads(client).read(ids.serverId, ids.datacenterId);
    return found && outputsOf(found, olds, ids);
  },

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
