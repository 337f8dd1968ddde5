/**
 * Public Cloud managed databases (`/cloud/project/{serviceName}/database/...`), PostgreSQL and
 * MySQL, as OVH's schema describes them: a catalogue (`/database/capabilities`, and
 * `/database/availability` with the node counts each engine, version, plan, region and flavor
 * allows) that creates are checked against, with the API's error classes
 * (`Client::NotFound::VersionNotFound`, `Client::BadRequest::NotEnoughNodes`, ...); services that
 * go CREATING → READY, UPDATING → READY after a change of version, plan or flavor (one at a
 * time: `ServiceOnlyOneModification`), and DELETING → gone; users (CREATING → READY, a password
 * given at creation and by a credentials reset only, roles for PostgreSQL) and IP restrictions
 * (CREATING / UPDATING / DELETING → READY or gone). A service on a private network needs the
 * network's OpenStack id in the service's region and one of its subnets there.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";
import type { EmulatorRequest, EmulatorResponse, Route } from "../server";
import { done, error, isAnswer, ok, parseBody } from "./answers";
import { REGIONS, regionalId } from "./catalog";
import type { Project } from "./cloud";

export type DatabaseEngine = "postgresql" | "mysql";
export type DatabaseStatus = "CREATING" | "UPDATING" | "DELETING" | "READY" | "ERROR";

export interface DatabaseUser {
  id: string;
  username: string;
  roles: string[];
  password: string;
  createdAt: string;
  busy: { status: "CREATING" | "UPDATING"; until: number };
}

export interface DatabaseIpRestriction {
  ip: string;
  description: string;
  busy: { status: "CREATING" | "UPDATING" | "DELETING"; until: number };
}

export interface DatabaseService {
  id: string;
  engine: DatabaseEngine;
  description: string;
  plan: string;
  flavor: string;
  version: string;
  region: string;
  nodeNumber: number;
  /** The private network's OpenStack id in the region, and the subnet; null on the public network. */
  networkId: string | null;
  subnetId: string | null;
  createdAt: string;
  domain: string;
  port: number;
  busy: { status: "CREATING" | "UPDATING" | "DELETING"; until: number };
  users: Map<string, DatabaseUser>;
  ipRestrictions: Map<string, DatabaseIpRestriction>;
  /** Set by a test: the service stays in this status. */
  forcedStatus?: DatabaseStatus;
}

/** The engines, versions, plans, flavors and regions the emulator offers. */
export const DATABASE_ENGINES: Record<DatabaseEngine, { versions: string[]; defaultVersion: string; description: string; port: number }> = {
  postgresql: { versions: ["13", "14", "15", "16", "17"], defaultVersion: "16", description: "object-relational database management system", port: 20184 },
  mysql: { versions: ["8"], defaultVersion: "8", description: "relational database management system", port: 20306 },
};
export const DATABASE_PLANS: Record<string, { nodes: number; flavors: string[]; order: number; retention: string }> = {
  essential: { nodes: 1, flavors: ["db1-4", "db1-7", "db1-15"], order: 1, retention: "P2D" },
  business: { nodes: 2, flavors: ["db1-7", "db1-15", "db1-30"], order: 2, retention: "P14D" },
  enterprise: { nodes: 3, flavors: ["db1-15", "db1-30"], order: 3, retention: "P30D" },
};
export const DATABASE_FLAVORS: Record<string, { core: number; memory: number; storage: number; order: number }> = {
  "db1-4": { core: 1, memory: 4, storage: 80, order: 1 },
  "db1-7": { core: 2, memory: 7, storage: 160, order: 2 },
  "db1-15": { core: 4, memory: 15, storage: 320, order: 3 },
  "db1-30": { core: 8, memory: 30, storage: 640, order: 4 },
};
/** Database regions are OVH's locations (GRA, SBG, ...): the Public Cloud regions' data centers. */
export const DATABASE_REGIONS = [...new Set(Object.values(REGIONS).map((r) => r.datacenterLocation))];
/** PostgreSQL roles a user can be given (`GET .../roles`). */
export const POSTGRESQL_ROLES = ["replication"];

