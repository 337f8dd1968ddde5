/**
 * IONOS load balancing in the emulator (Cloud API v6): network load balancers and application
 * load balancers in a data center, each with its forwarding rules, and target groups outside data
 * centers (`/targetgroups`), which application load balancer rules forward to. Properties and
 * defaults are the spec's (`NetworkLoadBalancerProperties`, `ApplicationLoadBalancerProperties`,
 * their forwarding rules, `TargetGroupProperties`). The rules checked at a create or an update:
 * the listening and the target LAN exist in the data center, the target LAN is private, the
 * balancer's `ips` are addresses of a reserved IP block of the data center's location on a public
 * listening LAN and private addresses on a private one; a rule listens on one of its balancer's
 * `ips`, on a port no other rule of that balancer uses; an application rule's FORWARD actions name
 * an existing target group, REDIRECT actions a location, STATIC actions a response message; a
 * target group used by a rule is not deleted (422).
 */
import { z } from "zod";
import type { EmulatorResponse } from "../server";
import { invalid } from "./answers";
import type { IonosService, IonosStore, Node, Properties, TypeSpec } from "./store";

const name = z.string().max(255);
const port = z.number().int().min(1).max(65535);
const lanId = z.number().int().min(1);
const algorithm = z.enum(["ROUND_ROBIN", "LEAST_CONNECTION", "RANDOM", "SOURCE_IP"]);
const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/([0-9]|[12][0-9]|3[0-2])$/, "must be an IPv4 address with a subnet mask, such as 10.0.0.5/24");

const balancerProperties = z.strictObject({
  name,
  listenerLan: lanId,
  ips: z.array(z.ipv4()).optional(),
  targetLan: lanId,
  lbPrivateIps: z.array(cidr).optional(),
});

const nlbRuleProperties = z.strictObject({
  name,
  algorithm,
  protocol: z.enum(["HTTP", "TCP"]),
  listenerIp: z.ipv4(),
  listenerPort: port,
  healthCheck: z
    .strictObject({
      clientTimeout: z.number().int().min(0).optional(),
      connectTimeout: z.number().int().min(0).optional(),
      targetTimeout: z.number().int().min(0).optional(),
      retries: z.number().int().min(0).max(65535).optional(),
    })
    .optional(),
  targets: z.array(
    z.strictObject({
      ip: z.ipv4(),
      port,
      weight: z.number().int().min(0).max(256),
      healthCheck: z
        .strictObject({ check: z.boolean().optional(), checkInterval: z.number().int().min(0).optional(), maintenance: z.boolean().optional() })
        .optional(),
    }),
  ),
});

const condition = z.strictObject({
  type: z.enum(["HEADER", "PATH", "QUERY", "METHOD", "HOST", "COOKIE", "SOURCE_IP"]),
  condition: z.enum(["EXISTS", "CONTAINS", "EQUALS", "MATCHES", "STARTS_WITH", "ENDS_WITH"]).optional(),
  negate: z.boolean().optional(),
  key: z.string().optional(),
  value: z.string().optional(),
});

const httpRule = z.strictObject({
  name,
  type: z.enum(["FORWARD", "STATIC", "REDIRECT"]),
  targetGroup: z.string().optional(),
  dropQuery: z.boolean().optional(),
  location: z.string().optional(),
  statusCode: z.number().int().min(200).max(599).optional(),
  responseMessage: z.string().optional(),
  contentType: z.string().optional(),
  conditions: z.array(condition).optional(),
});

const albRuleProperties = z.strictObject({
  name,
  protocol: z.literal("HTTP"),
  listenerIp: z.ipv4(),
  listenerPort: port,
  clientTimeout: z.number().int().min(0).optional(),
  serverCertificates: z.array(z.uuid()).optional(),
  httpRules: z.array(httpRule).optional(),
});

const targetGroupProperties = z.strictObject({
  name,
  algorithm,
  protocol: z.literal("HTTP"),
  targets: z
    .array(
      z.strictObject({
        ip: z.ipv4(),
        port,
        weight: z.number().int().min(0).max(256),
        healthCheckEnabled: z.boolean().optional(),
        maintenanceEnabled: z.boolean().optional(),
      }),
    )
    .optional(),
  healthCheck: z
    .strictObject({
      checkTimeout: z.number().int().min(0).optional(),
      checkInterval: z.number().int().min(0).optional(),
      retries: z.number().int().min(0).max(65535).optional(),
    })
    .optional(),
  httpHealthCheck: z
    .strictObject({
      path: z.string().optional(),
      method: z.enum(["HEAD", "PUT", "POST", "GET", "TRACE", "PATCH", "OPTIONS"]).optional(),
      matchType: z.enum(["STATUS_CODE", "RESPONSE_BODY"]),
      response: z.string(),
      regex: z.boolean().optional(),
      negate: z.boolean().optional(),
    })
    .optional(),
});

