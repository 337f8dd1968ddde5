/**
 * `ovh.CloudDatabase`: a managed PostgreSQL or MySQL service of a Public Cloud project
 * (`/cloud/project/{serviceName}/database/{engine}`). A create waits until the service is READY.
 * The description, plan, flavor and a newer version change in place (a PUT of the service, one
 * of plan, flavor and version at a time, each waited out); an older version is refused at
 * preview (OVH cannot downgrade). Engine, region, node count and network replace the service.
 * Left out, the description is the resource name with a suffix of the create key: it is the only
 * field of a service that a later run can find it by after a lost answer or a crash.
 */
import { z } from "zod";
import { CloudApiError, readOrUndefined, type RequestContext } from "../core/errors";
import { type CheckFailure, type OperationScope, type ResourceOutputs, defineResource, documented, isKeyedName } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { createOnce, createdSince, sendOnce } from "../core/reconcile";
import { waitFor } from "../core/wait";
import { type OvhClient, ovh } from "./client";
import { path, serviceName, timeoutMinutes } from "./common";
import { getNetwork } from "./cloud-private-network";

/** The managed database engines these resources cover. */
export const DATABASE_ENGINES = ["postgresql", "mysql"] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];
export const databaseEngine = z.enum(DATABASE_ENGINES);
/** A database service's id at OVH (`clusterId` in its API): a UUID. */
export const clusterIdInput = z.uuid("must be a database service's clusterId (a UUID)");

const version = z.string().regex(/^\d+(\.\d+)*$/, "must be an engine version such as 16 or 8");

