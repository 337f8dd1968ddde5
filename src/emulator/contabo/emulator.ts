/**
 * A local, stateful fake of the Contabo API v1 as its OpenAPI spec and official clients define
 * it: the Keycloak token endpoint, bearer auth, the required `x-request-id`, the
 * `{data: [...], _links, _pagination}` envelope, `{statusCode, message}` errors, tags (unique
 * names, no delete while assigned), secrets (password rule), private networks with instance
 * assignment, instances that move provisioning → installing → running and are cancelled,
 * never deleted, and the audit logs that record each write with its request id.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import {
  type EmulatorRequest,
  type EmulatorResponse,
  type EmulatorServer,
  findRoute,
  type Route,
  startServer,
} from "../server";
import { auditLog } from "./audits";
import { TENANT, error, isAnswer, notFound, now, ok, page, parseBody, self } from "./answers";
import { ADD_ONS, type AddOn, PRODUCTS, REGIONS, isStrongPassword } from "./catalog";
import { type Image, imageRoutes, standardImages } from "./images";
import { type ObjectStorage, objectStorageRoutes } from "./object-storages";
import { type Snapshot, snapshotRoutes } from "./snapshots";
import { type Role, type User, ownerUser, userRoutes } from "./users";
import { type Vip, purchasedVips, vipRoutes } from "./vips";

export const TOKEN_PATH = "/auth/realms/contabo/protocol/openid-connect/token";
const REQUEST_ID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-5][0-9A-Fa-f]{3}-[089abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
const NAME = /^[A-Za-z0-9:_-]+$/;
const ASSIGNMENT = /^\/v1\/tags\/(\d+)\/assignments\/(instance|image|object-storage)\/([^/]+)$/;

export interface ContaboEmulatorOptions {
  port?: number;
  /**
   * How long an order (and a reinstall) takes to reach `running`, an image to download and an
   * object storage to be ready. `Infinity`: never (stuck in `provisioning`, downloading, `PROVISIONING`).
   */
  provisioningMs?: number;
  credentials?: Partial<ContaboCredentials>;
  tokenTtlSeconds?: number;
  /**
   * Eventual consistency, as on the live API: for this long after a create, reading the new
   * resource answers 404.
   */
  visibilityDelayMs?: number;
}

export interface ContaboCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

export type InstanceStatus = "provisioning" | "installing" | "running" | "stopped" | "error";

interface Tag {
  tagId: number;
  name: string;
  color: string;
  /** `${resourceType}/${resourceId}` of what carries the tag. */
  assignments: Set<string>;
}

interface Secret {
  secretId: number;
  name: string;
  type: "password" | "ssh";
  value: string;
  createdAt: string;
  updatedAt: string;
}

interface PrivateNetwork {
  privateNetworkId: number;
  name: string;
  description: string;
  region: string;
  cidr: string;
  createdDate: string;
  instanceIds: Set<number>;
}

export interface Instance {
  instanceId: number;
  displayName: string;
  productId: string;
  region: string;
  imageId: string;
  sshKeys: number[];
  defaultUser: string;
  period: number;
  createdDate: string;
  cancelDate: string;
  ipv4: string;
  /** Set by `setInstanceStatus`; otherwise the status follows the install clock. */
  forcedStatus?: InstanceStatus;
  /** When the current install (order or reinstall) started. */
  installStartedAt: number;
  /** A start or stop in progress: the status it leads to, from when, and the status before. */
  power?: { status: "running" | "stopped"; at: number; before: InstanceStatus };
  errorMessage?: string;
  addOns: Set<AddOn>;
}

export interface ContaboEmulator extends EmulatorServer {
  tokenUrl: string;
  credentials: ContaboCredentials;
  readonly tokensIssued: number;
  store: {
    tags: Map<number, Tag>;
    secrets: Map<number, Secret>;
    privateNetworks: Map<number, PrivateNetwork>;
    instances: Map<number, Instance>;
    snapshots: Map<string, Snapshot>;
    images: Map<string, Image>;
    objectStorages: Map<string, ObjectStorage>;
    users: Map<string, User>;
    roles: Map<number, Role>;
    vips: Map<string, Vip>;
  };
  /** Forces an instance into a status, as Contabo's back office sometimes does. */
  setInstanceStatus(instanceId: number, status: InstanceStatus, errorMessage?: string): void;
  /** Live resources: everything except cancelled instances. */
  liveResources(): number;
  /** Forgets every resource, token and log entry; clears faults. */
  reset(): void;
}

