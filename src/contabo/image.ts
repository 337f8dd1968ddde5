/**
 * `contabo.Image`: a custom image Contabo downloads from a URL (an .iso or .qcow2 file). Creating
 * one waits until the download is done (bounded by `timeoutMinutes`, progress reported) and
 * fails with Contabo's own message when it cannot be downloaded.
 */
import { z } from "zod";
import type { RequestContext } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { timeoutMinutes, waitFor } from "../core/wait";
import { createAudited } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { idPath, listedRead } from "./common";

/** The inputs of a `contabo.Image`. */
export interface ImageArgs {
  /**
   * The image's name: 1 to 255 characters. Defaults to the resource name. A change renames the
   * image in place.
   */
  name: string;
  /**
   * The image's description: at most 255 characters. A change is made in place. Left out, it is
   * not managed: removing it later changes nothing.
   */
  description?: string;
  /**
   * The http or https URL Contabo downloads the image from; its path must end in `.iso` or
   * `.qcow2`. A change replaces the image.
   */
  url: string;
  /** The image's operating system type: `Linux` or `Windows`. A change replaces the image. */
  osType: "Linux" | "Windows";
  /**
   * The operating system's version, for example `3.20`: 1 to 255 characters. A change replaces
   * the image.
   */
  version: string;
  /**
   * How long to wait, in minutes, for Contabo to download the image after a create: more than 0
   * and at most 1440; fractions are allowed (0.5 is 30 s). A change is applied in place and
   * matters only to a later create (a replacement).
   * @default 30
   */
  timeoutMinutes?: number;
}

const inputs = documented<ImageArgs>()(z.object({
  name: z.string().min(1).max(255),
  description: z.string().max(255).optional(),
  url: z
    .url({ protocol: /^https?$/, error: "must be an http or https URL" })
    // A URL that does not parse has its failure above already.
    .refine((url) => !URL.canParse(url) || /\.(iso|qcow2)$/i.test(new URL(url).pathname), "must point to an .iso or .qcow2 file"),
  osType: z.enum(["Linux", "Windows"]),
  version: z.string().min(1).max(255),
  timeoutMinutes: timeoutMinutes(30),
}));

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

/** The outputs of a `contabo.Image`. */
export type ImageOutputs = Required<Omit<ImageArgs, "description">> &
  Pick<ImageArgs, "description"> & {
    /** The image's id at Contabo; `id` is the same string. */
    imageId: string;
    /** The image's file format: `iso` or `qcow2`. */
    format: "iso" | "qcow2";
    /** The image's size, in MB. */
    sizeMb: number;
    /** The image's status at Contabo: `downloaded` once the download is done, `error` when it failed. */
    status: string;
    /** When the image was created, as an ISO 8601 timestamp. */
    creationDate: string;
  };

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

  async read(client, id, olds, scope) {
    // Custom images only: the standard ones are Contabo's.
    const found = await listedRead(client, images, { item: imageItem, idOf: (image) => image.imageId, query: { standardImage: "false" }, getOne: (one) => getImage(client, scope.context("read image"), one) })(id);
    return found && outputsOf(found, olds);
  },

  async update(client, id, wanted, _olds, _changed, scope) {
    await client.call(scope.context("update image"), "PATCH", idPath(images, id), { name: wanted.name, description: wanted.description });
    return outputsOf(await getImage(client, scope.context("read image"), id), wanted);
  },

  delete: (client, id, _olds, scope) => client.call(scope.context("delete image"), "DELETE", idPath(images, id)),
});

export interface Image extends ResourceOutputs<ImageOutputs> {}
export class Image extends ImageResource {}