/** The inputs of an `ovh.CloudDatabase`. */
export interface CloudDatabaseArgs {
  /**
   * The id of the Public Cloud project the service belongs to (`serviceName` in OVH's API): 32
   * hexadecimal characters. A change replaces the service.
   */
  serviceName: string;
  /** The engine: `postgresql` or `mysql`. A change replaces the service. */
  engine: "postgresql" | "mysql";
  /**
   * The engine's major version, digits and dots, e.g. `16` (PostgreSQL) or `8` (MySQL); one the
   * engine offers (`/database/capabilities`). A newer version upgrades the service in place; an
   * older one is refused at preview (OVH cannot downgrade a service).
   */
  version: string;
  /** The plan, e.g. `essential`, `business` or `enterprise`; 1 to 64 characters. A change changes it in place. */
  plan: string;
  /** The nodes' flavor, e.g. `db1-4` or `db1-15`; one the plan offers. A change resizes the nodes in place. */
  flavor: string;
  /**
   * The region of the nodes, as OVH names database regions: `GRA`, `SBG`, `BHS`, `DE`, `UK`,
   * `WAW` (upper-case letters and digits). A change replaces the service.
   */
  region: string;
  /**
   * How many nodes the service has, 1 to 10; the plan decides which counts OVH accepts (one for
   * essential, two for business, three for enterprise). Left out, the plan's number, and it is
   * not managed. A change replaces the service.
   */
  nodeCount?: number;
  /**
   * The private network to put the service on: the `networkId` of an `ovh.CloudPrivateNetwork`
   * (`pn-…`), given with `subnetId`; its OpenStack id in the subnet's region is what OVH gets.
   * Left out, the service is on the public network. A change replaces the service.
   */
  privateNetworkId?: string;
  /**
   * The subnet of `privateNetworkId` to put the service in: the `subnetId` of an
   * `ovh.CloudSubnet` in a Public Cloud region of the service's region (GRA11 for GRA). Given
   * with `privateNetworkId`. A change replaces the service.
   */
  subnetId?: string;
  /**
   * The service's description: at most 255 characters. Defaults to the resource name, a dash and
   * 8 hexadecimal digits of the create key (e.g. `orders-1a2b3c4d`), new for a replacement; left
   * out, a service keeps the one it has. A change changes it in place.
   */
  description: string;
  /**
   * How long to wait for the service to be READY after a create or a change, and to be gone
   * after a delete, in minutes: more than 0, at most 1440 (fractions allowed). A change takes
   * effect in place, at the next wait.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** One way to reach the service. */
export interface CloudDatabaseEndpoint {
  /** What the endpoint is for, e.g. `postgresql` or `mysql`. */
  component: string;
  /** The host name. */
  domain: string;
  /** The TCP port; absent where OVH gives none. */
  port?: number;
  /** The connection URI, without any password (OVH's name the `avnadmin` user). */
  uri?: string;
  /** Whether the endpoint uses TLS. */
  ssl: boolean;
  /** The TLS mode to connect with, e.g. `require`. */
  sslMode?: string;
}

/** The outputs of an `ovh.CloudDatabase`. */
export type CloudDatabaseOutputs = Omit<CloudDatabaseArgs, "nodeCount" | "timeoutMinutes"> &
  Required<Pick<CloudDatabaseArgs, "nodeCount" | "timeoutMinutes">> & {
    /** The service's id at OVH (`clusterId`), a UUID. */
    clusterId: string;
    /** The service's status at OVH, e.g. CREATING, UPDATING, READY or DELETING. */
    status: string;
    /** How to reach the service: host, port and URI (without password) of each endpoint. */
    endpoints: CloudDatabaseEndpoint[];
    /** `public` or `private`. */
    networkType: string;
    /** When the service was created, as an ISO 8601 timestamp. */
    createdAt: string;
  };

const inputs = documented<CloudDatabaseArgs>()(z.object({
  serviceName,
  engine: databaseEngine,
  version,
  plan: z.string().regex(/^[a-z0-9-]{1,64}$/, "must be a plan name such as essential, business or enterprise"),
  flavor: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, "must be a database flavor name such as db1-4"),
  region: z.string().regex(/^[A-Z][A-Z0-9-]{0,31}$/, "must be an OVH database region such as GRA, SBG, BHS, DE, UK or WAW"),
  nodeCount: z.number().int().min(1).max(10).optional(),
  privateNetworkId: z.string().regex(/^pn-/, "must be the networkId of an ovh.CloudPrivateNetwork (pn-…)").optional(),
  subnetId: z.uuid("must be the subnetId of an ovh.CloudSubnet (a UUID)").optional(),
  description: z.string().max(255),
  timeoutMinutes: timeoutMinutes(30),
}));
type Inputs = z.output<typeof inputs>;

const endpointItem = z.object({
  component: z.string(),
  domain: z.string(),
  port: z.number().int().nullable().optional(),
  uri: z.string().nullable().optional(),
  ssl: z.boolean(),
  sslMode: z.string().nullable().optional(),
}).loose();
export const serviceItem = z.object({
  id: z.string(),
  engine: z.string(),
  description: z.string(),
  plan: z.string(),
  flavor: z.string(),
  version: z.string(),
  status: z.string(),
  createdAt: z.string(),
  nodeNumber: z.number().int(),
  nodes: z.array(z.object({ region: z.string() }).loose()),
  region: z.string().nullable().optional(),
  networkId: z.string().nullable().optional(),
  subnetId: z.string().nullable().optional(),
  networkType: z.string(),
  endpoints: z.array(endpointItem),
}).loose();
type ServiceItem = z.infer<typeof serviceItem>;

/** Statuses of a service on its way out: never adopted, and gone for a read. */
const LEAVING = ["DELETING"];
/** Statuses a service leaves by itself, towards READY. */
const TRANSITIONAL = ["CREATING", "UPDATING", "PENDING", "LOCKED_PENDING", "LOCKED_UPDATING"];

/** A URI without the password of its user part, if it has one. */
export const withoutPassword = (uri: string) => uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, "$1@");

