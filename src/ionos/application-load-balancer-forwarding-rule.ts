/**
 * `ionos.ApplicationLoadBalancerForwardingRule`: what an application load balancer does with HTTP
 * arriving on one of its addresses and one port. Its HTTP rules, each with optional conditions,
 * forward to a target group (`FORWARD`), redirect (`REDIRECT`) or answer with a fixed response
 * (`STATIC`); IONOS runs FORWARD rules after the others. What each type needs is checked at preview.
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { type CheckFailure, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

const port = z.number().int().min(1).max(65535);
const CONDITION_TYPES = ["HEADER", "PATH", "QUERY", "METHOD", "HOST", "COOKIE", "SOURCE_IP"] as const;
const MATCHES = ["EXISTS", "CONTAINS", "EQUALS", "MATCHES", "STARTS_WITH", "ENDS_WITH"] as const;
const RULE_TYPES = ["FORWARD", "STATIC", "REDIRECT"] as const;
const REDIRECT_CODES = [301, 302, 303, 307, 308];

/** A condition of an HTTP rule: the rule acts only when all its conditions hold. */
export interface ApplicationLoadBalancerHttpRuleCondition {
  /** What is matched: HEADER, PATH, QUERY, METHOD, HOST, COOKIE or SOURCE_IP. */
  type: "HEADER" | "PATH" | "QUERY" | "METHOD" | "HOST" | "COOKIE" | "SOURCE_IP";
  /** How: EXISTS, CONTAINS, EQUALS, MATCHES, STARTS_WITH or ENDS_WITH; required, except for SOURCE_IP, where it must be left out. */
  condition?: "EXISTS" | "CONTAINS" | "EQUALS" | "MATCHES" | "STARTS_WITH" | "ENDS_WITH";
  /** Whether the condition is negated. Default false. */
  negate?: boolean;
  /** The header, query parameter or cookie name; only for HEADER, QUERY and COOKIE. */
  key?: string;
  /** The value matched; required except with EXISTS (where it must be left out); a CIDR block for SOURCE_IP. */
  value?: string;
}

/** One HTTP rule of an application load balancer rule. */
export interface ApplicationLoadBalancerHttpRule {
  /** The HTTP rule's name, unique within the forwarding rule. */
  name: string;
  /** What it does: `FORWARD` to a target group, `REDIRECT`, or answer with a `STATIC` response. */
  type: "FORWARD" | "STATIC" | "REDIRECT";
  /** FORWARD only, and required there: the id of the target group (`ionos.TargetGroup`'s `targetGroupId`). */
  targetGroup?: string;
  /** REDIRECT only: whether the query string is dropped. Default false. */
  dropQuery?: boolean;
  /** REDIRECT only, and required there: where to redirect. */
  location?: string;
  /** REDIRECT: 301 (default), 302, 303, 307 or 308; STATIC: 200 to 599 (default 503). Not for FORWARD. */
  statusCode?: number;
  /** STATIC only, and required there: the response body. */
  responseMessage?: string;
  /** STATIC only: the response's content type, such as `text/html`. */
  contentType?: string;
  /** The conditions under which the rule acts: all must hold; none, it always acts. Default none. */
  conditions?: ApplicationLoadBalancerHttpRuleCondition[];
}

