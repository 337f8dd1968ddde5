/**
 * `ionos.User`: a user of the contract (`/um/users`), who logs in to the console and the API with
 * an email and a password, and gets rights by membership in groups (`ionos.GroupMembership`).
 */
import { z } from "zod";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, resource, timeoutMinutes } from "./common";

/** The inputs of an `ionos.User`. */
export interface UserArgs {
  /** The user's first name: 1 to 255 characters. A change applies in place. */
  firstname: string;
  /** The user's last name: 1 to 255 characters. A change applies in place. */
  lastname: string;
  /**
   * The user's email address, which is also their login: unique within the contract (IONOS
   * refuses a second user with it). A change applies in place.
   */
  email: string;
  /**
   * The user's password: 1 to 128 characters (IONOS's own password policy applies on create and
   * change). A secret: IONOS never returns it, so the state keeps the one given. A change sets the
   * new password in place.
   */
  password: string;
  /**
   * Whether the user is an administrator of the contract (all rights, no groups needed). A change
   * applies in place.
   * @default false
   */
  administrator?: boolean;
  /**
   * Whether the user must log in with two-factor authentication. A change applies in place.
   * @default false
   */
  forceSecAuth?: boolean;
  /**
   * Whether the user is active; an inactive user cannot log in. A change applies in place.
   * @default true
   */
  active?: boolean;
  /**
   * How long, in minutes, each wait for an IONOS request of this user (its create, update or
   * delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.User`. */
export type UserOutputs = Omit<Required<UserArgs>, "password"> & {
  /** The password given (kept from the state: IONOS never returns it); absent for an adopted user. */
  password?: string;
  /** The user's id at IONOS (a UUID); `id` is the same string. */
  userId: string;
  /** The user's canonical id for S3 (Object Storage), as IONOS gives it. */
  s3CanonicalUserId: string;
  /** Whether two-factor authentication is set up for the user (the user does that at login). */
  secAuthActive: boolean;
};

const inputs = documented<UserArgs>()(z.object({
  firstname: z.string().min(1).max(255),
  lastname: z.string().min(1).max(255),
  email: z.email("must be an email address").max(255),
  password: z.string().min(1).max(128),
  administrator: z.boolean().default(false),
  forceSecAuth: z.boolean().default(false),
  active: z.boolean().default(true),
  timeoutMinutes: timeoutMinutes(30),
}));

const userItem = resource({
  firstname: z.string().nullish(),
  lastname: z.string().nullish(),
  email: z.string().nullish(),
  administrator: z.boolean().nullish(),
  forceSecAuth: z.boolean().nullish(),
  secAuthActive: z.boolean().nullish(),
  s3CanonicalUserId: z.string().nullish(),
  active: z.boolean().nullish(),
});

function outputsOf(user: z.infer<typeof userItem>, known: Partial<UserOutputs>): UserOutputs {
  const p = user.properties;
  return {
    firstname: p.firstname ?? known.firstname ?? "",
    lastname: p.lastname ?? known.lastname ?? "",
    email: p.email ?? known.email ?? "",
    password: known.password,
    administrator: p.administrator ?? false,
    forceSecAuth: p.forceSecAuth ?? false,
    active: p.active ?? true,
    timeoutMinutes: known.timeoutMinutes ?? 30,
    userId: user.id,
    s3CanonicalUserId: p.s3CanonicalUserId ?? known.s3CanonicalUserId ?? "",
    secAuthActive: p.secAuthActive ?? false,
  };
}

const users = new IonosKind({
  noun: "user",
  item: userItem,
  idParts: ["userId"],
  collection: () => "/um/users",
  defaultMinutes: 30,
  outputsOf,
});

const UserResource = defineResource({
  cloud: ionos,
  kind: "User",
  inputs,
  idOutputs: { userId: String },
  outputNames: [
    "firstname", "lastname", "email", "password", "administrator", "forceSecAuth", "active", "timeoutMinutes",
    "userId", "s3CanonicalUserId", "secAuthActive",
  ],
  secretInputs: ["password"],
  describe: (values, id) => `user ${values.email ? `"${values.email}"` : id}`,

  create: (client, wanted, scope) => {
    const { timeoutMinutes: _timeout, ...properties } = wanted;
    return users.create(client, scope, { parentIds: [], name: wanted.email, body: { properties }, known: wanted });
  },

  read: users.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      const { timeoutMinutes: _timeout, password, ...properties } = wanted;
      // A PUT sets every property: the user's own two-factor setup is sent back as it is.
      const body = { properties: { ...properties, secAuthActive: olds.secAuthActive ?? false, ...(changed.includes("password") ? { password } : {}) } };
      await users.change(client, scope, id, { operation: "update", method: "PUT", body, minutes: wanted.timeoutMinutes });
    }
    return users.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: users.delete,
});

export interface User extends ResourceOutputs<UserOutputs> {}
export class User extends UserResource {}