const tagName = z.string().min(1).max(255).regex(NAME, "may contain letters, numbers, colons, dashes and underscores");
const color = z.string().regex(/^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$/, "must be a hexadecimal color");
const secretBody = z.object({ name: z.string().min(1).max(255), value: z.string().min(8).max(500), type: z.enum(["password", "ssh"]) });
const networkName = z.string().min(1).max(255);
const region = z.enum(Object.keys(REGIONS) as [string, ...string[]]);
const id = z.number().int().positive();
/** The add-ons an order or an upgrade asks for, each as an empty object (as the spec says). */
const addOnsBody = z.object(Object.fromEntries(Object.keys(ADD_ONS).map((name) => [name, z.object({}).optional()]))).strict();
const instanceSetup = {
  imageId: z.string().min(1),
  sshKeys: z.array(id).optional(),
  rootPassword: id.optional(),
  userData: z.string().optional(),
  defaultUser: z.enum(["root", "admin", "administrator"]).optional(),
  applicationId: z.string().optional(),
};

/** The contract's end when cancelled today: the end of the current billing period. */
function cancelDateFrom(createdDate: string, periodMonths: number): string {
  const end = new Date(createdDate);
  while (end.getTime() <= Date.now()) end.setUTCMonth(end.getUTCMonth() + periodMonths);
  return end.toISOString().slice(0, 10);
}