const ENGINE_NAMES = Object.keys(DATABASE_ENGINES) as DatabaseEngine[];

/** Each project's database services, by engine then id. */
const byProject = new WeakMap<Project, Map<string, DatabaseService>>();
export function databasesOf(project: Project): Map<string, DatabaseService> {
  let services = byProject.get(project);
  if (!services) byProject.set(project, (services = new Map()));
  return services;
}

/** Services, users and IP restrictions a stack may have created, for "destroy leaves nothing". */
export function liveDatabaseResources(project: Project): number {
  const services = [...databasesOf(project).values()].filter((s) => !gone(s));
  return services.reduce((n, s) => n + 1 + s.users.size + [...s.ipRestrictions.values()].filter((r) => !restrictionGone(r)).length, 0);
}

const gone = (service: DatabaseService) => service.busy.status === "DELETING" && Date.now() >= service.busy.until;
const restrictionGone = (restriction: DatabaseIpRestriction) => restriction.busy.status === "DELETING" && Date.now() >= restriction.busy.until;

/** The API's error with its full class, e.g. `Client::NotFound::VersionNotFound`. */
function dbError(status: number, name: string, message: string): EmulatorResponse {
  const answer = error(status, message);
  const body = answer.body as { class: string };
  return { ...answer, body: { ...body, class: `${body.class}::${name}` } };
}

