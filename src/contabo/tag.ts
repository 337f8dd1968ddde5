/** `contabo.Tag`: a label with a color, to group instances, images and object storages. */
import { z } from "zod";
import type { RequestContext } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { createAudited } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { colorRule, idPath, listedRead } from "./common";

/** The inputs of a `contabo.Tag`. */
export interface TagArgs {
  /**
   * The tag's name: 1 to 255 letters, numbers, colons, dashes and underscores. Defaults to the
   * resource name. A change renames the tag in place.
   */
  name: string;
  /**
   * The tag's color, as `#RRGGBB` (kept upper-case). A change recolors the tag in place.
   * @default "#0A78C3"
   */
  color?: string;
}

/** The outputs of a `contabo.Tag`. */
export type TagOutputs = Required<TagArgs> & {
  /** The tag's id at Contabo; `id` is the same number as a string. */
  tagId: number;
};

const inputs = documented<TagArgs>()(z.object({
  name: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9:_-]+$/, "may contain only letters, numbers, colons, dashes and underscores"),
  color: colorRule.default("#0A78C3"),
}));

const tagItem = z.object({
  tagId: z.number().int(),
  name: z.string(),
  color: z.string(),
  customerId: z.string(),
  tenantId: z.string(),
});


function outputsOf(tag: z.infer<typeof tagItem>): TagOutputs {
  return { name: tag.name, color: tag.color.toUpperCase(), tagId: tag.tagId };
}

const createdTag = z.object({ tagId: z.number().int() }).loose();

function getTag(client: ContaboClient, context: RequestContext, id: string | number) {
  return client.one(context, "GET", idPath("/v1/tags", id), { item: tagItem });
}


const TagResource = defineResource({
  cloud: contabo,
  kind: "Tag",
  inputs,
  idOutputs: { tagId: Number },
  outputNames: ["name", "color", "tagId"],
  autoName: "name",
  describe: (values, id) => `tag ${values.name ? `"${values.name}"` : id}`,

  async create(client, { name, color }, scope) {
    // The create answers with the tag's id only (CreateTagResponseData); a tag has nothing the API
    // computes, so its outputs are what was sent. One an earlier run made is adopted as it is.
    const created = await createAudited(client, scope, {
      what: "tag",
      title: `create tag "${name}"`,
      path: "/v1/tags",
      body: { name, color },
      item: createdTag,
      idField: "tagId",
      read: (context, id) => getTag(client, context, id),
    });
    const adopted = tagItem.safeParse(created);
    const outputs = adopted.success ? outputsOf(adopted.data) : { name, color, tagId: created.tagId };
    return { id: String(created.tagId), outputs };
  },

  async read(client, id, _olds, scope) {
    const found = await listedRead(client, "/v1/tags", { item: tagItem, idOf: (tag) => tag.tagId, getOne: (one) => getTag(client, scope.context("read tag"), one) })(id);
    return found && outputsOf(found);
  },

  // The update answers with links only: read the tag after it.
  async update(client, id, { name, color }, _olds, _changed, scope) {
    await client.call(scope.context("update tag"), "PATCH", idPath("/v1/tags", id), { name, color });
    return outputsOf(await getTag(client, scope.context("read tag"), id));
  },

  delete: (client, id, _olds, scope) => client.call(scope.context("delete tag"), "DELETE", idPath("/v1/tags", id)),
});

export interface Tag extends ResourceOutputs<TagOutputs> {}
export class Tag extends TagResource {}
