/**
 * `contabo.User`: an API user of the account, with its roles. Contabo e-mails the new user an
 * invitation. Every field changes in place (PATCH). The account owner is never deleted: adopt it
 * with `get` to read it, and a delete of it is refused before any API call.
 */
import { z } from "zod";
import type { RequestContext } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { createAudited } from "./audits";
import { type ContaboClient, contabo } from "./client";
import { idPath, listedRead, numericId } from "./common";

/** The inputs of a `contabo.User`. Every change updates the user in place (PATCH). */
export interface UserArgs {
  /**
   * The user's e-mail address, unique in the account: at most 255 characters. Contabo sends the
   * invitation and the password links there. A change updates the user in place.
   */
  email: string;
  /** The user's first name: 1 to 255 characters. A change updates the user in place. */
  firstName: string;
  /** The user's last name: 1 to 255 characters. A change updates the user in place. */
  lastName: string;
  /**
   * Whether the user can log in; a disabled user cannot use the API any more. A change updates
   * the user in place.
   * @default true
   */
  enabled?: boolean;
  /**
   * Whether the user logs in with two-factor authentication by a time-based one-time password
   * (TOTP). A change updates the user in place.
   * @default false
   */
  totp?: boolean;
  /**
   * The user's language: `de-DE`, `de`, `en-US` or `en`. A change updates the user in place.
   * @default "en"
   */
  locale?: "de-DE" | "de" | "en-US" | "en";
  /**
   * The ids of the user's `contabo.Role`s. Duplicates are dropped, the order does not matter. A
   * change updates the user in place.
   * @default []
   */
  roles?: number[];
}

/** The outputs of a `contabo.User`. */
export type UserOutputs = Required<UserArgs> & {
  /** The user's id at Contabo (a UUID); `id` is the same string. */
  userId: string;
  /**
   * Whether the user is the account's owner, who may use every API on every resource. The owner
   * is never deleted: a delete of it is refused before any API call.
   */
  owner: boolean;
  /** Whether the user has verified the e-mail address. */
  emailVerified: boolean;
};

const inputs = documented<UserArgs>()(z.object({
  email: z.email().max(255),
  // Optional in the create request, but the API's answers always carry non-empty names.
  firstName: z.string().min(1).max(255),
  lastName: z.string().min(1).max(255),
  enabled: z.boolean().default(true),
  totp: z.boolean().default(false),
  locale: z.enum(["de-DE", "de", "en-US", "en"]).default("en"),
  roles: z.array(numericId).transform((ids) => [...new Set(ids)].sort((a, b) => a - b)).default([]),
}));

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

  async read(client, id, _olds, scope) {
    const found = await listedRead(client, users, { item: userItem, idOf: (user) => user.userId, getOne: (one) => getUser(client, scope.context("read user"), one) })(id);
    return found && outputsOf(found);
  },

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
