/**
 * `ionos.Group`: a group of users (`/um/groups`) and the privileges it grants its members: what
 * they may create and use in the contract. Members come with `ionos.GroupMembership`, rights on
 * single resources with `ionos.Share`.
 */
import { z } from "zod";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { ionos } from "./client";
import { IonosKind, apiChanges, resource, timeoutMinutes } from "./common";

/** The inputs of an `ionos.Group`. */
export interface GroupArgs {
  /** The group's name: 1 to 255 characters. Defaults to the resource name. A change renames the group in place. */
  name: string;
  /**
   * Whether members may create data centers. A change applies in place.
   * @default false
   */
  createDataCenter?: boolean;
  /**
   * Whether members may create snapshots. A change applies in place.
   * @default false
   */
  createSnapshot?: boolean;
  /**
   * Whether members may reserve IP blocks. A change applies in place.
   * @default false
   */
  reserveIp?: boolean;
  /**
   * Whether members may read the activity log. A change applies in place.
   * @default false
   */
  accessActivityLog?: boolean;
  /**
   * Whether members may create cross connects (PCCs). A change applies in place.
   * @default false
   */
  createPcc?: boolean;
  /**
   * Whether members may use S3 (Object Storage). A change applies in place.
   * @default false
   */
  s3Privilege?: boolean;
  /**
   * Whether members may create backup units. A change applies in place.
   * @default false
   */
  createBackupUnit?: boolean;
  /**
   * Whether members may connect LANs to the internet. A change applies in place.
   * @default false
   */
  createInternetAccess?: boolean;
  /**
   * Whether members may create Kubernetes clusters. A change applies in place.
   * @default false
   */
  createK8sCluster?: boolean;
  /**
   * Whether members may create flow logs. A change applies in place.
   * @default false
   */
  createFlowLog?: boolean;
  /**
   * Whether members may access and manage monitoring (metrics, alarms and their actions). A change
   * applies in place.
   * @default false
   */
  accessAndManageMonitoring?: boolean;
  /**
   * Whether members may access and manage certificates. A change applies in place.
   * @default false
   */
  accessAndManageCertificates?: boolean;
  /**
   * Whether members may manage databases (DBaaS). A change applies in place.
   * @default false
   */
  manageDBaaS?: boolean;
  /**
   * How long, in minutes, each wait for an IONOS request of this group (its create, update or
   * delete) may take: more than 0 and at most 1440 (24 hours); fractions are allowed (0.5 is 30
   * seconds). It only bounds this provider's waits: a change applies in place without an API call.
   * @default 30
   */
  timeoutMinutes?: number;
}

/** The outputs of an `ionos.Group`. */
export type GroupOutputs = Required<GroupArgs> & {
  /** The group's id at IONOS (a UUID); `id` is the same string. */
  groupId: string;
};

/** The privileges, as the Cloud API v6 names them. */
const PRIVILEGES = [
  "createDataCenter", "createSnapshot", "reserveIp", "accessActivityLog", "createPcc", "s3Privilege", "createBackupUnit",
  "createInternetAccess", "createK8sCluster", "createFlowLog", "accessAndManageMonitoring", "accessAndManageCertificates",
  "manageDBaaS",
] as const;
type Privilege = (typeof PRIVILEGES)[number];

const privilege = z.boolean().default(false);
const inputs = documented<GroupArgs>()(z.object({
  name: z.string().min(1).max(255),
  createDataCenter: privilege,
  createSnapshot: privilege,
  reserveIp: privilege,
  accessActivityLog: privilege,
  createPcc: privilege,
  s3Privilege: privilege,
  createBackupUnit: privilege,
  createInternetAccess: privilege,
  createK8sCluster: privilege,
  createFlowLog: privilege,
  accessAndManageMonitoring: privilege,
  accessAndManageCertificates: privilege,
  manageDBaaS: privilege,
  timeoutMinutes: timeoutMinutes(30),
}));

const groupItem = resource({
  name: z.string().nullish(),
  ...(Object.fromEntries(PRIVILEGES.map((key) => [key, z.boolean().nullish()])) as Record<Privilege, z.ZodOptional<z.ZodNullable<z.ZodBoolean>>>),
});

function outputsOf(group: z.infer<typeof groupItem>, known: Partial<GroupOutputs>): GroupOutputs {
  const p = group.properties;
  const privileges = Object.fromEntries(PRIVILEGES.map((key) => [key, p[key] ?? false])) as Record<Privilege, boolean>;
  return { name: p.name ?? known.name ?? "", ...privileges, timeoutMinutes: known.timeoutMinutes ?? 30, groupId: group.id };
}

const groups = new IonosKind({
  noun: "group",
  item: groupItem,
  idParts: ["groupId"],
  collection: () => "/um/groups",
  defaultMinutes: 30,
  outputsOf,
});

/** What a create or a PUT sends: the name and every privilege (a PUT resets what it leaves out). */
const bodyOf = ({ timeoutMinutes: _timeout, ...properties }: z.output<typeof inputs>) => ({ properties });

const GroupResource = defineResource({
  cloud: ionos,
  kind: "Group",
  inputs,
  idOutputs: { groupId: String },
  outputNames: ["name", ...PRIVILEGES, "timeoutMinutes", "groupId"],
  autoName: "name",
  describe: (values, id) => `group ${values.name ? `"${values.name}"` : id}`,

  create: (client, wanted, scope) => groups.create(client, scope, { parentIds: [], name: wanted.name, body: bodyOf(wanted), known: wanted }),

  read: groups.read,

  async update(client, id, wanted, olds, changed, scope) {
    if (apiChanges(changed).length > 0) {
      await groups.change(client, scope, id, { operation: "update", method: "PUT", body: bodyOf(wanted), minutes: wanted.timeoutMinutes });
    }
    return groups.outputs(client, scope, id, { ...olds, ...wanted });
  },

  delete: groups.delete,
});

export interface Group extends ResourceOutputs<GroupOutputs> {}
export class Group extends GroupResource {}
