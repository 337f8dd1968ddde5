/**
 * Read-only lookups for Pulumi programs: plain async functions that keep no state, e.g.
 * `const ubuntu = await contabo.getImage({ name: "ubuntu-24.04" })`. They run in the program's
 * process and take the same credentials as the resources (stack config, then environment).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { RequestContext } from "../core/errors";
import { setStackConfig } from "../core/settings";
import { type ContaboClient, contaboClient } from "./client";
import { imageItem } from "./image";
import { instanceItem } from "./instance";

const dataCenterItem = z.object({
  name: z.string(),
  slug: z.string(),
  capabilities: z.array(z.string()),
  s3Url: z.string(),
  regionName: z.string(),
  regionSlug: z.string(),
});

export type DataCenter = z.infer<typeof dataCenterItem>;
export type ImageInfo = Pick<z.infer<typeof imageItem>, "imageId" | "name" | "osType" | "version" | "standardImage" | "status">;
export interface InstanceInfo {
  instanceId: number;
  displayName: string;
  status: string;
  productId: string;
  region: string;
  ipv4: string;
  ipv6: string;
}

/** The client, with the program's stack config as the first source of settings. */
function programClient(): ContaboClient {
  setStackConfig((key) => pulumi.runtime.getConfig(key));
  return contaboClient();
}

const lookup = (what: string): RequestContext => ({ cloud: "contabo", operation: `look up ${what}` });

/** Exactly one match, or an error that says what was looked for and what was found. */
function single<T>(what: string, found: T[]): T {
  if (found.length === 1) return found[0];
  throw new Error(`contabo: look up ${what} failed: ${found.length === 0 ? "nothing matches" : `${found.length} match, expected one`}`);
}

/** Every data center, with its region and capabilities (e.g. `Object-Storage`). */
export async function getDataCenters(): Promise<DataCenter[]> {
  return programClient().list(lookup("data centers"), "/v1/data-centers", { item: dataCenterItem });
}

/** The image with exactly this name (standard or custom), e.g. `ubuntu-24.04`. */
export async function getImage(args: { name: string; standardImage?: boolean }): Promise<ImageInfo> {
  const what = `image "${args.name}"`;
  const images = await programClient().list(lookup(what), "/v1/compute/images", {
    query: { name: args.name, standardImage: args.standardImage === undefined ? undefined : String(args.standardImage) },
    item: imageItem,
  });
  const { imageId, name, osType, version, standardImage, status } = single(what, images.filter((image) => image.name === args.name));
  return { imageId, name, osType, version, standardImage, status };
}

/** The instance with exactly this display name (cancelled ones included). */
export async function getInstance(args: { displayName: string }): Promise<InstanceInfo> {
  const what = `instance "${args.displayName}"`;
  const instances = await programClient().list(lookup(what), "/v1/compute/instances", {
    query: { displayName: args.displayName },
    item: instanceItem,
  });
  const found = single(what, instances.filter((instance) => instance.displayName === args.displayName));
  return {
    instanceId: found.instanceId,
    displayName: found.displayName,
    status: found.status,
    productId: found.productId,
    region: found.region,
    ipv4: found.ipConfig.v4.ip,
    ipv6: String(found.ipConfig.v6.ip),
  };
}
