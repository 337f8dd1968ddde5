/**
 * No credential or secret value in plain text (nor URL-encoded, JSON-escaped or base64) anywhere
 * the provider writes: the three examples run on the real Pulumi engine with
 * recognizable canaries for every credential, given as environment variables and, in another
 * run, as secret stack config, and for every secret input. Each run goes through failing ups
 * first (the emulator answers 400 quoting the whole request back, credentials included), then up,
 * an up without changes, an in-place update, refresh and destroy. After every step every state
 * file and backup the engine wrote (with their `__provider` texts), the stack's config file, the
 * CLI's output, every diagnostic the engine reported (the provider host's output among them) and
 * the error messages are scanned. The canaries must have reached the emulators, so the test
 * cannot pass by not using them.
 * Needs `npm run build` (the examples run from dist/) and the Pulumi CLI.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONTABO_SETTINGS } from "../src/contabo/client";
import type { SettingSpec } from "../src/core/settings";
import { startContaboEmulator, startIonosEmulator, startOvhEmulator } from "../src/emulator";
import type { EmulatorServer } from "../src/emulator/server";
import { IONOS_SETTINGS } from "../src/ionos/client";
import { OVH_SETTINGS } from "../src/ovh/client";
import { type EngineOptions, describeWithEngine, runEngine, stateFiles, stateResources, tempDir, workDir } from "./engine";
import { findUp } from "./harness/project";

const ROOT = findUp(__dirname, "package.json")!;
const program = (cloud: string) => path.join(ROOT, `dist/examples/${cloud}/index.js`);
const dir = tempDir("secrets-test-");

/** One tag per test run, so a hit can only come from this run. */
const TAG = randomBytes(4).toString("hex");
/** Characters that each encoding changes: a canary quoted URL-encoded or JSON-escaped looks different. */
const SPECIALS = '/+=!"';
/** A canary's recognizable part, the same in plain text, URL-encoding and JSON: `CANARY-<name>-<tag>`. */
const core = (name: string) => `CANARY-${name}-${TAG}`;
const canary = (name: string) => `${core(name)}${SPECIALS}`;

const CANARIES = {
  contabo: {
    clientId: canary("cntb-client-id"),
    clientSecret: canary("cntb-client-secret"),
    user: `${core("cntb-user")}+api@example.com`,
    password: canary("cntb-api-password"),
  },
  ionos: {
    token: `${core("ionos-token")}/+=`,
    username: `${core("ionos-user")}+api@example.com`,
    password: canary("ionos-password"),
  },
  ovh: {
    applicationKey: canary("ovh-app-key"),
    applicationSecret: canary("ovh-app-secret"),
    consumerKey: canary("ovh-consumer-key"),
    clientId: canary("ovh-client-id"),
    clientSecret: canary("ovh-client-secret"),
  },
};

/** Secret inputs: Contabo Secret values (an SSH key, a root password), user data, an IONOS image password and SSH key. */
const SECRET_VALUES = {
  contabo: {
    sshPublicKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyForTheEmulatorOnly ${core("cntb-ssh-key")}@example`,
    rootPassword: `${core("cntb-root-password")}!Pw#1`,
    userData: `#cloud-config\n# ${canary("cntb-user-data")}\npackage_update: true\n`,
  },
  ionos: {
    imagePassword: core("ionos-image-password").replace(/-/g, ""),
    sshPublicKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyForTheEmulatorOnly ${core("ionos-ssh-key")}@example`,
  },
  ovh: {
    userData: `#cloud-config\n# ${canary("ovh-user-data")}\npackage_update: true\n`,
  },
};

interface Canary {
  name: string;
  value: string;
  /** The part that shows whatever the encoding (plain, URL, JSON), and in a truncated copy. */
  core: string;
}

