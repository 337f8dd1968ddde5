/**
 * A Contabo stack: a tag, an SSH key and a root password kept as Contabo secrets, a VPS that uses
 * them and carries the tag, and a private network the VPS is attached to.
 *
 * Config: `contabo:*` credentials (or the CNTB_* environment variables), and optionally
 * `displayName` (renames the VPS in place), `tagColor`, `sshPublicKey`, `rootPassword`, `userData`
 * (reinstalls the VPS) and `region` (orders a new VPS there and cancels the old one).
 */
import * as pulumi from "@pulumi/pulumi";
import { contabo } from "pulumi-eurocloud";

const config = new pulumi.Config();
// A private network and its instances are in one region.
const region = (config.get("region") ?? "EU") as contabo.InstanceArgs["region"];

const tag = new contabo.Tag("web", { color: config.get("tagColor") ?? "#0A78C3" });

const sshKey = new contabo.Secret("deploy-key", {
  type: "ssh",
  value: config.get("sshPublicKey") ?? "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyForTheEmulatorOnly deploy@example",
});

const rootPassword = new contabo.Secret("root-password", {
  type: "password",
  value: config.getSecret("rootPassword") ?? pulumi.secret("Emulat0r!Pass#2026"),
});

const vps = new contabo.Instance("web-1", {
  displayName: config.get("displayName") ?? "web-1",
  productId: "V92",
  region,
  sshKeys: [sshKey.secretId],
  rootPassword: rootPassword.secretId,
  userData: config.get("userData") ?? "#cloud-config\npackage_update: true\n",
  // A private network needs this add-on on each of its instances.
  addOns: { privateNetworking: true },
});

// The tag marks the VPS; Contabo refuses to delete a tag still assigned, so the assignment goes first.
new contabo.TagAssignment("web-1-tag", { tagId: tag.tagId, resourceType: "instance", resourceId: vps.instanceId });

const network = new contabo.PrivateNetwork("backend", {
  description: "web tier",
  region,
  instanceIds: [vps.instanceId],
});

export const tagId = tag.tagId;
export const instanceId = vps.instanceId;
export const ipv4 = vps.ipv4;
export const status = vps.status;
export const networkCidr = network.cidr;
