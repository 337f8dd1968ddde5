/**
 * The harness's stack state: config, resources and stack outputs in one JSON file. Secret values
 * (secret config, secret inputs, secret outputs) are stored encrypted with AES-256-GCM under a key
 * derived by scrypt from a passphrase, the way a Pulumi passphrase backend stores a checkpoint.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export type Plain = Record<string, unknown>;

export const PASSPHRASE_ENV = "EUROCLOUD_HARNESS_PASSPHRASE";
const DEFAULT_PASSPHRASE = "eurocloud-harness";

/** Pulumi's marker for a secret value, used in checkpoints and on the wire. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  id: string;
  /** The checked inputs (what the engine stores as `inputs`). */
  inputs: Plain;
  outputs: Plain;
  /** Names of the inputs and outputs that are secrets (stored encrypted). */
  secretInputs: string[];
  secretOutputs: string[];
  /** Read with the `id` resource option: the stack reads it and never deletes it. */
  external?: boolean;
  /** Set when a create or update failed after the cloud resource existed (a partial failure). */
  initErrors?: string[];
  /** The old half of a create-before-delete replacement, deleted at the end of a successful up. */
  pendingDelete?: boolean;
  /**
   * Deleted by a delete-before-replace whose replacement is not created yet (the engine's
   * `pendingReplacement`): kept so the next run still checks the replacement against these old
   * inputs (and so derives the same create key), and replaces it without deleting it again.
   */
  pendingReplacement?: boolean;
}

export interface SecretAware {
  value: unknown;
  secret: boolean;
}

export interface StackState {
  config: Record<string, SecretAware>;
  resources: ResourceState[];
  outputs: Record<string, SecretAware>;
}

interface SealedValue {
  [SIG_KEY]: typeof SECRET_SIG;
  ciphertext: string;
}

interface StateFile {
  version: 1;
  encryptionSalt: string;
  config: Plain;
  resources: (Omit<ResourceState, "secretInputs" | "secretOutputs">)[];
  outputs: Plain;
}

function isSealed(value: unknown): value is SealedValue {
  return typeof value === "object" && value !== null && (value as Plain)[SIG_KEY] === SECRET_SIG;
}

/** Opens (or starts) a state file; `save` writes it back with every secret encrypted. */
export function openState(file: string, passphrase = process.env[PASSPHRASE_ENV] || DEFAULT_PASSPHRASE) {
  const disk: StateFile | undefined = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined;
  const salt = disk?.encryptionSalt ?? randomBytes(16).toString("base64");
  const key = scryptSync(passphrase, Buffer.from(salt, "base64"), 32);

  const seal = (value: unknown): SealedValue => {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString("base64"));
    return { [SIG_KEY]: SECRET_SIG, ciphertext: `v1:${parts.join(":")}` };
  };

  const unseal = (sealed: SealedValue): unknown => {
    const [, iv, tag, data] = sealed.ciphertext.split(":").map((part) => Buffer.from(part, "base64"));
    const decipher = createDecipheriv("aes-256-gcm", key, iv);
    decipher.setAuthTag(tag);
    try {
      return JSON.parse(Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8"));
    } catch {
      throw new Error(`cannot decrypt the secrets in ${file}: wrong ${PASSPHRASE_ENV}?`);
    }
  };

  const sealProps = (props: Plain, secretKeys: string[]): Plain =>
    Object.fromEntries(Object.entries(props).map(([k, v]) => [k, secretKeys.includes(k) ? seal(v) : v]));

  const unsealProps = (props: Plain) => ({
    values: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, isSealed(v) ? unseal(v) : v])),
    secretKeys: Object.keys(props).filter((k) => isSealed(props[k])),
  });

  const sealAware = (values: Record<string, SecretAware>): Plain =>
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.secret ? seal(v.value) : v.value]));

  const unsealAware = (props: Plain): Record<string, SecretAware> =>
    Object.fromEntries(
      Object.entries(props).map(([k, v]) => [k, isSealed(v) ? { value: unseal(v), secret: true } : { value: v, secret: false }]),
    );

  const state: StackState = disk
    ? {
        config: unsealAware(disk.config),
        outputs: unsealAware(disk.outputs),
        resources: disk.resources.map((r) => {
          const inputs = unsealProps(r.inputs);
          const outputs = unsealProps(r.outputs);
          return { ...r, inputs: inputs.values, outputs: outputs.values, secretInputs: inputs.secretKeys, secretOutputs: outputs.secretKeys };
        }),
      }
    : { config: {}, resources: [], outputs: {} };

  const save = (next: StackState) => {
    const out: StateFile = {
      version: 1,
      encryptionSalt: salt,
      config: sealAware(next.config),
      resources: next.resources.map(({ secretInputs, secretOutputs, ...r }) => ({
        ...r,
        inputs: sealProps(r.inputs, secretInputs),
        outputs: sealProps(r.outputs, secretOutputs),
      })),
      outputs: sealAware(next.outputs),
    };
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    // Write then rename, so an interrupted run never leaves half a state file.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(out, null, 2) + "\n");
    fs.renameSync(`${file}.tmp`, file);
  };

  return { state, save };
}
