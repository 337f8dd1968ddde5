/**
 * `ionos.TargetGroup`: servers (IP and port) that application load balancer rules forward HTTP
 * to, with how traffic is spread over them and how their health is checked. It stands outside data
 * centers (`/targetgroups`). A rule that forwards to it depends on it, so the engine makes the group
 * first and deletes it last (the emulator refuses to delete a group in use; the spec does not say
 * whether IONOS does).
 */
import { z } from "zod";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, resource, timeoutMinutes } from "./common";

const ALGORITHMS = ["ROUND_ROBIN", "LEAST_CONNECTION", "RANDOM", "SOURCE_IP"] as const;
const METHODS = ["HEAD", "PUT", "POST", "GET", "TRACE", "PATCH", "OPTIONS"] as const;
const port = z.number().int().min(1).max(65535);
const millis = z.number().int().min(0);
const HEALTH_CHECK = { checkInterval: 2000, retries: 3 };

/** One server of a target group. */
export interface TargetGroupTarget {
  /** The target's IPv4 address. */
  ip: string;
  /** The target's port: 1 to 65535. */
  port: number;
  /** The target's share of the traffic, relative to the others: 0 to 256 (0 takes no new connections). Default 1. */
  weight?: number;
  /** Whether the target is used only while it passes the group's health checks. Default true. */
  healthCheckEnabled?: boolean;
  /** Maintenance mode: the target gets no traffic. Default false. */
  maintenanceEnabled?: boolean;
}

/** The group's TCP health check. */
export interface TargetGroupHealthCheck {
  /** How long, in milliseconds, to wait for a target to answer a check. */
  checkTimeout?: number;
  /** The interval between checks, in milliseconds. Default 2000. */
  checkInterval?: number;
  /** How many attempts to reconnect after a connection failure: 0 to 65535. Default 3. */
  retries?: number;
}

/** The group's HTTP health check. */
export interface TargetGroupHttpHealthCheck {
  /** The path the check requests. Default `/`. */
  path?: string;
  /** The check's HTTP method: HEAD, PUT, POST, GET, TRACE, PATCH or OPTIONS. */
  method?: "HEAD" | "PUT" | "POST" | "GET" | "TRACE" | "PATCH" | "OPTIONS";
  /** What the answer is matched by: `STATUS_CODE` or `RESPONSE_BODY`. */
  matchType: "STATUS_CODE" | "RESPONSE_BODY";
  /** The status code or body text a healthy target answers. */
  response: string;
  /** Whether `response` is a regular expression. */
  regex?: boolean;
  /** Whether the match is negated. */
  negate?: boolean;
}

