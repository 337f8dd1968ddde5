/**
 * The harness's engine: runs a Pulumi program under `pulumi.runtime.setMocks`, sends every dynamic
 * resource to the real provider host and applies the steps the way the Pulumi engine does (check,
 * diff, create / update / replace, deletes at the end), keeping the stack state in an encrypted file.
 */
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { HIDDEN_KEYS } from "../../src/core/kit";
import { PartialFailure, ProviderHost, type ResourceRef } from "./provider-host";
import { type Project, STEP_SYMBOLS } from "./project";

export type { Operation } from "./project";
import { type Plain, type ResourceState, SECRET_SIG, SIG_KEY, type SecretAware, type StackState } from "./state";


const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic";

type Step = "create" | "update" | "replace" | "delete" | "delete-replaced" | "read" | "drift";

/** `pulumi-nodejs:dynamic/contabo:Tag` is shown as `contabo:Tag`. */
const displayType = (type: string) => type.replace(`${DYNAMIC_TYPE_PREFIX}/`, "");
const label = (ref: ResourceRef) => `${displayType(ref.type)} ${ref.name}`;
const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Top-level properties that differ, the kit's hidden ones left out (`__provider`, the create key, ...). */
function changedKeys(olds: Plain, news: Plain): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  return [...keys].filter((key) => !HIDDEN_KEYS.includes(key) && !isDeepStrictEqual(olds[key], news[key]));
}

/** JSON for the provider: unknowns (in a preview) become the engine's sentinel, `undefined` goes. */
function toWire(value: unknown): unknown {
  if (pulumi.isUnknown(value)) return pulumi.runtime.unknownValue;
  if (Array.isArray(value)) return value.map((v) => toWire(v) ?? null);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, toWire(v)])
        .filter(([, v]) => v !== undefined),
    );
  }
  return value;
}

/** The mock receives inputs deserialized, a secret as `{sig, value}` on its top-level property. */
function fromProgram(inputs: Plain): { values: Plain; secretKeys: string[] } {
  const values: Plain = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(inputs)) {
    const value = toWire(pulumi.runtime.unwrapRpcSecret(raw));
    if (value === undefined) continue;
    values[key] = value;
    if (pulumi.runtime.isRpcSecret(raw)) secretKeys.push(key);
  }
  return { values, secretKeys };
}

/** Outputs handed back to the program, secrets marked so they stay secret Outputs there. */
function toProgram(outputs: Plain, secretKeys: string[]): Plain {
  return Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [k, secretKeys.includes(k) ? { [SIG_KEY]: SECRET_SIG, value: v } : v]),
  );
}

/** What the harness reads from the program's registration requests (not in MockResourceArgs). */
interface MonitorRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getAdditionalsecretoutputsList(): string[];
}

/** An Output's internals, to read stack outputs that may be unknown (in a preview). */
interface OutputInternals {
  isKnown: Promise<boolean>;
  isSecret: Promise<boolean>;
  promise(withUnknowns?: boolean): Promise<unknown>;
}

export class Deployment {
  private host?: Promise<ProviderHost>;
  /** The state as it was at the start of this run. */
  private readonly old: ResourceState[];
  /** Resources settled in this run, in completion order (so every dependency precedes its dependents). */
  private readonly done: ResourceState[] = [];
  /** Old entries deleted or superseded in this run. */
  private readonly gone = new Set<ResourceState>();
  private readonly declared = new Set<string>();
  private readonly counts = new Map<string, number>();
  readonly failures: string[] = [];

  constructor(
    private readonly state: StackState,
    private readonly project: Project,
    private readonly stack: string,
    private readonly preview: boolean,
    private readonly print: (line: string) => void,
    /** Writes the state as it stands, after every completed step (as the engine checkpoints). */
    private readonly checkpoint: (resources: ResourceState[]) => void = () => {},
  ) {
    this.old = state.resources;
  }

  /** The provider host, started and configured on first use (the engine configures before any call). */
  private provider(): Promise<ProviderHost> {
    this.host ??= (async () => {
      const host = await ProviderHost.start({ cwd: this.project.dir, project: this.project.name, stack: this.stack });
      try {
        await host.configure(this.state.config);
      } catch (error) {
        await host.stop();
        throw error;
      }
      return host;
    })();
    return this.host;
  }

  async close(): Promise<void> {
    const host = await this.host?.catch(() => undefined);
    await host?.stop();
  }

  private fail(what: string, error: unknown): void {
    this.failures.push(`${what}: ${errorMessage(error)}`);
  }