const canaries: Canary[] = [
  ...Object.entries({ ...CANARIES.contabo }).map(([key, value]) => ({ name: `contabo ${key}`, value })),
  ...Object.entries(CANARIES.ionos).map(([key, value]) => ({ name: `ionos ${key}`, value })),
  ...Object.entries(CANARIES.ovh).map(([key, value]) => ({ name: `ovh ${key}`, value })),
  ...Object.entries(SECRET_VALUES.contabo).map(([key, value]) => ({ name: `contabo ${key} (secret input)`, value })),
  ...Object.entries(SECRET_VALUES.ionos).map(([key, value]) => ({ name: `ionos ${key} (secret input)`, value })),
  ...Object.entries(SECRET_VALUES.ovh).map(([key, value]) => ({ name: `ovh ${key} (secret input)`, value })),
  // IONOS's Basic authorization holds both in one base64 text.
  { name: "ionos username:password", value: `${CANARIES.ionos.username}:${CANARIES.ionos.password}` },
].map((c) => ({ ...c, core: /CANARY-[a-z-]+-[0-9a-f]{8}/.exec(c.value)?.[0] ?? c.value }));

/** The forms a value may leak in. */
function encodings(value: string): Record<string, string> {
  return {
    plain: value,
    "URL-encoded": encodeURIComponent(value),
    "form-encoded": new URLSearchParams({ v: value }).toString().slice(2),
    "JSON-escaped": JSON.stringify(value).slice(1, -1),
    base64: Buffer.from(value).toString("base64"),
    base64url: Buffer.from(value).toString("base64url"),
  };
}

/** Everything scanned, by place. */
const places: { place: string; text: string }[] = [];
/** Engine runs, error messages and `__provider` texts scanned. */
const counts = { runs: 0, errorMessages: 0, providers: 0, stateFiles: 0 };

function collectProviders(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => collectProviders(v, found));
  else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key === "__provider" && typeof v === "string") found.push(v);
      else collectProviders(v, found);
    }
  }
  return found;
}

/** Settings as environment variables (the first name each setting reads), or as stack config. */
type Setting = { spec: SettingSpec; value: string };
const asEnv = (settings: Setting[]) => Object.fromEntries(settings.map(({ spec, value }) => [spec.envNames[0], value]));
const asConfig = (settings: Setting[]) => Object.fromEntries(settings.map(({ spec, value }) => [spec.configKey, value]));
/** Blanks every environment variable of a cloud, so only what a run sets is used. */
const blankEnv = (specs: Record<string, SettingSpec>) => Object.fromEntries(Object.values(specs).flatMap((spec) => spec.envNames.map((name) => [name, ""])));

interface Lifecycle {
  cloud: "contabo" | "ionos" | "ovh";
  label: string;
  emulator: EmulatorServer;
  /** Endpoints (plain) and credentials (secret). */
  endpoints: Setting[];
  credentials: Setting[];
  via: "env" | "config";
  /** Program config: plain, and secret. */
  config: Record<string, string>;
  secretConfig: Record<string, string>;
  /** Requests answered with the echo fault, one failing up each. */
  echoes: { method: string; path: RegExp }[];
  /** Program config for the in-place update; absent for a short run (failing ups, up, destroy). */
  update?: Record<string, string>;
}