/** The inputs of an `ionos.ApplicationLoadBalancerForwardingRule`. */
export interface ApplicationLoadBalancerForwardingRuleArgs {
  /** The id of the load balancer's data center (`ionos.Datacenter`'s `datacenterId`). A change replaces the rule. */
  datacenterId: string;
  /** The id of the load balancer (`ionos.ApplicationLoadBalancer`'s `applicationLoadBalancerId`). A change replaces the rule. */
  applicationLoadBalancerId: string;
  /** The rule's name: 1 to 255 characters. Defaults to the resource name. A change renames it in place. */
  name: string;
  /**
   * The balanced protocol: `HTTP`, the only one IONOS offers. A change applies in place.
   * @default "HTTP"
   */
  protocol?: "HTTP";
  /** The address the rule listens on: one of the load balancer's `ips`. A change applies in place. */
  listenerIp: string;
  /** The port the rule listens on: 1 to 65535, one rule per address and port. A change applies in place. */
  listenerPort: number;
  /**
   * How long, in milliseconds, to wait for the client to acknowledge or send data: 0 or more. A
   * change applies in place.
   * @default 50000
   */
  clientTimeout?: number;
  /**
   * The ids (UUIDs) of the certificates it serves for HTTPS, from IONOS's certificate manager. A
   * change applies in place.
   * @default []
   */
  serverCertificates?: string[];
  /**
   * The HTTP rules, in order (IONOS runs FORWARD rules after the others): FORWARD needs a
   * `targetGroup`, REDIRECT a `location`, STATIC a `responseMessage`. A change sets the rules in
   * place.
   * @default []
   */
  httpRules?: ApplicationLoadBalancerHttpRule[];
  /**
   * How long, in minutes, each wait for an IONOS request of this rule (its create, update or
   * delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.ApplicationLoadBalancerForwardingRule`. */
export type ApplicationLoadBalancerForwardingRuleOutputs = Required<ApplicationLoadBalancerForwardingRuleArgs> & {
  /** The rule's id at IONOS (a UUID); `id` is `<datacenterId>/<applicationLoadBalancerId>/<forwardingRuleId>`. */
  forwardingRuleId: string;
};

const condition = z.strictObject({
  type: z.enum(CONDITION_TYPES),
  condition: z.enum(MATCHES).optional(),
  negate: z.boolean().default(false),
  key: z.string().min(1).optional(),
  value: z.string().min(1).optional(),
});

/** The type's defaults filled in, as IONOS fills them: the checked inputs equal what it shows. */
const httpRule = z
  .strictObject({
    name: z.string().min(1).max(255),
    type: z.enum(RULE_TYPES),
    targetGroup: z.string().min(1).optional(),
    dropQuery: z.boolean().optional(),
    location: z.string().min(1).optional(),
    statusCode: z.number().int().min(200).max(599).optional(),
    responseMessage: z.string().min(1).optional(),
    contentType: z.string().min(1).optional(),
    conditions: z.array(condition).default([]),
  })
  .transform((rule) =>
    rule.type === "REDIRECT"
      ? { ...rule, dropQuery: rule.dropQuery ?? false, statusCode: rule.statusCode ?? 301 }
      : rule.type === "STATIC"
        ? { ...rule, statusCode: rule.statusCode ?? 503 }
        : rule,
  );

const inputs = documented<ApplicationLoadBalancerForwardingRuleArgs>()(z.object({
  datacenterId: z.string().min(1),
  applicationLoadBalancerId: z.string().min(1),
  name: z.string().min(1).max(255),
  protocol: z.enum(["HTTP"]).default("HTTP"),
  listenerIp: z.ipv4(),
  listenerPort: port,
  clientTimeout: z.number().int().min(0).default(50_000),
  serverCertificates: z.array(z.uuid()).default([]),
  httpRules: z.array(httpRule).default([]),
  timeoutMinutes: timeoutMinutes(30),
}));

/** What each type of HTTP rule needs, and what it must leave out (the spec's descriptions). */
function httpRuleProblems(rules: ApplicationLoadBalancerHttpRule[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, rule] of rules.entries()) {
    const at = `rule ${i} (${rule.name})`;
    if (seen.has(rule.name)) problems.push(`${at}: the names of HTTP rules must be unique`);
    seen.add(rule.name);
    if (rule.type === "FORWARD" && !rule.targetGroup) problems.push(`${at}: a FORWARD rule needs a targetGroup`);
    if (rule.type !== "FORWARD" && rule.targetGroup !== undefined) problems.push(`${at}: targetGroup is only for FORWARD rules`);
    if (rule.type === "REDIRECT" && !rule.location) problems.push(`${at}: a REDIRECT rule needs a location`);
    if (rule.type !== "REDIRECT" && (rule.location !== undefined || rule.dropQuery !== undefined)) problems.push(`${at}: location and dropQuery are only for REDIRECT rules`);
    if (rule.type === "STATIC" && !rule.responseMessage) problems.push(`${at}: a STATIC rule needs a responseMessage`);
    if (rule.type !== "STATIC" && (rule.responseMessage !== undefined || rule.contentType !== undefined)) problems.push(`${at}: responseMessage and contentType are only for STATIC rules`);
    if (rule.type === "FORWARD" && rule.statusCode !== undefined) problems.push(`${at}: statusCode is only for REDIRECT and STATIC rules`);
    if (rule.type === "REDIRECT" && rule.statusCode !== undefined && !REDIRECT_CODES.includes(rule.statusCode)) problems.push(`${at}: a REDIRECT status code is 301, 302, 303, 307 or 308`);
    for (const [j, c] of (rule.conditions ?? []).entries()) {
      const where = `${at}, condition ${j}`;
      if (c.type === "SOURCE_IP" ? c.condition !== undefined : c.condition === undefined) problems.push(`${where}: condition is required, except for SOURCE_IP, which takes none`);
      if (c.key !== undefined && !["HEADER", "QUERY", "COOKIE"].includes(c.type)) problems.push(`${where}: key is only for HEADER, QUERY and COOKIE conditions`);
      if (c.condition === "EXISTS" ? c.value !== undefined : c.value === undefined) problems.push(`${where}: value is required, except with EXISTS, which takes none`);
    }
  }
  return problems;
}