function outputsOf(project: string, item: ServiceItem, known: Partial<CloudDatabaseOutputs>): CloudDatabaseOutputs {
  return {
    serviceName: project,
    engine: item.engine as DatabaseEngine,
    version: item.version,
    plan: item.plan,
    flavor: item.flavor,
    region: item.region ?? item.nodes[0]?.region ?? known.region ?? "",
    nodeCount: item.nodeNumber,
    // OVH gives the network's OpenStack id: the pn-… id it was given is kept (set at creation only).
    privateNetworkId: item.networkId ? known.privateNetworkId : undefined,
    subnetId: item.subnetId ?? undefined,
    description: item.description,
    timeoutMinutes: known.timeoutMinutes ?? 30,
    clusterId: item.id,
    status: item.status,
    endpoints: item.endpoints.map((e) => ({
      component: e.component,
      domain: e.domain,
      port: e.port ?? undefined,
      uri: e.uri ? withoutPassword(e.uri) : undefined,
      ssl: e.ssl,
      sslMode: e.sslMode ?? undefined,
    })),
    networkType: item.networkType,
    createdAt: item.createdAt,
  };
}

export const servicesPath = (project: string, engine: string) => path`/cloud/project/${project}/database/${engine}`;
export const servicePath = (project: string, engine: string, clusterId: string) => path`/cloud/project/${project}/database/${engine}/${clusterId}`;

export function getService(client: OvhClient, context: RequestContext, project: string, engine: string, clusterId: string) {
  return client.request(context, "GET", servicePath(project, engine, clusterId), serviceItem);
}

/** Compares dotted versions: negative when `a` is older than `b`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Waits for the service to be READY (undefined `isDone` target: gone). */
function waitForService(
  client: OvhClient,
  scope: OperationScope,
  place: { project: string; engine: string; clusterId: string },
  wait: { after: "create" | "update" | "delete" | "settle"; minutes: number },
) {
  const gone = wait.after === "delete";
  return waitFor({
    context: scope.context(gone ? "wait for database service to be deleted" : "wait for database service to be READY"),
    waitingFor: gone ? "the service to be gone" : "status READY",
    poll: () => readOrUndefined(() => getService(client, scope.context("read database service status"), place.project, place.engine, place.clusterId)),
    kind: wait.after === "settle" ? undefined : `ovh: database service ${wait.after}`,
    isDone: (item) => (gone ? item === undefined : item?.status === "READY"),
    failure: (item) => (!gone && item === undefined ? "the service is gone" : !gone && item?.status.startsWith("ERROR") ? `the service is in status ${item.status}` : undefined),
    describe: (item) => item?.status ?? "gone",
    timeoutMs: wait.minutes * 60_000,
    howToRaise: "the database service's timeoutMinutes input",
    pacing: { maxIntervalMs: 10_000 },
  });
}

/** The private network's OpenStack id in the region of the subnet, checked against the service's region. */
async function networkParams(client: OvhClient, scope: OperationScope, wanted: Inputs) {
  if (!wanted.privateNetworkId || !wanted.subnetId) return {};
  const { serviceName: project, privateNetworkId, subnetId } = wanted;
  const subnets = await client.request(
    scope.context("read the subnets of the private network"),
    "GET",
    path`/cloud/project/${project}/network/private/${privateNetworkId}/subnet`,
    z.array(z.object({ id: z.string(), ipPools: z.array(z.object({ region: z.string() }).loose()) }).loose()),
  );
  const region = subnets.find((s) => s.id === subnetId)?.ipPools[0]?.region;
  if (!region) throw new Error(`ovh: subnet ${subnetId} is not a subnet of private network ${privateNetworkId}`);
  if (!region.startsWith(wanted.region)) {
    throw new Error(`ovh: subnet ${subnetId} is in ${region}, not in a region of ${wanted.region}: give a subnet in a ${wanted.region} region`);
  }
  const network = await getNetwork(client, scope.context("read private network"), project, privateNetworkId);
  const openstackId = network.regions.find((r) => r.region === region)?.openstackId;
  if (!openstackId) throw new Error(`ovh: private network ${privateNetworkId} is not active in ${region}`);
  return { networkId: openstackId, subnetId };
}

