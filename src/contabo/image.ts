/**
 * `contabo.Image`: a custom image Contabo downloads from a URL (an .iso or .qcow2 file). Creating
 * one waits until the download is done (bounded by `timeoutMinutes`, progress reported) and
 * fails with Contabo's own message when it cannot be downloaded.
 */
import { z } from "zod";
import { type RequestContext, readOrUndefined } from "../core/errors";
import { type ResourceOutputs, defineResource } from "../core/kit";
import { timeoutMinutes, waitFor } from "../core/wait";
import { createAudited } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { idPath } from "./common";

const inputs = z.object({
  /** Defaults to the resource name. */
  name: z.string().min(1).max(255),
  description: z.string().max(255).optional(),
  /** Where Contabo downloads the image from; changing it replaces the image. */
  url: z
    .url({ protocol: /^https?$/, error: "must be an http or https URL" })
    // A URL that does not parse has its failure above already.
    .refine((url) => !URL.canParse(url) || /\.(iso|qcow2)$/i.test(new URL(url).pathname), "must point to an .iso or .qcow2 file"),
  osType: z.enum(["Linux", "Windows"]),
  version: z.string().min(1).max(255),
  /** How long to wait for the download. */
  timeoutMinutes: timeoutMinutes(30),
});

export const imageItem = z.object({
  imageId: z.string(),
  name: z.string(),
  description: z.string(),
  url: z.string(),
  osType: z.string(),
  version: z.string(),
  format: z.enum(["iso", "qcow2"]),
  sizeMb: z.number(),
  uploadedSizeMb: z.number(),
  status: z.string(),
  errorMessage: z.string(),
  standardImage: z.boolean(),
  creationDate: z.string(),
});
type ImageItem = z.infer<typeof imageItem>;
type Inputs = z.output<typeof inputs>;

export type ImageArgs = z.input<typeof inputs>;
export type ImageOutputs = Inputs & Pick<ImageItem, "imageId" | "format" | "sizeMb" | "status" | "creationDate">;

const images = "/v1/compute/images";

function outputsOf(item: ImageItem, known: Partial<Inputs>): ImageOutputs {
  return {
    name: item.name,
    description: item.description || undefined,
    url: item.url,
    osType: item.osType as Inputs["osType"],
    version: item.version,
    timeoutMinutes: known.timeoutMinutes ?? 30,
    imageId: item.imageId,
    format: item.format,
    sizeMb: item.sizeMb,
    status: item.status,
    creationDate: item.creationDate,
  };
}

function getImage(client: ContaboClient, context: RequestContext, id: string) {
  return client.one(context, "GET", idPath(images, id), { item: imageItem });
}

const ImageResource = defineResource({
  cloud: contabo,
  kind: "Image",
  inputs,
  idOutputs: { imageId: String },
  outputNames: ["name", "description", "url", "osType", "version", "timeoutMinutes", "imageId", "format", "sizeMb", "status", "creationDate"],
  replaceOnChange: ["url", "osType", "version"],
  autoName: "name",
  describe: (values, id) => `image ${values.name ? `"${values.name}"` : id}`,

  async create(client, wanted, scope) {
    const { timeoutMinutes, ...body } = wanted;
    const { imageId } = await createAudited(client, scope, {
      what: "image",
      title: `create image "${wanted.name}"`,
      path: images,
      body,
      item: z.object({ imageId: z.string() }).loose(),
      idField: "imageId",
      read: (context, id) => getImage(client, context, id),
    });
    // From here on the image exists: a failed read or wait must not lose it from the state.
    scope.created(imageId, { ...wanted, imageId });
    scope.created(imageId, outputsOf(await getImage(client, scope.context("read image"), imageId), wanted));
    const downloaded = await waitFor({
      context: scope.context("wait for image download"),
      waitingFor: "status downloaded",
      poll: () => getImage(client, scope.context("read image status"), imageId),
      isDone: (item) => item.status === "downloaded",
      failure: (item) => (item.status === "error" ? `the download failed: ${item.errorMessage || "no message"}` : undefined),
      describe: (item) => `${item.status}, ${item.uploadedSizeMb} of ${item.sizeMb} MB`,
      timeoutMs: timeoutMinutes * 60_000,
      howToRaise: "the image's timeoutMinutes input",
      pacing: { maxIntervalMs: 10_000 },
    });
    return { id: imageId, outputs: outputsOf(downloaded, wanted) };
  },

  read: (client, id, olds, scope) => readOrUndefined(async () => outputsOf(await getImage(client, scope.context("read image"), id), olds)),

  async update(client, id, wanted, _olds, _changed, scope) {
    await client.call(scope.context("update image"), "PATCH", idPath(images, id), { name: wanted.name, description: wanted.description });
    return outputsOf(await getImage(client, scope.context("read image"), id), wanted);
  },

  delete: (client, id, _olds, scope) => client.call(scope.context("delete image"), "DELETE", idPath(images, id)),
});

export interface Image extends ResourceOutputs<ImageOutputs> {}
export class Image extends ImageResource {}
