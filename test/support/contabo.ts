/** Starts the Contabo emulator and points the provider settings (environment) at it. */
import "../../src/index";
import { startContaboEmulator, type ContaboEmulator } from "../../src/emulator";
import { operationsFor } from "../../src/core/registry";
import type { ProviderOperations } from "../../src/core/kit";
import { contaboClient } from "../../src/contabo/client";

export const ENV_NAMES = [
  "CNTB_API",
  "CNTB_OAUTH2_TOKEN_URL",
  "CNTB_OAUTH2_CLIENT_ID",
  "CNTB_OAUTH2_CLIENT_SECRET",
  "CNTB_OAUTH2_USER",
  "CNTB_OAUTH2_PASS",
];

export function contaboEnv(emulator: ContaboEmulator): Record<string, string> {
  return {
    CNTB_API: emulator.url,
    CNTB_OAUTH2_TOKEN_URL: emulator.tokenUrl,
    CNTB_OAUTH2_CLIENT_ID: emulator.credentials.clientId,
    CNTB_OAUTH2_CLIENT_SECRET: emulator.credentials.clientSecret,
    CNTB_OAUTH2_USER: emulator.credentials.username,
    CNTB_OAUTH2_PASS: emulator.credentials.password,
  };
}

export async function useContaboEmulator(options: Parameters<typeof startContaboEmulator>[0] = {}) {
  const emulator = await startContaboEmulator({ provisioningMs: 300, ...options });
  Object.assign(process.env, contaboEnv(emulator));
  return emulator;
}

export function stopContaboEmulator(emulator: ContaboEmulator) {
  for (const name of ENV_NAMES) delete process.env[name];
  return emulator.stop();
}

export const ops = (kind: string): ProviderOperations => operationsFor(`contabo:${kind}`);

/** Check then create, as the engine does on `pulumi up`. */
export async function checkAndCreate(kind: string, news: Record<string, unknown>) {
  const checked = await ops(kind).check({}, news);
  if (checked.failures) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  return { inputs: checked.inputs!, ...(await ops(kind).create(checked.inputs!)) };
}

/** Calls the API directly, as someone outside Pulumi would. */
export const outsideCall = (method: "PATCH" | "DELETE" | "POST", path: string, body?: unknown) =>
  contaboClient().call({ cloud: "contabo", operation: "outside change" }, method, path, body);

/** How many requests the emulator received while the action ran. */
export async function apiCallsDuring(emulator: ContaboEmulator, action: () => Promise<unknown>): Promise<number> {
  const before = emulator.log.entries.length;
  await action();
  return emulator.log.entries.length - before;
}