export async function startContaboEmulator(options: ContaboEmulatorOptions = {}): Promise<ContaboEmulator> {
  const provisioningMs = options.provisioningMs ?? 5_000;
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 300;
  const credentials: ContaboCredentials = {
    clientId: "emulator-client",
    clientSecret: `emulator-client-secret-${randomUUID()}`,
    username: "emulator@example.com",
    password: `Emulat0r-api-password-${randomUUID()}`,
    ...options.credentials,
  };
  const store = {
    tags: new Map<number, Tag>(),
    secrets: new Map<number, Secret>(),
    privateNetworks: new Map<number, PrivateNetwork>(),
    instances: new Map<number, Instance>(),
    snapshots: new Map<string, Snapshot>(),
    images: standardImages(),
    objectStorages: new Map<string, ObjectStorage>(),
    users: new Map<string, User>(),
    roles: new Map<number, Role>(),
    vips: purchasedVips(),
  };
  const owner = ownerUser(credentials.username);
  store.users.set(owner.userId, owner);
  const audits = auditLog({ changedBy: owner.userId, username: credentials.username });
  const tokens = new Map<string, number>();
  const visibilityDelayMs = options.visibilityDelayMs ?? 0;
  const invisibleUntil = new Map<string, number>();
  let tokensIssued = 0;
  let nextId = 1000;

  function statusOf(instance: Instance): InstanceStatus {
    if (instance.forcedStatus) return instance.forcedStatus;
    const elapsed = Date.now() - instance.installStartedAt;
    if (elapsed < provisioningMs / 2) return "provisioning";
    if (elapsed < provisioningMs) return "installing";
    if (instance.power) return Date.now() >= instance.power.at ? instance.power.status : instance.power.before;
    return "running";
  }

  function instanceView(instance: Instance) {
    const product = PRODUCTS[instance.productId];
    const place = REGIONS[instance.region];
    return {
      ...TENANT,
      additionalIps: [],
      name: `vmi${instance.instanceId}`,
      displayName: instance.displayName,
      instanceId: instance.instanceId,
      dataCenter: place.dataCenter,
      region: instance.region,
      regionName: place.regionName,
      productId: instance.productId,
      imageId: instance.imageId,
      ipConfig: {
        v4: { ip: instance.ipv4, gateway: "203.0.113.1", netmaskCidr: 24, broadcast: "203.0.113.255", net: "203.0.113.0" },
        v6: { ip: `2001:db8::${instance.instanceId.toString(16)}`, gateway: "fe80::1", netmaskCidr: 64 },
      },
      macAddress: `00:50:56:00:${(instance.instanceId >> 8) & 0xff}:${instance.instanceId & 0xff}`,
      ramMb: product.ramMb,
      cpuCores: product.cpuCores,
      osType: "Linux",
      diskMb: product.diskMb,
      sshKeys: instance.sshKeys,
      createdDate: instance.createdDate,
      cancelDate: instance.cancelDate,
      status: statusOf(instance),
      vHostId: 1,
      vHostNumber: 101,
      vHostName: "m101",
      addOns: [...instance.addOns].map((addOn) => ({ id: ADD_ONS[addOn], quantity: 1 })),
      ...(instance.errorMessage ? { errorMessage: instance.errorMessage } : {}),
      productType: product.productType,
      productName: product.productName,
      defaultUser: instance.defaultUser,
    };
  }

  function networkView(network: PrivateNetwork) {
    const place = REGIONS[network.region];
    const members = [...network.instanceIds].flatMap((memberId) => {
      const instance = store.instances.get(memberId);
      if (!instance) return [];
      const view = instanceView(instance);
      return [
        {
          instanceId: memberId,
          displayName: view.displayName,
          name: view.name,
          productId: view.productId,
          ipConfig: view.ipConfig,
          privateIpConfig: { v4: [{ ip: network.cidr.replace(/0\/22$/, String(2 + (memberId % 200))), netmaskCidr: 22, gateway: network.cidr.replace(/0\/22$/, "1") }] },
          status: "ok",
        },
      ];
    });
    return {
      ...TENANT,
      privateNetworkId: network.privateNetworkId,
      dataCenter: place.dataCenter,
      region: network.region,
      regionName: place.regionName,
      name: network.name,
      description: network.description,
      cidr: network.cidr,
      availableIps: 1021 - members.length,
      createdDate: network.createdDate,
      instances: members,
    };
  }

  /** The name Contabo shows for a taggable resource, or undefined when there is no such resource. */
  function resourceName(resourceType: string, resourceId: string): string | undefined {
    if (resourceType === "image") return store.images.get(resourceId)?.name;
    if (resourceType === "object-storage") return store.objectStorages.get(resourceId)?.displayName;
    if (resourceType !== "instance") return undefined;
    const instance = store.instances.get(Number(resourceId));
    return instance && (instance.displayName || `vmi${instance.instanceId}`);
  }

  function tagsOf(resourceType: string, resourceId: string) {
    return [...store.tags.values()]
      .filter((tag) => tag.assignments.has(`${resourceType}/${resourceId}`))
      .map((tag) => ({ tagId: tag.tagId, tagName: tag.name }));
  }

  function assignmentView(tag: Tag, key: string) {
    const [resourceType, resourceId] = key.split("/");
    const name = resourceName(resourceType, resourceId) ?? resourceId;
    return { ...TENANT, tagId: tag.tagId, tagName: tag.name, resourceType, resourceId, resourceName: name };
  }

  const tagView = (tag: Tag) => ({ ...TENANT, tagId: tag.tagId, name: tag.name, color: tag.color });
  const secretView = (secret: Secret) => ({ ...TENANT, ...secret });

  function secretOfType(secretId: number, type: Secret["type"], field: string): string | undefined {
    const secret = store.secrets.get(secretId);
    return secret?.type === type ? undefined : `${field} ${secretId} is not a secret of type ${type}`;
  }

  function setupProblems(setup: { imageId: string; sshKeys?: number[]; rootPassword?: number }): string[] {
    return [
      store.images.has(setup.imageId) ? undefined : `imageId ${setup.imageId} is not an image of this account`,
      ...(setup.sshKeys ?? []).map((key) => secretOfType(key, "ssh", "sshKeys")),
      setup.rootPassword === undefined ? undefined : secretOfType(setup.rootPassword, "password", "rootPassword"),
    ].filter((problem): problem is string => problem !== undefined);
  }

  const routes: Route[] = [
    // Tags
    {
      method: "GET",
      pattern: /^\/v1\/tags$/,
      handle: (request) => {
        const name = request.query.get("name");
        return page(request, "/v1/tags", [...store.tags.values()].filter((tag) => !name || tag.name.includes(name)).map(tagView));
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/tags$/,
      handle: (request) => {
        const body = parseBody(request, z.object({ name: tagName, color: color.default("#0A78C3") }));
        if (isAnswer(body)) return body;
        if ([...store.tags.values()].some((tag) => tag.name === body.name)) {
          return error(409, `Tag with name ${body.name} already exists`);
        }
        const tag: Tag = { tagId: nextId++, name: body.name, color: body.color, assignments: new Set() };
        store.tags.set(tag.tagId, tag);
        return ok(201, { data: [{ ...TENANT, tagId: tag.tagId }], ...self(`/v1/tags/${tag.tagId}`) });
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/tags\/(\d+)$/,
      handle: (_request, tagId) => {
        const tag = store.tags.get(Number(tagId));
        return tag ? ok(200, { data: [tagView(tag)], ...self(`/v1/tags/${tagId}`) }) : notFound("Tag", tagId);
      },
    },
    {
      method: "PATCH",
      pattern: /^\/v1\/tags\/(\d+)$/,
      handle: (request, tagId) => {
        const tag = store.tags.get(Number(tagId));
        if (!tag) return notFound("Tag", tagId);
        const body = parseBody(request, z.object({ name: tagName.optional(), color: color.optional() }));
        if (isAnswer(body)) return body;
        if (body.name && [...store.tags.values()].some((other) => other !== tag && other.name === body.name)) {
          return error(409, `Tag with name ${body.name} already exists`);
        }
        Object.assign(tag, { name: body.name ?? tag.name, color: body.color ?? tag.color });
        return ok(200, self(`/v1/tags/${tagId}`));
      },
    },
    {
      method: "DELETE",
      pattern: /^\/v1\/tags\/(\d+)$/,
      handle: (_request, tagId) => {
        const tag = store.tags.get(Number(tagId));
        if (!tag) return notFound("Tag", tagId);
        if (tag.assignments.size > 0) {
          return error(409, `Tag ${tagId} is still assigned to ${tag.assignments.size} resource(s): remove the assignments first`);
        }
        store.tags.delete(tag.tagId);
        return ok(204);
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/tags\/(\d+)\/assignments$/,
      handle: (request, tagId) => {
        const tag = store.tags.get(Number(tagId));
        if (!tag) return notFound("Tag", tagId);
        return page(request, `/v1/tags/${tagId}/assignments`, [...tag.assignments].map((key) => assignmentView(tag, key)));
      },
    },
    {
      method: "GET",
      pattern: ASSIGNMENT,
      handle: (_request, tagId, resourceType, resourceId) => {
        const tag = store.tags.get(Number(tagId));
        const key = `${resourceType}/${resourceId}`;
        if (!tag?.assignments.has(key)) return notFound("Assignment", resourceId);
        return ok(200, { data: [assignmentView(tag, key)], ...assignmentTagLinks(tagId, resourceType, resourceId) });
      },
    },
    {
      method: "POST",
      pattern: ASSIGNMENT,
      handle: (_request, tagId, resourceType, resourceId) => {
        const tag = store.tags.get(Number(tagId));
        if (!tag) return notFound("Tag", tagId);
        if (resourceName(resourceType, resourceId) === undefined) return notFound(resourceType, resourceId);
        const key = `${resourceType}/${resourceId}`;
        if (tag.assignments.has(key)) return error(409, `Tag ${tagId} is already assigned to ${key}`);
        tag.assignments.add(key);
        return ok(201, assignmentTagLinks(tagId, resourceType, resourceId));
      },
    },
    {
      method: "DELETE",
      pattern: ASSIGNMENT,
      handle: (_request, tagId, resourceType, resourceId) => {
        const tag = store.tags.get(Number(tagId));
        if (!tag?.assignments.delete(`${resourceType}/${resourceId}`)) return notFound("Assignment", resourceId);
        return ok(204);
      },
    },

    // Secrets
    {
      method: "GET",
      pattern: /^\/v1\/secrets$/,
      handle: (request) => {
        const name = request.query.get("name");
        const type = request.query.get("type");
        const found = [...store.secrets.values()].filter((s) => (!name || s.name.includes(name)) && (!type || s.type === type));
        return page(request, "/v1/secrets", found.map(secretView));
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/secrets$/,
      handle: (request) => {
        const body = parseBody(request, secretBody);
        if (isAnswer(body)) return body;
        if (body.type === "password" && !isStrongPassword(body.value)) {
          return error(400, ["value must match the password pattern: upper and lower case, and one number with two special characters or three numbers with one special character"]);
        }
        const secret: Secret = { secretId: nextId++, ...body, createdAt: now(), updatedAt: now() };
        store.secrets.set(secret.secretId, secret);
        return ok(201, { data: [secretView(secret)], ...self(`/v1/secrets/${secret.secretId}`) });
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/secrets\/(\d+)$/,
      handle: (_request, secretId) => {
        const secret = store.secrets.get(Number(secretId));
        return secret ? ok(200, { data: [secretView(secret)], ...self(`/v1/secrets/${secretId}`) }) : notFound("Secret", secretId);
      },
    },
    {
      method: "PATCH",
      pattern: /^\/v1\/secrets\/(\d+)$/,
      handle: (request, secretId) => {
        const secret = store.secrets.get(Number(secretId));
        if (!secret) return notFound("Secret", secretId);
        const body = parseBody(request, secretBody.pick({ name: true, value: true }).partial());
        if (isAnswer(body)) return body;
        if (body.value !== undefined && secret.type === "password" && !isStrongPassword(body.value)) {
          return error(400, ["value must match the password pattern"]);
        }
        Object.assign(secret, { name: body.name ?? secret.name, value: body.value ?? secret.value, updatedAt: now() });
        return ok(200, self(`/v1/secrets/${secretId}`));
      },
    },
    {
      method: "DELETE",
      pattern: /^\/v1\/secrets\/(\d+)$/,
      handle: (_request, secretId) => (store.secrets.delete(Number(secretId)) ? ok(204) : notFound("Secret", secretId)),
    },

    // Private networks
    {
      method: "GET",
      pattern: /^\/v1\/private-networks$/,
      handle: (request) => {
        const name = request.query.get("name");
        const wantedRegion = request.query.get("region");
        const members = request.query.get("instanceIds")?.split(",").map(Number);
        const found = [...store.privateNetworks.values()].filter(
          (n) =>
            (!name || n.name.includes(name)) &&
            (!wantedRegion || n.region === wantedRegion) &&
            (!members || members.some((m) => n.instanceIds.has(m))),
        );
        return page(request, "/v1/private-networks", found.map(networkView));
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/private-networks$/,
      handle: (request) => {
        const body = parseBody(
          request,
          z.object({ name: networkName, description: z.string().max(255).default(""), region: region.default("EU") }),
        );
        if (isAnswer(body)) return body;
        const privateNetworkId = nextId++;
        const network: PrivateNetwork = {
          privateNetworkId,
          ...body,
          cidr: `10.${(privateNetworkId >> 6) & 0xff}.${(privateNetworkId & 0x3f) * 4}.0/22`,
          createdDate: now(),
          instanceIds: new Set(),
        };
        store.privateNetworks.set(privateNetworkId, network);
        return ok(201, { data: [networkView(network)], ...self(`/v1/private-networks/${privateNetworkId}`) });
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/private-networks\/(\d+)$/,
      handle: (_request, networkId) => {
        const network = store.privateNetworks.get(Number(networkId));
        return network
          ? ok(200, { data: [networkView(network)], ...self(`/v1/private-networks/${networkId}`) })
          : notFound("PrivateNetwork", networkId);
      },
    },
    {
      method: "PATCH",
      pattern: /^\/v1\/private-networks\/(\d+)$/,
      handle: (request, networkId) => {
        const network = store.privateNetworks.get(Number(networkId));
        if (!network) return notFound("PrivateNetwork", networkId);
        const body = parseBody(request, z.object({ name: networkName.optional(), description: z.string().max(255).optional() }));
        if (isAnswer(body)) return body;
        Object.assign(network, { name: body.name ?? network.name, description: body.description ?? network.description });
        return ok(200, { data: [networkView(network)], ...self(`/v1/private-networks/${networkId}`) });
      },
    },
    {
      method: "DELETE",
      pattern: /^\/v1\/private-networks\/(\d+)$/,
      handle: (_request, networkId) =>
        store.privateNetworks.delete(Number(networkId)) ? ok(204) : notFound("PrivateNetwork", networkId),
    },
    {
      method: "POST",
      pattern: /^\/v1\/private-networks\/(\d+)\/instances\/(\d+)$/,
      handle: (_request, networkId, instanceId) => {
        const network = store.privateNetworks.get(Number(networkId));
        if (!network) return notFound("PrivateNetwork", networkId);
        const instance = store.instances.get(Number(instanceId));
        if (!instance) return notFound("Instance", instanceId);
        if (network.instanceIds.has(instance.instanceId)) {
          return error(409, `Instance ${instanceId} is already assigned to private network ${networkId}`);
        }
        if (!instance.addOns.has("privateNetworking")) {
          return error(402, `Instance ${instanceId} needs the Private Networking add-on to join a private network`);
        }
        if (instance.region !== network.region) {
          return error(400, `Instance ${instanceId} is in region ${instance.region}, the private network in ${network.region}`);
        }
        network.instanceIds.add(instance.instanceId);
        return ok(201, assignmentLinks(networkId, instanceId));
      },
    },
    {
      method: "DELETE",
      pattern: /^\/v1\/private-networks\/(\d+)\/instances\/(\d+)$/,
      handle: (_request, networkId, instanceId) => {
        const network = store.privateNetworks.get(Number(networkId));
        if (!network) return notFound("PrivateNetwork", networkId);
        if (!network.instanceIds.delete(Number(instanceId))) {
          return error(404, `Instance ${instanceId} is not assigned to private network ${networkId}`);
        }
        return ok(201, assignmentLinks(networkId, instanceId));
      },
    },

    // Instances
    {
      method: "GET",
      pattern: /^\/v1\/compute\/instances$/,
      handle: (request) => {
        const q = (name: string) => request.query.get(name);
        const ids = q("instanceIds")?.split(",").map(Number);
        const found = [...store.instances.values()]
          .map(instanceView)
          .filter(
            (i) =>
              (!q("displayName") || i.displayName.includes(q("displayName")!)) &&
              (!q("name") || i.name === q("name")) &&
              (!q("region") || i.region === q("region")) &&
              (!q("status") || i.status === q("status")) &&
              (!ids || ids.includes(i.instanceId)),
          );
        return page(request, "/v1/compute/instances", found);
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/compute\/instances$/,
      handle: (request) => {
        const body = parseBody(
          request,
          z.object({
            ...instanceSetup,
            imageId: instanceSetup.imageId.default("afecbb85-e2fc-46f0-9684-b46b1faf00bb"),
            productId: z.enum(Object.keys(PRODUCTS) as [string, ...string[]]).default("V92"),
            region: region.default("EU"),
            license: z.string().optional(),
            period: z.union([z.literal(1), z.literal(3), z.literal(6), z.literal(12)]),
            displayName: z.string().max(255).default(""),
            addOns: addOnsBody.optional(),
          }),
        );
        if (isAnswer(body)) return body;
        const problems = setupProblems(body);
        if (problems.length > 0) return error(400, problems);
        const instanceId = nextId++;
        const instance: Instance = {
          instanceId,
          displayName: body.displayName,
          productId: body.productId,
          region: body.region,
          imageId: body.imageId,
          sshKeys: body.sshKeys ?? [],
          defaultUser: body.defaultUser ?? "admin",
          period: body.period,
          createdDate: now(),
          cancelDate: "",
          ipv4: `203.0.113.${(instanceId % 250) + 2}`,
          installStartedAt: Date.now(),
          addOns: new Set(Object.keys(body.addOns ?? {}) as AddOn[]),
        };
        store.instances.set(instanceId, instance);
        const view = instanceView(instance);
        return ok(201, {
          data: [
            {
              ...TENANT,
              instanceId,
              createdDate: view.createdDate,
              imageId: view.imageId,
              productId: view.productId,
              region: view.region,
              addOns: view.addOns,
              osType: view.osType,
              status: view.status,
              sshKeys: view.sshKeys,
            },
          ],
          ...self(`/v1/compute/instances/${instanceId}`),
        });
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/compute\/instances\/(\d+)$/,
      handle: (_request, instanceId) => {
        const instance = store.instances.get(Number(instanceId));
        return instance
          ? ok(200, { data: [instanceView(instance)], ...self(`/v1/compute/instances/${instanceId}`) })
          : notFound("Instance", instanceId);
      },
    },
    {
      method: "PATCH",
      pattern: /^\/v1\/compute\/instances\/(\d+)$/,
      handle: (request, instanceId) => {
        const instance = store.instances.get(Number(instanceId));
        if (!instance) return notFound("Instance", instanceId);
        const body = parseBody(request, z.object({ displayName: z.string().max(255).optional() }));
        if (isAnswer(body)) return body;
        instance.displayName = body.displayName ?? instance.displayName;
        return ok(200, { data: [{ ...TENANT, instanceId: instance.instanceId, createdDate: instance.createdDate }], ...self(`/v1/compute/instances/${instanceId}`) });
      },
    },
    {
      method: "PUT",
      pattern: /^\/v1\/compute\/instances\/(\d+)$/,
      handle: (request, instanceId) => {
        const instance = store.instances.get(Number(instanceId));
        if (!instance) return notFound("Instance", instanceId);
        const body = parseBody(request, z.object(instanceSetup));
        if (isAnswer(body)) return body;
        const problems = setupProblems(body);
        if (problems.length > 0) return error(400, problems);
        Object.assign(instance, {
          imageId: body.imageId,
          sshKeys: body.sshKeys ?? [],
          defaultUser: body.defaultUser ?? "admin",
          installStartedAt: Date.now() - provisioningMs / 2,
          forcedStatus: undefined,
          power: undefined,
          errorMessage: undefined,
        });
        return ok(200, { data: [{ ...TENANT, instanceId: instance.instanceId, createdDate: instance.createdDate }], ...self(`/v1/compute/instances/${instanceId}`) });
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/compute\/instances\/(\d+)\/upgrade$/,
      handle: (request, instanceId) => {
        const instance = store.instances.get(Number(instanceId));
        if (!instance) return notFound("Instance", instanceId);
        const body = parseBody(request, addOnsBody);
        if (isAnswer(body)) return body;
        for (const addOn of Object.keys(body) as AddOn[]) instance.addOns.add(addOn);
        return ok(200, { data: [{ ...TENANT, instanceId: instance.instanceId, createdDate: instance.createdDate }], ...self(`/v1/compute/instances/${instanceId}`) });
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/compute\/instances\/(\d+)\/actions\/(start|stop|shutdown|restart)$/,
      handle: (_request, instanceId, action) => {
        const instance = store.instances.get(Number(instanceId));
        if (!instance) return notFound("Instance", instanceId);
        const before = statusOf(instance);
        if (before !== "running" && before !== "stopped") {
          return error(409, `Instance ${instanceId} is ${before}: it cannot ${action} now`);
        }
        // A start or stop takes a quarter of the provisioning time.
        const status = action === "stop" || action === "shutdown" ? "stopped" : "running";
        instance.power = { status, at: Date.now() + provisioningMs / 4, before };
        return ok(201, { data: [{ ...TENANT, instanceId: instance.instanceId, action }], ...self(`/v1/compute/instances/${instanceId}/actions/${action}`) });
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/compute\/instances\/(\d+)\/cancel$/,
      handle: (request, instanceId) => {
        const instance = store.instances.get(Number(instanceId));
        if (!instance) return notFound("Instance", instanceId);
        const body = parseBody(request, z.object({ cancelDate: z.string().optional() }));
        if (isAnswer(body)) return body;
        if (instance.cancelDate) return error(409, `Instance ${instanceId} is already cancelled as of ${instance.cancelDate}`);
        instance.cancelDate = body.cancelDate?.slice(0, 10) ?? cancelDateFrom(instance.createdDate, instance.period);
        return ok(201, {
          data: [{ ...TENANT, instanceId: instance.instanceId, cancelDate: instance.cancelDate }],
          ...self(`/v1/compute/instances/${instanceId}/cancel`),
        });
      },
    },
  ];

  // First: `/v1/compute/images/audits` would otherwise be read as the image with id "audits".
  routes.unshift(...audits.routes);
  routes.push(
    ...snapshotRoutes(store),
    ...imageRoutes({ images: store.images, provisioningMs, tagsOf }),
    ...objectStorageRoutes({ objectStorages: store.objectStorages, provisioningMs, cancelDateFrom }),
    ...userRoutes({ users: store.users, roles: store.roles, nextId: () => nextId++, tagName: (tagId) => store.tags.get(tagId)?.name }),
    ...vipRoutes({
      vips: store.vips,
      instanceNames: (instanceId) => {
        const instance = store.instances.get(instanceId);
        return instance && { name: `vmi${instanceId}`, displayName: instance.displayName, region: instance.region };
      },
    }),
  );

  function issueToken(request: EmulatorRequest): EmulatorResponse {
    const form = new URLSearchParams(request.body);
    if (form.get("grant_type") !== "password") {
      return error(400, "unsupported_grant_type");
    }
    if (form.get("client_id") !== credentials.clientId || form.get("client_secret") !== credentials.clientSecret) {
      return { status: 401, body: { error: "unauthorized_client", error_description: "Invalid client or Invalid client credentials" } };
    }
    if (form.get("username") !== credentials.username || form.get("password") !== credentials.password) {
      return { status: 401, body: { error: "invalid_grant", error_description: "Invalid user credentials" } };
    }
    const accessToken = randomUUID();
    tokens.set(accessToken, Date.now() + tokenTtlSeconds * 1000);
    tokensIssued++;
    return ok(200, {
      access_token: accessToken,
      expires_in: tokenTtlSeconds,
      refresh_expires_in: tokenTtlSeconds * 6,
      refresh_token: randomUUID(),
      token_type: "Bearer",
      scope: "profile email",
    });
  }

  function handle(request: EmulatorRequest): EmulatorResponse {
    if (request.path === TOKEN_PATH) {
      return request.method === "POST" ? issueToken(request) : error(405, "Method Not Allowed");
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    const expiresAt = bearer ? tokens.get(bearer) : undefined;
    if (expiresAt === undefined || expiresAt < Date.now()) return error(401, "Unauthorized");
    if (!REQUEST_ID.test(String(request.headers["x-request-id"] ?? ""))) {
      return error(400, ["x-request-id must be a UUID v4"]);
    }
    if (request.method === "GET" && (invisibleUntil.get(request.path) ?? 0) > Date.now()) {
      return error(404, `Entry not found: ${request.path}`);
    }
    const { route, params, pathKnown } = findRoute(routes, request);
    if (route) {
      const answer = route.handle(request, ...params);
      audits.record(request, answer);
      const created = answer.status === 201 && (answer.body as { _links?: { self?: string } })._links?.self;
      if (created && visibilityDelayMs > 0) invisibleUntil.set(created, Date.now() + visibilityDelayMs);
      return answer;
    }
    return pathKnown ? error(405, "Method Not Allowed") : error(404, `Cannot ${request.method} ${request.path}`);
  }

  const server = await startServer({ port: options.port, handle, faultAnswer: error, credentialPaths: /\/token$/ });
  return {
    ...server,
    tokenUrl: server.url + TOKEN_PATH,
    credentials,
    get tokensIssued() {
      return tokensIssued;
    },
    store,
    setInstanceStatus(instanceId, status, errorMessage) {
      const instance = store.instances.get(instanceId);
      if (!instance) throw new Error(`no instance ${instanceId}`);
      instance.forcedStatus = status;
      instance.errorMessage = status === "error" ? (errorMessage ?? "Installation failed: image could not be deployed") : undefined;
    },
    liveResources: () =>
      store.tags.size +
      store.secrets.size +
      store.privateNetworks.size +
      store.snapshots.size +
      [...store.images.values()].filter((image) => !image.standardImage).length +
      [...store.objectStorages.values()].filter((storage) => !storage.cancelDate).length +
      [...store.users.values()].filter((user) => !user.owner).length +
      store.roles.size +
      [...store.instances.values()].filter((instance) => !instance.cancelDate).length,
    reset() {
      for (const map of Object.values(store)) map.clear();
      for (const [imageId, image] of standardImages()) store.images.set(imageId, image);
      store.users.set(owner.userId, owner);
      tokens.clear();
      audits.clear();
      server.log.entries.length = 0;
      server.faults.clear();
    },
  };
}

function assignmentLinks(networkId: string, instanceId: string) {
  return {
    _links: {
      self: `/v1/private-networks/${networkId}/instances/${instanceId}`,
      virtualPrivateCloud: `/v1/private-networks/${networkId}`,
      instance: `/v1/compute/instances/${instanceId}`,
    },
  };
}

function assignmentTagLinks(tagId: string, resourceType: string, resourceId: string) {
  const resourcePaths: Record<string, string> = {
    instance: "/v1/compute/instances",
    image: "/v1/compute/images",
    "object-storage": "/v1/object-storages",
  };
  return {
    _links: {
      self: `/v1/tags/${tagId}/assignments/${resourceType}/${resourceId}`,
      tag: `/v1/tags/${tagId}`,
      _resource: `${resourcePaths[resourceType]}/${resourceId}`,
    },
  };
}
