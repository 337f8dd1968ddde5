/**
 * `contabo.User`: an API user of the account, with its roles. Contabo e-mails the new user an
 * invitation. Every field changes in place (PATCH). The account owner is never deleted: adopt it
 * with `get` to read it, and a delete of it is refused before any API call.
 */
import { z } from "zod";
import { type RequestContext, readOrUndefined } from "../core/errors";
import { type ResourceOutputs, defineResource } from "../core/kit";
import { createAudited } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { idPath, numericId } from "./common";

const inputs = z.object({
  email: z.email().max(255),
  // Optional in the create request, but the API's answers always carry non-empty names.
  firstName: z.string().min(1).max(255),
  lastName: z.string().min(1).max(255),
  enabled: z.boolean().default(true),
  /** Two-factor authentication with a one-time password. */
  totp: z.boolean().default(false),
  locale: z.enum(["de-DE", "de", "en-US", "en"]).default("en"),
  /** Ids of `contabo.Role`s. */
  roles: z.array(numericId).transform((ids) => [...new Set(ids)].sort((a, b) => a - b)).default([]),
});

const userItem = z.object({
  userId: z.string(),
  email: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  enabled: z.boolean(),
  totp: z.boolean(),
  locale: z.enum(["de-DE", "de", "en-US", "en"]),
  roles: z.array(z.object({ roleId: z.number().int() }).loose()),
  owner: z.boolean(),
  emailVerified: z.boolean(),
});

type Inputs = z.output<typeof inputs>;
export type UserArgs = z.input<typeof inputs>;
export type UserOutputs = Inputs & { userId: string; owner: boolean; emailVerified: boolean };

const users = "/v1/users";

function outputsOf(user: z.infer<typeof userItem>): UserOutputs {
  return {
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    enabled: user.enabled,
    totp: user.totp,
    locale: user.locale,
    roles: user.roles.map((role) => role.roleId).sort((a, b) => a - b),
    userId: user.userId,
    owner: user.owner,
    emailVerified: user.emailVerified,
  };
}

function getUser(client: ContaboClient, context: RequestContext, id: string) {
  return client.one(context, "GET", idPath(users, id), { item: userItem });
}

const UserResource = defineResource({
  cloud: contabo,
  kind: "User",
  inputs,
  idOutputs: { userId: String },
  outputNames: ["email", "firstName", "lastName", "enabled", "totp", "locale", "roles", "userId", "owner", "emailVerified"],
  describe: (values, id) => `user ${values.email ? `"${values.email}"` : id}`,

  async create(client, wanted, scope) {
    const { userId } = await createAudited(client, scope, {
      what: "user",
      title: `create user "${wanted.email}"`,
      path: users,
      body: wanted,
      item: z.object({ userId: z.string() }).loose(),
      idField: "userId",
      read: (context, id) => getUser(client, context, id),
    });
    return { id: userId, outputs: outputsOf(await getUser(client, scope.context("read user"), userId)) };
  },

  read: (client, id, _olds, scope) => readOrUndefined(async () => outputsOf(await getUser(client, scope.context("read user"), id))),

  // The PATCH answers with links only: read the user after it.
  async update(client, id, wanted, _olds, _changed, scope) {
    await client.call(scope.context("update user"), "PATCH", idPath(users, id), wanted);
    return outputsOf(await getUser(client, scope.context("read user"), id));
  },

  async delete(client, id, olds, scope) {
    if (olds.owner) {
      throw new Error("it is the account owner, which cannot be deleted");
    }
    await client.call(scope.context("delete user"), "DELETE", idPath(users, id));
  },
});

export interface User extends ResourceOutputs<UserOutputs> {}
export class User extends UserResource {}