const availabilityItem = z.object({
  engine: z.string(), version: z.string(), plan: z.string(), region: z.string(), flavor: z.string(), network: z.string(), minNodeNumber: z.number().int(),
}).loose();

/** The plan's number of nodes for this engine, version, flavor, region and network (`/database/availability`). */
async function planNodeCount(client: OvhClient, scope: OperationScope, wanted: Inputs): Promise<number> {
  const offers = await client.request(scope.context("read database availability"), "GET", path`/cloud/project/${wanted.serviceName}/database/availability`, z.array(availabilityItem));
  const network = wanted.privateNetworkId ? "private" : "public";
  const offer = offers.find(
    (o) => o.engine === wanted.engine && o.version === wanted.version && o.plan === wanted.plan && o.region === wanted.region && o.flavor === wanted.flavor && o.network === network,
  );
  if (offer) return offer.minNodeNumber;
  const ofEngine = offers.filter((o) => o.engine === wanted.engine);
  const list = (key: "version" | "plan" | "region" | "flavor") => [...new Set(ofEngine.map((o) => o[key]))].sort().join(", ");
  throw new Error(
    `ovh: OVH offers no ${wanted.engine} ${wanted.version} service with plan ${wanted.plan} and flavor ${wanted.flavor} in ${wanted.region} ` +
      `(${network} network); ${wanted.engine} has versions ${list("version")}, plans ${list("plan")}, flavors ${list("flavor")}, regions ${list("region")}`,
  );
}

