/** Helpers shared by the OVH resources. */
import { z } from "zod";

/** A path whose parameters are percent-encoded: path`/ip/${"192.0.2.0/24"}` is `/ip/192.0.2.0%2F24`. */
export function path(strings: TemplateStringsArray, ...params: (string | number)[]): string {
  return strings.reduce((out, part, i) => out + part + (i < params.length ? encodeURIComponent(String(params[i])) : ""), "");
}


/** A Public Cloud project's id (`serviceName` in OVH's API): changing it replaces the resource. */
export const serviceName = z.string().regex(/^[0-9a-f]{32}$/, "must be a Public Cloud project id (32 hexadecimal characters)");

/** A Public Cloud region, e.g. GRA11, SBG5, BHS5 or EU-WEST-PAR. */
export const cloudRegion = z.string().regex(/^[A-Z][A-Z0-9-]*[0-9A-Z]$/, "must be an OVH Public Cloud region such as GRA11 or BHS5");

export { timeoutMinutes } from "../core/wait";