async function runLifecycle(life: Lifecycle): Promise<void> {
  const stackDir = path.join(dir, `${life.cloud}-${life.label.replace(/\W+/g, "-")}`);
  const specs = { contabo: CONTABO_SETTINGS, ionos: IONOS_SETTINGS, ovh: OVH_SETTINGS }[life.cloud];
  const env = { ...blankEnv(specs), ...(life.via === "env" ? asEnv([...life.endpoints, ...life.credentials]) : {}) };
  let first = true;

  const step = async (title: string, op: EngineOptions["op"], extra: Record<string, string> = {}) => {
    const result = await runEngine({
      op,
      program: program(life.cloud),
      dir: stackDir,
      env,
      // Config given once stays in the stack's config file for the later steps.
      config: { ...(first && life.via === "config" ? asConfig(life.endpoints) : {}), ...(first ? life.config : {}), ...extra },
      secretConfig: first ? { ...(life.via === "config" ? asConfig(life.credentials) : {}), ...life.secretConfig } : {},
    });
    first = false;
    const where = `${life.cloud} ${life.label}, ${title}`;
    counts.runs++;
    places.push({ place: `${where}: CLI stdout`, text: result.stdout });
    places.push({ place: `${where}: CLI stderr`, text: result.stderr });
    places.push({ place: `${where}: the CLI's own rendering`, text: result.cliOutput });
    places.push({ place: `${where}: the engine's diagnostics (the provider host's output among them)`, text: JSON.stringify(result.diagnostics) });
    counts.errorMessages += result.errors.length;
    places.push(...result.errors.map((text, i) => ({ place: `${where}: error message ${i + 1}`, text })));
    for (const file of stateFiles(stackDir)) {
      const text = fs.readFileSync(file, "utf8");
      counts.stateFiles++;
      places.push({ place: `${where}: ${path.relative(stackDir, file)}`, text });
      // The checkpoints and their backups are JSON (`dev.json`, `dev.json.bak`); the backend's meta.yaml is text.
      const providers = /\.json(\.bak)?$/.test(file) ? collectProviders(JSON.parse(text)) : [];
      counts.providers += providers.length;
      places.push(...providers.map((text, i) => ({ place: `${where}: ${path.basename(file)}, __provider ${i + 1}`, text })));
    }
    for (const file of fs.readdirSync(workDir(stackDir)).filter((name) => name.endsWith(".yaml"))) {
      places.push({ place: `${where}: ${file}`, text: fs.readFileSync(path.join(workDir(stackDir), file), "utf8") });
    }
    return result;
  };

  for (const echo of life.echoes) {
    life.emulator.faults.next({ kind: "echo", match: echo });
    const failed = await step(`up failing on an echoed ${echo.method} ${echo.path.source}`, "up");
    // The echo came back as the error, redacted.
    expect(failed.code).not.toBe(0);
    expect(failed.errors.join("\n")).toMatch(/HTTP 400: .*Bad request: .*\[redacted\]/);
  }
  const expectOk = (result: { code: number; stdout: string; stderr: string }) => {
    if (result.code !== 0) throw new Error(`${life.cloud} ${life.label} failed:\n${result.stdout}\n${result.stderr}`);
  };
  expectOk(await step("up", "up"));
  if (life.update) {
    const again = await step("up without changes", "up");
    expectOk(again);
    expect(Object.keys(again.summary)).toEqual(["same"]);
    const updated = await step("in-place update", "up", life.update);
    expectOk(updated);
    expect(updated.summary.update).toBe(1);
    expectOk(await step("refresh", "refresh"));
  }
  expectOk(await step("destroy", "destroy"));
  expect(stateResources(stackDir)).toEqual([]);
}

const settings = (specs: Record<string, SettingSpec>, values: Record<string, string>): Setting[] =>
  Object.entries(values).map(([key, value]) => ({ spec: specs[key], value }));

/** Request bodies the emulator logged (token requests excepted), as text. */
const loggedBodies = (emulator: EmulatorServer) => emulator.log.entries.map((entry) => JSON.stringify(entry.body ?? "")).join("\n");
/** Answers other than errors: the emulator authenticated these requests. */
const authenticated = (emulator: EmulatorServer) => emulator.log.entries.filter((entry) => typeof entry.status === "number" && entry.status < 400).length;
/** True when a secret value reached the emulator in a request body. */
const sent = (emulator: EmulatorServer, value: string) => loggedBodies(emulator).includes(JSON.stringify(value).slice(1, -1));