const CloudDatabaseResource = defineResource({
  cloud: ovh,
  kind: "CloudDatabase",
  inputs,
  idOutputs: { clusterId: idPart(2) },
  outputNames: [
    "serviceName", "engine", "version", "plan", "flavor", "region", "nodeCount", "privateNetworkId", "subnetId", "description", "timeoutMinutes",
    "clusterId", "status", "endpoints", "networkType", "createdAt",
  ],
  autoName: "description",
  keyedAutoName: true,
  replaceOnChange: ["serviceName", "engine", "region", "nodeCount", "privateNetworkId", "subnetId"],
  describe: (values, id) => `database service ${values.description ? `"${values.description}"` : id}`,

  validate(news, olds): CheckFailure[] {
    const failures: CheckFailure[] = [];
    if (Boolean(news.privateNetworkId) !== Boolean(news.subnetId)) {
      failures.push({ property: news.privateNetworkId ? "subnetId" : "privateNetworkId", reason: "privateNetworkId and subnetId go together: give both for a private network, neither for the public one" });
    }
    if (olds.version && olds.engine === news.engine && olds.serviceName === news.serviceName && compareVersions(news.version, olds.version) < 0) {
      failures.push({ property: "version", reason: `${news.version} is older than the service's ${olds.version}: OVH upgrades a service, it cannot downgrade one` });
    }
    return failures;
  },

  async create(client, wanted, scope) {
    const { serviceName: project, engine } = wanted;
    const [network, nodes] = await Promise.all([networkParams(client, scope, wanted), wanted.nodeCount ?? planNodeCount(client, scope, wanted)]);
    const body = {
      description: wanted.description,
      plan: wanted.plan,
      version: wanted.version,
      nodesPattern: { flavor: wanted.flavor, number: nodes, region: wanted.region },
      ...network,
    };
    // A keyed description is this create's alone: a service with it (not on its way out) is the one
    // an earlier run ordered. Other descriptions are not unique: only the newest created since this
    // create began is taken for this create's, after a lost answer.
    const keyed = isKeyedName(wanted.description, scope.createKey);
    const isNew = createdSince(Date.now());
    const created = await (keyed ? createOnce : sendOnce)({
      what: `create ${engine} service "${wanted.description}"`,
      send: () => client.request(scope.context("create database service"), "POST", servicesPath(project, engine), serviceItem, { body }),
      // The list holds ids only: each service is read.
      find: async () => {
        const ids = await client.request(scope.context("look up database service"), "GET", servicesPath(project, engine), z.array(z.string()));
        const found: ServiceItem[] = [];
        for (const id of ids) {
          const item = await readOrUndefined(() => getService(client, scope.context("read database service"), project, engine, id));
          if (item && item.description === wanted.description && !LEAVING.includes(item.status) && (keyed || isNew(item.createdAt))) found.push(item);
        }
        return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
      },
    });
    const id = `${project}/${engine}/${created.id}`;
    const known = { ...wanted, privateNetworkId: wanted.privateNetworkId };
    // From here on the service exists: a failed wait must not lose it from the state.
    scope.created(id, outputsOf(project, created, known));
    const ready = await waitForService(client, scope, { project, engine, clusterId: created.id }, { after: "create", minutes: wanted.timeoutMinutes });
    return { id, outputs: outputsOf(project, ready!, known) };
  },

  async read(client, id, olds, scope) {
    const [project, engine, clusterId] = idParts("ovh", id, ["serviceName", "engine", "clusterId"]);
    const item = await readOrUndefined(() => getService(client, scope.context("read database service"), project, engine, clusterId));
    // A service being deleted is on its way out.
    return item && !LEAVING.includes(item.status) ? outputsOf(project, item, olds) : undefined;
  },

  // Also called with nothing changed after a create whose wait failed: the wait is resumed.
  async update(client, id, wanted, olds, changed, scope) {
    const [project, engine, clusterId] = idParts("ovh", id, ["serviceName", "engine", "clusterId"]);
    const place = { project, engine, clusterId };
    const minutes = wanted.timeoutMinutes;
    if (changed.includes("description")) {
      await client.call(scope.context("change database service description"), "PUT", servicePath(project, engine, clusterId), { body: { description: wanted.description } });
    }
    // OVH takes one of plan, flavor and version at a time (ServiceOnlyOneModification), each once the service is READY.
    for (const key of ["plan", "flavor", "version"] as const) {
      if (!changed.includes(key)) continue;
      const current = await waitForService(client, scope, place, { after: "settle", minutes });
      if (current![key] === wanted[key]) continue;
      await client.call(scope.context(`change database service ${key} to ${wanted[key]}`), "PUT", servicePath(project, engine, clusterId), { body: { [key]: wanted[key] } });
      await waitForService(client, scope, place, { after: "update", minutes });
    }
    const now = await getService(client, scope.context("read database service"), project, engine, clusterId);
    if (!TRANSITIONAL.includes(now.status)) return outputsOf(project, now, { ...olds, ...wanted });
    return outputsOf(project, (await waitForService(client, scope, place, { after: "settle", minutes }))!, { ...olds, ...wanted });
  },

  async delete(client, id, olds, scope) {
    const [project, engine, clusterId] = idParts("ovh", id, ["serviceName", "engine", "clusterId"]);
    try {
      await client.call(scope.context("delete database service"), "DELETE", servicePath(project, engine, clusterId));
    } catch (error) {
      // Already being deleted (an earlier delete whose answer was lost): wait for it all the same.
      const status = error instanceof CloudApiError && error.status === 409
        ? (await readOrUndefined(() => getService(client, scope.context("read database service"), project, engine, clusterId)))?.status
        : undefined;
      if (status !== "DELETING") throw error;
    }
    // What the service used (its private network and subnet) is free only once it is gone.
    await waitForService(client, scope, { project, engine, clusterId }, { after: "delete", minutes: olds.timeoutMinutes ?? 30 });
  },
});

export interface CloudDatabase extends ResourceOutputs<CloudDatabaseOutputs> {}
export class CloudDatabase extends CloudDatabaseResource {}
