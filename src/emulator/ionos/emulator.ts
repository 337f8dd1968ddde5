/**
 * A local, stateful fake of the IONOS Cloud API v6 as its OpenAPI spec describes it: token
 * generation (Auth API v1), Basic and Bearer auth, `X-Contract-Number`, every write answered 202
 * with the absolute `Location` of its request status, requests that go QUEUED → RUNNING → DONE
 * (one at a time per data center, each taking `requestMs`) or FAILED on demand, resources BUSY
 * until then, `metadata`, `depth`, collections with offset/limit, `{httpStatus, messages}` errors
 * and rate-limit headers. Data centers hold LANs (numeric ids), servers and volumes; servers hold
 * NICs and attached volumes; NICs hold firewall rules; IP blocks stand alone. Deleting a parent
 * deletes its children. The other services (Kubernetes, load balancers, user management, ...) are
 * modules of `./services`: their resource types and their own routes (`./store` says what they
 * are made of).
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type { FaultMatch } from "../faults";
import { type EmulatorRequest, type EmulatorResponse, type EmulatorServer, jsonBody, startServer } from "../server";
import { error, invalid, isAnswer, notAllowed, notFound, parse } from "./answers";
import { IMAGES, LOCATIONS } from "./catalog";
import { SERVICES } from "./services";
import type { ApiRequest, Effects, IonosStore, Node, Properties, TypeSpec } from "./store";

export type { ApiRequest, Node } from "./store";

const API_PATH = "/cloudapi/v6";
export const TOKEN_PATH = "/auth/v1/tokens/generate";

export interface IonosCredentials {
  username: string;
  password: string;
  /** A token issued in advance, as one made in the IONOS console. */
  token: string;
}

export interface IonosEmulatorOptions {
  port?: number;
  /** How long a request runs once it is out of the queue. */
  requestMs?: number;
  credentials?: Partial<IonosCredentials>;
  /** When set, every call must carry this `X-Contract-Number` (a user with several contracts). */
  contractNumber?: string;
  /** Enforces a rate limit with 429 (the headers are always sent). */
  rateLimit?: { perMinute: number; burst: number };
}


export interface IonosEmulator extends EmulatorServer {
  /** The Cloud API base (`<url>/cloudapi/v6`), what `IONOS_API_URL` takes. */
  apiUrl: string;
  credentials: IonosCredentials;
  readonly tokensIssued: number;
  store: { nodes: Map<string, Node>; requests: Map<string, ApiRequest> };
  /** The next write that matches ends FAILED with this message. */
  failNextRequest(match: FaultMatch, message: string): void;
  /** The next write that matches stays RUNNING forever. */
  stallNextRequest(match: FaultMatch): void;
  liveResources(): number;
  /** Forgets every resource, request, token and log entry; clears faults. */
  reset(): void;
}