  private report(step: Step, ref: ResourceRef, changed: string[] = [], note = ""): void {
    const fields = changed.length > 0 ? ` [${changed.join(", ")}]` : "";
    this.print(`  ${STEP_SYMBOLS[step]} ${step} ${label(ref)}${fields}${note}`);
    this.count(step);
  }

  private count(what: string): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
  }

  /** The state this run leaves: what it settled, then what is left of the old state. */
  result(): ResourceState[] {
    return [...this.done, ...this.old.filter((r) => !this.gone.has(r))];
  }

  summary(): string {
    // The old halves of replacements are not counted, as in Pulumi's summary.
    const order = ["create", "update", "replace", "delete", "read", "drift", "same"];
    const parts = order
      .filter((what) => this.counts.has(what))
      .map((what) => {
        const n = this.counts.get(what);
        if (what === "same") return `${n} unchanged`;
        if (this.preview) return `${n} to ${what}`;
        return `${n} ${what === "read" ? "read" : `${what.replace(/e$/, "")}ed`}`;
      });
    return `${this.preview ? "Plan" : "Resources"}: ${parts.length > 0 ? parts.join(", ") : "no changes"}`;
  }

  printOutputs(outputs: Record<string, SecretAware>): void {
    if (Object.keys(outputs).length === 0) return;
    this.print("Outputs:");
    for (const [key, { value, secret }] of Object.entries(outputs)) {
      const shown = value === pulumi.runtime.unknownValue ? "(known after up)" : secret ? "[secret]" : JSON.stringify(value);
      this.print(`    ${key}: ${shown}`);
    }
  }

  // ---- up and preview: run the program ----

  /** Runs the program; returns its stack outputs, or undefined when the run failed. */
  async runProgram(program: string): Promise<Record<string, SecretAware> | undefined> {
    // The language host hands the stack config to the program through these two variables.
    const config = Object.fromEntries(Object.entries(this.state.config).map(([k, v]) => [k, String(v.value)]));
    const secretKeys = Object.keys(this.state.config).filter((k) => this.state.config[k].secret);
    process.env.PULUMI_CONFIG = JSON.stringify(config);
    process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(secretKeys);

    const requests = new Map<string, MonitorRequest>();
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => this.newResource(args, requests.get(`${args.type}::${args.name}`)!),
        call: (args) => {
          throw new Error(`the harness does not support function calls (${args.token})`);
        },
      },
      this.project.name,
      this.stack,
      this.preview,
    );
    // MockResourceArgs lacks the parent and additionalSecretOutputs: take them from the requests.
    const monitor = pulumi.runtime.getMonitor() as unknown as Record<string, (req: MonitorRequest, callback: unknown) => unknown>;
    for (const method of ["registerResource", "readResource"]) {
      const original = monitor[method].bind(monitor);
      monitor[method] = (req, callback) => {
        requests.set(`${req.getType()}::${req.getName()}`, req);
        return original(req, callback);
      };
    }

    // Errors the program itself raises; a registration that failed here also rejects its Outputs.
    // The handler stays for the rest of the process: Node would exit on an unhandled rejection.
    const programErrors: unknown[] = [];
    process.on("unhandledRejection", (error) => programErrors.push(error));
    let exported: Plain = {};
    try {
      exported = (await require(path.resolve(program))) ?? {};
    } catch (error) {
      programErrors.push(error);
    }
    await pulumi.runtime.disconnect(); // waits for every registration to finish

    if (this.failures.length === 0) {
      for (const error of programErrors) this.fail("program", error);
    }
    if (this.failures.length > 0) return undefined;
    if (!this.preview) await this.deleteLeftovers();
    else this.planLeftovers();
    return this.failures.length > 0 ? undefined : this.stackOutputs(exported);
  }

  private async stackOutputs(exported: Plain): Promise<Record<string, SecretAware>> {
    const outputs: Record<string, SecretAware> = {};
    for (const [key, value] of Object.entries(exported)) {
      const output = pulumi.output(value) as unknown as OutputInternals;
      const [known, secret, resolved] = await Promise.all([output.isKnown, output.isSecret, output.promise(true)]);
      const wire = known ? toWire(resolved) : pulumi.runtime.unknownValue;
      if (wire !== undefined) outputs[key] = { value: wire, secret };
    }
    return outputs;
  }

  private async newResource(args: pulumi.runtime.MockResourceArgs, req: MonitorRequest): Promise<pulumi.runtime.MockResourceResult> {
    if (!args.custom) return { id: undefined, state: args.inputs };
    let type = args.type;
    if (req.getParent()) type = `${req.getParent().split("::")[2].split("$").pop()}$${type}`;
    const ref: ResourceRef = { urn: `urn:pulumi:${this.stack}::${this.project.name}::${type}::${args.name}`, type: args.type, name: args.name };
    try {
      if (!args.type.startsWith(DYNAMIC_TYPE_PREFIX)) throw new Error("the harness only runs dynamic resources");
      if (this.failures.length > 0) throw new Error("skipped after an earlier error");
      if (this.declared.has(ref.urn)) throw new Error("duplicate resource URN");
      this.declared.add(ref.urn);
      const inputs = fromProgram(args.inputs);
      const secretOutputs = [...new Set([...inputs.secretKeys, ...req.getAdditionalsecretoutputsList()])];
      const { id, outputs } = args.id
        ? await this.readStep(ref, args.id, inputs.values, inputs.secretKeys, secretOutputs)
        : await this.registerStep(ref, inputs.values, inputs.secretKeys, secretOutputs);
      return { id, state: toProgram(outputs, secretOutputs) };
    } catch (error) {
      if (!errorMessage(error).startsWith("skipped")) this.fail(label(ref), error);
      throw error;
    }
  }

  /** A resource registered with the `id` option (a static `get`): read, not owned. */
  private async readStep(ref: ResourceRef, id: string, inputs: Plain, secretInputs: string[], secretOutputs: string[]) {
    const result = await (await this.provider()).read(ref, id, undefined, inputs);
    if (!result.id) throw new Error(`no resource with id "${id}" to read`);
    this.report("read", ref);
    if (!this.preview) {
      this.settle({ ...ref, id: result.id, inputs, outputs: result.outputs, secretInputs, secretOutputs, external: true });
    }
    return result;
  }

  private async registerStep(ref: ResourceRef, programInputs: Plain, secretInputs: string[], secretOutputs: string[]) {
    const previous = this.old.find((r) => r.urn === ref.urn && !r.pendingDelete);
    const old = previous?.external ? undefined : previous;
    const host = await this.provider();
    const check = async (olds: Plain) => {
      const checked = await host.check(ref, olds, programInputs);
      if (checked.failures.length > 0) {
        throw new Error(`invalid inputs: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
      }
      return checked.inputs;
    };
    let inputs = await check(old?.inputs ?? {});
    const entry = (id: string, outputs: Plain): ResourceState => ({ ...ref, id, inputs, outputs, secretInputs, secretOutputs });

    if (!old) {
      if (this.preview) return this.planned("create", ref, { id: undefined, outputs: inputs });
      const created = await this.create(ref, inputs, entry);
      this.report("create", ref);
      return this.settle(created);
    }
    if (old.pendingReplacement) {
      // Still a replacement: the engine checks its inputs again without the old ones.
      inputs = await check({});
      const note = " (its old resource was deleted by an earlier run)";
      if (this.preview) return this.planned("replace", ref, { id: undefined, outputs: inputs }, [], note);
      const created = await this.create(ref, inputs, entry);
      this.report("replace", ref, [], note);
      return this.settle(created);
    }

    const diff = await host.diff(ref, old.id, old.outputs, inputs, old.inputs);
    // Without an explicit answer the engine compares all inputs, the provider code included.
    const hasChanges = diff.changes === "unknown" ? !isDeepStrictEqual(old.inputs, inputs) : diff.changes === "some";
    // A resource left by a partial failure is always updated, as the engine does.
    if (!hasChanges && !old.initErrors) {
      this.count("same");
      return this.preview ? old : this.settle(entry(old.id, old.outputs));
    }
    // The fields shown: changed inputs, inputs that differ from the output of the same name (drift
    // found by a refresh), and the replacing ones.
    const drifted = changedKeys(old.outputs, inputs).filter((key) => key in inputs && key in old.outputs);
    const changed = [...new Set([...changedKeys(old.inputs, inputs), ...drifted, ...diff.replaces])];

    if (diff.replaces.length > 0) {
      // As the engine does, a replacement's inputs come from a second check without the old
      // inputs: defaults carried over from the old resource no longer apply to a new one.
      inputs = await check({});
      const note = ` (${diff.replaces.join(", ")} forces replacement${diff.deleteBeforeReplace ? ", delete before create" : ""})`;
      if (this.preview) return this.planned("replace", ref, { id: undefined, outputs: inputs }, changed, note);
      if (diff.deleteBeforeReplace) {
        await host.delete(ref, old.id, old.outputs, old.inputs);
        old.pendingReplacement = true;
        this.checkpoint(this.result());
      } else {
        // Create before delete: the old one is deleted at the end, once its dependents use the new one.
        old.pendingDelete = true;
      }
      const created = await this.create(ref, inputs, entry).catch((error) => {
        // Without a replacement in the state, the old resource is still the live one.
        if (!(error instanceof PartialFailure)) old.pendingDelete = undefined;
        throw error;
      });
      this.report("replace", ref, changed, note);
      return this.settle(created);
    }

    if (this.preview) return this.planned("update", ref, { id: old.id, outputs: { ...old.outputs, ...inputs } }, changed);
    let outputs: Plain;
    try {
      outputs = await host.update(ref, old.id, old.outputs, inputs, old.inputs);
    } catch (error) {
      if (error instanceof PartialFailure) this.settle({ ...entry(old.id, error.properties), initErrors: error.reasons });
      throw error;
    }
    this.report("update", ref, changed);
    return this.settle(entry(old.id, outputs));
  }

  /** Create; a partial failure still records the resource, with the properties the error carries. */
  private async create(ref: ResourceRef, inputs: Plain, entry: (id: string, outputs: Plain) => ResourceState): Promise<ResourceState> {
    try {
      const { id, outputs } = await (await this.provider()).create(ref, inputs);
      return entry(id, outputs);
    } catch (error) {
      if (error instanceof PartialFailure) {
        this.settle({ ...entry(error.id, error.properties), initErrors: error.reasons });
        this.report("create", ref, [], " (created, but failed to initialize: kept in the state)");
      }
      throw error;
    }
  }

  /** Records a resource of this run; it supersedes its old entry (unless that awaits deletion). */
  private settle(entry: ResourceState): ResourceState {
    for (const r of this.old) {
      if (r.urn === entry.urn && !r.pendingDelete) this.gone.add(r);
    }
    this.done.push(entry);
    this.checkpoint(this.result());
    return entry;
  }

  /** Drops an old entry (deleted, or gone from the cloud) from the state. */
  private forget(r: ResourceState): void {
    this.gone.add(r);
    this.checkpoint(this.result());
  }

  private planned(step: Step, ref: ResourceRef, result: { id: string | undefined; outputs: Plain }, changed?: string[], note?: string) {
    this.report(step, ref, changed, note);
    return result;
  }

  /** Old resources the program no longer declares, and the old halves of replacements. */
  private leftovers(): ResourceState[] {
    return this.old.filter((r) => !this.gone.has(r) && (r.pendingDelete || !this.declared.has(r.urn)));
  }

  private planLeftovers(): void {
    for (const r of this.leftovers().reverse()) {
      if (!r.external) this.report(r.pendingDelete ? "delete-replaced" : "delete", r);
    }
  }

  /** Deletes at the end of a successful up, in reverse creation order; reads are just dropped. */
  private async deleteLeftovers(): Promise<void> {
    for (const r of this.leftovers().reverse()) {
      // Deleted already: a replacement no longer declared leaves nothing to delete.
      if (!r.external && !r.pendingReplacement && !(await this.delete(r, r.pendingDelete ? "delete-replaced" : "delete"))) return;
      this.forget(r);
    }
  }

  private async delete(r: ResourceState, step: Step): Promise<boolean> {
    try {
      await (await this.provider()).delete(r, r.id, r.outputs, r.inputs);
    } catch (error) {
      this.fail(label(r), error);
      return false;
    }
    this.report(step, r);
    return true;
  }

  // ---- refresh and destroy: no program ----

  /**
   * Reads every owned resource: gone ones leave the state, the others take the cloud's outputs.
   * The reads go out all at once, as the engine sends them (`--parallel` is unbounded by
   * default); their results are shown in state order.
   */
  async refresh(): Promise<void> {
    const owned = this.old.filter((r) => !r.external);
    const reads = await Promise.allSettled(owned.map(async (r) => (await this.provider()).read(r, r.id, r.outputs, r.inputs)));
    owned.forEach((r, i) => {
      const read = reads[i];
      if (read.status === "rejected") return this.fail(label(r), read.reason);
      const result = read.value;
      if (!result.id) {
        this.forget(r);
        return this.report("delete", r, [], " (gone from the cloud, dropped from the state)");
      }
      const drift = changedKeys(r.outputs, result.outputs);
      Object.assign(r, { id: result.id, outputs: result.outputs, inputs: result.inputs ?? r.inputs });
      if (drift.length > 0) this.report("drift", r, drift);
      else this.count("same");
    });
  }

  /** Deletes every owned resource in reverse order; stops at the first failure. */
  async destroy(): Promise<void> {
    for (const r of [...this.old].reverse()) {
      if (!r.external && !(await this.delete(r, "delete"))) return;
      this.forget(r);
    }
  }
}
