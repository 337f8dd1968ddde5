/** Starts the OVH emulator and points the provider settings (environment) at it. */
import "../../src/ovh";
import { type OvhEmulator, type OvhEmulatorOptions, startOvhEmulator } from "../../src/emulator/ovh/emulator";
import { operationsFor } from "../../src/core/registry";
import type { ProviderOperations } from "../../src/core/kit";
import type { RequestContext } from "../../src/core/errors";
import type { HttpMethod } from "../../src/core/http";
import { ovhClient } from "../../src/ovh/client";

export const ENV_NAMES = [
  "OVH_ENDPOINT",
  "OVH_APPLICATION_KEY",
  "OVH_APPLICATION_SECRET",
  "OVH_CONSUMER_KEY",
  "OVH_CLIENT_ID",
  "OVH_CLIENT_SECRET",
  "OVH_OAUTH2_TOKEN_URL",
];

/** Application keys: every request is signed. */
export function ovhKeyEnv(emulator: OvhEmulator): Record<string, string> {
  const { applicationKey, applicationSecret, consumerKey } = emulator.credentials;
  return { OVH_ENDPOINT: emulator.apiUrl, OVH_APPLICATION_KEY: applicationKey, OVH_APPLICATION_SECRET: applicationSecret, OVH_CONSUMER_KEY: consumerKey };
}

export function ovhOAuth2Env(emulator: OvhEmulator): Record<string, string> {
  const { clientId, clientSecret } = emulator.credentials;
  return { OVH_ENDPOINT: emulator.apiUrl, OVH_CLIENT_ID: clientId, OVH_CLIENT_SECRET: clientSecret, OVH_OAUTH2_TOKEN_URL: emulator.tokenUrl };
}

/** Replaces the OVH settings of the environment with these. */
export function setOvhEnv(env: Record<string, string>): void {
  for (const name of ENV_NAMES) delete process.env[name];
  Object.assign(process.env, env);
}

export async function useOvhEmulator(options: OvhEmulatorOptions = {}) {
  const emulator = await startOvhEmulator({ buildMs: 300, ...options });
  setOvhEnv(ovhKeyEnv(emulator));
  return emulator;
}

export function stopOvhEmulator(emulator: OvhEmulator) {
  setOvhEnv({});
  return emulator.stop();
}

export const ops = (kind: string): ProviderOperations => operationsFor(`ovh:${kind}`);

/** Check then create, as the engine does on `pulumi up`. */
export async function checkAndCreate(kind: string, news: Record<string, unknown>) {
  const checked = await ops(kind).check({}, news);
  if (checked.failures) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  return { inputs: checked.inputs!, ...(await ops(kind).create(checked.inputs!)) };
}

const outside: RequestContext = { cloud: "ovh", operation: "outside change" };

/** Calls the API directly, as someone outside Pulumi would. */
export const outsideCall = (method: HttpMethod, path: string, body?: unknown) => ovhClient().call(outside, method, path, { body });

/** How many requests the emulator received while the action ran. */
export async function apiCallsDuring(emulator: OvhEmulator, action: () => Promise<unknown>): Promise<number> {
  const before = emulator.log.entries.length;
  await action();
  return emulator.log.entries.length - before;
}
