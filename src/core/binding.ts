/**
 * A cloud bound to the resource kit: its settings problems for `check`, and the provider
 * process's one client, made again only when the settings change (a new stack config).
 */
import { type Cloud, ConfigurationError } from "./errors";
import type { CheckFailure, CloudBinding } from "./kit";

/** The settings as read now: complete when there is no problem. */
export interface SettingsReading<Settings> {
  settings?: Settings;
  problems: CheckFailure[];
}

export function bindCloud<Settings, Client>(
  cloud: Cloud,
  read: () => SettingsReading<Settings>,
  makeClient: (settings: Settings) => Client,
): CloudBinding<Client> {
  let shared: { key: string; client: Client } | undefined;
  return {
    cloud,
    settingsProblems: () => read().problems,
    client() {
      const { settings, problems } = read();
      if (problems.length > 0 || !settings) {
        throw new ConfigurationError(`${cloud}: ${problems.map((p) => `${p.property}: ${p.reason}`).join("; ")}`);
      }
      const key = JSON.stringify(settings);
      if (shared?.key !== key) shared = { key, client: makeClient(settings) };
      return shared.client;
    },
  };
}
