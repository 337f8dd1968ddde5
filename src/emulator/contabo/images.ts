/** Images (standard ones, and custom ones downloaded from a URL) and the data-center list. */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Route } from "../server";
import { TENANT, error, isAnswer, notFound, now, ok, page, parseBody, self } from "./answers";
import { REGIONS, STANDARD_IMAGES } from "./catalog";

export interface Image {
  imageId: string;
  name: string;
  description: string;
  url: string;
  osType: string;
  version: string;
  format: "iso" | "qcow2";
  standardImage: boolean;
  creationDate: string;
  lastModifiedDate: string;
  /** When the download started (custom images). */
  downloadStartedAt: number;
}

/** A custom image whose URL contains this fails to download, for tests of the failure path. */
export const FAILING_IMAGE_URL_MARK = "unreachable";
const SIZE_MB = 2048;

export function standardImages(): Map<string, Image> {
  const images = new Map<string, Image>();
  for (const image of STANDARD_IMAGES) {
    images.set(image.imageId, {
      ...image,
      description: "",
      url: "",
      format: "qcow2",
      standardImage: true,
      creationDate: "2024-01-01T00:00:00.000Z",
      lastModifiedDate: "2024-01-01T00:00:00.000Z",
      downloadStartedAt: 0,
    });
  }
  return images;
}

export function imageRoutes(world: {
  images: Map<string, Image>;
  provisioningMs: number;
  tagsOf(resourceType: "image", resourceId: string): { tagId: number; tagName: string }[];
}): Route[] {
  function view(image: Image) {
    const done = image.standardImage || Date.now() - image.downloadStartedAt >= world.provisioningMs;
    const failed = image.url.includes(FAILING_IMAGE_URL_MARK);
    const status = !done ? "downloading" : failed ? "error" : "downloaded";
    const { downloadStartedAt: _internal, ...shown } = image;
    return {
      ...TENANT,
      ...shown,
      sizeMb: SIZE_MB,
      uploadedSizeMb: status === "downloaded" ? SIZE_MB : Math.round((SIZE_MB * (Date.now() - image.downloadStartedAt)) / world.provisioningMs) % SIZE_MB,
      status,
      errorMessage: status === "error" ? `Download of ${image.url} failed: the host could not be reached` : "",
    };
  }
  const custom = (imageId: string) => {
    const image = world.images.get(imageId);
    return image && !image.standardImage ? image : undefined;
  };
  const idAnswer = (image: Image, status: number) =>
    ok(status, { data: [{ ...TENANT, imageId: image.imageId }], ...self(`/v1/compute/images/${image.imageId}`) });

  return [
    {
      method: "GET",
      pattern: /^\/v1\/compute\/images$/,
      handle: (request) => {
        const name = request.query.get("name");
        const standard = request.query.get("standardImage");
        const found = [...world.images.values()].filter(
          (image) => (!name || image.name.includes(name)) && (standard === null || String(image.standardImage) === standard),
        );
        // Only the list shows an image's tags.
        const listed = found.map((image) => ({ ...view(image), tags: world.tagsOf("image", image.imageId) }));
        return page(request, "/v1/compute/images", listed);
      },
    },
    {
      method: "POST",
      pattern: /^\/v1\/compute\/images$/,
      handle: (request) => {
        const body = parseBody(
          request,
          z.object({
            name: z.string().min(1).max(255),
            description: z.string().max(255).optional(),
            url: z.url({ protocol: /^https?$/ }),
            osType: z.enum(["Windows", "Linux"]),
            version: z.string().min(1),
          }),
        );
        if (isAnswer(body)) return body;
        const format = /\.(iso|qcow2)$/i.exec(new URL(body.url).pathname)?.[1].toLowerCase() as Image["format"] | undefined;
        if (!format) return error(415, "Unsupported image format: the URL must point to an .iso or .qcow2 file");
        const image: Image = {
          imageId: randomUUID(),
          ...body,
          description: body.description ?? "",
          format,
          standardImage: false,
          creationDate: now(),
          lastModifiedDate: now(),
          downloadStartedAt: Date.now(),
        };
        world.images.set(image.imageId, image);
        return idAnswer(image, 201);
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/compute\/images\/([^/]+)$/,
      handle: (_request, imageId) => {
        const image = world.images.get(imageId);
        return image ? ok(200, { data: [view(image)], ...self(`/v1/compute/images/${imageId}`) }) : notFound("Image", imageId);
      },
    },
    {
      method: "PATCH",
      pattern: /^\/v1\/compute\/images\/([^/]+)$/,
      handle: (request, imageId) => {
        const image = custom(imageId);
        if (!image) return notFound("Image", imageId);
        const body = parseBody(request, z.object({ name: z.string().min(1).max(255).optional(), description: z.string().max(255).optional() }));
        if (isAnswer(body)) return body;
        Object.assign(image, { name: body.name ?? image.name, description: body.description ?? image.description, lastModifiedDate: now() });
        return idAnswer(image, 200);
      },
    },
    {
      method: "DELETE",
      pattern: /^\/v1\/compute\/images\/([^/]+)$/,
      handle: (_request, imageId) => {
        if (!custom(imageId)) return notFound("Image", imageId);
        world.images.delete(imageId);
        return ok(204);
      },
    },
    {
      method: "GET",
      pattern: /^\/v1\/data-centers$/,
      handle: (request) => {
        const slug = request.query.get("slug");
        const centers = Object.entries(REGIONS).map(([regionSlug, region]) => ({
          ...TENANT,
          name: region.dataCenter,
          slug: region.slug,
          capabilities: ["VPS", "VDS", "Object-Storage", "Private-Networking"],
          s3Url: region.s3Url,
          regionName: region.regionName,
          regionSlug,
        }));
        return page(request, "/v1/data-centers", centers.filter((center) => !slug || center.slug === slug));
      },
    },
  ];
}