/** The private IPv4 ranges (RFC 1918): a private listening LAN's addresses. */
function isPrivate(ip: string): boolean {
  const [a, b] = ip.split(".").map(Number);
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** The balancer's rules: its LANs, its addresses, its private addresses (generated when none are given). */
function completeBalancer(store: IonosStore, collection: string, p: Properties, existing?: Node): Properties | EmulatorResponse {
  const dcPath = store.datacenterOf(collection)!;
  const lan = (key: "listenerLan" | "targetLan") => store.nodes.get(`${dcPath}/lans/${p[key]}`);
  for (const key of ["listenerLan", "targetLan"] as const) {
    if (!lan(key)) return invalid(`Attribute 'properties.${key}': LAN ${p[key]} does not exist in data center ${store.idOf(dcPath)}`);
  }
  if (lan("targetLan")!.properties.public) return invalid(`Attribute 'properties.targetLan': LAN ${p.targetLan} is public; the target LAN must be private`);
  const ips = (p.ips as string[] | undefined) ?? [];
  if (lan("listenerLan")!.properties.public) {
    const location = store.nodes.get(dcPath)!.properties.location;
    const reserved = [...store.nodes.values()].filter((n) => n.type === "ipblock" && n.properties.location === location).flatMap((n) => n.properties.ips as string[]);
    const foreign = ips.filter((ip) => !reserved.includes(ip));
    if (foreign.length > 0) return invalid(`Attribute 'properties.ips': ${foreign.join(", ")} is not in an IP block reserved in ${location}`);
  } else {
    const foreign = ips.filter((ip) => !isPrivate(ip));
    if (foreign.length > 0) return invalid(`Attribute 'properties.ips': ${foreign.join(", ")} is not a private address, as a private listener LAN needs`);
  }
  const given = (p.lbPrivateIps as string[] | undefined) ?? [];
  const kept = (existing?.properties.lbPrivateIps as string[] | undefined) ?? [];
  // "If no IP is provided, the system will generate an IP with /24 subnet."
  const generated = `10.${200 + (Number(p.targetLan) % 50)}.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 2}/24`;
  return { ...p, ips, lbPrivateIps: given.length > 0 ? given : kept.length > 0 ? kept : [generated] };
}

/** A rule listens on one of its balancer's addresses, on a port no other rule of it uses. */
function checkListener(store: IonosStore, collection: string, p: Properties, existing?: Node) {
  const balancer = store.nodes.get(store.up(collection))!;
  const ips = (balancer.properties.ips as string[] | undefined) ?? [];
  if (!ips.includes(p.listenerIp as string)) {
    return invalid(`Attribute 'properties.listenerIp': ${p.listenerIp} is not one of the load balancer's ips (${ips.join(", ") || "none"})`);
  }
  const clash = store.childrenIn(collection).find((rule) => rule !== existing && rule.properties.listenerIp === p.listenerIp && rule.properties.listenerPort === p.listenerPort);
  if (clash) return invalid(`Attribute 'properties.listenerPort': ${p.listenerIp}:${p.listenerPort} is already used by forwarding rule ${clash.id}`);
  return undefined;
}

const NLB_HEALTH_CHECK = { clientTimeout: 50_000, connectTimeout: 5_000, targetTimeout: 50_000, retries: 3 };

function completeNlbRule(store: IonosStore, collection: string, p: Properties, existing?: Node) {
  const refused = checkListener(store, collection, p, existing);
  if (refused) return refused;
  const targets = (p.targets as Properties[]).map((target) =>
    target.healthCheck ? { ...target, healthCheck: { checkInterval: 2000, ...(target.healthCheck as Properties) } } : target,
  );
  return { ...p, healthCheck: { ...NLB_HEALTH_CHECK, ...(p.healthCheck as Properties | undefined) }, targets };
}

function completeAlbRule(store: IonosStore, collection: string, p: Properties, existing?: Node) {
  const refused = checkListener(store, collection, p, existing);
  if (refused) return refused;
  const rules = (p.httpRules as Properties[] | undefined) ?? [];
  const names = new Set<string>();
  const httpRules: Properties[] = [];
  for (const [i, rule] of rules.entries()) {
    const at = `Attribute 'properties.httpRules.${i}`;
    if (names.has(rule.name as string)) return invalid(`${at}.name': the HTTP rule name ${rule.name} is not unique`);
    names.add(rule.name as string);
    if (rule.type === "FORWARD") {
      if (!rule.targetGroup) return invalid(`${at}.targetGroup': is mandatory for a FORWARD rule`);
      if (!store.nodes.has(`/targetgroups/${rule.targetGroup}`)) return invalid(`${at}.targetGroup': target group ${rule.targetGroup} does not exist`);
    } else if (rule.targetGroup !== undefined) {
      return invalid(`${at}.targetGroup': is only valid for FORWARD rules`);
    }
    if (rule.type === "REDIRECT" && !rule.location) return invalid(`${at}.location': is mandatory for a REDIRECT rule`);
    if (rule.type !== "REDIRECT" && (rule.location !== undefined || rule.dropQuery !== undefined)) return invalid(`${at}.location': location and dropQuery are only valid for REDIRECT rules`);
    if (rule.type === "STATIC" && !rule.responseMessage) return invalid(`${at}.responseMessage': is mandatory for a STATIC rule`);
    if (rule.type !== "STATIC" && (rule.responseMessage !== undefined || rule.contentType !== undefined)) return invalid(`${at}.responseMessage': responseMessage and contentType are only valid for STATIC rules`);
    if (rule.type === "FORWARD" && rule.statusCode !== undefined) return invalid(`${at}.statusCode': is only valid for REDIRECT and STATIC rules`);
    if (rule.type === "REDIRECT" && rule.statusCode !== undefined && ![301, 302, 303, 307, 308].includes(rule.statusCode as number)) {
      return invalid(`${at}.statusCode': a REDIRECT status code is 301, 302, 303, 307 or 308`);
    }
    const conditions: Properties[] = ((rule.conditions as Properties[] | undefined) ?? []).map((c) => ({ negate: false, ...c }));
    for (const [j, c] of conditions.entries()) {
      const where = `${at}.conditions.${j}`;
      if (c.type === "SOURCE_IP" ? c.condition !== undefined : c.condition === undefined) return invalid(`${where}.condition': is mandatory, except for SOURCE_IP, where it must be null`);
      if (c.key !== undefined && !["HEADER", "QUERY", "COOKIE"].includes(c.type as string)) return invalid(`${where}.key': can only be set for HEADER, QUERY and COOKIE conditions`);
      if (c.condition === "EXISTS" ? c.value !== undefined : c.value === undefined) return invalid(`${where}.value': is mandatory, except for EXISTS, where it must be null`);
    }
    const defaults = rule.type === "REDIRECT" ? { dropQuery: false, statusCode: 301 } : rule.type === "STATIC" ? { statusCode: 503 } : {};
    httpRules.push({ ...defaults, ...rule, conditions });
  }
  return { clientTimeout: 50_000, serverCertificates: [], ...p, httpRules };
}

function completeTargetGroup(_store: IonosStore, _collection: string, p: Properties) {
  const targets = ((p.targets as Properties[] | undefined) ?? []).map((t) => ({ healthCheckEnabled: true, maintenanceEnabled: false, ...t }));
  const httpHealthCheck = p.httpHealthCheck ? { path: "/", ...(p.httpHealthCheck as Properties) } : undefined;
  return {
    ...p,
    targets,
    healthCheck: { checkInterval: 2000, retries: 3, ...(p.healthCheck as Properties | undefined) },
    ...(httpHealthCheck ? { httpHealthCheck } : {}),
  };
}

/** The application load balancer rules whose FORWARD actions use the target group. */
const rulesUsing = (store: IonosStore, group: Node) =>
  [...store.nodes.values()].filter(
    (n) => n.type === "alb-forwarding-rule" && ((n.properties.httpRules as Properties[] | undefined) ?? []).some((r) => r.targetGroup === group.id),
  );

const TYPES: TypeSpec[] = [
  {
    type: "networkloadbalancer",
    shape: "datacenters/networkloadbalancers",
    properties: balancerProperties,
    complete: completeBalancer,
    entities: ["forwardingrules"],
  },
  {
    type: "nlb-forwarding-rule",
    apiType: "forwarding-rule",
    shape: "datacenters/networkloadbalancers/forwardingrules",
    properties: nlbRuleProperties,
    complete: completeNlbRule,
  },
  {
    type: "applicationloadbalancer",
    shape: "datacenters/applicationloadbalancers",
    properties: balancerProperties,
    complete: completeBalancer,
    entities: ["forwardingrules"],
  },
  {
    type: "alb-forwarding-rule",
    apiType: "forwarding-rule",
    shape: "datacenters/applicationloadbalancers/forwardingrules",
    properties: albRuleProperties,
    complete: completeAlbRule,
  },
  {
    type: "target-group",
    shape: "targetgroups",
    properties: targetGroupProperties,
    complete: completeTargetGroup,
    refuseDelete(store, node) {
      const users = rulesUsing(store, node);
      if (users.length === 0) return undefined;
      return invalid(`Target group ${node.id} is in use by the forwarding rules ${users.map((r) => r.id).join(", ")}; remove it from their HTTP rules first`);
    },
  },
];

export const LOAD_BALANCERS: IonosService = { types: TYPES };
