/** Virtual IPs bought with the account, assigned to an instance or a bare-metal server. */
import { randomUUID } from "node:crypto";
import type { Route } from "../server";
import { TENANT, error, notFound, ok, page } from "./answers";
import { REGIONS } from "./catalog";

export interface Vip {
  vipId: string;
  ip: string;
  region: string;
  type: "additional" | "floating";
  assigned?: { resourceType: "instances" | "bare-metal"; resourceId: string };
}

/** Two floating IPs in the EU, as if bought in the customer panel (the API cannot order them). */
export function purchasedVips(): Map<string, Vip> {
  const vips = ["203.0.113.200", "203.0.113.201"].map((ip): Vip => ({ vipId: randomUUID(), ip, region: "EU", type: "floating" }));
  return new Map(vips.map((vip) => [vip.ip, vip]));
}

export function vipRoutes(world: {
  vips: Map<string, Vip>;
  instanceNames(instanceId: number): { name: string; displayName: string; region: string } | undefined;
}): Route[] {
  const view = (vip: Vip) => {
    const instance = vip.assigned && world.instanceNames(Number(vip.assigned.resourceId));
    return {
      ...TENANT,
      vipId: vip.vipId,
      dataCenter: REGIONS[vip.region].dataCenter,
      region: REGIONS[vip.region].regionName,
      resourceId: vip.assigned?.resourceId ?? "",
      resourceType: vip.assigned?.resourceType ?? "null",
      resourceName: instance?.name ?? "",
      resourceDisplayName: instance?.displayName ?? "",
      ipVersion: "v4",
      type: vip.type,
      v4: { ip: vip.ip, gateway: "203.0.113.1", netmaskCidr: 32, broadcast: vip.ip, net: `${vip.ip}/32` },
    };
  };
  const assignment = /^\/v1\/vips\/([^/]+)\/(instances|bare-metal)\/(\d+)$/;

  return [
    {
      method: "GET",
      pattern: /^\/v1\/vips$/,
      handle: (request) => {
        const q = (name: string) => request.query.get(name);
        const found = [...world.vips.values()].filter(
          (vip) => (!q("ip") || vip.ip === q("ip")) && (!q("resourceId") || vip.assigned?.resourceId === q("resourceId")),
        );
        return page(request, "/v1/vips", found.map(view));
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/vips\/([^/]+)$/,
      handle: (_request, ip) => {
        const vip = world.vips.get(ip);
        return vip ? ok(200, { data: [view(vip)], _links: { self: `/v1/vips/${ip}` } }) : notFound("Vip", ip);
      },
    },
    {
      method: "POST",
      pattern: assignment,
      handle: (request, ip, resourceType, resourceId) => {
        // The spec declares no request body (Prism answers 415 to one); cntb sends none.
        if (request.body) return error(415, "Unsupported Media Type: assigning a VIP takes no request body");
        const vip = world.vips.get(ip);
        if (!vip) return notFound("Vip", ip);
        const instance = world.instanceNames(Number(resourceId));
        if (resourceType !== "instances" || !instance) return notFound(resourceType, resourceId);
        if (vip.assigned) return error(409, `VIP ${ip} is already assigned to ${vip.assigned.resourceType} ${vip.assigned.resourceId}`);
        if (instance.region !== vip.region) return error(400, `VIP ${ip} is in region ${vip.region}, the instance in ${instance.region}`);
        vip.assigned = { resourceType, resourceId };
        return ok(200, { data: [view(vip)], _links: { self: `/v1/vips/${ip}` } });
      },
    },
    {
      method: "DELETE",
      pattern: assignment,
      handle: (_request, ip, resourceType, resourceId) => {
        const vip = world.vips.get(ip);
        if (!vip) return notFound("Vip", ip);
        if (vip.assigned?.resourceType !== resourceType || vip.assigned.resourceId !== resourceId) {
          return error(404, `VIP ${ip} is not assigned to ${resourceType} ${resourceId}`);
        }
        vip.assigned = undefined;
        return ok(204);
      },
    },
  ];
}