// Each emulator accepts only the canaries. Started here rather than in beforeAll: the three clouds' tests run concurrently.
const { clientId, clientSecret, user, password } = CANARIES.contabo;
const emulators = Promise.all([
  startContaboEmulator({ provisioningMs: 300, credentials: { clientId, clientSecret, username: user, password } }),
  startIonosEmulator({ requestMs: 50, credentials: CANARIES.ionos }),
  startOvhEmulator({ buildMs: 300, credentials: CANARIES.ovh }),
]);

afterAll(async () => {
  await Promise.all((await emulators).map((emulator) => emulator.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describeWithEngine("secrets on the Pulumi engine", () => {
  test.concurrent("Contabo: every credential as environment variables, then as secret config; secret inputs", async () => {
    const [contabo] = await emulators;
    const endpoints = settings(CONTABO_SETTINGS, { apiUrl: contabo.url, tokenUrl: contabo.tokenUrl });
    const credentials = settings(CONTABO_SETTINGS, CANARIES.contabo);
    const tokensBefore = contabo.tokensIssued;
    for (const via of ["env", "config"] as const) {
      await runLifecycle({
        cloud: "contabo",
        label: `credentials as ${via}`,
        emulator: contabo,
        endpoints,
        credentials,
        via,
        config: {},
        secretConfig: SECRET_VALUES.contabo,
        echoes: [
          { method: "POST", path: /\/token$/ },
          { method: "POST", path: /^\/v1\/secrets$/ },
          { method: "POST", path: /^\/v1\/compute\/instances$/ },
        ],
        update: { displayName: "web-renamed" },
      });
    }
    // The canaries reached the emulator: it gave tokens for exactly these credentials, and got the secret values.
    expect(contabo.tokensIssued - tokensBefore).toBeGreaterThanOrEqual(2);
    expect(authenticated(contabo)).toBeGreaterThan(0);
    for (const value of Object.values(SECRET_VALUES.contabo)) expect(sent(contabo, value)).toBe(true);
  }, 900_000);

  test.concurrent("IONOS: a token, and a user name and password, each as environment variables and as secret config; secret inputs", async () => {
    const [, ionos] = await emulators;
    const endpoints = settings(IONOS_SETTINGS, { apiUrl: ionos.apiUrl });
    const token = settings(IONOS_SETTINGS, { token: CANARIES.ionos.token });
    const userAndPassword = settings(IONOS_SETTINGS, { username: CANARIES.ionos.username, password: CANARIES.ionos.password });
    const tokenEcho = { method: "GET", path: /\/auth\/v1\/tokens\/generate$/ };
    const firstWrite = { method: "POST", path: /\/datacenters$/ };
    const volume = { method: "POST", path: /\/volumes$/ };
    const base = { cloud: "ionos" as const, emulator: ionos, endpoints, config: {}, secretConfig: SECRET_VALUES.ionos };
    const tokensBefore = ionos.tokensIssued;
    const authenticatedBefore = authenticated(ionos);
    await runLifecycle({ ...base, label: "token as env", credentials: token, via: "env", echoes: [firstWrite, volume], update: { cores: "4" } });
    const byToken = authenticated(ionos) - authenticatedBefore;
    await runLifecycle({ ...base, label: "user and password as config", credentials: userAndPassword, via: "config", echoes: [tokenEcho, volume], update: { cores: "4" } });
    await runLifecycle({ ...base, label: "token as config", credentials: token, via: "config", echoes: [firstWrite] });
    await runLifecycle({ ...base, label: "user and password as env", credentials: userAndPassword, via: "env", echoes: [tokenEcho] });
    // The token was accepted on its own; the user name and password minted tokens.
    expect(byToken).toBeGreaterThan(0);
    expect(ionos.tokensIssued - tokensBefore).toBeGreaterThanOrEqual(2);
    for (const value of Object.values(SECRET_VALUES.ionos)) expect(sent(ionos, value)).toBe(true);
  }, 900_000);

  test.concurrent("OVH: application keys, and OAuth2 client credentials, each as environment variables and as secret config; secret inputs", async () => {
    const [, , ovh] = await emulators;
    const keys = settings(OVH_SETTINGS, { applicationKey: CANARIES.ovh.applicationKey, applicationSecret: CANARIES.ovh.applicationSecret, consumerKey: CANARIES.ovh.consumerKey });
    const oauth2 = settings(OVH_SETTINGS, { clientId: CANARIES.ovh.clientId, clientSecret: CANARIES.ovh.clientSecret });
    const keyEndpoints = settings(OVH_SETTINGS, { endpoint: ovh.apiUrl });
    const oauth2Endpoints = settings(OVH_SETTINGS, { endpoint: ovh.apiUrl, oauth2TokenUrl: ovh.tokenUrl });
    const tokenEcho = { method: "POST", path: /\/auth\/oauth2\/token$/ };
    const signedWrite = { method: "POST", path: /\/sshkey$/ };
    const instance = { method: "POST", path: /\/instance$/ };
    const base = { cloud: "ovh" as const, emulator: ovh, config: { serviceName: ovh.serviceName }, secretConfig: SECRET_VALUES.ovh };
    const before = authenticated(ovh);
    await runLifecycle({ ...base, label: "application keys as env", endpoints: keyEndpoints, credentials: keys, via: "env", echoes: [signedWrite, instance], update: { flavor: "b2-15" } });
    const bySignature = authenticated(ovh) - before;
    const tokensBefore = ovh.tokensIssued;
    await runLifecycle({ ...base, label: "OAuth2 as config", endpoints: oauth2Endpoints, credentials: oauth2, via: "config", echoes: [tokenEcho, instance], update: { flavor: "b2-15" } });
    await runLifecycle({ ...base, label: "application keys as config", endpoints: keyEndpoints, credentials: keys, via: "config", echoes: [signedWrite] });
    await runLifecycle({ ...base, label: "OAuth2 as env", endpoints: oauth2Endpoints, credentials: oauth2, via: "env", echoes: [tokenEcho] });
    // Requests signed with the canary keys were accepted; the OAuth2 canaries got tokens.
    expect(bySignature).toBeGreaterThan(0);
    expect(ovh.tokensIssued - tokensBefore).toBeGreaterThanOrEqual(2);
    for (const value of Object.values(SECRET_VALUES.ovh)) expect(sent(ovh, value)).toBe(true);
  }, 900_000);

  test("no canary, in any encoding, in any state file, __provider, config file, CLI output, engine diagnostic or error message", () => {
    const hits: string[] = [];
    const table: string[] = [];
    for (const c of canaries) {
      let found = 0;
      for (const { place, text } of places) {
        const forms = { [`recognizable part ${c.core}`]: c.core, ...encodings(c.value) };
        for (const [encoding, form] of Object.entries(forms)) {
          if (text.includes(form)) {
            found++;
            hits.push(`${c.name} (${encoding}) in ${place}`);
          }
        }
      }
      table.push(`  ${c.name.padEnd(44)} ${found}`);
    }
    const bytes = places.reduce((n, { text }) => n + Buffer.byteLength(text), 0);
    console.log(
      [
        `secrets scan: ${places.length} places, ${(bytes / 1024).toFixed(0)} KB, from ${counts.runs} engine runs: ${counts.stateFiles} state files, ` +
          `${counts.providers} __provider texts, ${counts.errorMessages} error messages, every run's output, diagnostics and config file`,
        `canaries: ${canaries.length}, each searched plain, by its recognizable part, URL- and form-encoded, JSON-escaped, base64 and base64url`,
        "hits per canary:",
        ...table,
      ].join("\n"),
    );
    expect(counts.runs).toBeGreaterThanOrEqual(40);
    expect(counts.errorMessages).toBeGreaterThanOrEqual(14);
    expect(hits).toEqual([]);
  });
});
