/**
 * Public Cloud projects (`/cloud/project/{serviceName}`): regions, flavors and images, SSH keys,
 * private networks (vRack, one VLAN each, activated per region, BUILDING → ACTIVE) with one
 * subnet per region, and instances that go BUILD → ACTIVE, resize (RESIZE → ACTIVE) where OVH
 * allows it, and keep a network in use until they are deleted.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { BlockList, isIPv4 } from "node:net";
import { z } from "zod";
import type { EmulatorRequest, EmulatorResponse, Route } from "../server";
import { done, error, isAnswer, notFound, ok, parseBody } from "./answers";
import { FLAVORS, type FlavorSpec, IMAGES, REGIONS, canResize, regionalId } from "./catalog";

export type InstanceStatus = "BUILD" | "ACTIVE" | "RESIZE" | "ERROR" | "SHUTOFF";

export interface SshKey {
  id: string;
  name: string;
  publicKey: string;
  /** Empty: every region. */
  regions: string[];
}

export interface PrivateNetwork {
  id: string;
  name: string;
  vlanId: number;
  /** Region → when it was activated (it is BUILDING for a while after). */
  regions: Map<string, number>;
  subnets: Map<string, Subnet>;
}

export interface Subnet {
  id: string;
  region: string;
  cidr: string;
  start: string;
  end: string;
  dhcp: boolean;
  gatewayIp: string | null;
  /** Addresses given out, for the instances' private IPs. */
  used: Set<string>;
}

export interface Instance {
  id: string;
  name: string;
  region: string;
  flavor: FlavorSpec;
  image: (typeof IMAGES)[number];
  sshKeyId: string | null;
  userData?: string;
  created: string;
  /** When the current build or resize started, and how long it takes. */
  busy: { status: "BUILD" | "RESIZE"; until: number };
  addresses: { ip: string; type: "public" | "private"; version: 4 | 6; networkId: string; gatewayIp: string | null }[];
  /** Set by a test: the instance stays in this status (a stuck build, an error). */
  forcedStatus?: InstanceStatus;
}

export interface Project {
  serviceName: string;
  sshKeys: Map<string, SshKey>;
  networks: Map<string, PrivateNetwork>;
  instances: Map<string, Instance>;
  /** The vRack's number, part of every private network id (`pn-<vrack>_<vlanId>`). */
  vrack: number;
}

export function newProject(serviceName: string): Project {
  return { serviceName, sshKeys: new Map(), networks: new Map(), instances: new Map(), vrack: 100_000 + randomBytes(2).readUInt16BE() };
}

const PUBLIC_NETWORK = "Ext-Net";
const PUBLIC_KEY = /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)) ([A-Za-z0-9+/]+=*)( .*)?$/;
const region = z.enum(Object.keys(REGIONS) as [string, ...string[]]);
const ipv4 = z.string().refine(isIPv4, "must be an IPv4 address");

const flavorView = (spec: FlavorSpec, at: string) => ({
  available: true,
  capabilities: [],
  disk: spec.disk,
  id: regionalId(at, spec.name),
  inboundBandwidth: null,
  name: spec.name,
  osType: spec.osType,
  outboundBandwidth: null,
  planCodes: { hourly: `${spec.name}.consumption`, monthly: `${spec.name}.monthly` },
  quota: 50,
  ram: spec.ram,
  region: at,
  type: spec.type,
  vcpus: spec.vcpus,
});

const imageView = (image: (typeof IMAGES)[number], at: string) => ({
  creationDate: "2025-01-15T10:00:00Z",
  flavorType: null,
  id: regionalId(at, image.name),
  minDisk: image.minDisk,
  minRam: 0,
  name: image.name,
  planCode: null,
  region: at,
  size: 2.5,
  status: "active",
  tags: [],
  type: image.type,
  user: image.user,
  visibility: "public",
});

const keyView = (key: SshKey) => ({ id: key.id, name: key.name, publicKey: key.publicKey, regions: key.regions.length ? key.regions : Object.keys(REGIONS) });

/** The MD5 fingerprint of an OpenSSH public key, as `ssh-keygen -l -E md5` prints it. */
const fingerprint = (publicKey: string) =>
  createHash("md5").update(Buffer.from(publicKey.split(" ")[1], "base64")).digest("hex").match(/../g)!.join(":");

function toNumber(ip: string): number {
  return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}
