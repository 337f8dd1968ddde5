/**
 * `contabo.VipAssignment`: a virtual IP of the account (bought in the customer panel: the API
 * cannot order one) assigned to an instance or a bare-metal server. Every input replaces the
 * assignment. Its id is the IP: a VIP is assigned to one server at a time.
 */
import { isIPv4 } from "node:net";
import { z } from "zod";
import { type RequestContext, readOrUndefined } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { createOnce } from "../core/reconcile";
import { createdByKey } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { numericId } from "./common";

/** The inputs of a `contabo.VipAssignment`. */
export interface VipAssignmentArgs {
  /**
   * The virtual IP to assign: an IPv4 address of a VIP of the account, bought in Contabo's
   * customer panel. It is the assignment's id. A change replaces the assignment, unassigning the
   * old one first.
   */
  ip: string;
  /**
   * The kind of server: `instances` or `bare-metal`. A change replaces the assignment, unassigning
   * the old one first.
   * @default "instances"
   */
  resourceType?: "instances" | "bare-metal";
  /**
   * The id of the instance or bare-metal server: a positive integer. A change replaces the
   * assignment: the VIP is freed first, then assigned to the new server.
   */
  resourceId: number;
}

/** The outputs of a `contabo.VipAssignment`. */
export type VipAssignmentOutputs = Required<VipAssignmentArgs> & {
  /** The VIP's id at Contabo (a UUID); the resource's `id` is the IP. */
  vipId: string;
  /** The region of the VIP, e.g. `European Union (Germany)`. */
  region: string;
  /** The data center of the VIP, e.g. `European Union (Germany) 3`. */
  dataCenter: string;
};

const inputs = documented<VipAssignmentArgs>()(z.object({
  ip: z.string().refine(isIPv4, "must be an IPv4 address"),
  resourceType: z.enum(["instances", "bare-metal"]).default("instances"),
  resourceId: numericId,
}));

const vipItem = z.object({
  vipId: z.string(),
  resourceId: z.string(),
  resourceType: z.string().optional(),
  region: z.string(),
  dataCenter: z.string(),
  type: z.string().optional(),
});

type Inputs = z.output<typeof inputs>;

const vipPath = (ip: string) => `/v1/vips/${encodeURIComponent(ip)}`;

/** The assignment as it stands, or undefined when the VIP is not assigned to that server (any more). */
async function readAssignment(client: ContaboClient, context: RequestContext, ip: string, wanted?: Partial<Inputs>) {
  const vip = await client.one(context, "GET", vipPath(ip), { item: vipItem });
  const resourceType = vip.resourceType === "bare-metal" ? "bare-metal" : "instances";
  if (!vip.resourceId || (wanted?.resourceId !== undefined && vip.resourceId !== String(wanted.resourceId))) return undefined;
  return { ip, resourceType, resourceId: Number(vip.resourceId), vipId: vip.vipId, region: vip.region, dataCenter: vip.dataCenter } as const;
}

const VipAssignmentResource = defineResource({
  cloud: contabo,
  kind: "VipAssignment",
  inputs,
  outputNames: ["ip", "resourceType", "resourceId", "vipId", "region", "dataCenter"],
  replaceOnChange: ["ip", "resourceType", "resourceId"],
  // A VIP is assigned to one server at a time: moving it frees it first.
  deleteBeforeReplace: true,
  describe: (values, id) => `VIP ${values.ip ?? id}`,

  async create(client, wanted, scope) {
    const path = `${vipPath(wanted.ip)}/${wanted.resourceType}/${wanted.resourceId}`;
    const read = () => readAssignment(client, scope.context("read VIP"), wanted.ip, wanted);
    const assigned = await createOnce({
      what: `assign VIP ${wanted.ip} to ${wanted.resourceType} ${wanted.resourceId}`,
      send: async () => {
        // The live API refuses an assignment without a body, although the spec documents none.
        // No body, as the spec and Contabo's own cntb client (AssignIp) send it.
        await client.call(scope.context("assign VIP"), "POST", path, undefined, { requestId: scope.createKey });
        return read();
      },
      // Found by the key, not by the assignment alone: one made outside this resource is refused (409).
      find: () =>
        createdByKey(client, scope, { what: "VIP assignment", audits: "/v1/vips/audits", idField: "vipId", readLive: read }),
    });
    if (!assigned) throw new Error(`contabo: assign VIP ${wanted.ip} failed: the VIP is not assigned after the API accepted it`);
    return { id: wanted.ip, outputs: assigned };
  },

  read: (client, id, olds, scope) => readOrUndefined(() => readAssignment(client, scope.context("read VIP"), id, olds)),

  delete: (client, id, olds, scope) =>
    client.call(scope.context("unassign VIP"), "DELETE", `${vipPath(id)}/${olds.resourceType}/${olds.resourceId}`),
});

export interface VipAssignment extends ResourceOutputs<VipAssignmentOutputs> {}
export class VipAssignment extends VipAssignmentResource {}
