/**
 * NAT gateways and their rules (in a data center), backup units, and volume snapshots, as the
 * Cloud API v6 spec describes them:
 * - a NAT gateway's `publicIps` must be addresses of IP blocks reserved in its data center's
 *   location, each of its `lans` an existing LAN of that data center; a LAN without
 *   `gatewayIps` gets one generated, with a /24 mask ("If no IP is provided, the system will
 *   generate an IP with /24 subnet");
 * - a rule's `publicIp` must be one of its gateway's; ICMP rules take no `targetPortRange`
 *   ("If protocol is 'ICMP' then targetPortRange start and end cannot be set"); a gateway keeps
 *   the public IPs its rules use;
 * - a backup unit's name is alphanumeric ("alphanumeric characters only"), and fixed (the login
 *   is `<name>-<contract>`, so it is also unique: an inference); its password is written, never
 *   returned;
 * - a snapshot is made by `POST /datacenters/{id}/volumes/{id}/create-snapshot`, whose body is a
 *   form (`application/x-www-form-urlencoded`: name, description, secAuthProtection, licenceType,
 *   the 6.1.4 spec) or, as the newer spec has it, JSON `{properties: {...}}`; any other body
 *   is a 415. It answers 202 with the Snapshot and the request's Location; the snapshot lives at
 *   `/snapshots/{id}`, in the data center's location, with the volume's size. `POST /snapshots`
 *   does not exist (405).
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { EmulatorRequest, EmulatorResponse } from "../server";
import { error, invalid, isAnswer, notAllowed, notFound, parse } from "./answers";
import type { IonosService, IonosStore, Node, Properties } from "./store";

const ipv4 = z.ipv4();
const subnet = z.union([z.ipv4(), z.cidrv4()], { error: "must be an IPv4 address or CIDR block" });
const gatewayIp = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/, "must be an IPv4 address with an optional subnet mask");
const LICENCE_TYPES = ["UNKNOWN", "WINDOWS", "WINDOWS2016", "WINDOWS2022", "LINUX", "OTHER"] as const;
const HOT_PLUG = [
  "cpuHotPlug", "cpuHotUnplug", "ramHotPlug", "ramHotUnplug", "nicHotPlug", "nicHotUnplug",
  "discVirtioHotPlug", "discVirtioHotUnplug", "discScsiHotPlug", "discScsiHotUnplug",
] as const;

const nodesOf = (store: IonosStore, type: string) => [...store.nodes.values()].filter((node) => node.type === type);

function natGateway(store: IonosStore, collection: string, p: Properties, existing?: Node): Properties | EmulatorResponse {
  const dcPath = store.datacenterOf(collection)!;
  const location = store.nodes.get(dcPath)?.properties.location;
  const publicIps = p.publicIps as string[];
  const reserved = nodesOf(store, "ipblock").filter((block) => block.properties.location === location).flatMap((block) => block.properties.ips as string[]);
  const foreign = publicIps.filter((ip) => !reserved.includes(ip));
  if (foreign.length > 0) return invalid(`Attribute 'properties.publicIps': ${foreign.join(", ")} is not in an IP block reserved in ${location}`);
  if (new Set(publicIps).size !== publicIps.length) return invalid("Attribute 'properties.publicIps': an address is given twice");
  if (existing) {
    const used = store.childrenIn(`${existing.path}/rules`).map((rule) => rule.properties.publicIp as string);
    const dropped = used.filter((ip) => !publicIps.includes(ip));
    if (dropped.length > 0) return invalid(`Attribute 'properties.publicIps': ${dropped[0]} is used by a rule of this NAT gateway`);
  }
  const lans = (p.lans ?? []) as { id: number; gatewayIps?: string[] }[];
  const before = (existing?.properties.lans ?? []) as { id: number; gatewayIps: string[] }[];
  for (const lan of lans) {
    if (!store.nodes.has(`${dcPath}/lans/${lan.id}`)) return invalid(`Attribute 'properties.lans.id': there is no LAN ${lan.id} in this data center`);
  }
  if (new Set(lans.map((lan) => lan.id)).size !== lans.length) return invalid("Attribute 'properties.lans': a LAN is given twice");
  return {
    ...p,
    lans: lans.map((lan) => ({
      id: lan.id,
      gatewayIps:
        lan.gatewayIps && lan.gatewayIps.length > 0
          ? lan.gatewayIps
          : (before.find((old) => old.id === lan.id)?.gatewayIps ?? [`10.${200 + (lan.id % 50)}.${Math.floor(Math.random() * 250) + 1}.1/24`]),
    })),
  };
}

function natGatewayRule(store: IonosStore, collection: string, p: Properties): Properties | EmulatorResponse {
  const gateway = store.nodes.get(store.up(collection))!;
  const publicIps = gateway.properties.publicIps as string[];
  if (!publicIps.includes(p.publicIp as string)) {
    return invalid(`Attribute 'properties.publicIp': ${p.publicIp} is not a public IP of NAT gateway ${gateway.id} (${publicIps.join(", ")})`);
  }
  const range = p.targetPortRange as { start?: number; end?: number } | undefined;
  if (range && (range.start !== undefined || range.end !== undefined)) {
    if (p.protocol === "ICMP") return invalid("Attribute 'properties.targetPortRange': cannot be set for ICMP");
    if (range.start !== undefined && range.end !== undefined && range.start > range.end) {
      return invalid("Attribute 'properties.targetPortRange.end': must not be less than start");
    }
  }
  return p;
}

function backupUnit(store: IonosStore, _collection: string, p: Properties, existing?: Node): Properties | EmulatorResponse {
  const taken = nodesOf(store, "backupunit").some((unit) => unit !== existing && unit.properties.name === p.name);
  if (taken) return invalid(`Attribute 'properties.name': a backup unit named ${p.name} already exists`);
  // The password is written, never shown.
  const { password: _password, ...shown } = p;
  return shown;
}

const snapshotProperties = z.strictObject({
  name: z.string().max(255).optional(),
  description: z.string().max(255).optional(),
  secAuthProtection: z.boolean().optional(),
  licenceType: z.enum(LICENCE_TYPES).optional(),
  ...Object.fromEntries(HOT_PLUG.map((key) => [key, z.boolean().optional()])),
});

/** The create-snapshot body: a form (the 6.1.4 spec) or `{properties}` JSON (the newer spec). */
function snapshotRequest(request: EmulatorRequest): Properties | EmulatorResponse {
  const contentType = String(request.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (!request.body) return {};
  const form = z.strictObject({
    name: z.string().max(255).optional(),
    description: z.string().max(255).optional(),
    secAuthProtection: z.enum(["true", "false"]).transform((value) => value === "true").optional(),
    licenceType: z.enum(LICENCE_TYPES).optional(),
  });
  if (contentType === "application/x-www-form-urlencoded") {
    const fields = new URLSearchParams(request.body);
    const repeated = [...new Set(fields.keys())].find((key) => fields.getAll(key).length > 1);
    if (repeated) return invalid(`Attribute '${repeated}': given more than once`);
    return parse(Object.fromEntries(fields), form);
  }
  if (contentType === "application/json") {
    let json: unknown;
    try {
      json = JSON.parse(request.body);
    } catch {
      return error(400, "The request body is not valid JSON");
    }
    const body = parse(json, z.object({ properties: snapshotProperties.pick({ name: true, description: true, secAuthProtection: true, licenceType: true }).optional() }).loose());
    return isAnswer(body) ? body : (body.properties ?? {});
  }
  return error(415, `Unsupported content type ${contentType || "(none)"}: send application/x-www-form-urlencoded`);
}

function createSnapshot(store: IonosStore, request: EmulatorRequest, volume: Node): EmulatorResponse {
  const wanted = snapshotRequest(request);
  if (isAnswer(wanted)) return wanted;
  const dc = store.nodes.get(store.datacenterOf(volume.path)!)!;
  const hotPlug = Object.fromEntries(HOT_PLUG.flatMap((key) => (typeof volume.properties[key] === "boolean" ? [[key, volume.properties[key]]] : [])));
  const properties: Properties = {
    name: "",
    description: "",
    secAuthProtection: false,
    ...hotPlug,
    ...wanted,
    licenceType: wanted.licenceType ?? volume.properties.licenceType ?? "UNKNOWN",
    location: dc.properties.location,
    size: volume.properties.size,
  };
  const snapshot = store.insert(`/snapshots/${randomUUID()}`, "snapshot", properties);
  // The request's target is the snapshot (what a lost answer's create looks up); the volume is BUSY meanwhile.
  return store.accept(request, [snapshot, volume], { undo: () => store.remove(snapshot), body: () => store.view(snapshot, 0) });
}

export const NAT_BACKUP_SNAPSHOT: IonosService = {
  types: [
    {
      type: "natgateway",
      shape: "datacenters/natgateways",
      properties: z.strictObject({
        name: z.string().min(1).max(255),
        publicIps: z.array(ipv4).min(1),
        lans: z.array(z.strictObject({ id: z.number().int().min(1), gatewayIps: z.array(gatewayIp).optional() })).optional(),
      }),
      defaults: { lans: [] },
      complete: natGateway,
      entities: ["rules"],
    },
    {
      type: "natgateway-rule",
      shape: "datacenters/natgateways/rules",
      properties: z.strictObject({
        name: z.string().min(1).max(255),
        type: z.literal("SNAT").optional(),
        protocol: z.enum(["TCP", "UDP", "ICMP", "ALL"]).optional(),
        sourceSubnet: subnet,
        publicIp: ipv4,
        targetSubnet: subnet.optional(),
        targetPortRange: z.strictObject({ start: z.number().int().min(1).max(65535).optional(), end: z.number().int().min(1).max(65535).optional() }).optional(),
      }),
      defaults: { type: "SNAT", protocol: "ALL" },
      complete: (store, collection, p) => natGatewayRule(store, collection, p),
    },
    {
      type: "backupunit",
      shape: "backupunits",
      properties: z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9]+$/, "alphanumeric characters only").max(255),
        password: z.string().min(1).optional(),
        email: z.email().optional(),
      }),
      fixed: ["name"],
      complete: backupUnit,
    },
    {
      type: "snapshot",
      shape: "snapshots",
      properties: snapshotProperties,
      defaults: { name: "", description: "", secAuthProtection: false },
    },
  ],

  route(store, request, path) {
    if (path === "/snapshots" && request.method === "POST") return notAllowed();
    const action = /^(\/datacenters\/[^/]+\/volumes\/[^/]+)\/create-snapshot$/.exec(path);
    if (!action) return undefined;
    if (request.method !== "POST") return notAllowed();
    const volume = store.nodes.get(action[1]);
    return volume ? createSnapshot(store, request, volume) : notFound();
  },
};