const fromNumber = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");

export function cloudRoutes(world: { projects: Map<string, Project>; buildMs: number }): Route[] {
  const { buildMs } = world;
  const networkMs = buildMs / 4;
  /** Routes of one project: the handler gets the project found from the path's first group. */
  const inProject = (method: string, path: string, handle: (project: Project, request: EmulatorRequest, ...params: string[]) => EmulatorResponse): Route => ({
    method,
    pattern: new RegExp(`^/cloud/project/([^/]+)${path}$`),
    handle: (request, serviceName, ...params) => {
      const project = world.projects.get(serviceName);
      return project ? handle(project, request, ...params) : error(404, "This service does not exist");
    },
  });

  const publicNetworkId = (at: string) => regionalId(at, PUBLIC_NETWORK);
  const regionStatus = (since: number) => (Date.now() - since >= networkMs ? "ACTIVE" : "BUILDING");
  const networkView = (network: PrivateNetwork) => {
    const regions = [...network.regions].map(([name, since]) => ({ openstackId: regionalId(name, network.id), region: name, status: regionStatus(since) }));
    return {
      id: network.id,
      name: network.name,
      regions,
      status: regions.every((r) => r.status === "ACTIVE") ? "ACTIVE" : "BUILDING",
      type: "private",
      vlanId: network.vlanId,
    };
  };
  const subnetView = (subnet: Subnet) => ({
    id: subnet.id,
    cidr: subnet.cidr,
    dhcpEnabled: subnet.dhcp,
    gatewayIp: subnet.gatewayIp,
    ipPools: [{ dhcp: subnet.dhcp, end: subnet.end, network: subnet.cidr, region: subnet.region, start: subnet.start }],
  });

  const statusOf = (instance: Instance): InstanceStatus =>
    instance.forcedStatus ?? (Date.now() < instance.busy.until ? instance.busy.status : "ACTIVE");
  const instanceView = (instance: Instance) => ({
    created: instance.created,
    currentMonthOutgoingTraffic: null,
    flavorId: regionalId(instance.region, instance.flavor.name),
    id: instance.id,
    imageId: regionalId(instance.region, instance.image.name),
    ipAddresses: instance.addresses,
    monthlyBilling: null,
    name: instance.name,
    operationIds: [],
    planCode: `${instance.flavor.name}.consumption`,
    region: instance.region,
    sshKeyId: instance.sshKeyId,
    status: statusOf(instance),
  });
  const instanceDetail = (project: Project, instance: Instance) => {
    const { flavorId: _flavorId, imageId: _imageId, sshKeyId, ...view } = instanceView(instance);
    const key = sshKeyId ? project.sshKeys.get(sshKeyId) : undefined;
    return {
      ...view,
      flavor: flavorView(instance.flavor, instance.region),
      image: imageView(instance.image, instance.region),
      rescuePassword: null,
      sshKey: key ? { ...keyView(key), fingerPrint: fingerprint(key.publicKey) } : null,
    };
  };

  /** The network (private, or the public Ext-Net) an OpenStack network id of a region names. */
  function networkByRegionalId(project: Project, at: string, networkId: string): PrivateNetwork | "public" | undefined {
    if (networkId === publicNetworkId(at)) return "public";
    return [...project.networks.values()].find((n) => n.regions.has(at) && regionalId(at, n.id) === networkId);
  }

  const instancesOn = (project: Project, network: PrivateNetwork) =>
    [...project.instances.values()].filter((i) => i.addresses.some((a) => a.networkId === regionalId(i.region, network.id)));

  return [
    inProject("GET", "/region", () => ok(Object.keys(REGIONS))),
    inProject("GET", "/region/([^/]+)", (_project, _request, name) => {
      const place = REGIONS[name];
      if (!place) return notFound(name);
      return ok({
        ...place,
        name,
        services: [{ name: "instance", status: "UP", endpoint: `https://compute.${name.toLowerCase()}.cloud.ovh.net/` }],
        status: "UP",
        type: "region",
      });
    }),
    inProject("GET", "/flavor", (_project, request) => {
      const at = request.query.get("region");
      return ok((at ? [at] : Object.keys(REGIONS)).filter((r) => REGIONS[r]).flatMap((r) => FLAVORS.map((f) => flavorView(f, r))));
    }),
    inProject("GET", "/image", (_project, request) => {
      const at = request.query.get("region");
      const osType = request.query.get("osType");
      const images = IMAGES.filter((image) => !osType || image.type === osType);
      return ok((at ? [at] : Object.keys(REGIONS)).filter((r) => REGIONS[r]).flatMap((r) => images.map((image) => imageView(image, r))));
    }),

    // SSH keys
    inProject("GET", "/sshkey", (project, request) => {
      const at = request.query.get("region");
      return ok([...project.sshKeys.values()].map(keyView).filter((key) => !at || key.regions.includes(at)));
    }),
    inProject("POST", "/sshkey", (project, request) => {
      const body = parseBody(request, z.object({ name: z.string().min(1).max(255), publicKey: z.string(), region: region.nullable().optional() }));
      if (isAnswer(body)) return body;
      const publicKey = body.publicKey.trim();
      if (!PUBLIC_KEY.test(publicKey)) return error(400, "Invalid public key: expected an OpenSSH public key (type, base64 key, comment)");
      if ([...project.sshKeys.values()].some((key) => key.name === body.name)) return error(409, `Key pair '${body.name}' already exists`);
      const key: SshKey = { id: randomBytes(12).toString("hex"), name: body.name, publicKey, regions: body.region ? [body.region] : [] };
      project.sshKeys.set(key.id, key);
      return ok({ ...keyView(key), fingerPrint: fingerprint(publicKey) });
    }),
    inProject("GET", "/sshkey/([^/]+)", (project, _request, keyId) => {
      const key = project.sshKeys.get(keyId);
      return key ? ok({ ...keyView(key), fingerPrint: fingerprint(key.publicKey) }) : notFound(keyId);
    }),
    inProject("DELETE", "/sshkey/([^/]+)", (project, _request, keyId) => (project.sshKeys.delete(keyId) ? done() : notFound(keyId))),

    // Networks
    inProject("GET", "/network/public", () =>
      ok([
        {
          id: regionalId("all", PUBLIC_NETWORK),
          name: PUBLIC_NETWORK,
          regions: Object.keys(REGIONS).map((r) => ({ openstackId: publicNetworkId(r), region: r, status: "ACTIVE" })),
          status: "ACTIVE",
          type: "public",
          vlanId: 0,
        },
      ]),
    ),
    inProject("GET", "/network/private", (project) => ok([...project.networks.values()].map(networkView))),
    inProject("POST", "/network/private", (project, request) => {
      const body = parseBody(
        request,
        z.object({ name: z.string().min(1).max(255), vlanId: z.number().int().min(0).max(4000).nullable().optional(), regions: z.array(region).nullable().optional() }),
      );
      if (isAnswer(body)) return body;
      const vlanId = body.vlanId ?? 0;
      const id = `pn-${project.vrack}_${vlanId}`;
      if (project.networks.has(id)) return error(409, `VLAN ${vlanId} is already used by network ${id}`);
      const now = Date.now();
      // No regions: the network is activated in every region of the project.
      const regions = new Map((body.regions?.length ? body.regions : Object.keys(REGIONS)).map((r) => [r, now]));
      const network: PrivateNetwork = { id, name: body.name, vlanId, regions, subnets: new Map() };
      project.networks.set(id, network);
      return ok(networkView(network));
    }),
    inProject("GET", "/network/private/([^/]+)", (project, _request, networkId) => {
      const network = project.networks.get(networkId);
      return network ? ok(networkView(network)) : notFound(networkId);
    }),
    inProject("PUT", "/network/private/([^/]+)", (project, request, networkId) => {
      const network = project.networks.get(networkId);
      if (!network) return notFound(networkId);
      const body = parseBody(request, z.object({ name: z.string().min(1).max(255) }));
      if (isAnswer(body)) return body;
      network.name = body.name;
      return done();
    }),
    inProject("DELETE", "/network/private/([^/]+)", (project, _request, networkId) => {
      const network = project.networks.get(networkId);
      if (!network) return notFound(networkId);
      const users = instancesOn(project, network);
      if (users.length > 0) return error(409, `Network ${networkId} is in use by instance(s) ${users.map((i) => i.id).join(", ")}`);
      project.networks.delete(networkId);
      return done();
    }),
    inProject("POST", "/network/private/([^/]+)/region", (project, request, networkId) => {
      const network = project.networks.get(networkId);
      if (!network) return notFound(networkId);
      const body = parseBody(request, z.object({ region }));
      if (isAnswer(body)) return body;
      if (network.regions.has(body.region)) return error(409, `Network ${networkId} is already active in ${body.region}`);
      network.regions.set(body.region, Date.now());
      return ok(networkView(network));
    }),
    inProject("GET", "/network/private/([^/]+)/subnet", (project, _request, networkId) => {
      const network = project.networks.get(networkId);
      return network ? ok([...network.subnets.values()].map(subnetView)) : notFound(networkId);
    }),
    inProject("POST", "/network/private/([^/]+)/subnet", (project, request, networkId) => {
      const network = project.networks.get(networkId);
      if (!network) return notFound(networkId);
      const body = parseBody(
        request,
        z.object({ dhcp: z.boolean(), noGateway: z.boolean(), network: z.string(), region, start: ipv4, end: ipv4 }),
      );
      if (isAnswer(body)) return body;
      const problem = subnetProblem(body);
      if (problem) return error(400, problem);
      const since = network.regions.get(body.region);
      if (since === undefined) return error(400, `Network ${networkId} is not active in region ${body.region}`);
      if (regionStatus(since) !== "ACTIVE") return error(409, `Network ${networkId} is still being built in region ${body.region}`);
      if ([...network.subnets.values()].some((s) => s.region === body.region)) {
        return error(409, `Network ${networkId} already has a subnet in region ${body.region}`);
      }
      const [base] = body.network.split("/");
      const subnet: Subnet = {
        id: randomUUID(),
        region: body.region,
        cidr: body.network,
        start: body.start,
        end: body.end,
        dhcp: body.dhcp,
        gatewayIp: body.noGateway ? null : fromNumber(toNumber(base) + 1),
        used: new Set(),
      };
      network.subnets.set(subnet.id, subnet);
      return ok(subnetView(subnet));
    }),
    inProject("DELETE", "/network/private/([^/]+)/subnet/([^/]+)", (project, _request, networkId, subnetId) => {
      const network = project.networks.get(networkId);
      if (!network) return notFound(networkId);
      const subnet = network.subnets.get(subnetId);
      if (!subnet) return notFound(subnetId);
      if (subnet.used.size > 0) return error(409, `Subnet ${subnetId} has addresses in use`);
      network.subnets.delete(subnetId);
      return done();
    }),

    // Instances
    inProject("GET", "/instance", (project, request) => {
      const at = request.query.get("region");
      return ok([...project.instances.values()].filter((i) => !at || i.region === at).map(instanceView));
    }),
    inProject("POST", "/instance", (project, request) => {
      const body = parseBody(
        request,
        z.object({
          name: z.string().min(1).max(255),
          flavorId: z.string(),
          imageId: z.string().nullable().optional(),
          region,
          sshKeyId: z.string().nullable().optional(),
          userData: z.string().nullable().optional(),
          monthlyBilling: z.boolean().nullable().optional(),
          networks: z.array(z.object({ networkId: z.string(), ip: ipv4.nullable().optional() })).nullable().optional(),
        }),
      );
      if (isAnswer(body)) return body;
      const flavor = FLAVORS.find((f) => regionalId(body.region, f.name) === body.flavorId);
      if (!flavor) return error(400, `Flavor ${body.flavorId} does not exist in region ${body.region}`);
      const image = IMAGES.find((i) => regionalId(body.region, i.name) === body.imageId);
      if (!image) return error(400, `Image ${body.imageId} does not exist in region ${body.region}`);
      if (image.type !== flavor.osType) return error(400, `Image ${image.name} cannot run on flavor ${flavor.name}`);
      const key = body.sshKeyId ? project.sshKeys.get(body.sshKeyId) : undefined;
      if (body.sshKeyId && (!key || (key.regions.length > 0 && !key.regions.includes(body.region)))) {
        return error(400, `SSH key ${body.sshKeyId} does not exist in region ${body.region}`);
      }
      const id = randomUUID();
      const addresses: Instance["addresses"] = [];
      const wanted = body.networks?.length ? body.networks : [{ networkId: publicNetworkId(body.region), ip: null }];
      for (const { networkId, ip } of wanted) {
        const network = networkByRegionalId(project, body.region, networkId);
        if (!network) return error(400, `Network ${networkId} does not exist in region ${body.region}`);
        if (network === "public") {
          const n = (project.instances.size % 250) + 2;
          addresses.push(
            { ip: `198.51.100.${n}`, type: "public", version: 4, networkId, gatewayIp: "198.51.100.1" },
            { ip: `2001:db8:1::${n.toString(16)}`, type: "public", version: 6, networkId, gatewayIp: "2001:db8:1::1" },
          );
          continue;
        }
        const subnet = [...network.subnets.values()].find((s) => s.region === body.region);
        if (!subnet) return error(400, `Network ${network.id} has no subnet in region ${body.region}`);
        const address = ip ?? freeAddress(subnet);
        if (!address || subnet.used.has(address)) return error(409, `No free address ${ip ?? ""} in subnet ${subnet.cidr}`);
        subnet.used.add(address);
        addresses.push({ ip: address, type: "private", version: 4, networkId, gatewayIp: subnet.gatewayIp });
      }
      const instance: Instance = {
        id,
        name: body.name,
        region: body.region,
        flavor,
        image,
        sshKeyId: body.sshKeyId ?? null,
        userData: body.userData ?? undefined,
        created: new Date().toISOString(),
        busy: { status: "BUILD", until: Date.now() + buildMs },
        addresses,
      };
      project.instances.set(id, instance);
      return ok(instanceDetail(project, instance));
    }),
    inProject("GET", "/instance/([^/]+)", (project, _request, instanceId) => {
      const instance = project.instances.get(instanceId);
      return instance ? ok(instanceDetail(project, instance)) : notFound(instanceId);
    }),
    inProject("PUT", "/instance/([^/]+)", (project, request, instanceId) => {
      const instance = project.instances.get(instanceId);
      if (!instance) return notFound(instanceId);
      const body = parseBody(request, z.object({ instanceName: z.string().min(1).max(255) }));
      if (isAnswer(body)) return body;
      instance.name = body.instanceName;
      return done();
    }),
    inProject("POST", "/instance/([^/]+)/resize", (project, request, instanceId) => {
      const instance = project.instances.get(instanceId);
      if (!instance) return notFound(instanceId);
      const body = parseBody(request, z.object({ flavorId: z.string() }));
      if (isAnswer(body)) return body;
      const flavor = FLAVORS.find((f) => regionalId(instance.region, f.name) === body.flavorId);
      if (!flavor) return error(400, `Flavor ${body.flavorId} does not exist in region ${instance.region}`);
      const status = statusOf(instance);
      if (status !== "ACTIVE") return error(409, `Instance ${instanceId} is ${status}: it cannot be resized now`);
      if (!canResize(instance.flavor, flavor)) {
        return error(400, `Cannot resize instance ${instanceId} from ${instance.flavor.name} to ${flavor.name}`);
      }
      instance.flavor = flavor;
      instance.busy = { status: "RESIZE", until: Date.now() + buildMs / 2 };
      return ok(instanceDetail(project, instance));
    }),
    inProject("DELETE", "/instance/([^/]+)", (project, _request, instanceId) => {
      const instance = project.instances.get(instanceId);
      if (!instance) return notFound(instanceId);
      for (const network of project.networks.values()) {
        for (const subnet of network.subnets.values()) for (const a of instance.addresses) subnet.used.delete(a.ip);
      }
      project.instances.delete(instanceId);
      return done();
    }),
  ];
}

/** Why OVH would refuse a subnet: a private IPv4 CIDR, with the DHCP range inside it. */
function subnetProblem(body: { network: string; start: string; end: string }): string | undefined {
  const [base, bits] = body.network.split("/");
  const prefix = Number(bits);
  if (!isIPv4(base) || !/^\d+$/.test(bits ?? "") || prefix < 8 || prefix > 29) return `Invalid network ${body.network}: expected an IPv4 CIDR`;
  const inside = new BlockList();
  inside.addSubnet(base, prefix, "ipv4");
  if (!inside.check(body.start) || !inside.check(body.end)) return `The range ${body.start}-${body.end} is not inside ${body.network}`;
  if (toNumber(body.start) > toNumber(body.end)) return `The range ${body.start}-${body.end} is empty`;
  return undefined;
}

function freeAddress(subnet: Subnet): string | undefined {
  for (let n = toNumber(subnet.start); n <= toNumber(subnet.end); n++) {
    const ip = fromNumber(n);
    if (!subnet.used.has(ip) && ip !== subnet.gatewayIp) return ip;
  }
  return undefined;
}
