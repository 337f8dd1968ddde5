/**
 * Provider settings and credentials, resolved at run time inside the provider process: first the
 * stack config the engine hands to the provider's `configure` hook, then the environment names
 * the vendors' own tools use. Nothing here is ever captured into the serialized provider.
 */
import { isLoopbackHost } from "./http";
import { registerSecret } from "./redact";

type ConfigLookup = (key: string) => string | undefined;

let stackConfig: ConfigLookup = () => undefined;

/** Called from the provider's `configure` hook with the decrypted, namespaced stack config. */
export function setStackConfig(lookup: ConfigLookup): void {
  stackConfig = lookup;
}

export interface SettingSpec {
  /** Namespaced stack config key, e.g. `contabo:clientSecret`. */
  configKey: string;
  /** Environment variables, in order of preference. */
  envNames: string[];
  secret?: boolean;
  default?: string;
}

export function readSetting(spec: SettingSpec): string | undefined {
  const fromConfig = stackConfig(spec.configKey);
  const fromEnv = spec.envNames.map((name) => process.env[name]).find((value) => value !== undefined && value !== "");
  const value = fromConfig !== undefined && fromConfig !== "" ? fromConfig : (fromEnv ?? spec.default);
  if (spec.secret) registerSecret(value);
  return value;
}

/** How to set a setting, for error messages: both ways, never the value. */
export function howToSet(spec: SettingSpec): string {
  const config = `pulumi config set ${spec.secret ? "--secret " : ""}${spec.configKey} <value>`;
  return `\`${config}\` or the environment variable ${spec.envNames.join(" / ")}`;
}

/** Validates an endpoint URL: https, or plain http only towards this machine (the emulators). */
export function checkEndpointUrl(name: string, value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} must be an absolute URL, got "${value}"`;
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return undefined;
  return `${name} must use https (plain http is only allowed to a loopback host), got "${value}"`;
}
