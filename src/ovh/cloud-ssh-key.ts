/**
 * `ovh.CloudSshKey`: an SSH public key kept by a Public Cloud project, installed on the instances
 * created with it. OVH cannot change a key: every change replaces it (the old one first, since
 * names are unique in a project).
 */
import { z } from "zod";
import { readOrUndefined } from "../core/errors";
import { type ResourceOutputs, defineResource, documented } from "../core/kit";
import { idPart, idParts } from "../core/ids";
import { listedCollection } from "../core/coalesce";
import { createOnce } from "../core/reconcile";
import { type OvhClient, ovh } from "./client";
import { cloudRegion, path, serviceName } from "./common";

/** The inputs of an `ovh.CloudSshKey`. */
export interface CloudSshKeyArgs {
  /**
   * The id of the Public Cloud project that keeps the key (`serviceName` in OVH's API): 32
   * hexadecimal characters. A change replaces the key (the old one is deleted first).
   */
  serviceName: string;
  /**
   * The key's name: 1 to 255 characters, unique within the project. Defaults to the resource
   * name. A change replaces the key (the old one is deleted first, as names are unique).
   */
  name: string;
  /**
   * The OpenSSH public key, as the line of a `.pub` file: its type (`ssh-ed25519`, `ssh-rsa`,
   * `ecdsa-sha2-nistp256`, ...), the base64 key and an optional comment; surrounding spaces are
   * trimmed. A change replaces the key (the old one is deleted first).
   */
  publicKey: string;
  /**
   * The one region to keep the key in, e.g. GRA11. Left out, the key is usable in every region of
   * the project, and the region is not managed (leaving it out later changes nothing). A change
   * replaces the key (the old one is deleted first).
   */
  region?: string;
}

/** The outputs of an `ovh.CloudSshKey`. */
export type CloudSshKeyOutputs = Omit<CloudSshKeyArgs, "region"> & {
  /** The one region the key is kept in; undefined when it is usable in every region. */
  region?: string;
  /** The key's id at OVH. */
  keyId: string;
  /** The key's fingerprint, as OVH computes it. */
  fingerprint: string;
  /** The regions the key is usable in. */
  regions: string[];
};

const inputs = documented<CloudSshKeyArgs>()(z.object({
  serviceName,
  name: z.string().min(1).max(255),
  publicKey: z
    .string()
    .trim()
    .regex(
      /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+=*( .*)?$/,
      "must be an OpenSSH public key: type, base64 key and an optional comment (the line of a .pub file)",
    ),
  region: cloudRegion.optional(),
}));

const keyItem = z.object({
  id: z.string(),
  name: z.string(),
  publicKey: z.string(),
  fingerPrint: z.string(),
  regions: z.array(z.string()),
});

function outputsOf(project: string, key: z.infer<typeof keyItem>, region: string | undefined): CloudSshKeyOutputs {
  const { id, name, publicKey, fingerPrint, regions } = key;
  return { serviceName: project, name, publicKey, region, keyId: id, fingerprint: fingerPrint, regions };
}

const keys = (project: string) => path`/cloud/project/${project}/sshkey`;
const keyPath = (project: string, keyId: string) => path`/cloud/project/${project}/sshkey/${keyId}`;

/**
 * The SSH keys of a project (the list has no fingerprints), one list call for the create look-ups
 * that come together and for the reads of a refresh.
 */
const projectKeys = (client: OvhClient) =>
  listedCollection(
    client,
    "SSH keys",
    (project) => readOrUndefined(() => client.request({ cloud: "ovh", operation: "list SSH keys" }, "GET", keys(project), z.array(keyItem.omit({ fingerPrint: true })))),
    (key) => key.id,
  );

const CloudSshKeyResource = defineResource({
  cloud: ovh,
  kind: "CloudSshKey",
  inputs,
  idOutputs: { keyId: idPart(1) },
  outputNames: ["serviceName", "name", "publicKey", "region", "keyId", "fingerprint", "regions"],
  autoName: "name",
  replaceOnChange: ["serviceName", "name", "publicKey", "region"],
  deleteBeforeReplace: true,
  describe: (values, id) => `SSH key ${values.name ? `"${values.name}"` : id}`,

  async create(client, wanted, scope) {
    const { serviceName: project, ...body } = wanted;
    // OVH keeps no request log; key names are unique in a project: the key with this name and
    // public key (one a crashed run made) is adopted before creating.
    const key = await createOnce({
      what: `create SSH key "${wanted.name}"`,
      send: () => client.request(scope.context("create SSH key"), "POST", keys(project), keyItem, { body }),
      find: async () => {
        const same = (await projectKeys(client).list(project))?.find((key) => key.name === wanted.name && key.publicKey === wanted.publicKey);
        return same && client.request(scope.context("read SSH key"), "GET", keyPath(project, same.id), keyItem);
      },
    });
    return { id: `${project}/${key.id}`, outputs: outputsOf(project, key, wanted.region) };
  },

  // Reads that come together (a refresh) share one list of the project's keys. The list has no
  // fingerprint, but a key's public key never changes, nor does the fingerprint made from it: the
  // one in the state is kept, and only a key read without one (adopted) is read on its own.
  async read(client, id, olds, scope) {
    const [project, keyId] = idParts("ovh", id, ["serviceName", "keyId"]);
    const listed = await projectKeys(client).read(keyId, project);
    if (!listed) return undefined;
    const key =
      olds.fingerprint && listed.publicKey === olds.publicKey
        ? { ...listed, fingerPrint: olds.fingerprint }
        : await readOrUndefined(() => client.request(scope.context("read SSH key"), "GET", keyPath(project, keyId), keyItem));
    // A key kept in every region lists them all; one kept in a single region lists that one.
    return key && outputsOf(project, key, olds.region ?? (key.regions.length === 1 ? key.regions[0] : undefined));
  },

  async delete(client, id, _olds, scope) {
    const [project, keyId] = idParts("ovh", id, ["serviceName", "keyId"]);
    await client.call(scope.context("delete SSH key"), "DELETE", keyPath(project, keyId));
  },
});

export interface CloudSshKey extends ResourceOutputs<CloudSshKeyOutputs> {}
export class CloudSshKey extends CloudSshKeyResource {}
