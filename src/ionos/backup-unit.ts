/**
 * `ionos.BackupUnit`: a backup unit of the contract, the account that IONOS's managed backup
 * agents log in to (the login is `<name>-<contract number>`). Its password is written, never
 * returned: a read keeps the one in the state, so a password changed outside Pulumi goes
 * unnoticed, and a new password is set in place.
 */
import { z } from "zod";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, resource, timeoutMinutes } from "./common";

/** The inputs of an `ionos.BackupUnit`. */
export interface BackupUnitArgs {
  /**
   * The backup unit's name: 1 to 255 letters and digits only (IONOS's rule), unique in the
   * contract; part of the login. Defaults to the resource name. A change replaces the backup unit.
   */
  name: string;
  /** The e-mail address of the backup unit (need not be the user's): an e-mail address. A change applies in place. */
  email: string;
  /**
   * The backup unit's password: at least 1 character. Stored as a Pulumi secret; IONOS never
   * returns it. A change sets the new password in place.
   */
  password: string;
  /**
   * How long, in minutes, each wait for an IONOS request of this backup unit (its create, update
   * or delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.BackupUnit`. */
export type BackupUnitOutputs = Required<BackupUnitArgs> & {
  /** The backup unit's id at IONOS (a UUID); `id` is the same string. */
  backupUnitId: string;
};

const inputs = documented<BackupUnitArgs>()(z.object({
  name: z.string().min(1).max(255).regex(/^[A-Za-z0-9]+$/, "must be letters and digits only"),
  email: z.email(),
  password: z.string().min(1),
  timeoutMinutes: timeoutMinutes(30),
}));

const unitItem = resource({ name: z.string(), email: z.string().nullish() });

/** The password is never returned: the one known (in the state) is kept, "" when adopted. */
function outputsOf(unit: z.infer<typeof unitItem>, known: Partial<BackupUnitOutputs>): BackupUnitOutputs {
  const { name, email } = unit.properties;
  return {
    name,
    email: email ?? "",
    password: known.password ?? "",
    timeoutMinutes: known.timeoutMinutes ?? 30,
    backupUnitId: unit.id,
  };
}

const units = new IonosKind({
  noun: "backup unit",
  item: unitItem,
  idParts: ["backupUnitId"],
  collection: () => "/backupunits",
  defaultMinutes: 30,
  outputsOf,
});

const BackupUnitResource = defineResource({
  cloud: ionos,
  kind: "BackupUnit",
  inputs,
  idOutputs: { backupUnitId: String },
  outputNames: ["name", "email", "password", "timeoutMinutes", "backupUnitId"],
  autoName: "name",
  replaceOnChange: ["name"],
  secretInputs: ["password"],
  describe: (values, id) => `backup unit ${values.name ? `"${values.name}"` : id}`,

  create: (client, wanted, scope) => {
    const { name, email, password } = wanted;
    return units.create(client, scope, { parentIds: [], name, body: { properties: { name, email, password } }, known: wanted });
  },

  read: units.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      // The password is sent only when it changes (as IONOS's Terraform provider does).
      const body = { email: wanted.email, ...(changed.includes("password") ? { password: wanted.password } : {}) };
      await units.change(client, scope, id, { operation: "update", method: "PATCH", body, minutes: wanted.timeoutMinutes });
    }
    return units.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: units.delete,
});

export interface BackupUnit extends ResourceOutputs<BackupUnitOutputs> {}
export class BackupUnit extends BackupUnitResource {}
