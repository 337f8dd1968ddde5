/**
 * `contabo.TagAssignment`: a tag carried by an instance, image or object storage. Every input
 * replaces the assignment; its id is `<tagId>/<resourceType>/<resourceId>`, so `get` adopts an
 * existing assignment by that id. The outputs are the inputs: the tag's and the resource's names
 * belong to those resources (as outputs here they would drift whenever one is renamed).
 */
import { z } from "zod";
import { readOrUndefined } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { idParts } from "../core/ids";
import { createOnce } from "../core/reconcile";
import { createdByKey } from "./audits";
import { contabo } from "./client";
import { numericId } from "./common";

const RESOURCE_TYPES = ["instance", "image", "object-storage"] as const;

/** The inputs of a `contabo.TagAssignment`. */
export interface TagAssignmentArgs {
  /** The id of the `contabo.Tag` to assign: a positive integer. A change replaces the assignment. */
  tagId: number;
  /**
   * The kind of resource that carries the tag: `instance`, `image` or `object-storage`. A change
   * replaces the assignment.
   */
  resourceType: "instance" | "image" | "object-storage";
  /**
   * The id of that resource: an instance id (a positive integer), or an image or object storage
   * id (1 to 255 characters). Kept as a string. A change replaces the assignment.
   */
  resourceId: number | string;
}

/** The outputs of a `contabo.TagAssignment`: the inputs. */
export type TagAssignmentOutputs = Omit<TagAssignmentArgs, "resourceId"> & {
  /** The id of the resource that carries the tag, as a string. */
  resourceId: string;
};

const inputs = documented<TagAssignmentArgs>()(z.object({
  tagId: numericId,
  resourceType: z.enum(RESOURCE_TYPES),
  resourceId: z.union([numericId, z.string().min(1).max(255)]).transform(String),
}));

const assignmentItem = z.object({
  tagId: z.number().int(),
  tagName: z.string(),
  resourceType: z.enum(RESOURCE_TYPES),
  resourceId: z.string(),
  resourceName: z.string(),
});

const outputsOf = ({ tagId, resourceType, resourceId }: z.infer<typeof assignmentItem>): TagAssignmentOutputs => ({
  tagId,
  resourceType,
  resourceId,
});

const pathOf = ({ tagId, resourceType, resourceId }: z.output<typeof inputs>) =>
  `/v1/tags/${tagId}/assignments/${resourceType}/${encodeURIComponent(resourceId)}`;

/** The parts of an assignment id, `<tagId>/<resourceType>/<resourceId>`. */
function parseId(id: string): z.output<typeof inputs> {
  const [tagId, resourceType, resourceId] = idParts("contabo", id, ["tagId", "resourceType", "resourceId"]);
  return inputs.parse({ tagId: Number(tagId), resourceType, resourceId });
}

const TagAssignmentResource = defineResource({
  cloud: contabo,
  kind: "TagAssignment",
  inputs,
  outputNames: ["tagId", "resourceType", "resourceId"],
  replaceOnChange: ["tagId", "resourceType", "resourceId"],
  describe: (values, id) =>
    values.tagId ? `tag assignment ${values.tagId} → ${values.resourceType} ${values.resourceId}` : `tag assignment ${id}`,

  async create(client, wanted, scope) {
    const path = pathOf(wanted);
    const read = () => client.one(scope.context("read tag assignment"), "GET", path, { item: assignmentItem });
    const assignment = await createOnce({
      what: `assign tag ${wanted.tagId} to ${wanted.resourceType} ${wanted.resourceId}`,
      // The create answers with links only: read the assignment after it.
      send: async () => {
        await client.call(scope.context("assign tag"), "POST", path, undefined, { requestId: scope.createKey });
        return read();
      },
      // Found by the key, not by the assignment alone: one made outside this resource is refused (409).
      find: () =>
        createdByKey(client, scope, {
          what: "tag assignment",
          audits: "/v1/tags/assignments/audits",
          idField: "tagId",
          readLive: () => readOrUndefined(read),
        }),
    });
    return { id: `${wanted.tagId}/${wanted.resourceType}/${wanted.resourceId}`, outputs: outputsOf(assignment) };
  },

  read: (client, id, _olds, scope) =>
    readOrUndefined(async () =>
      outputsOf(await client.one(scope.context("read tag assignment"), "GET", pathOf(parseId(id)), { item: assignmentItem })),
    ),

  delete: (client, id, _olds, scope) => client.call(scope.context("remove tag assignment"), "DELETE", pathOf(parseId(id))),
});

export interface TagAssignment extends ResourceOutputs<TagAssignmentOutputs> {}
export class TagAssignment extends TagAssignmentResource {}
