/**
 * `contabo.Secret`: a password or SSH key kept by Contabo, referenced by id from instances
 * (`rootPassword`, `sshKeys`). The value is a Pulumi secret in inputs and outputs.
 */
import { z } from "zod";
import type { RequestContext } from "../core/errors";
import { type CheckFailure, type ResourceOutputs, defineResource, documented } from "../core/kit";
import { createAudited } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { idPath, listedRead } from "./common";

const PASSWORD_SPECIALS = "!@#$^&*?_~";

/** The inputs of a `contabo.Secret`. */
export interface SecretArgs {
  /**
   * The secret's name: 1 to 255 characters. Defaults to the resource name. A change renames the
   * secret in place.
   */
  name: string;
  /**
   * What the secret holds: `password` or `ssh` (an SSH public key). A change replaces the
   * secret.
   */
  type: "password" | "ssh";
  /**
   * The password or the SSH key: 8 to 500 characters. A password needs an upper and a lower case
   * letter and either one digit and two of `!@#$^&*?_~` or three digits and one of them (checked
   * at preview). Stored as a Pulumi secret, in the inputs and the outputs. A change updates the
   * secret in place.
   */
  value: string;
}

/** The outputs of a `contabo.Secret`: the inputs, with `value` a Pulumi secret. */
export type SecretOutputs = Required<SecretArgs> & {
  /** The secret's id at Contabo; `id` is the same number as a string. */
  secretId: number;
  /** When the secret was created, as an ISO 8601 date and time. */
  createdAt: string;
  /** When the secret was last changed, as an ISO 8601 date and time. */
  updatedAt: string;
};

const inputs = documented<SecretArgs>()(z.object({
  name: z.string().min(1).max(255),
  type: z.enum(["password", "ssh"]),
  value: z.string().min(8).max(500),
}));

/** Contabo's password rule, as its API documents it (the regular expression there is mangled). */
export function passwordProblem(value: string): string | undefined {
  const count = (pattern: RegExp) => (value.match(pattern) ?? []).length;
  const specials = [...value].filter((c) => PASSWORD_SPECIALS.includes(c)).length;
  const digits = count(/[0-9]/g);
  const cases = count(/[A-Z]/g) > 0 && count(/[a-z]/g) > 0;
  const mix = (digits >= 1 && specials >= 2) || (digits >= 3 && specials >= 1);
  if (value.length >= 8 && cases && mix) return undefined;
  return (
    "a password needs at least 8 characters, an upper and a lower case letter, and either one digit " +
    `and two of ${PASSWORD_SPECIALS} or three digits and one of ${PASSWORD_SPECIALS}`
  );
}

const secretItem = z.object({
  secretId: z.number().int(),
  name: z.string(),
  type: z.enum(["password", "ssh"]),
  value: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function outputsOf(secret: z.infer<typeof secretItem>): SecretOutputs {
  const { secretId, name, type, value, createdAt, updatedAt } = secret;
  return { secretId, name, type, value, createdAt, updatedAt };
}

function getSecret(client: ContaboClient, context: RequestContext, id: string | number) {
  return client.one(context, "GET", idPath("/v1/secrets", id), { item: secretItem });
}

const SecretResource = defineResource({
  cloud: contabo,
  kind: "Secret",
  inputs,
  idOutputs: { secretId: Number },
  outputNames: ["name", "type", "value", "secretId", "createdAt", "updatedAt"],
  autoName: "name",
  replaceOnChange: ["type"],
  secretInputs: ["value"],
  describe: (values, id) => `secret ${values.name ? `"${values.name}"` : id}`,

  validate(news): CheckFailure[] {
    const problem = news.type === "password" ? passwordProblem(news.value) : undefined;
    return problem ? [{ property: "value", reason: problem }] : [];
  },

  async create(client, wanted, scope) {
    const secret = await createAudited(client, scope, {
      what: "secret",
      title: `create secret "${wanted.name}"`,
      path: "/v1/secrets",
      body: wanted,
      item: secretItem,
      idField: "secretId",
      read: (context, id) => getSecret(client, context, id),
    });
    return { id: String(secret.secretId), outputs: outputsOf(secret) };
  },

  async read(client, id, _olds, scope) {
    const found = await listedRead(client, "/v1/secrets", { item: secretItem, idOf: (secret) => secret.secretId, getOne: (one) => getSecret(client, scope.context("read secret"), one) })(id);
    return found && outputsOf(found);
  },

  // The update answers with links only: read the secret after it.
  async update(client, id, { name, value }, _olds, _changed, scope) {
    await client.call(scope.context("update secret"), "PATCH", idPath("/v1/secrets", id), { name, value });
    return outputsOf(await getSecret(client, scope.context("read secret"), id));
  },

  delete: (client, id, _olds, scope) => client.call(scope.context("delete secret"), "DELETE", idPath("/v1/secrets", id)),
});

export interface Secret extends ResourceOutputs<SecretOutputs> {}
export class Secret extends SecretResource {}
