/**
 * `ionos.S3Key`: an S3 (Object Storage) access key of a user (`/um/users/{userId}/s3keys`): the
 * key's id is the access key, `secretKey` its secret. A user may have at most five.
 */
import { z } from "zod";
import { idPart } from "../core/ids";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, apiPath, resource, timeoutMinutes } from "./common";

/** The inputs of an `ionos.S3Key`. */
export interface S3KeyArgs {
  /** The id of the user the key belongs to (`ionos.User`'s `userId`). A change replaces the key (a new secret). */
  userId: string;
  /**
   * Whether the key may be used; an inactive key is refused by Object Storage. A change applies in place.
   * @default true
   */
  active?: boolean;
  /**
   * How long, in minutes, each wait for an IONOS request of this key (its create, update or
   * delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.S3Key`. */
export type S3KeyOutputs = Required<S3KeyArgs> & {
  /** The key's id at IONOS, which is the S3 access key id; `id` is `<userId>/<keyId>`. */
  keyId: string;
  /**
   * The key's secret (a Pulumi secret), as IONOS gives it with the key; kept from the state when a
   * read does not carry it.
   */
  secretKey: string;
};

const inputs = documented<S3KeyArgs>()(z.object({
  userId: z.string().min(1),
  active: z.boolean().default(true),
  timeoutMinutes: timeoutMinutes(30),
}));

const keyItem = resource({ active: z.boolean().nullish(), secretKey: z.string().nullish() });

function outputsOf(key: z.infer<typeof keyItem>, known: Partial<S3KeyOutputs>, ids: Record<string, string>): S3KeyOutputs {
  return {
    userId: ids.userId,
    active: key.properties.active ?? true,
    timeoutMinutes: known.timeoutMinutes ?? 30,
    keyId: key.id,
    secretKey: key.properties.secretKey ?? known.secretKey ?? "",
  };
}

const keys = new IonosKind({
  noun: "S3 key",
  item: keyItem,
  idParts: ["userId", "keyId"],
  collection: (userId) => apiPath("um", "users", userId, "s3keys"),
  defaultMinutes: 30,
  outputsOf,
});

const S3KeyResource = defineResource({
  cloud: ionos,
  kind: "S3Key",
  inputs,
  idOutputs: { userId: idPart(0), keyId: idPart(1) },
  outputNames: ["userId", "active", "timeoutMinutes", "keyId", "secretKey"],
  replaceOnChange: ["userId"],
  secretOutputs: ["secretKey"],
  describe: (values, id) => (values.keyId ? `S3 key ${values.keyId}` : id ? `S3 key ${id}` : `S3 key of user ${values.userId}`),

  async create(client, wanted, scope) {
    // The POST has no body: a new key is active, and made inactive by a PUT.
    const created = await keys.create(client, scope, { parentIds: [wanted.userId], name: `of user ${wanted.userId}`, body: undefined, known: wanted });
    if (created.outputs.active === wanted.active) return created;
    const body = { properties: { active: wanted.active } };
    await keys.change(client, scope, created.id, { operation: "deactivate", method: "PUT", body, minutes: wanted.timeoutMinutes });
    return { id: created.id, outputs: await keys.outputs(client, scope, created.id, created.outputs) };
  },

  read: keys.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      const body = { properties: { active: wanted.active } };
      await keys.change(client, scope, id, { operation: "update", method: "PUT", body, minutes: wanted.timeoutMinutes });
    }
    return keys.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: keys.delete,
});

export interface S3Key extends ResourceOutputs<S3KeyOutputs> {}
export class S3Key extends S3KeyResource {}
