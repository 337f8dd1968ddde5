/** Starts the IONOS emulator and points the provider settings (environment) at it. */
import "../../src/index";
import { startIonosEmulator, type IonosEmulator } from "../../src/emulator";
import { operationsFor } from "../../src/core/registry";
import type { ProviderOperations } from "../../src/core/kit";
import type { LogEntry } from "../../src/emulator/server";

export const ENV_NAMES = ["IONOS_API_URL", "IONOS_USERNAME", "IONOS_PASSWORD", "IONOS_TOKEN", "IONOS_CONTRACT_NUMBER"];

/** Username and password: the client mints its token from them. */
export function ionosEnv(emulator: IonosEmulator): Record<string, string> {
  return {
    IONOS_API_URL: emulator.apiUrl,
    IONOS_USERNAME: emulator.credentials.username,
    IONOS_PASSWORD: emulator.credentials.password,
  };
}

export async function useIonosEmulator(options: Parameters<typeof startIonosEmulator>[0] = {}) {
  const emulator = await startIonosEmulator({ requestMs: 100, ...options });
  for (const name of ENV_NAMES) delete process.env[name];
  Object.assign(process.env, ionosEnv(emulator));
  return emulator;
}

export function stopIonosEmulator(emulator: IonosEmulator) {
  for (const name of ENV_NAMES) delete process.env[name];
  return emulator.stop();
}

export const ops = (kind: string): ProviderOperations => operationsFor(`ionos:${kind}`);

/** Check then create, as the engine does on `pulumi up`. */
export async function checkAndCreate(kind: string, news: Record<string, unknown>) {
  const checked = await ops(kind).check({}, news);
  if (checked.failures) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  return { inputs: checked.inputs!, ...(await ops(kind).create(checked.inputs!)) };
}

/**
 * A request status poll, as the emulator logged it: one request's status, or the request list
 * (a create's look-up of its create key, `filter.headers`, is not a poll).
 */
export function isRequestStatusPoll(entry: LogEntry): boolean {
  if (entry.method !== "GET") return false;
  if (entry.path === "/cloudapi/v6/requests") return !new URLSearchParams(entry.query).has("filter.headers");
  return /^\/cloudapi\/v6\/requests\/[^/]+\/status$/.test(entry.path);
}