const name = z.string().max(255).optional();
const ipv4 = z.ipv4();
const location = z.enum(Object.keys(LOCATIONS) as [string, ...string[]]);
const port = z.number().int().min(1).max(65535);
/** The data center and its compute and network: what a create may send, defaults, fixed properties. */
const COMPUTE: TypeSpec[] = [
  {
    type: "datacenter",
    shape: "datacenters",
    properties: z.strictObject({ name, description: z.string().max(255).optional(), location, secAuthProtection: z.boolean().optional() }),
    defaults: { name: "", description: "", secAuthProtection: false },
    fixed: ["location"],
  },
  {
    type: "lan",
    shape: "datacenters/lans",
    properties: z.strictObject({
      name,
      public: z.boolean().optional(),
      ipFailover: z.array(z.strictObject({ ip: ipv4, nicUuid: z.string() })).optional(),
      pcc: z.string().optional(),
    }),
    defaults: { name: "", public: false, ipFailover: [] },
  },
  {
    type: "server",
    shape: "datacenters/servers",
    properties: z.strictObject({
      name,
      cores: z.number().int().min(1).max(62),
      ram: z.number().int().min(256).multipleOf(256, "must be a multiple of 256 MB"),
      cpuFamily: z.string().optional(),
      availabilityZone: z.enum(["AUTO", "ZONE_1", "ZONE_2"]).optional(),
      type: z.literal("ENTERPRISE").optional(),
    }),
    defaults: { name: "", availabilityZone: "AUTO", type: "ENTERPRISE" },
    fixed: ["availabilityZone", "type"],
  },
  {
    type: "volume",
    shape: "datacenters/volumes",
    properties: z.strictObject({
      name,
      type: z.enum(["HDD", "SSD", "SSD Standard", "SSD Premium"]).optional(),
      size: z.number().positive().max(4096),
      availabilityZone: z.enum(["AUTO", "ZONE_1", "ZONE_2", "ZONE_3"]).optional(),
      image: z.string().optional(),
      imageAlias: z.string().optional(),
      imagePassword: z.string().regex(/^[A-Za-z0-9]{8,50}$/, "8 to 50 letters and digits").optional(),
      sshKeys: z.array(z.string().min(1)).optional(),
      bus: z.enum(["VIRTIO", "IDE"]).optional(),
      licenceType: z.enum(["UNKNOWN", "WINDOWS", "WINDOWS2016", "WINDOWS2022", "LINUX", "OTHER"]).optional(),
    }),
    defaults: { name: "", type: "HDD", availabilityZone: "AUTO", bus: "VIRTIO" },
    fixed: ["type", "availabilityZone", "image", "imageAlias", "imagePassword", "sshKeys", "licenceType"],
  },
  {
    type: "nic",
    shape: "datacenters/servers/nics",
    properties: z.strictObject({
      name,
      ips: z.array(ipv4).nullable().optional(),
      dhcp: z.boolean().optional(),
      lan: z.number().int().min(1),
      firewallActive: z.boolean().optional(),
      firewallType: z.enum(["INGRESS", "EGRESS", "BIDIRECTIONAL"]).optional(),
    }),
    defaults: { name: "", ips: null, dhcp: true, firewallActive: false, firewallType: "INGRESS" },
  },
  {
    type: "firewall-rule",
    shape: "datacenters/servers/nics/firewallrules",
    properties: z.strictObject({
      name,
      protocol: z.enum(["TCP", "UDP", "ICMP", "ANY"]),
      sourceMac: z.string().regex(/^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/).nullable().optional(),
      sourceIp: ipv4.nullable().optional(),
      targetIp: ipv4.nullable().optional(),
      icmpCode: z.number().int().min(0).max(254).nullable().optional(),
      icmpType: z.number().int().min(0).max(254).nullable().optional(),
      // Not nullable, as the spec's schema says: a PUT that leaves them out allows all ports.
      portRangeStart: port.optional(),
      portRangeEnd: port.optional(),
      type: z.enum(["INGRESS", "EGRESS"]).optional(),
    }),
    defaults: { name: "", sourceMac: null, sourceIp: null, targetIp: null, icmpCode: null, icmpType: null, type: "INGRESS" },
    fixed: ["protocol"],
  },
  {
    type: "ipblock",
    shape: "ipblocks",
    properties: z.strictObject({ name, location, size: z.number().int().min(1).max(64) }),
    defaults: { name: "" },
    fixed: ["location", "size"],
  },
];
/** Every type, by name, and by the shape of its collection (ids dropped: "datacenters/lans"). */
const TYPES = new Map([...COMPUTE, ...SERVICES.flatMap((service) => service.types)].map((spec) => [spec.type, spec]));
const TYPE_AT = new Map([...TYPES.values()].map((spec) => [spec.shape, spec]));
const specOf = (type: string) => TYPES.get(type)!;
/** Stand-in public addresses, from the benchmarking range 198.18.0.0/15. */
const publicIp = (n: number) => `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
const now = () => new Date().toISOString();
const etagOf = (properties: Properties) => createHash("md5").update(JSON.stringify(properties) + randomUUID()).digest("hex");

export async function startIonosEmulator(options: IonosEmulatorOptions = {}): Promise<IonosEmulator> {
  const requestMs = options.requestMs ?? 1_000;
  const credentials: IonosCredentials = {
    username: "emulator@example.com",
    password: `emulator-password-${randomUUID()}`,
    token: jwt(),
    ...options.credentials,
  };
  const nodes = new Map<string, Node>();
  const requests = new Map<string, ApiRequest>();
  const tokens = new Set<string>([credentials.token]);
  /** When the last queued request of each data center (or of the IP blocks) ends. */
  const queueEnd = new Map<string, number>();
  const planned: { match: FaultMatch; failure?: string; stall?: true }[] = [];
  const rate = { perMinute: options.rateLimit?.perMinute ?? 600, burst: options.rateLimit?.burst ?? 50 };
  let bucket = { tokens: rate.burst, at: Date.now() };
  let tokensIssued = 0;
  let ipCounter = 1;
  let base = "";

  const href = (path: string) => base + API_PATH + path;
  const idOf = (path: string) => decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
  /** `/datacenters/a/lans/1` → `/datacenters/a/lans`; of a collection, its owner. */
  const up = (path: string) => path.slice(0, path.lastIndexOf("/"));
  const datacenterOf = (path: string) => /^\/datacenters\/[^/]+/.exec(path)?.[0];
  const childrenIn = (collection: string): Node[] => [...nodes.values()].filter((node) => up(node.path) === collection);
  const store: IonosStore = {
    nodes,
    requestMs,
    href,
    idOf,
    up,
    datacenterOf,
    childrenIn,
    insert: (path, type, properties) => insert(path, type, properties),
    remove: (node) => remove(node),
    touch: (node, properties) => touch(node, properties),
    accept: (request, targets, effects) => accept(request, targets, effects),
    view: (node, depth, properties) => view(node, depth, properties),
    ref: (node) => ref(node),
    nextPublicIp: () => publicIp(ipCounter++),
  };

  function members(collection: string): Node[] | undefined {
    const attached = /^(\/datacenters\/[^/]+)\/servers\/[^/]+\/volumes$/.exec(collection);
    if (attached) {
      const server = nodes.get(collection.slice(0, -"/volumes".length));
      return server && [...server.attached!].flatMap((id) => nodes.get(`${attached[1]}/volumes/${id}`) ?? []);
    }
    return childrenIn(collection);
  }

  function stateOf(node: Node): string {
    if (node.pending.size > 0) return "BUSY";
    const own = specOf(node.type).state?.(store, node);
    if (own) return own;
    return node.type === "server" && node.properties.vmState === "SHUTOFF" ? "INACTIVE" : "AVAILABLE";
  }

  /** Read-only properties derived from other resources: the NICs using an IP block's addresses. */
  function computed(node: Node): Properties {
    const own = specOf(node.type).computed;
    if (own) return own(store, node);
    if (node.type !== "ipblock") return {};
    const ips = node.properties.ips as string[];
    const ipConsumers = [...nodes.values()].flatMap((nic) =>
      nic.type !== "nic"
        ? []
        : (nic.properties.ips as string[])
            .filter((ip) => ips.includes(ip))
            .map((ip) => ({ ip, mac: nic.properties.mac, nicId: nic.id, serverId: idOf(up(up(nic.path))), datacenterId: idOf(datacenterOf(nic.path)!) })),
    );
    return { ipConsumers };
  }

  const ref = (node: Node) => ({ id: node.id, type: specOf(node.type).apiType ?? node.type, href: href(node.path) });

  function entitiesOf(node: Node): [string, string, Node[]][] {
    const at = (name: string): [string, string, Node[]] => [name, `${node.path}/${name}`, members(`${node.path}/${name}`) ?? []];
    switch (node.type) {
      case "datacenter":
        return [at("servers"), at("volumes"), at("lans")];
      case "server":
        return [at("volumes"), at("nics")];
      case "nic":
        return [at("firewallrules")];
      case "lan": {
        const inDatacenter = `${datacenterOf(node.path)}/`;
        const nics = [...nodes.values()].filter(
          (n) => n.type === "nic" && n.path.startsWith(inDatacenter) && String(n.properties.lan) === node.id,
        );
        return [["nics", `${node.path}/nics`, nics]];
      }
      default:
        return (specOf(node.type).entities ?? []).map(at);
    }
  }

  function view(node: Node, depth: number, properties = node.properties): unknown {
    const entities = entitiesOf(node);
    return {
      ...ref(node),
      metadata: {
        etag: node.etag,
        createdDate: node.createdDate,
        createdBy: credentials.username,
        createdByUserId: "0d0f5a5c-3c7c-4bd3-8d6a-5a1c0e6a7e11",
        lastModifiedDate: node.lastModifiedDate,
        lastModifiedBy: credentials.username,
        lastModifiedByUserId: "0d0f5a5c-3c7c-4bd3-8d6a-5a1c0e6a7e11",
        state: stateOf(node),
      },
      properties: { ...properties, ...computed(node) },
      ...(depth >= 1 && entities.length > 0
        ? { entities: Object.fromEntries(entities.map(([name, path, items]) => [name, collectionView(path, items, depth - 1)])) }
        : {}),
    };
  }

  function collectionView(path: string, items: Node[], depth: number, page?: { offset: number; limit: number }) {
    const shown = page ? items.slice(page.offset, page.offset + page.limit) : items;
    const link = (offset: number) => `${href(path)}?offset=${offset}&limit=${page!.limit}`;
    return {
      id: up(path) ? `${idOf(up(path))}/${idOf(path)}` : idOf(path),
      type: "collection",
      href: href(path),
      items: shown.map((item) => (depth >= 1 ? view(item, depth - 1) : ref(item))),
      ...(page
        ? {
            offset: page.offset,
            limit: page.limit,
            _links: {
              ...(page.offset > 0 ? { prev: link(Math.max(0, page.offset - page.limit)) } : {}),
              self: link(page.offset),
              ...(page.offset + page.limit < items.length ? { next: link(page.offset + page.limit) } : {}),
            },
          }
        : {}),
    };
  }

  function requestView(request: ApiRequest) {
    const status = request.settled
      ? request.failure === undefined ? "DONE" : "FAILED"
      : Date.now() < request.startsAt ? "QUEUED" : "RUNNING";
    const message = { QUEUED: "Request is queued", RUNNING: "Request is being processed", DONE: "Request has been successfully executed", FAILED: request.failure };
    return {
      id: request.id,
      type: "request-status",
      href: href(`/requests/${request.id}/status`),
      metadata: {
        status,
        message: message[status],
        etag: createHash("md5").update(request.id + status).digest("hex"),
        targets: request.targets.map((target) => ({ target: ref(target), status })),
      },
    };
  }

  /** A request of the log (`GET /requests`): its call at depth 1, its status too at depth 2. */
  function listedRequestView(request: ApiRequest, depth: number) {
    const self = { id: request.id, type: "request", href: href(`/requests/${request.id}`) };
    if (depth < 1) return self;
    const status = requestView(request);
    return {
      ...self,
      metadata: {
        createdDate: new Date(request.createdAt).toISOString(),
        createdBy: credentials.username,
        etag: status.metadata.etag,
        requestStatus: depth >= 2 ? status : { id: status.id, type: status.type, href: status.href },
      },
      properties: { method: request.method, headers: request.headers, body: request.body, url: href(request.path) },
    };
  }

  /**
   * `GET /requests`, newest first, with the spec's filters: `filter.createdAfter`/`createdBefore`
   * (`yyyy-MM-dd HH:mm:ss`, UTC) and `filter.status` always; method, headers, body and url
   * ("contains", not case-sensitive) only with depth > 0, as the spec says.
   */
  function listRequests(request: EmulatorRequest, depth: number): EmulatorResponse {
    const offset = query(request, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = query(request, "limit", 1000, 1, 10_000);
    if (isAnswer(offset)) return offset;
    if (isAnswer(limit)) return limit;
    const dates: Record<string, number> = {};
    for (const name of ["filter.createdAfter", "filter.createdBefore"]) {
      const raw = request.query.get(name);
      if (raw === null) continue;
      if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(raw)) return invalid(`Query parameter '${name}' must be a date as yyyy-MM-dd HH:mm:ss`);
      dates[name] = Date.parse(raw.replace(" ", "T") + "Z");
    }
    const filter = (name: string) => request.query.get(`filter.${name}`)?.toLowerCase() ?? undefined;
    const contains = (text: string, wanted: string | undefined) => wanted === undefined || text.toLowerCase().includes(wanted);
    const deep = depth > 0;
    const matching = [...requests.values()]
      .filter((r) => dates["filter.createdAfter"] === undefined || r.createdAt > dates["filter.createdAfter"])
      .filter((r) => dates["filter.createdBefore"] === undefined || r.createdAt < dates["filter.createdBefore"])
      .filter((r) => contains(requestView(r).metadata.status, filter("status")))
      .filter(
        (r) =>
          !deep ||
          (contains(r.method, filter("method")) &&
            contains(Object.entries(r.headers).map(([name, value]) => `${name}: ${value}`).join("\n"), filter("headers")) &&
            contains(r.body, filter("body")) &&
            contains(href(r.path), filter("url"))),
      )
      .sort((a, b) => b.createdAt - a.createdAt);
    const link = (at: number) => `${href("/requests")}?offset=${at}&limit=${limit}`;
    return {
      status: 200,
      body: {
        id: "requests",
        type: "collection",
        href: href("/requests"),
        items: matching.slice(offset, offset + limit).map((r) => listedRequestView(r, depth)),
        offset,
        limit,
        _links: {
          ...(offset > 0 ? { prev: link(Math.max(0, offset - limit)) } : {}),
          self: link(offset),
          ...(offset + limit < matching.length ? { next: link(offset + limit) } : {}),
        },
      },
    };
  }

  /** Finishes the requests whose time is up, in order: their effects happen now. */
  function settle(): void {
    const due = [...requests.values()].filter((r) => !r.settled && r.doneAt <= Date.now()).sort((a, b) => a.doneAt - b.doneAt);
    for (const request of due) {
      request.settled = true;
      for (const target of request.targets) target.pending.delete(request);
      if (request.failure === undefined) request.apply();
      else request.undo();
    }
  }

  /** Queues a request on the targets' data center and answers 202 with its Location. */
  function accept(request: EmulatorRequest, targets: Node[], effects: Effects): EmulatorResponse {
    const index = planned.findIndex(({ match }) => (!match.method || match.method === request.method) && (!match.path || match.path.test(request.path)));
    const plan = index >= 0 ? planned.splice(index, 1)[0] : undefined;
    // One queue per data center; outside them, one per top collection (IP blocks, clusters, ...).
    const queue = datacenterOf(targets[0].path) ?? targets[0].path.split("/").slice(0, 2).join("/");
    const startsAt = Math.max(Date.now(), queueEnd.get(queue) ?? 0);
    const apiRequest: ApiRequest = {
      id: randomUUID(),
      method: request.method,
      path: request.path,
      createdAt: Date.now(),
      headers: Object.fromEntries(
        Object.entries(request.headers).flatMap(([name, value]) => (name === "authorization" || value === undefined ? [] : [[name, String(value)]])),
      ),
      body: request.body,
      startsAt,
      doneAt: plan?.stall ? Infinity : startsAt + requestMs,
      failure: plan?.failure,
      settled: false,
      targets,
      apply: effects.apply ?? (() => undefined),
      undo: effects.undo ?? (() => undefined),
    };
    // A stuck request does not hold up the ones behind it.
    if (!plan?.stall) queueEnd.set(queue, apiRequest.doneAt);
    requests.set(apiRequest.id, apiRequest);
    for (const target of targets) target.pending.add(apiRequest);
    return { status: 202, body: effects.body?.(), headers: { location: href(`/requests/${apiRequest.id}/status`) } };
  }

  function touch(node: Node, properties: Properties) {
    node.properties = properties;
    node.lastModifiedDate = now();
    node.etag = etagOf(properties);
  }

  /** Removes a resource and everything below it; detaches a volume from its server. */
  function remove(node: Node) {
    for (const path of [...nodes.keys()]) {
      if (path === node.path || path.startsWith(`${node.path}/`)) nodes.delete(path);
    }
    if (node.type === "volume") {
      for (const server of nodes.values()) detach(server, node);
    }
  }

  function detach(server: Node, volume: Node) {
    if (!server.attached?.delete(volume.id)) return;
    const { bootVolume, ...rest } = server.properties;
    touch(server, (bootVolume as { id: string } | undefined)?.id === volume.id ? rest : server.properties);
    const { bootServer: _bootServer, deviceNumber: _deviceNumber, ...volumeRest } = volume.properties;
    touch(volume, volumeRest);
  }

  function nextIp(lan: Node): string {
    return lan.properties.public ? publicIp(ipCounter++) : `10.7.${Number(lan.id) % 256}.${(ipCounter++ % 250) + 2}`;
  }

  /** Rules across properties and other resources; returns the properties to store, or a 422. */
  function complete(type: string, collection: string, p: Properties, existing?: Node): Properties | EmulatorResponse {
    const dc = nodes.get(datacenterOf(collection) ?? "");
    const dcLocation = LOCATIONS[String(dc?.properties.location)];
    switch (type) {
      case "datacenter": {
        const place = LOCATIONS[p.location as string];
        return { ...p, version: ((existing?.properties.version as number) ?? 0) + 1, features: place.features, cpuArchitecture: place.cpuArchitecture };
      }
      case "server": {
        const families = dcLocation.cpuArchitecture.map((cpu) => cpu.cpuFamily);
        const cpuFamily = p.cpuFamily ?? families[0];
        if (!families.includes(cpuFamily as string)) return invalid(`Attribute 'properties.cpuFamily': ${cpuFamily} is not available in ${dc!.properties.location}; use one of ${families.join(", ")}`);
        return { vmState: "RUNNING", ...p, cpuFamily };
      }
      case "volume": {
        if (existing && (p.size as number) < (existing.properties.size as number)) return invalid("Attribute 'properties.size': a volume can only grow");
        if (existing) return p;
        const image = p.image ?? p.imageAlias;
        const found = IMAGES.find((i) => i.id === image || i.aliases.includes(image as string));
        if (image !== undefined && !found) return invalid(`Attribute 'properties.${p.image ? "image" : "imageAlias"}': no public image ${image} in this location`);
        if (!found && (p.imagePassword || p.sshKeys)) return invalid("Attribute 'properties.imagePassword': imagePassword and sshKeys need a public image");
        if (!found && !p.licenceType) return invalid("Attribute 'properties.licenceType': is mandatory for a volume without an image");
        if (found && (p.size as number) < found.sizeGb) return invalid(`Attribute 'properties.size': the image needs at least ${found.sizeGb} GB`);
        // Passwords and keys are written to the disk, never returned.
        const { imagePassword: _password, sshKeys: _keys, imageAlias: _alias, ...kept } = p;
        const hotPlug = { cpuHotPlug: true, ramHotPlug: true, nicHotPlug: true, nicHotUnplug: true, discVirtioHotPlug: true, discVirtioHotUnplug: true };
        return { ...kept, ...(found ? { image: found.id, licenceType: found.licenceType } : {}), ...hotPlug };
      }
      case "nic": {
        const lanPath = `${datacenterOf(collection)}/lans/${p.lan}`;
        // The spec: "If the LAN ID does not exist, it will be implicitly created."
        const lan = nodes.get(lanPath) ?? insert(lanPath, "lan", { name: `LAN ${p.lan}`, public: false, ipFailover: [] });
        const ips = (p.ips as string[] | null) ?? [];
        if (lan.properties.public) {
          const reserved = [...nodes.values()].filter((n) => n.type === "ipblock" && n.properties.location === dc!.properties.location).flatMap((n) => n.properties.ips as string[]);
          // An address IONOS gave the NIC itself stays its own through later changes.
          const given = (existing?.properties.ips as string[] | undefined) ?? [];
          const foreign = ips.filter((ip) => !reserved.includes(ip) && !given.includes(ip));
          if (foreign.length > 0) return invalid(`Attribute 'properties.ips': ${foreign.join(", ")} is not in an IP block reserved in ${dc!.properties.location}`);
        }
        const taken = [...nodes.values()].filter((n) => n.type === "nic" && n !== existing).flatMap((n) => n.properties.ips as string[]);
        const clash = ips.filter((ip) => taken.includes(ip));
        if (clash.length > 0) return invalid(`Attribute 'properties.ips': ${clash.join(", ")} is already in use`);
        const keep = existing && (existing.properties.lan === p.lan) ? (existing.properties.ips as string[]) : [];
        return {
          mac: existing?.properties.mac ?? `02:01:${randomBytes(4).toString("hex").match(/../g)!.join(":")}`,
          ...p,
          ips: ips.length > 0 ? ips : keep.length > 0 ? keep : [nextIp(lan)],
          pciSlot: 6,
        };
      }
      case "firewall-rule": {
        const ported = p.protocol === "TCP" || p.protocol === "UDP";
        if (!ported && (p.portRangeStart != null || p.portRangeEnd != null)) return invalid("Attribute 'properties.portRangeStart': ports apply to TCP and UDP only");
        if ((p.portRangeStart as number) > (p.portRangeEnd as number)) return invalid("Attribute 'properties.portRangeEnd': must not be less than portRangeStart");
        if (p.protocol !== "ICMP" && (p.icmpType !== null || p.icmpCode !== null)) return invalid("Attribute 'properties.icmpType': applies to ICMP only");
        return p;
      }
      case "lan": {
        const nics = [...nodes.values()].filter((n) => n.type === "nic" && n.path.startsWith(`${datacenterOf(collection)}/`));
        const unknown = (p.ipFailover as { nicUuid: string }[]).filter((f) => !nics.some((nic) => nic.id === f.nicUuid && existing && String(nic.properties.lan) === existing.id));
        if (unknown.length > 0) return invalid(`Attribute 'properties.ipFailover': NIC ${unknown[0].nicUuid} is not in this LAN`);
        return p;
      }
      case "ipblock":
        return existing ? p : { ...p, ips: Array.from({ length: p.size as number }, () => publicIp(ipCounter++)) };
      default:
        return specOf(type).complete?.(store, collection, p, existing) ?? p;
    }
  }

  function insert(path: string, type: string, properties: Properties): Node {
    const node: Node = { path, id: idOf(path), type, properties, createdDate: now(), lastModifiedDate: now(), etag: etagOf(properties), pending: new Set() };
    if (type === "server") node.attached = new Set();
    nodes.set(path, node);
    return node;
  }

  function create(request: EmulatorRequest, collection: string, type: string): EmulatorResponse {
    const spec = specOf(type);
    const body = parse(jsonBody(request), z.object({ properties: spec.properties }).loose());
    if (isAnswer(body)) return body;
    const properties = complete(type, collection, { ...spec.defaults, ...body.properties });
    if (isAnswer(properties)) return properties;
    const lanIds = type === "lan" ? childrenIn(collection).map((lan) => Number(lan.id)) : [];
    const id = type === "lan" ? String(Math.max(0, ...lanIds) + 1) : randomUUID();
    const node = insert(`${collection}/${id}`, type, properties);
    return accept(request, [node], { undo: () => remove(node), body: () => view(node, 0) });
  }

  function update(request: EmulatorRequest, node: Node, full: boolean): EmulatorResponse {
    const spec = specOf(node.type);
    const schema = full ? z.object({ properties: spec.properties }).loose() : spec.properties.partial();
    const body = parse(jsonBody(request), schema);
    if (isAnswer(body)) return body;
    const changes = (full ? (body as { properties: Properties }).properties : body) as Properties;
    const fixed = (spec.fixed ?? []).filter((key) => key in changes && !isDeepStrictEqual(changes[key], node.properties[key]));
    if (fixed.length > 0) return invalid(`Attribute 'properties.${fixed[0]}' cannot be modified after creation`);
    // A PUT replaces every settable property (what it leaves out is reset); a PATCH changes what it names.
    const kept = full ? Object.fromEntries(Object.entries(node.properties).filter(([key]) => !(key in spec.properties.shape))) : node.properties;
    const wanted = complete(node.type, up(node.path), { ...kept, ...(full ? spec.defaults : {}), ...changes }, node);
    if (isAnswer(wanted)) return wanted;
    const before = node.properties;
    return accept(request, [node], { apply: () => touch(node, wanted), undo: () => touch(node, before), body: () => view(node, 0, wanted) });
  }

  function destroy(request: EmulatorRequest, node: Node): EmulatorResponse {
    if (node.type === "lan") {
      const [, , nics] = entitiesOf(node)[0];
      if (nics.length > 0) return invalid(`LAN ${node.id} still has NICs connected: ${nics.map((n) => n.id).join(", ")}`);
    }
    if (node.type === "ipblock" && (computed(node).ipConsumers as unknown[]).length > 0) {
      return invalid(`IP block ${node.id} is in use by NICs; remove those IPs first`);
    }
    const refused = specOf(node.type).refuseDelete?.(store, node);
    if (refused) return refused;
    return accept(request, [node], { apply: () => remove(node) });
  }

  function serverAction(request: EmulatorRequest, server: Node, action: string): EmulatorResponse {
    const vmState = action === "stop" ? "SHUTOFF" : "RUNNING";
    return accept(request, [server], { apply: () => touch(server, { ...server.properties, vmState }) });
  }

  function attach(request: EmulatorRequest, server: Node): EmulatorResponse {
    const body = parse(jsonBody(request), z.object({ id: z.string() }).loose());
    if (isAnswer(body)) return body;
    const volume = nodes.get(`${datacenterOf(server.path)}/volumes/${body.id}`);
    if (!volume) return invalid(`Attribute 'id': no volume ${body.id} in this data center`);
    if ([...nodes.values()].some((n) => n.attached?.has(volume.id))) return invalid(`Volume ${volume.id} is already attached to a server`);
    return accept(request, [server, volume], {
      body: () => view(volume, 0),
      apply: () => {
        server.attached!.add(volume.id);
        if (!server.properties.bootVolume) touch(server, { ...server.properties, bootVolume: ref(volume) });
        touch(volume, { ...volume.properties, bootServer: server.id, deviceNumber: server.attached!.size });
      },
    });
  }

  function query(request: EmulatorRequest, name: string, fallback: number, min: number, max: number): number | EmulatorResponse {
    const raw = request.query.get(name);
    const value = raw === null ? fallback : Number(raw);
    return Number.isInteger(value) && value >= min && value <= max ? value : invalid(`Query parameter '${name}' must be an integer from ${min} to ${max}`);
  }

  function api(request: EmulatorRequest, path: string): EmulatorResponse {
    const depth = query(request, "depth", 0, 0, 10);
    if (isAnswer(depth)) return depth;
    if (path === "/requests") return request.method === "GET" ? listRequests(request, depth) : notAllowed();
    const status = /^\/requests\/([^/]+)\/status$/.exec(path);
    if (status) {
      const found = requests.get(status[1]);
      return request.method !== "GET" ? notAllowed() : found ? { status: 200, body: requestView(found) } : notFound();
    }
    const action = /^(\/datacenters\/[^/]+\/servers\/[^/]+)\/(start|stop|reboot)$/.exec(path);
    if (action) {
      const server = nodes.get(action[1]);
      return request.method !== "POST" ? notAllowed() : server ? serverAction(request, server, action[2]) : notFound();
    }
    const attachedVolume = /^(\/datacenters\/[^/]+)\/servers\/([^/]+)\/volumes\/([^/]+)$/.exec(path);
    if (attachedVolume) {
      const server = nodes.get(up(up(path)));
      const volume = nodes.get(`${attachedVolume[1]}/volumes/${attachedVolume[3]}`);
      if (!server || !volume || !server.attached!.has(volume.id)) return notFound();
      if (request.method === "GET") return { status: 200, body: view(volume, depth) };
      if (request.method !== "DELETE") return notAllowed();
      return accept(request, [server, volume], { apply: () => detach(server, volume) });
    }

    for (const service of SERVICES) {
      const answer = service.route?.(store, request, path, depth);
      if (answer) return answer;
    }

    // User management's collections are one level down: /um/users/<id>.
    const namespace = path.startsWith("/um/") ? "um" : undefined;
    const segments = path.split("/").slice(namespace ? 2 : 1);
    const isCollection = segments.length % 2 === 1;
    // The containment the API has: the type of each collection below its parent.
    const shape = [namespace, ...segments.filter((_, i) => i % 2 === 0)].filter(Boolean).join("/");
    const type = shape === "datacenters/servers/volumes" ? "volume" : TYPE_AT.get(shape)?.type;
    if (!type) return notFound();

    if (isCollection) {
      if (segments.length > 1 && !nodes.has(up(path))) return notFound();
      if (request.method === "POST") {
        return shape === "datacenters/servers/volumes" ? attach(request, nodes.get(up(path))!) : create(request, path, type);
      }
      if (request.method !== "GET") return notAllowed();
      const offset = query(request, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
      const limit = query(request, "limit", 1000, 1, 10_000);
      if (isAnswer(offset)) return offset;
      if (isAnswer(limit)) return limit;
      return { status: 200, body: collectionView(path, members(path) ?? [], depth, { offset, limit }) };
    }

    const node = nodes.get(path);
    if (!node) return notFound();
    switch (request.method) {
      case "GET":
        return { status: 200, body: view(node, depth) };
      case "PATCH":
      case "PUT":
        return update(request, node, request.method === "PUT");
      case "DELETE":
        return destroy(request, node);
      default:
        return notAllowed();
    }
  }

  function authenticated(request: EmulatorRequest): boolean {
    const [scheme, value] = (request.headers.authorization ?? "").split(" ");
    if (scheme === "Bearer") return tokens.has(value);
    if (scheme !== "Basic") return false;
    return Buffer.from(value ?? "", "base64").toString("utf8") === `${credentials.username}:${credentials.password}`;
  }

  /** A token bucket: `burst` requests at once, refilled at `perMinute`. */
  function rateLimit(): { headers: Record<string, string>; refused: boolean } {
    const at = Date.now();
    const tokensNow = Math.min(rate.burst, bucket.tokens + ((at - bucket.at) / 60_000) * rate.perMinute);
    const refused = options.rateLimit !== undefined && tokensNow < 1;
    bucket = { tokens: refused ? tokensNow : Math.max(0, tokensNow - 1), at };
    const headers = {
      "x-ratelimit-limit": String(rate.perMinute),
      "x-ratelimit-burst": String(rate.burst),
      "x-ratelimit-remaining": String(Math.floor(bucket.tokens)),
    };
    return { headers, refused };
  }

  function route(request: EmulatorRequest): EmulatorResponse {
    settle();
    if (!authenticated(request)) return error(401, "Unauthorized");
    if (options.contractNumber && request.headers["x-contract-number"] !== options.contractNumber) {
      return error(401, "The user has several contracts: the X-Contract-Number header must name one of them");
    }
    if (request.path === TOKEN_PATH) {
      if (request.method !== "GET") return notAllowed();
      const token = jwt();
      tokens.add(token);
      tokensIssued++;
      return { status: 200, body: { token } };
    }
    if (!request.path.startsWith(`${API_PATH}/`)) return notFound();
    return api(request, request.path.slice(API_PATH.length));
  }

  function handle(request: EmulatorRequest): EmulatorResponse {
    const limit = rateLimit();
    const answer = limit.refused ? error(429, "Too many requests: the rate limit is exceeded") : route(request);
    return { ...answer, headers: { ...limit.headers, ...answer.headers } };
  }

  const server = await startServer({
    port: options.port,
    handle,
    faultAnswer: (status, message) => ({ ...error(status, message), headers: rateLimit().headers }),
    credentialPaths: /\/tokens\//,
  });
  base = server.url;

  return {
    ...server,
    apiUrl: server.url + API_PATH,
    credentials,
    get tokensIssued() {
      return tokensIssued;
    },
    store: { nodes, requests },
    failNextRequest: (match, failure) => planned.push({ match, failure }),
    stallNextRequest: (match) => planned.push({ match, stall: true }),
    liveResources: () => nodes.size,
    reset() {
      nodes.clear();
      requests.clear();
      queueEnd.clear();
      planned.length = 0;
      for (const token of tokens) if (token !== credentials.token) tokens.delete(token);
      server.log.entries.length = 0;
      server.faults.clear();
    },
  };
}

/** A token shaped like IONOS's JWTs. */
function jwt(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const issued = Math.floor(Date.now() / 1000);
  return `${part({ typ: "JWT", alg: "RS256" })}.${part({ iss: "ionoscloud", iat: issued, exp: issued + 365 * 86_400, jti: randomUUID() })}.${randomBytes(32).toString("base64url")}`;
}