const ruleItem = resource({
  name: z.string().optional(),
  protocol: z.enum(["HTTP"]),
  listenerIp: z.string(),
  listenerPort: z.number().int(),
  clientTimeout: z.number().int().nullish(),
  serverCertificates: z.array(z.string()).nullish(),
  httpRules: z
    .array(
      z
        .object({
          name: z.string(),
          type: z.enum(RULE_TYPES),
          targetGroup: z.string().nullish(),
          dropQuery: z.boolean().nullish(),
          location: z.string().nullish(),
          statusCode: z.number().int().nullish(),
          responseMessage: z.string().nullish(),
          contentType: z.string().nullish(),
          conditions: z
            .array(
              z
                .object({
                  type: z.enum(CONDITION_TYPES),
                  condition: z.enum(MATCHES).nullish(),
                  negate: z.boolean().nullish(),
                  key: z.string().nullish(),
                  value: z.string().nullish(),
                })
                .loose(),
            )
            .nullish(),
        })
        .loose(),
    )
    .nullish(),
});

function outputsOf(
  rule: z.infer<typeof ruleItem>,
  known: Partial<ApplicationLoadBalancerForwardingRuleOutputs>,
  ids: Record<string, string>,
): ApplicationLoadBalancerForwardingRuleOutputs {
  const p = rule.properties;
  return {
    datacenterId: ids.datacenterId,
    applicationLoadBalancerId: ids.applicationLoadBalancerId,
    name: p.name ?? known.name ?? "",
    protocol: p.protocol,
    listenerIp: p.listenerIp,
    listenerPort: p.listenerPort,
    clientTimeout: p.clientTimeout ?? 50_000,
    serverCertificates: p.serverCertificates ?? [],
    httpRules: (p.httpRules ?? []).map((r) => ({
      name: r.name,
      type: r.type,
      targetGroup: r.targetGroup ?? undefined,
      dropQuery: r.dropQuery ?? undefined,
      location: r.location ?? undefined,
      statusCode: r.statusCode ?? undefined,
      responseMessage: r.responseMessage ?? undefined,
      contentType: r.contentType ?? undefined,
      conditions: (r.conditions ?? []).map((c) => ({
        type: c.type,
        condition: c.condition ?? undefined,
        negate: c.negate ?? false,
        key: c.key ?? undefined,
        value: c.value ?? undefined,
      })),
    })),
    timeoutMinutes: known.timeoutMinutes ?? 30,
    forwardingRuleId: rule.id,
  };
}

const rules = new IonosKind({
  noun: "application load balancer forwarding rule",
  item: ruleItem,
  idParts: ["datacenterId", "applicationLoadBalancerId", "forwardingRuleId"],
  collection: (datacenterId, balancerId) => apiPath("datacenters", datacenterId, "applicationloadbalancers", balancerId, "forwardingrules"),
  defaultMinutes: 30,
  outputsOf,
});

const ApplicationLoadBalancerForwardingRuleResource = defineResource({
  cloud: ionos,
  kind: "ApplicationLoadBalancerForwardingRule",
  inputs,
  idOutputs: { forwardingRuleId: idPart(2) },
  outputNames: [
    "datacenterId", "applicationLoadBalancerId", "name", "protocol", "listenerIp", "listenerPort", "clientTimeout", "serverCertificates",
    "httpRules", "timeoutMinutes", "forwardingRuleId",
  ],
  autoName: "name",
  replaceOnChange: ["datacenterId", "applicationLoadBalancerId"],
  describe: (values, id) => `application load balancer forwarding rule ${values.name ? `"${values.name}"` : id}`,

  validate(news): CheckFailure[] {
    return httpRuleProblems(news.httpRules).map((reason) => ({ property: "httpRules", reason }));
  },

  create: (client, wanted, scope) => {
    const { datacenterId, applicationLoadBalancerId, timeoutMinutes: _timeout, ...properties } = wanted;
    return rules.create(client, scope, { parentIds: [datacenterId, applicationLoadBalancerId], name: wanted.name, body: { properties }, known: wanted });
  },

  read: rules.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      const { datacenterId: _dc, applicationLoadBalancerId: _alb, timeoutMinutes, ...body } = wanted;
      await rules.change(client, scope, id, { operation: "update", method: "PATCH", body, minutes: timeoutMinutes });
    }
    return rules.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: rules.delete,
});

export interface ApplicationLoadBalancerForwardingRule extends ResourceOutputs<ApplicationLoadBalancerForwardingRuleOutputs> {}
export class ApplicationLoadBalancerForwardingRule extends ApplicationLoadBalancerForwardingRuleResource {}