const compareVersions = (a: string, b: string) => {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

const lifecycle = { endOfLife: null, endOfSale: null, startDate: "2024-01-15", status: "STABLE" };

export function databaseRoutes(world: { projects: Map<string, Project>; buildMs: number }): Route[] {
  const { buildMs } = world;
  const updateMs = buildMs / 2;
  const deleteMs = buildMs / 4;
  const childMs = buildMs / 10;

  const inProject = (method: string, path: string, handle: (project: Project, request: EmulatorRequest, ...params: string[]) => EmulatorResponse): Route => ({
    method,
    pattern: new RegExp(`^/cloud/project/([^/]+)/database${path}$`),
    handle: (request, serviceName, ...params) => {
      const project = world.projects.get(serviceName);
      return project ? handle(project, request, ...params) : error(404, "This service does not exist");
    },
  });

  /** The live services of a project: those whose deletion finished are forgotten. */
  const services = (project: Project) => {
    const all = databasesOf(project);
    for (const [id, service] of all) if (gone(service)) all.delete(id);
    return all;
  };

  /** Routes of one engine's services: the handler gets the engine, and the service when the path names one. */
  const ofEngine = (
    method: string,
    path: string,
    handle: (project: Project, engine: DatabaseEngine, request: EmulatorRequest, ...params: string[]) => EmulatorResponse,
  ): Route => inProject(method, `/(${ENGINE_NAMES.join("|")})${path}`, (project, request, engine, ...params) => handle(project, engine as DatabaseEngine, request, ...params));
  const ofService = (
    method: string,
    path: string,
    handle: (project: Project, service: DatabaseService, request: EmulatorRequest, ...params: string[]) => EmulatorResponse,
  ): Route =>
    ofEngine(method, `/([^/]+)${path}`, (project, engine, request, clusterId, ...params) => {
      const service = services(project).get(clusterId);
      if (!service || service.engine !== engine) return dbError(404, "ServiceNotFound", `Service ${clusterId} not found`);
      return handle(project, service, request, ...params);
    });

  const statusOf = (service: DatabaseService): DatabaseStatus =>
    service.forcedStatus ?? (Date.now() < service.busy.until || service.busy.status === "DELETING" ? service.busy.status : "READY");
  const userStatus = (user: DatabaseUser) => (Date.now() < user.busy.until ? user.busy.status : "READY");
  const restrictionStatus = (r: DatabaseIpRestriction) => (Date.now() < r.busy.until || r.busy.status === "DELETING" ? r.busy.status : "READY");
  const restrictionView = (r: DatabaseIpRestriction) => ({ description: r.description, ip: r.ip, status: restrictionStatus(r) });
  const liveRestrictions = (service: DatabaseService) => {
    for (const [ip, r] of service.ipRestrictions) if (restrictionGone(r)) service.ipRestrictions.delete(ip);
    return [...service.ipRestrictions.values()];
  };

  const capabilityActions = { create: "enabled", delete: "enabled", read: "enabled", update: "enabled" };
  const serviceView = (service: DatabaseService) => {
    const status = statusOf(service);
    const component = service.engine;
    const scheme = service.engine === "postgresql" ? "postgresql" : "mysql";
    const path = "defaultdb";
    const sslMode = service.engine === "postgresql" ? "require" : "REQUIRED";
    const query = service.engine === "postgresql" ? "sslmode=require" : "ssl-mode=REQUIRED";
    return {
      backupTime: "03:00:00",
      backups: { pitr: null, regions: [service.region], retentionDays: null, time: "03:00:00" },
      capabilities: Object.fromEntries(["service", "users", "ipRestrictions", "nodes", "userCredentialsReset"].map((c) => [c, capabilityActions])),
      category: "operational",
      createdAt: service.createdAt,
      description: service.description,
      disk: { size: DATABASE_FLAVORS[service.flavor].storage, type: "high-speed" },
      endpoints: [
        {
          component,
          domain: service.domain,
          path,
          port: service.port,
          scheme,
          ssl: true,
          sslMode,
          uri: `${scheme}://avnadmin@${service.domain}:${service.port}/${path}?${query}`,
        },
      ],
      engine: service.engine,
      flavor: service.flavor,
      id: service.id,
      ipRestrictions: liveRestrictions(service).map(restrictionView),
      maintenanceTime: "04:00:00",
      networkId: service.networkId,
      networkType: service.networkId ? "private" : "public",
      nodeNumber: service.nodeNumber,
      nodes: Array.from({ length: service.nodeNumber }, (_, i) => ({
        createdAt: service.createdAt,
        flavor: service.flavor,
        id: regionalId(service.id, `node-${i}`),
        name: `${service.engine}-${service.id.slice(0, 8)}-${i + 1}.database.cloud.ovh.net`,
        port: service.port,
        region: service.region,
        role: "STANDARD",
        status,
      })),
      plan: service.plan,
      region: service.region,
      status,
      storage: { size: { unit: "GB", value: DATABASE_FLAVORS[service.flavor].storage }, type: "high-speed" },
      subnetId: service.subnetId,
      version: service.version,
    };
  };
  const userView = (service: DatabaseService, user: DatabaseUser) => ({
    createdAt: user.createdAt,
    id: user.id,
    ...(service.engine === "postgresql" ? { roles: user.roles } : {}),
    status: userStatus(user),
    username: user.username,
  });
  const withPassword = (service: DatabaseService, user: DatabaseUser) => ({ ...userView(service, user), password: user.password });

  const availability = () =>
    ENGINE_NAMES.flatMap((engine) =>
      DATABASE_ENGINES[engine].versions.flatMap((version) =>
        Object.entries(DATABASE_PLANS).flatMap(([plan, spec]) =>
          DATABASE_REGIONS.flatMap((region) =>
            spec.flavors.flatMap((flavor) =>
              (["public", "private"] as const).map((network) => ({
                backup: "automatic",
                backupRetentionDays: 2,
                backups: { available: true, retentionDays: 2 },
                category: "operational",
                default: engine === "postgresql" && version === DATABASE_ENGINES[engine].defaultVersion && plan === "essential" && flavor === "db1-4" && region === "GRA" && network === "public",
                endOfLife: null,
                engine,
                flavor,
                lifecycle,
                maxDiskSize: DATABASE_FLAVORS[flavor].storage,
                maxNodeNumber: spec.nodes,
                minDiskSize: DATABASE_FLAVORS[flavor].storage,
                minNodeNumber: spec.nodes,
                network,
                plan,
                region,
                specifications: { flavor, network, nodes: { maximum: spec.nodes, minimum: spec.nodes }, storage: null },
                startDate: lifecycle.startDate,
                status: lifecycle.status,
                stepDiskSize: 0,
                upstreamEndOfLife: null,
                version,
              })),
            ),
          ),
        ),
      ),
    );

  const capabilities = () => ({
    disks: ["high-speed"],
    engines: ENGINE_NAMES.map((name) => ({
      category: "operational",
      defaultVersion: DATABASE_ENGINES[name].defaultVersion,
      description: DATABASE_ENGINES[name].description,
      name,
      sslModes: [name === "postgresql" ? "require" : "REQUIRED"],
      storage: "replicated",
      versions: DATABASE_ENGINES[name].versions,
    })),
    flavors: Object.entries(DATABASE_FLAVORS).map(([name, f]) => ({
      core: f.core,
      lifecycle,
      memory: f.memory,
      name,
      order: f.order,
      specifications: { core: f.core, memory: { unit: "GB", value: f.memory }, storage: { unit: "GB", value: f.storage } },
      storage: f.storage,
      tags: [],
    })),
    options: [],
    plans: Object.entries(DATABASE_PLANS).map(([name, p]) => ({ backupRetention: p.retention, description: `${name} plan`, lifecycle, name, order: p.order, tags: [] })),
    regions: DATABASE_REGIONS,
  });

  /** Why OVH would refuse this engine, version, plan, flavor, region and node count, with its error. */
  function catalogueProblem(engine: DatabaseEngine, want: { version: string; plan: string; flavor: string; region: string; nodes: number }): EmulatorResponse | undefined {
    if (!DATABASE_ENGINES[engine].versions.includes(want.version)) return dbError(404, "VersionNotFound", `Version ${want.version} not found for engine ${engine}`);
    const plan = DATABASE_PLANS[want.plan];
    if (!plan) return dbError(404, "PlanNotFound", `Plan ${want.plan} not found`);
    if (!DATABASE_FLAVORS[want.flavor]) return dbError(404, "FlavorNameNotFound", `Flavor ${want.flavor} not found`);
    if (!DATABASE_REGIONS.includes(want.region)) return dbError(404, "RegionNotFound", `Region ${want.region} not found`);
    if (!plan.flavors.includes(want.flavor)) {
      return dbError(404, "NoMatchingAvailability", `No availability for ${engine} ${want.version}, plan ${want.plan}, flavor ${want.flavor} in ${want.region}`);
    }
    if (want.nodes < 1) return dbError(400, "AtLeastOneNode", "At least one node is required");
    if (want.nodes < plan.nodes) return dbError(400, "NotEnoughNodes", `Plan ${want.plan} needs at least ${plan.nodes} nodes, got ${want.nodes}`);
    if (want.nodes > plan.nodes) return dbError(400, "TooManyNodes", `Plan ${want.plan} allows at most ${plan.nodes} nodes, got ${want.nodes}`);
    return undefined;
  }

  /** The private network (by its OpenStack id in a Public Cloud region of the location) and subnet, or the refusal. */
  function networkProblem(project: Project, location: string, networkId: string | null | undefined, subnetId: string | null | undefined): EmulatorResponse | undefined {
    if (!networkId && !subnetId) return undefined;
    if (!networkId || !subnetId) return error(400, "networkId and subnetId go together: give both for a private network, neither for the public one");
    const regions = Object.entries(REGIONS).filter(([, r]) => r.datacenterLocation === location).map(([name]) => name);
    for (const network of project.networks.values()) {
      for (const region of regions) {
        if (!network.regions.has(region) || regionalId(region, network.id) !== networkId) continue;
        const subnet = network.subnets.get(subnetId);
        if (!subnet || subnet.region !== region) return error(400, `Subnet ${subnetId} does not exist in network ${networkId} in region ${region}`);
        return undefined;
      }
    }
    return error(400, `Network ${networkId} does not exist in region ${location}`);
  }

  const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be a UUID");
  const creation = z
    .object({
      description: z.string().max(255).optional(),
      plan: z.string(),
      version: z.string(),
      nodesPattern: z.object({ flavor: z.string(), number: z.number().int(), region: z.string() }).nullable().optional(),
      nodesList: z.array(z.object({ flavor: z.string(), region: z.string() }).loose()).nullable().optional(),
      networkId: uuid.nullable().optional(),
      subnetId: uuid.nullable().optional(),
    })
    .loose();
  const update = z
    .object({
      description: z.string().max(255).optional(),
      plan: z.string().optional(),
      flavor: z.string().optional(),
      version: z.string().optional(),
    })
    .loose();

  const cidr = (text: string) => {
    const [base, bits] = text.split("/");
    const v4 = isIPv4(base);
    if (!v4 && !isIPv6(base)) return undefined;
    const prefix = bits === undefined ? (v4 ? 32 : 128) : Number(bits);
    if (!/^\d*$/.test(bits ?? "") || prefix < 0 || prefix > (v4 ? 32 : 128)) return undefined;
    return `${base}/${prefix}`;
  };
  const busyUntil = (ms: number) => Date.now() + ms;

  return [
    inProject("GET", "/capabilities", () => ok(capabilities())),
    inProject("GET", "/availability", (project, request) => {
      let entries = availability();
      const clusterId = request.query.get("clusterId");
      if (clusterId) {
        const service = services(project).get(clusterId);
        if (!service) return dbError(404, "ServiceNotFound", `Service ${clusterId} not found`);
        entries = entries.filter((e) => e.engine === service.engine && e.region === service.region && e.network === (service.networkId ? "private" : "public"));
        const target = request.query.get("target");
        if (request.query.get("action") === "update" && target === "version") entries = entries.filter((e) => compareVersions(e.version, service.version) >= 0);
      }
      return ok(entries);
    }),

    ofEngine("GET", "", (project, engine) => ok([...services(project).values()].filter((s) => s.engine === engine).map((s) => s.id))),
    ofEngine("POST", "", (project, engine, request) => {
      const body = parseBody(request, creation);
      if (isAnswer(body)) return body;
      if (body.nodesPattern && body.nodesList) return dbError(400, "OnlyNodeListOrPattern", "Give either nodesPattern or nodesList, not both");
      const list = body.nodesList ?? [];
      if (!body.nodesPattern && list.length === 0) return dbError(400, "AtLeastOneNode", "At least one node is required");
      if (list.some((n) => n.region !== list[0].region)) return dbError(400, "NodesRegionMismatch", "All nodes must be in the same region");
      if (list.some((n) => n.flavor !== list[0].flavor)) return dbError(400, "NodesFlavorMismatch", "All nodes must have the same flavor");
      const nodes = body.nodesPattern ?? { flavor: list[0].flavor, number: list.length, region: list[0].region };
      const problem =
        catalogueProblem(engine, { version: body.version, plan: body.plan, flavor: nodes.flavor, region: nodes.region, nodes: nodes.number }) ??
        networkProblem(project, nodes.region, body.networkId, body.subnetId);
      if (problem) return problem;
      const id = randomUUID();
      const service: DatabaseService = {
        id,
        engine,
        description: body.description ?? "",
        plan: body.plan,
        flavor: nodes.flavor,
        version: body.version,
        region: nodes.region,
        nodeNumber: nodes.number,
        networkId: body.networkId ?? null,
        subnetId: body.subnetId ?? null,
        createdAt: new Date().toISOString(),
        domain: `${engine}-${randomBytes(4).toString("hex")}-${id.slice(0, 8)}.database.cloud.ovh.net`,
        port: DATABASE_ENGINES[engine].port,
        busy: { status: "CREATING", until: busyUntil(buildMs) },
        users: new Map(),
        ipRestrictions: new Map(),
      };
      services(project).set(id, service);
      return ok(serviceView(service));
    }),
    ofService("GET", "", (_project, service) => ok(serviceView(service))),
    ofService("PUT", "", (_project, service, request) => {
      const body = parseBody(request, update);
      if (isAnswer(body)) return body;
      const status = statusOf(service);
      if (status === "DELETING") return dbError(409, "ServiceLocked", `Service ${service.id} is being deleted`);
      const changes = (["version", "plan", "flavor"] as const).filter((key) => body[key] !== undefined && body[key] !== service[key]);
      if (changes.length > 1) return dbError(409, "ServiceOnlyOneModification", `Only one of version, plan and flavor can change at a time; got ${changes.join(", ")}`);
      if (changes.length > 0 && status !== "READY") return dbError(409, "ServiceNotReady", `Service ${service.id} is ${status}`);
      const want = { version: body.version ?? service.version, plan: body.plan ?? service.plan, flavor: body.flavor ?? service.flavor };
      if (changes.includes("version") && compareVersions(want.version, service.version) < 0) {
        return dbError(400, "VersionNotFound", `Version ${want.version} is older than ${service.version}: a service cannot be downgraded`);
      }
      const problem = catalogueProblem(service.engine, { ...want, region: service.region, nodes: DATABASE_PLANS[want.plan]?.nodes ?? service.nodeNumber });
      if (problem) return problem;
      if (changes.includes("plan")) service.nodeNumber = DATABASE_PLANS[want.plan].nodes;
      Object.assign(service, want);
      if (body.description !== undefined) service.description = body.description;
      if (changes.length > 0) service.busy = { status: "UPDATING", until: busyUntil(updateMs) };
      return ok(serviceView(service));
    }),
    ofService("DELETE", "", (_project, service) => {
      if (service.busy.status === "DELETING") return dbError(409, "ServiceLocked", `Service ${service.id} is being deleted`);
      service.busy = { status: "DELETING", until: busyUntil(deleteMs) };
      // The service's users and IP restrictions go with it.
      service.users.clear();
      service.ipRestrictions.clear();
      return done();
    }),
    ofService("GET", "/node", (_project, service) => ok(serviceView(service).nodes.map((n) => n.id))),

    // Users
    ofService("GET", "/user", (_project, service) => ok([...service.users.keys()])),
    ofService("POST", "/user", (_project, service, request) => {
      const body = parseBody(request, z.object({ name: z.string(), roles: z.array(z.string()).optional() }).loose());
      if (isAnswer(body)) return body;
      if (statusOf(service) !== "READY") return dbError(409, "ServiceNotReady", `Service ${service.id} is ${statusOf(service)}`);
      if (!/^[A-Za-z][A-Za-z0-9_.-]{0,31}$/.test(body.name)) return dbError(400, "UserInvalidNameFormat", `Invalid user name ${JSON.stringify(body.name)}`);
      if (body.roles?.length && service.engine !== "postgresql") return error(400, `[roles] ${service.engine} users have no roles`);
      const unknownRole = body.roles?.find((role) => !POSTGRESQL_ROLES.includes(role));
      if (unknownRole) return dbError(404, "RoleNotFound", `Role ${unknownRole} not found`);
      if ([...service.users.values()].some((u) => u.username === body.name) || body.name === "avnadmin") {
        return error(409, `User ${body.name} already exists`);
      }
      const user: DatabaseUser = {
        id: randomUUID(),
        username: body.name,
        roles: [...new Set(body.roles ?? [])].sort(),
        password: randomBytes(18).toString("base64url"),
        createdAt: new Date().toISOString(),
        busy: { status: "CREATING", until: busyUntil(childMs) },
      };
      service.users.set(user.id, user);
      return ok(withPassword(service, user));
    }),
    ofService("GET", "/user/([^/]+)", (_project, service, _request, userId) => {
      const user = service.users.get(userId);
      return user ? ok(userView(service, user)) : dbError(404, "UserNotFound", `User ${userId} not found`);
    }),
    ofService("PUT", "/user/([^/]+)", (_project, service, request, userId) => {
      if (service.engine !== "postgresql") return error(405, "Method Not Allowed");
      const user = service.users.get(userId);
      if (!user) return dbError(404, "UserNotFound", `User ${userId} not found`);
      const body = parseBody(request, z.object({ roles: z.array(z.string()).optional() }).loose());
      if (isAnswer(body)) return body;
      const unknownRole = body.roles?.find((role) => !POSTGRESQL_ROLES.includes(role));
      if (unknownRole) return dbError(404, "RoleNotFound", `Role ${unknownRole} not found`);
      if (body.roles) user.roles = [...new Set(body.roles)].sort();
      user.busy = { status: "UPDATING", until: busyUntil(childMs) };
      return ok(userView(service, user));
    }),
    ofService("DELETE", "/user/([^/]+)", (_project, service, _request, userId) =>
      service.users.delete(userId) ? done() : dbError(404, "UserNotFound", `User ${userId} not found`),
    ),
    ofService("POST", "/user/([^/]+)/credentials/reset", (_project, service, _request, userId) => {
      const user = service.users.get(userId);
      if (!user) return dbError(404, "UserNotFound", `User ${userId} not found`);
      user.password = randomBytes(18).toString("base64url");
      return ok(withPassword(service, user));
    }),
    ofService("GET", "/roles", (_project, service) => (service.engine === "postgresql" ? ok(POSTGRESQL_ROLES) : error(404, "Got an invalid (or empty) URL"))),

    // IP restrictions (deprecated in the schema in favour of the service's `ipRestrictions`, still served)
    ofService("GET", "/ipRestriction", (_project, service) => ok(liveRestrictions(service).map((r) => r.ip))),
    ofService("POST", "/ipRestriction", (_project, service, request) => {
      const body = parseBody(request, z.object({ ip: z.string(), description: z.string().max(255).optional() }).loose());
      if (isAnswer(body)) return body;
      const ip = cidr(body.ip);
      if (!ip) return dbError(404, "IpRestrictionInvalidFormat", `Invalid IP block ${body.ip}`);
      if (statusOf(service) !== "READY") return dbError(409, "ServiceNotReady", `Service ${service.id} is ${statusOf(service)}`);
      liveRestrictions(service);
      if (service.ipRestrictions.has(ip)) return dbError(409, "IpRestrictionAlreadyExists", `IP restriction ${ip} already exists`);
      const restriction: DatabaseIpRestriction = { ip, description: body.description ?? "", busy: { status: "CREATING", until: busyUntil(childMs) } };
      service.ipRestrictions.set(ip, restriction);
      return ok(restrictionView(restriction));
    }),
    ofService("GET", "/ipRestriction/([^/]+)", (_project, service, _request, encoded) => {
      const restriction = liveRestrictions(service).find((r) => r.ip === cidr(decodeURIComponent(encoded)));
      return restriction ? ok(restrictionView(restriction)) : dbError(404, "IpRestrictionNotFound", `IP restriction ${decodeURIComponent(encoded)} not found`);
    }),
    ofService("PUT", "/ipRestriction/([^/]+)", (_project, service, request, encoded) => {
      const restriction = liveRestrictions(service).find((r) => r.ip === cidr(decodeURIComponent(encoded)));
      if (!restriction) return dbError(404, "IpRestrictionNotFound", `IP restriction ${decodeURIComponent(encoded)} not found`);
      const body = parseBody(request, z.object({ description: z.string().max(255).optional() }).loose());
      if (isAnswer(body)) return body;
      if (body.description !== undefined) restriction.description = body.description;
      restriction.busy = { status: "UPDATING", until: busyUntil(childMs) };
      return ok(restrictionView(restriction));
    }),
    ofService("DELETE", "/ipRestriction/([^/]+)", (_project, service, _request, encoded) => {
      const restriction = liveRestrictions(service).find((r) => r.ip === cidr(decodeURIComponent(encoded)));
      if (!restriction || restriction.busy.status === "DELETING") {
        return dbError(404, "IpRestrictionNotFound", `IP restriction ${decodeURIComponent(encoded)} not found`);
      }
      restriction.busy = { status: "DELETING", until: busyUntil(childMs) };
      return done();
    }),
  ];
}
