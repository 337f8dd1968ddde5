/**
 * `ovh.CloudS3Credential`: an S3 access key of a Public Cloud user (`ovh.CloudUser`), for OVH's
 * S3-compatible object storage. The access key is an output; its secret, read from OVH with
 * `POST .../s3Credentials/{access}/secret`, is a secret output. Nothing of a credential can
 * change: every change replaces it.
 */
import { z } from "zod";
import { readOrUndefined } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { sendOnce } from "../core/reconcile";
import { type OvhClient, ovh } from "./client";
import type { RequestContext } from "../core/errors";
import { serviceName } from "./common";
import { userPath } from "./cloud-user";

/** The inputs of an `ovh.CloudS3Credential`. */
export interface CloudS3CredentialArgs {
  /**
   * The id of the Public Cloud project of the user (`serviceName` in OVH's API): 32 hexadecimal
   * characters. A change replaces the credential.
   */
  serviceName: string;
  /**
   * The id of the user the credential belongs to: the `userId` of an `ovh.CloudUser` (a positive
   * whole number). A change replaces the credential.
   */
  userId: number;
}

/** The outputs of an `ovh.CloudS3Credential`. */
export type CloudS3CredentialOutputs = Required<CloudS3CredentialArgs> & {
  /** The S3 access key (the access key id). */
  access: string;
  /** The S3 secret key, a Pulumi secret: read from OVH, never in plain text in the state. */
  secret: string;
  /** The OpenStack tenant (project) id of the credential. */
  tenantId: string;
};

const inputs = documented<CloudS3CredentialArgs>()(z.object({
  serviceName,
  userId: z.number().int().positive(),
}));

const credentialItem = z.object({ access: z.string().min(1), tenantId: z.string(), userId: z.string() });
/** The create answer: the schema's `S3CredentialsWithSecret` (the secret is read again when absent). */
const createdItem = credentialItem.extend({ secret: z.string().min(1).optional() });
const secretOnly = z.object({ secret: z.string().min(1) });

const credentialsPath = (project: string, userId: number | string) => `${userPath(project, userId)}/s3Credentials`;
const credentialPath = (project: string, userId: number | string, access: string) =>
  `${credentialsPath(project, userId)}/${encodeURIComponent(access)}`;

/** The secret of an access key: a POST that only reads, safe to repeat. */
const readSecret = (client: OvhClient, context: RequestContext, project: string, userId: number | string, access: string) =>
  client.request(context, "POST", `${credentialPath(project, userId, access)}/secret`, secretOnly, { idempotent: true });

function outputsOf(project: string, userId: number, item: z.infer<typeof credentialItem>, secret: string): CloudS3CredentialOutputs {
  return { serviceName: project, userId, access: item.access, secret, tenantId: item.tenantId };
}

const CloudS3CredentialResource = defineResource({
  cloud: ovh,
  kind: "CloudS3Credential",
  inputs,
  idOutputs: { access: idPart(2) },
  outputNames: ["serviceName", "userId", "access", "secret", "tenantId"],
  replaceOnChange: ["serviceName", "userId"],
  secretOutputs: ["secret"],
  describe: (values, id) => (values.access ? `S3 credential ${values.access}` : id ? `S3 credential ${id}` : `S3 credential of user ${values.userId}`),

  async create(client, wanted, scope) {
    const { serviceName: project, userId } = wanted;
    // A credential has nothing a program chose (the POST has no body): after a lost answer, a key
    // that was not there before the create is the one it made. A process that died after its
    // create cannot be told from any other key of the user (see the README).
    const list = () => client.request(scope.context("list S3 credentials"), "GET", credentialsPath(project, userId), z.array(credentialItem));
    const before = new Set((await list()).map((item) => item.access));
    const made = await sendOnce<z.infer<typeof createdItem>>({
      what: `create S3 credential for user ${userId}`,
      send: () => client.request(scope.context("create S3 credential"), "POST", credentialsPath(project, userId), createdItem),
      find: async () => (await list()).filter((item) => !before.has(item.access)).sort((a, b) => a.access.localeCompare(b.access))[0],
    });
    const secret = made.secret ?? (await readSecret(client, scope.context("read S3 secret"), project, userId, made.access)).secret;
    return { id: `${project}/${userId}/${made.access}`, outputs: outputsOf(project, userId, made, secret) };
  },

  async read(client, id, _olds, scope) {
    const [project, userId, access] = idParts("ovh", id, ["serviceName", "userId", "access"]);
    return readOrUndefined(async () => {
      const item = await client.request(scope.context("read S3 credential"), "GET", credentialPath(project, userId, access), credentialItem);
      const { secret } = await readSecret(client, scope.context("read S3 secret"), project, userId, access);
      return outputsOf(project, Number(userId), item, secret);
    });
  },

  async delete(client, id, _olds, scope) {
    const [project, userId, access] = idParts("ovh", id, ["serviceName", "userId", "access"]);
    await client.call(scope.context("delete S3 credential"), "DELETE", credentialPath(project, userId, access));
  },
});

export interface CloudS3Credential extends ResourceOutputs<CloudS3CredentialOutputs> {}
export class CloudS3Credential extends CloudS3CredentialResource {}