/** The inputs of an `ionos.TargetGroup`. */
export interface TargetGroupArgs {
  /** The group's name: 1 to 255 characters. Defaults to the resource name. A change renames it in place. */
  name: string;
  /** How requests are spread over the targets: `ROUND_ROBIN`, `LEAST_CONNECTION`, `RANDOM` or `SOURCE_IP`. A change applies in place. */
  algorithm: "ROUND_ROBIN" | "LEAST_CONNECTION" | "RANDOM" | "SOURCE_IP";
  /**
   * The balanced protocol: `HTTP`, the only one IONOS offers. A change applies in place.
   * @default "HTTP"
   */
  protocol?: "HTTP";
  /**
   * The group's servers: IP, port, weight (default 1), health check on (default) and maintenance
   * off (default). A change sets the targets in place.
   * @default []
   */
  targets?: TargetGroupTarget[];
  /**
   * The TCP health check of the targets (milliseconds; retries 0 to 65535). A change applies in place.
   * @default {"checkInterval":2000,"retries":3}
   */
  healthCheck?: TargetGroupHealthCheck;
  /**
   * The HTTP health check of the targets: what to request and which answer is healthy. Left out,
   * there is none. A change applies in place; removing it removes the check.
   */
  httpHealthCheck?: TargetGroupHttpHealthCheck;
  /**
   * How long, in minutes, each wait for an IONOS request of this group (its create, update or
   * delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.TargetGroup`. */
export type TargetGroupOutputs = Omit<Required<TargetGroupArgs>, "httpHealthCheck" | "targets"> & {
  /** The group's servers as IONOS has them, each with its weight, health check and maintenance settings. */
  targets: Required<TargetGroupTarget>[];
  /** The HTTP health check of the targets, if the group has one. */
  httpHealthCheck?: TargetGroupHttpHealthCheck;
  /** The group's id at IONOS (a UUID), which application load balancer rules forward to; `id` is the same string. */
  targetGroupId: string;
};

const inputs = documented<TargetGroupArgs>()(z.object({
  name: z.string().min(1).max(255),
  algorithm: z.enum(ALGORITHMS),
  protocol: z.enum(["HTTP"]).default("HTTP"),
  targets: z
    .array(
      z.strictObject({
        ip: z.ipv4(),
        port,
        weight: z.number().int().min(0).max(256).default(1),
        healthCheckEnabled: z.boolean().default(true),
        maintenanceEnabled: z.boolean().default(false),
      }),
    )
    .default([]),
  healthCheck: z
    .strictObject({
      checkTimeout: millis.optional(),
      checkInterval: millis.default(HEALTH_CHECK.checkInterval),
      retries: z.number().int().min(0).max(65535).default(HEALTH_CHECK.retries),
    })
    .default(HEALTH_CHECK),
  httpHealthCheck: z
    .strictObject({
      path: z.string().min(1).default("/"),
      method: z.enum(METHODS).optional(),
      matchType: z.enum(["STATUS_CODE", "RESPONSE_BODY"]),
      response: z.string().min(1),
      regex: z.boolean().optional(),
      negate: z.boolean().optional(),
    })
    .optional(),
  timeoutMinutes: timeoutMinutes(30),
}));

const groupItem = resource({
  name: z.string().optional(),
  algorithm: z.enum(ALGORITHMS),
  protocol: z.enum(["HTTP"]),
  targets: z
    .array(
      z
        .object({ ip: z.string(), port: z.number().int(), weight: z.number().int().nullish(), healthCheckEnabled: z.boolean().nullish(), maintenanceEnabled: z.boolean().nullish() })
        .loose(),
    )
    .nullish(),
  healthCheck: z.object({ checkTimeout: z.number().nullish(), checkInterval: z.number().nullish(), retries: z.number().nullish() }).loose().nullish(),
  httpHealthCheck: z
    .object({
      path: z.string().nullish(),
      method: z.enum(METHODS).nullish(),
      matchType: z.enum(["STATUS_CODE", "RESPONSE_BODY"]),
      response: z.string(),
      regex: z.boolean().nullish(),
      negate: z.boolean().nullish(),
    })
    .loose()
    .nullish(),
});

function outputsOf(group: z.infer<typeof groupItem>, known: Partial<TargetGroupOutputs>): TargetGroupOutputs {
  const p = group.properties;
  const http = p.httpHealthCheck;
  return {
    name: p.name ?? known.name ?? "",
    algorithm: p.algorithm,
    protocol: p.protocol,
    targets: (p.targets ?? []).map((t) => ({
      ip: t.ip,
      port: t.port,
      weight: t.weight ?? 1,
      healthCheckEnabled: t.healthCheckEnabled ?? true,
      maintenanceEnabled: t.maintenanceEnabled ?? false,
    })),
    healthCheck: {
      checkTimeout: p.healthCheck?.checkTimeout ?? undefined,
      checkInterval: p.healthCheck?.checkInterval ?? HEALTH_CHECK.checkInterval,
      retries: p.healthCheck?.retries ?? HEALTH_CHECK.retries,
    },
    httpHealthCheck: http
      ? {
          path: http.path ?? "/",
          method: http.method ?? undefined,
          matchType: http.matchType,
          response: http.response,
          regex: http.regex ?? undefined,
          negate: http.negate ?? undefined,
        }
      : undefined,
    timeoutMinutes: known.timeoutMinutes ?? 30,
    targetGroupId: group.id,
  };
}

const groups = new IonosKind({
  noun: "target group",
  item: groupItem,
  idParts: ["targetGroupId"],
  collection: () => "/targetgroups",
  defaultMinutes: 30,
  outputsOf,
});

const TargetGroupResource = defineResource({
  cloud: ionos,
  kind: "TargetGroup",
  inputs,
  idOutputs: { targetGroupId: String },
  outputNames: ["name", "algorithm", "protocol", "targets", "healthCheck", "httpHealthCheck", "timeoutMinutes", "targetGroupId"],
  autoName: "name",
  // Left out, a group has no HTTP health check: removing it removes the check.
  clearable: ["httpHealthCheck"],
  describe: (values, id) => `target group ${values.name ? `"${values.name}"` : id}`,

  create: (client, wanted, scope) => {
    const { timeoutMinutes: _timeout, ...properties } = wanted;
    return groups.create(client, scope, { parentIds: [], name: wanted.name, body: { properties }, known: wanted });
  },

  read: groups.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      // A PUT of every setting: one left out (the HTTP health check) is removed.
      const { timeoutMinutes, ...properties } = wanted;
      await groups.change(client, scope, id, { operation: "update", method: "PUT", body: { properties }, minutes: timeoutMinutes });
    }
    return groups.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: groups.delete,
});

export interface TargetGroup extends ResourceOutputs<TargetGroupOutputs> {}
export class TargetGroup extends TargetGroupResource {}
