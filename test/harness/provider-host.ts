/**
 * The real dynamic provider host of @pulumi/pulumi (the process the Pulumi engine starts for
 * `pulumi-nodejs:dynamic` resources), started as a child process and called over gRPC with the
 * same requests the engine sends.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import * as readline from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { type Plain, SECRET_SIG, SIG_KEY, type SecretAware } from "./state";

export interface ResourceRef {
  urn: string;
  type: string;
  name: string;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface DiffResult {
  /** "unknown" when the provider's diff left `changes` undefined. */
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** A create or update that failed after the cloud resource existed (ErrorResourceInitFailed). */
export class PartialFailure extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Plain,
    readonly reasons: string[],
  ) {
    super(message);
  }
}

const struct = (value: Plain) => Struct.fromJavaScript(value as Parameters<typeof Struct.fromJavaScript>[0]);
const plain = (value: Struct | undefined): Plain => (value?.toJavaScript() ?? {}) as Plain;

/** The provider's error message, or the partial failure it carries in the gRPC status details. */
function providerError(error: grpc.ServiceError): Error {
  const [details] = error.metadata?.get("grpc-status-details-bin") ?? [];
  if (details) {
    for (const any of Status.deserializeBinary(details as Buffer).getDetailsList()) {
      const init = any.unpack(proto.ErrorResourceInitFailed.deserializeBinary, "pulumirpc.ErrorResourceInitFailed");
      if (init) return new PartialFailure(error.details, init.getId(), plain(init.getProperties()), init.getReasonsList());
    }
  }
  return new Error(error.details || error.message);
}

/** The engine does not give its plugins the program's config variables (they hold secrets). */
function hostEnvironment(): NodeJS.ProcessEnv {
  const { PULUMI_CONFIG: _config, PULUMI_CONFIG_SECRET_KEYS: _secretKeys, ...env } = process.env;
  return env;
}

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;

/** How long a failed call waits for the host's exit to tell a crash from an error it answered. */
const EXIT_GRACE_MS = 2_000;

/** The provider host died during a call: whatever that call asked may or may not have happened. */
export class ProviderHostDied extends Error {}

