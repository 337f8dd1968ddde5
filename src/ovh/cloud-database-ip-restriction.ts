/**
 * `ovh.CloudDatabaseIpRestriction`: an IP block allowed to reach a managed PostgreSQL or MySQL
 * service (`/cloud/project/{serviceName}/database/{engine}/{clusterId}/ipRestriction`). The
 * description changes in place; the block replaces it. A create or a change waits until the
 * restriction is READY, a delete until it is gone. The block is unique in its service: the
 * restriction of that block is the one an earlier run made.
 */
import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";
import { readOrUndefined, type RequestContext } from "../core/errors";
import { type OperationScope, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { createOnce } from "../core/reconcile";
import { waitFor } from "../core/wait";
import { type OvhClient, ovh } from "./client";
import { path, serviceName, timeoutMinutes } from "./common";
import { clusterIdInput, databaseEngine } from "./cloud-database";

/** The inputs of an `ovh.CloudDatabaseIpRestriction`. */
export interface CloudDatabaseIpRestrictionArgs {
  /**
   * The id of the Public Cloud project of the service (`serviceName` in OVH's API): 32
   * hexadecimal characters. A change replaces the restriction.
   */
  serviceName: string;
  /** The service's engine, `postgresql` or `mysql` (the `engine` of its `ovh.CloudDatabase`). A change replaces the restriction. */
  engine: "postgresql" | "mysql";
  /** The service's id: the `clusterId` of an `ovh.CloudDatabase` (a UUID). A change replaces the restriction. */
  clusterId: string;
  /**
   * The IP block allowed in, as a CIDR, e.g. `203.0.113.0/24` or `2001:db8::/48`; a lone address
   * is its /32 (or /128), and is kept so. A change replaces the restriction.
   */
  ip: string;
  /**
   * What the block is: at most 255 characters.
   * @default ""
   */
  description?: string;
  /**
   * How long to wait for the restriction to be READY after a create or a change, and to be gone
   * after a delete, in minutes: more than 0, at most 1440 (fractions allowed). A change takes
   * effect in place, at the next wait.
   * @default 10
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ovh.CloudDatabaseIpRestriction`. */
export type CloudDatabaseIpRestrictionOutputs = Required<CloudDatabaseIpRestrictionArgs> & {
  /** The restriction's status at OVH, e.g. CREATING, UPDATING or READY. */
  status: string;
};

/** A CIDR block, a lone address becoming its /32 or /128. */
const ipBlock = z.string().transform((text, ctx) => {
  const [base, bits, ...rest] = text.trim().split("/");
  const v4 = isIPv4(base);
  const max = v4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (rest.length > 0 || (!v4 && !isIPv6(base)) || !(prefix >= 0 && prefix <= max)) {
    ctx.addIssue({ code: "custom", message: "must be an IP block as a CIDR, e.g. 203.0.113.0/24 or 2001:db8::/48, or a lone IP address" });
    return z.NEVER;
  }
  return `${base}/${prefix}`;
});

const inputs = documented<CloudDatabaseIpRestrictionArgs>()(z.object({
  serviceName,
  engine: databaseEngine,
  clusterId: clusterIdInput,
  ip: ipBlock,
  description: z.string().max(255).default(""),
  timeoutMinutes: timeoutMinutes(10),
}));

const restrictionItem = z.object({ ip: z.string(), description: z.string(), status: z.string() }).loose();
type RestrictionItem = z.infer<typeof restrictionItem>;

const restrictionsPath = (project: string, engine: string, clusterId: string) =>
  path`/cloud/project/${project}/database/${engine}/${clusterId}/ipRestriction`;
/** The block is percent-encoded in the path (`203.0.113.0%2F24`). */
const restrictionPath = (project: string, engine: string, clusterId: string, ip: string) =>
  path`/cloud/project/${project}/database/${engine}/${clusterId}/ipRestriction/${ip}`;

/** The id is `<serviceName>/<engine>/<clusterId>/<ip>`, the block's own `/` included. */
function placeOf(id: string): [string, string, string, string] {
  const [project, engine, clusterId, ...block] = id.split("/");
  if (!project || !engine || !clusterId || block.length < 1 || block.length > 2 || block.some((part) => part === "")) {
    throw new Error(`ovh: "${id}" is not a valid id here: expected serviceName/engine/clusterId/ip`);
  }
  return [project, engine, clusterId, block.join("/")];
}

function outputsOf(place: [string, string, string, string], item: RestrictionItem, known: Partial<CloudDatabaseIpRestrictionOutputs>): CloudDatabaseIpRestrictionOutputs {
  const [project, engine, clusterId, ip] = place;
  return {
    serviceName: project,
    engine: engine as CloudDatabaseIpRestrictionOutputs["engine"],
    clusterId,
    ip: item.ip.includes("/") ? item.ip : ip,
    description: item.description,
    timeoutMinutes: known.timeoutMinutes ?? 10,
    status: item.status,
  };
}

function getRestriction(client: OvhClient, context: RequestContext, place: [string, string, string, string]) {
  return client.request(context, "GET", restrictionPath(...place), restrictionItem);
}

function waitForRestriction(client: OvhClient, scope: OperationScope, place: [string, string, string, string], gone: boolean, minutes: number) {
  return waitFor({
    context: scope.context(gone ? "wait for IP restriction to be deleted" : "wait for IP restriction to be READY"),
    waitingFor: gone ? "the restriction to be gone" : "status READY",
    poll: () => readOrUndefined(() => getRestriction(client, scope.context("read IP restriction status"), place)),
    kind: `ovh: database IP restriction ${gone ? "delete" : "change"}`,
    isDone: (item) => (gone ? item === undefined : item?.status === "READY"),
    failure: (item) => (!gone && item === undefined ? "the restriction is gone" : undefined),
    describe: (item) => item?.status ?? "gone",
    timeoutMs: minutes * 60_000,
    howToRaise: "the IP restriction's timeoutMinutes input",
  });
}

const CloudDatabaseIpRestrictionResource = defineResource({
  cloud: ovh,
  kind: "CloudDatabaseIpRestriction",
  inputs,
  outputNames: ["serviceName", "engine", "clusterId", "ip", "description", "timeoutMinutes", "status"],
  replaceOnChange: ["serviceName", "engine", "clusterId", "ip"],
  describe: (values, id) => `database IP restriction ${values.ip ?? id}`,

  async create(client, wanted, scope) {
    const place: [string, string, string, string] = [wanted.serviceName, wanted.engine, wanted.clusterId, wanted.ip];
    const created = await createOnce({
      what: `allow ${wanted.ip} into database service ${wanted.clusterId}`,
      send: () =>
        client.request(scope.context("create IP restriction"), "POST", restrictionsPath(wanted.serviceName, wanted.engine, wanted.clusterId), restrictionItem, {
          body: { ip: wanted.ip, description: wanted.description },
        }),
      // A block is allowed once per service: the one there is the one this create made.
      find: async () => {
        const blocks = await client.request(scope.context("look up IP restriction"), "GET", restrictionsPath(wanted.serviceName, wanted.engine, wanted.clusterId), z.array(z.string()));
        if (!blocks.includes(wanted.ip)) return undefined;
        const found = await readOrUndefined(() => getRestriction(client, scope.context("read IP restriction"), place));
        return found && found.status !== "DELETING" ? found : undefined;
      },
    });
    const id = place.join("/");
    scope.created(id, outputsOf(place, created, wanted));
    if (created.description !== wanted.description) {
      await client.call(scope.context("describe IP restriction"), "PUT", restrictionPath(...place), { body: { description: wanted.description } });
    }
    const ready = await waitForRestriction(client, scope, place, false, wanted.timeoutMinutes);
    return { id, outputs: outputsOf(place, ready!, wanted) };
  },

  async read(client, id, olds, scope) {
    const place = placeOf(id);
    const item = await readOrUndefined(() => getRestriction(client, scope.context("read IP restriction"), place));
    return item && item.status !== "DELETING" ? outputsOf(place, item, olds) : undefined;
  },

  // Also called with nothing changed after a create whose wait failed: the wait is resumed.
  async update(client, id, wanted, _olds, changed, scope) {
    const place = placeOf(id);
    if (changed.includes("description")) {
      await waitForRestriction(client, scope, place, false, wanted.timeoutMinutes);
      await client.call(scope.context("describe IP restriction"), "PUT", restrictionPath(...place), { body: { description: wanted.description } });
    }
    return outputsOf(place, (await waitForRestriction(client, scope, place, false, wanted.timeoutMinutes))!, wanted);
  },

  async delete(client, id, olds, scope) {
    const place = placeOf(id);
    await client.call(scope.context("delete IP restriction"), "DELETE", restrictionPath(...place));
    await waitForRestriction(client, scope, place, true, olds.timeoutMinutes ?? 10);
  },
});

export interface CloudDatabaseIpRestriction extends ResourceOutputs<CloudDatabaseIpRestrictionOutputs> {}
export class CloudDatabaseIpRestriction extends CloudDatabaseIpRestrictionResource {}