export class ProviderHost {
  private readonly exited: Promise<unknown>;
  /** The calls under way, failed at once when the host dies (gRPC alone may not keep the process alive). */
  private readonly inFlight = new Set<(error: Error) => void>();

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
  ) {
    this.exited = once(child, "exit");
    child.once("exit", () => {
      for (const fail of this.inFlight) fail(this.died());
    });
  }

  /** Starts the host the way the engine does: it prints its gRPC port as the first line on stdout. */
  static async start(options: { cwd: string; project: string; stack: string }): Promise<ProviderHost> {
    const child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/dynamic-provider"), "127.0.0.1:0"], {
      cwd: options.cwd,
      env: { ...hostEnvironment(), PULUMI_NODEJS_PROJECT: options.project, PULUMI_NODEJS_STACK: options.stack },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // The provider's own output (e.g. `[eurocloud]` progress lines) is the harness's stderr.
    child.stderr!.pipe(process.stderr);
    const lines = readline.createInterface({ input: child.stdout! });
    const port = await new Promise<string>((resolve, reject) => {
      lines.once("line", resolve);
      child.once("exit", (code) => reject(new Error(`the dynamic provider host exited (code ${code}) before listening`)));
    });
    lines.on("line", (line) => process.stderr.write(`${line}\n`));
    const client = new ResourceProviderClient(`127.0.0.1:${port.trim()}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client);
  }

  private call<T>(invoke: (callback: Callback<T>) => unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.hasExited()) return reject(this.died());
      this.inFlight.add(reject);
      invoke((error, response) => {
        this.inFlight.delete(reject);
        if (!error) return resolve(response);
        if (error.code !== grpc.status.UNAVAILABLE) return reject(providerError(error));
        // The connection broke: a crashed host is reported as such, not as the provider's error.
        Promise.race([this.exited.then(() => true), sleep(EXIT_GRACE_MS).then(() => false)]).then((died) =>
          reject(died ? this.died() : providerError(error)),
        );
      });
    });
  }

  /** Exited by itself (an exit code) or killed (a signal, and no exit code). */
  private hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  private died(): ProviderHostDied {
    const how = this.child.signalCode ? `killed by ${this.child.signalCode}` : `exit code ${this.child.exitCode}`;
    return new ProviderHostDied(`the dynamic provider host died (${how}) during the call: its outcome is unknown`);
  }

  /**
   * The whole stack config, namespaced (`contabo:clientId`), as the engine configures the
   * `pulumi-nodejs` provider: `args` keeps secrets marked, `variables` is the older plain spelling.
   */
  async configure(config: Record<string, SecretAware>): Promise<void> {
    const req = new proto.ConfigureRequest();
    const args: Plain = {};
    for (const [key, { value, secret }] of Object.entries(config)) {
      args[key] = secret ? { [SIG_KEY]: SECRET_SIG, value } : value;
      req.getVariablesMap().set(`pulumi-nodejs:config:${key}`, String(value));
    }
    req.setArgs(struct(args));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    req.setSendsOldInputs(true);
    req.setSendsOldInputsToDelete(true);
    // The host answers acceptSecrets=false, so every later call carries plain values (as here).
    await this.call<proto.ConfigureResponse>((cb) => this.client.configure(req, cb));
  }

  async check(ref: ResourceRef, olds: Plain, news: Plain): Promise<{ inputs: Plain; failures: CheckFailure[] }> {
    const req = new proto.CheckRequest();
    req.setUrn(ref.urn).setType(ref.type).setName(ref.name).setOlds(struct(olds)).setNews(struct(news));
    const res = await this.call<proto.CheckResponse>((cb) => this.client.check(req, cb));
    const failures = res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
    return { inputs: plain(res.getInputs()), failures };
  }

  async diff(ref: ResourceRef, id: string, oldOutputs: Plain, news: Plain, oldInputs: Plain): Promise<DiffResult> {
    const req = new proto.DiffRequest();
    req.setUrn(ref.urn).setType(ref.type).setName(ref.name).setId(id);
    req.setOlds(struct(oldOutputs)).setNews(struct(news)).setOldInputs(struct(oldInputs));
    const res = await this.call<proto.DiffResponse>((cb) => this.client.diff(req, cb));
    const changes = { [proto.DiffResponse.DiffChanges.DIFF_NONE]: "none", [proto.DiffResponse.DiffChanges.DIFF_SOME]: "some" } as const;
    return {
      changes: changes[res.getChanges() as keyof typeof changes] ?? "unknown",
      replaces: res.getReplacesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  async create(ref: ResourceRef, inputs: Plain): Promise<{ id: string; outputs: Plain }> {
    const req = new proto.CreateRequest();
    req.setUrn(ref.urn).setType(ref.type).setName(ref.name).setProperties(struct(inputs));
    const res = await this.call<proto.CreateResponse>((cb) => this.client.create(req, cb));
    return { id: res.getId(), outputs: plain(res.getProperties()) };
  }

  /** Refresh passes the old outputs and inputs; a `get` (the `id` option) passes only inputs. */
  async read(ref: ResourceRef, id: string, oldOutputs: Plain | undefined, inputs: Plain) {
    const req = new proto.ReadRequest();
    req.setUrn(ref.urn).setType(ref.type).setName(ref.name).setId(id).setInputs(struct(inputs));
    if (oldOutputs) req.setProperties(struct(oldOutputs));
    const res = await this.call<proto.ReadResponse>((cb) => this.client.read(req, cb));
    return { id: res.getId(), outputs: plain(res.getProperties()), inputs: res.getInputs() && plain(res.getInputs()) };
  }

  async update(ref: ResourceRef, id: string, oldOutputs: Plain, news: Plain, oldInputs: Plain): Promise<Plain> {
    const req = new proto.UpdateRequest();
    req.setUrn(ref.urn).setType(ref.type).setName(ref.name).setId(id);
    req.setOlds(struct(oldOutputs)).setNews(struct(news)).setOldInputs(struct(oldInputs));
    const res = await this.call<proto.UpdateResponse>((cb) => this.client.update(req, cb));
    return plain(res.getProperties());
  }

  async delete(ref: ResourceRef, id: string, oldOutputs: Plain, oldInputs: Plain): Promise<void> {
    const req = new proto.DeleteRequest();
    req.setUrn(ref.urn).setType(ref.type).setName(ref.name).setId(id);
    req.setProperties(struct(oldOutputs)).setOldInputs(struct(oldInputs));
    await this.call((cb) => this.client.delete(req, cb));
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.hasExited()) return;
    // "close" rather than "exit": the host's last stderr lines are forwarded by then.
    const closed = new Promise((resolve) => this.child.once("close", resolve));
    this.child.kill();
    await closed;
  }
}
