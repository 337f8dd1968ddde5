/**
 * The resource kit: one declarative description of a resource (zod input schema, which changes
 * replace, which values are secret, and the create/read/update/delete calls) becomes both the
 * dynamic-provider operations (run in the provider host) and a typed Pulumi resource class (used
 * in programs). Everything the engine needs from a dynamic provider is done here, once:
 * preview-time validation, explicit field diffs, refresh that drops what is gone, adoption by id,
 * secret outputs, and outputs free of `undefined`.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash, randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { CloudApiError, type Cloud, type RequestContext, errorText, namesItsContext } from "./errors";
import { redact, registerSecret } from "./redact";
import { currentResource, report, warnOnce } from "./report";
import { providerFor } from "./provider";
import { currentCreate } from "./reconcile";
import { registerOperations } from "./registry";

/** The value the engine puts in place of an input that is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const PROVIDER_KEY = "__provider";
/** The hidden input carrying a create's stable identity (see `createKeyFor`). */
export const CREATE_KEY = "__createKey";
/** The hidden input carrying the Pulumi resource name, for a keyed auto-name (see `keyedName`). */
export const AUTO_NAME = "__autoName";
/**
 * The hidden input and output carrying the resource's URN, computed in the program: the provider
 * host is not told which resource an operation is for, and messages go on that resource's line
 * (see report.ts). Kept in the outputs too, for the reads and deletes that only see those.
 */
export const URN_KEY = "__urn";
/** Every property the kit adds beside the resource's own: no user input, never a change the user made. */
export const HIDDEN_KEYS: readonly string[] = [PROVIDER_KEY, CREATE_KEY, AUTO_NAME, URN_KEY];

export interface CheckFailure {
  property: string;
  reason: string;
}

/** What a cloud contributes to every one of its resources. */
export interface CloudBinding<Client> {
  cloud: Cloud;
  /** Problems with the provider settings (missing credentials, bad URLs): reported at preview. */
  settingsProblems(): CheckFailure[];
  /** The one shared client of the provider process. */
  client(): Client;
}

type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;
type Plain = Record<string, unknown>;

export interface OperationScope {
  /** The request context for one API call of this operation: names cloud, operation and resource. */
  context(operation: string): RequestContext;
  /**
   * Tells the kit the cloud resource exists, before a long wait: if the wait fails, the engine
   * still records the resource (a partial failure), so it is never lost from state.
   */
  created(id: string, outputs: Plain): void;
  /**
   * This create's stable identity, UUID-shaped: the same when a crashed run is re-run, different
   * for a replacement. A create records it where the cloud keeps it (a request id, a name) and
   * looks for it before creating, so a create whose process died is never made twice.
   */
  createKey: string;
}

export interface ResourceDefinition<
  Schema extends AnyObjectSchema,
  Outputs extends Plain,
  Client,
  AutoName extends keyof z.input<Schema> & string = never,
> {
  cloud: CloudBinding<Client>;
  /** The type name within the cloud, e.g. "Tag": the token is `<cloud>:<kind>`. */
  kind: string;
  inputs: Schema;
  /** Every output property (inputs included), so the resource class registers them all. */
  outputNames: readonly (keyof Outputs & string)[];
  /**
   * Outputs that are the resource id or a part of it, derived from the id in the program. The
   * engine carries the id into the preview of an update, but takes the checked inputs for the
   * other outputs there: an output that is not an input is unknown to dependents, which would
   * preview as changed (a replace-on-change field as replaced). Derived from the id, it stays known.
   */
  idOutputs?: NoInfer<{ readonly [K in keyof Outputs]?: (id: string) => Outputs[K] }>;
  replaceOnChange?: readonly (keyof z.output<Schema> & string)[];
  /**
   * The cloud forbids two of these at once (e.g. unique names): delete the old one first. A
   * function decides from the old values of the inputs and the new ones (e.g. only when a fixed
   * IP is kept).
   */
  deleteBeforeReplace?: boolean | ((olds: Partial<z.output<Schema>>, news: z.output<Schema>) => boolean);
  /**
   * Optional inputs that the program clears by leaving them out (e.g. a firewall rule's port
   * range). Any other optional input left out is not managed: whatever the cloud has stays.
   */
  clearable?: readonly (keyof z.output<Schema> & string)[];
  secretInputs?: readonly (keyof z.output<Schema> & string)[];
  secretOutputs?: readonly (keyof Outputs & string)[];
  /**
   * The input that names the resource in the cloud: when the program leaves it out, the Pulumi
   * resource name is used, which also lets a create whose answer was lost find what it made.
   */
  autoName?: AutoName;
  /**
   * The auto-name is the resource name plus a suffix of the create key (see `keyedName`), like
   * Pulumi's own auto-names: for clouds where the name is all a create leaves that a later run
   * can find it by.
   */
  keyedAutoName?: boolean;
  /**
   * Rules across fields, or between the new inputs and the old ones (`olds` is empty on create),
   * run at preview once every input is known.
   */
  validate?(news: z.output<Schema>, olds: Partial<z.output<Schema>>): CheckFailure[];
  /**
   * Fields whose change replaces the resource only for some old and new values (e.g. a flavor the
   * cloud can resize to or not), asked at preview once every input is known; added to
   * `replaceOnChange`'s.
   */
  replacesWhen?(client: Client, olds: NoInfer<Outputs>, news: z.output<Schema>): Promise<string[]> | string[];
  /** A warning the preview should carry for these changed fields (e.g. "reinstalls the disk"). */
  changeWarning?(changed: string[]): string | undefined;
  /** How errors and progress name the resource, e.g. `tag "web"`. */
  describe(values: Partial<z.output<Schema>> & Plain, id?: string): string;
  create(client: Client, inputs: z.output<Schema>, scope: OperationScope): Promise<{ id: string; outputs: Outputs }>;
  /** The current outputs, or undefined when the resource no longer exists. */
  read(client: Client, id: string, olds: Partial<Outputs>, scope: OperationScope): Promise<Outputs | undefined>;
  /** Absent when every input replaces the resource: nothing can change in place. */
  update?(
    client: Client,
    id: string,
    news: z.output<Schema>,
    olds: Outputs,
    changed: (keyof z.output<Schema> & string)[],
    scope: OperationScope,
  ): Promise<Outputs>;
  delete(client: Client, id: string, olds: Outputs, scope: OperationScope): Promise<void>;
}

/** What the runtime calls for one resource type; argument lists as the engine passes them. */
export interface ProviderOperations {
  check(olds: Plain, news: Plain): Promise<{ inputs?: Plain; failures?: CheckFailure[] }>;
  diff(id: string, olds: Plain, news: Plain): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Plain): Promise<{ id: string; outs: Plain }>;
  read(id: string, props: Plain): Promise<{ id?: string; props?: Plain }>;
  update(id: string, olds: Plain, news: Plain): Promise<{ outs: Plain }>;
  delete(id: string, props: Plain): Promise<void>;
}

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Drops `undefined` (the engine rejects it in outputs) recursively. */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, withoutUndefined(v)]),
    ) as T;
  }
  return value;
}

/** The inputs the resource definition sees: the provider code and the create key left out. */
function withoutHidden(props: Plain): Plain {
  return Object.fromEntries(Object.entries(props).filter(([key]) => !HIDDEN_KEYS.includes(key)));
}

/** The URN among a resource's properties, as an output of its own: `{ __urn }`, or nothing. */
const urnOf = (props: Plain): Plain => (typeof props[URN_KEY] === "string" ? { [URN_KEY]: props[URN_KEY] } : {});

/** Runs an operation as one about the resource with these properties: its messages go on its line. */
const about = <T>(props: Plain, operation: () => Promise<T>): Promise<T> =>
  currentResource.run({ urn: urnOf(props)[URN_KEY] as string | undefined }, operation);

/** A name-based UUID (version 5 layout, SHA-1) of the parts: deterministic, and fits UUID-only headers. */
function uuidOf(...parts: string[]): string {
  const bytes = createHash("sha1").update(parts.join("\0")).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The base create key of a resource: Pulumi gives a dynamic provider's create no identity, so the
 * program derives one from what makes the resource's URN (project, stack, type token, name, and
 * the parent's URN when it has a parent: two components may each have a child of the same name).
 */
export function createKeyFor(project: string, stack: string, token: string, name: string, parentUrn?: string): string {
  return uuidOf("eurocloud create key", project, stack, token, name, ...(parentUrn ? [parentUrn] : []));
}

/**
 * The keys handed out by checks with old inputs, by the program's base key. The engine checks a
 * replacement twice in one provider process: first with the old inputs, then, once diff said
 * "replace", again without them, and it creates the replacement with the second check's inputs.
 * That second check must hand out the first one's key, or the replacement would carry the base key
 * of the resource's first create and find that resource instead of making a new one.
 */
const keysFromOlds = new Map<string, string>();

/**
 * The key check hands to create. A resource that exists (`olds` carry a key) gets a key derived
 * from its old one, so a replacement never finds the resource it replaces, while a re-run after a
 * crash (same olds in the state) derives the same key. A new resource gets the program's base key.
 * Every check with old inputs derives one, replacing or not: a targeted replacement (`pulumi up
 * --replace`) is created with the first check's inputs, without a second check.
 */
export function nextCreateKey(olds: Plain, news: Plain): string | undefined {
  const base = typeof news[CREATE_KEY] === "string" ? news[CREATE_KEY] : undefined;
  const oldKey = olds[CREATE_KEY];
  if (typeof oldKey === "string") {
    const next = uuidOf("eurocloud next create key", oldKey);
    if (base) keysFromOlds.set(base, next);
    return next;
  }
  if (!base) return undefined;
  // The second check of a replacement: each check with old inputs is followed by at most one.
  const next = keysFromOlds.get(base) ?? base;
  keysFromOlds.delete(base);
  return next;
}

/**
 * Resources that a create of this process adopted from an earlier run, by type token and id. The
 * engine checks a resource named by `pulumi up --replace` without its old inputs, so its
 * replacement carries the key of the resource's own first create and finds that resource: the
 * engine then deletes the "old" one, which is the one it now records. That delete is refused.
 */
const adoptedInProcess = new Set<string>();

const keySuffix = (createKey: string) => createHash("sha256").update(createKey).digest("hex").slice(0, 8);

/**
 * A name that tells which create made the resource: the resource name and 8 hex digits of the
 * create key. A re-run after a crash derives the same name and finds what the crashed run made by
 * it; a replacement, whose key is new, gets a name of its own.
 */
export function keyedName(resourceName: string, createKey: string): string {
  return `${resourceName}-${keySuffix(createKey)}`;
}

/** Whether a name is the keyed auto-name of this create key: nothing else is named so. */
export function isKeyedName(name: string, createKey: string): boolean {
  return name.endsWith(`-${keySuffix(createKey)}`);
}

export function zodFailures(error: z.ZodError): CheckFailure[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ property: [...issue.path, key].join("."), reason: "unknown property" }));
    }
    return [{ property: issue.path.join(".") || "(inputs)", reason: issue.message }];
  });
}

/** What each resource type declares, by token: the tests hold its docs and the README to it. */
export const resourceFacts = new Map<
  string,
  { inputs: AnyObjectSchema; replaceOnChange: string[]; replacesSometimes: boolean; outputNames: string[] }
>();

/** Whether two types are the same: each assignable to the other, with the same keys. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : false) : false;

/** A schema tied to the interface that documents its inputs (see `documented`). */
export type Documented<S extends AnyObjectSchema, D> = S & { readonly "~documentedBy": D };
/** The documented interface of a schema's inputs, or else the inputs as zod infers them. */
type DocumentedInputs<S extends AnyObjectSchema> = S extends { readonly "~documentedBy": infer D } ? D : z.input<S>;

/**
 * Ties an input schema to the interface that documents its inputs. Editors show a property's doc
 * from the declarations, and the declarations of types that zod infers carry no comment: the
 * resource class takes its arguments as this interface, with its doc comments. It compiles only
 * when the schema's input type is exactly the interface, so the two cannot drift apart:
 *   const inputs = documented<TagInputs>()(z.object({ ... }));
 */
export function documented<D>() {
  return <S extends AnyObjectSchema>(
    schema: S,
    ..._sameType: Same<z.input<S>, D> extends true ? [] : ["the schema's input type is not the documented interface", z.input<S>]
  ): Documented<S, D> => schema as Documented<S, D>;
}

/** Builds the provider operations for a definition. Exported for unit tests of the kit. */
export function providerOperations<Schema extends AnyObjectSchema, Outputs extends Plain, Client>(
  def: ResourceDefinition<Schema, Outputs, Client, never> | ResourceDefinition<Schema, Outputs, Client, any>,
): ProviderOperations {
  type Inputs = z.output<Schema>;
  const token = `${def.cloud.cloud}:${def.kind}`;
  const inputKeys = Object.keys(def.inputs.shape);
  const replaceKeys = new Set<string>(def.replaceOnChange ?? []);
  const clearableKeys = new Set<string>(def.clearable ?? []);

  /**
   * `provider` is the serialized provider of a create: a partial failure's properties become the
   * resource's outputs, and the host needs `__provider` among them to refresh or delete it.
   */
  const scopeFor = (verb: string, values: Plain, id?: string, provider?: unknown, createKey?: unknown) => {
    let createdResource: { id: string; outputs: Plain } | undefined;
    const resource = def.describe(values as Partial<Inputs> & Plain, id);
    const traceId = randomUUID();
    const scope: OperationScope = {
      context: (operation) => ({ cloud: def.cloud.cloud, operation: operation || verb, resource, traceId }),
      created: (createdId, outputs) => {
        createdResource = { id: createdId, outputs };
      },
      // Without a key (a program built before keys, or a direct call) nothing can be found by it.
      createKey: typeof createKey === "string" ? createKey : randomUUID(),
    };
    /** Re-throws an operation's error with the resource named, keeping a created resource in state. */
    const fail = (error: unknown): never => {
      // Other errors get the operation and the resource; a cloud prefix they carry is not repeated.
      const message = redact(
        namesItsContext(error)
          ? errorText(error)
          : `${def.cloud.cloud}: ${verb} ${resource} failed: ${errorText(error).replace(`${def.cloud.cloud}: `, "")}`,
      );
      if (createdResource) {
        throw Object.assign(new Error(message), {
          id: createdResource.id,
          properties: withoutUndefined({ ...createdResource.outputs, [URN_KEY]: currentResource.getStore()?.urn, [PROVIDER_KEY]: provider }),
          reasons: [message],
        });
      }
      throw new Error(message);
    };
    return { scope, fail };
  };

  const parseInputs = (raw: Plain): Inputs => {
    const parsed = def.inputs.safeParse(raw);
    if (!parsed.success) {
      const detail = zodFailures(parsed.error).map((f) => `${f.property}: ${f.reason}`).join("; ");
      throw new Error(`${def.cloud.cloud}: invalid inputs for ${def.kind}: ${detail}`);
    }
    registerSecrets(parsed.data);
    return parsed.data;
  };

  const registerSecrets = (values: Plain) => {
    for (const key of [...(def.secretInputs ?? []), ...(def.secretOutputs ?? [])]) registerSecret(values[key]);
  };

  const changedKeys = (olds: Plain, news: Plain): (keyof Inputs & string)[] =>
    inputKeys.filter((key) => {
      const next = news[key];
      // An optional input the program leaves out is not managed, unless leaving it out clears it.
      if (next === undefined) return clearableKeys.has(key) && olds[key] !== undefined;
      return containsUnknown(next) || !isDeepStrictEqual(next, olds[key]);
    }) as (keyof Inputs & string)[];

  const operations: ProviderOperations = {
    async check(olds, news) {
      const createKey = nextCreateKey(olds, news);
      const raw = withoutHidden(news);
      const resourceName = news[AUTO_NAME];
      if (def.keyedAutoName && def.autoName && raw[def.autoName] === undefined && typeof resourceName === "string") {
        // A resource keeps the name it has; a new one (or a replacement) is named after its key.
        raw[def.autoName] = olds[def.autoName] ?? (createKey ? keyedName(resourceName, createKey) : resourceName);
      }
      const unknownKeys = Object.keys(raw).filter((key) => containsUnknown(raw[key]));
      const knownSchema = def.inputs.omit(Object.fromEntries(unknownKeys.map((key) => [key, true])));
      const knownValues = Object.fromEntries(Object.entries(raw).filter(([key]) => !unknownKeys.includes(key)));
      const parsed = knownSchema.strict().safeParse(knownValues);
      const failures = [...def.cloud.settingsProblems()];
      if (!parsed.success) failures.push(...zodFailures(parsed.error));
      if (failures.length > 0) return { failures };
      const inputs: Plain = { ...(parsed.data as Plain) };
      for (const key of unknownKeys) inputs[key] = raw[key];
      if (unknownKeys.length === 0 && def.validate) {
        const ruleFailures = def.validate(inputs as Inputs, withoutHidden(olds) as Partial<Inputs>);
        if (ruleFailures.length > 0) return { failures: ruleFailures };
      }
      // Kept in the checked inputs (so in the state, for the next check) and passed to create.
      inputs[CREATE_KEY] = createKey;
      return { inputs: withoutUndefined({ ...inputs, ...urnOf(news) }) };
    },

    async diff(_id, olds, news) {
      const changed = changedKeys(olds, news);
      const conditional =
        def.replacesWhen && changed.length > 0 && !containsUnknown(news)
          ? await def.replacesWhen(def.cloud.client(), olds as Outputs, news as Inputs)
          : [];
      const replaces = [...new Set([...changed.filter((key) => replaceKeys.has(key)), ...conditional])];
      const warning = def.changeWarning?.(changed);
      if (warning) warnOnce(warning, `${def.cloud.cloud}:${def.kind} ${def.describe(news as Partial<Inputs> & Plain)}`);
      return {
        changes: changed.length > 0,
        replaces,
        deleteBeforeReplace:
          replaces.length > 0 &&
          (typeof def.deleteBeforeReplace === "function"
            ? def.deleteBeforeReplace(olds as Partial<Inputs>, news as Inputs)
            : def.deleteBeforeReplace === true),
      };
    },

    async create(raw) {
      const inputs = parseInputs(withoutHidden(raw));
      const { scope, fail } = scopeFor("create", inputs, undefined, raw[PROVIDER_KEY], raw[CREATE_KEY]);
      try {
        const record = { adoptedEarlierRun: false };
        const { id, outputs } = await currentCreate.run(record, () => def.create(def.cloud.client(), inputs, scope));
        if (record.adoptedEarlierRun) adoptedInProcess.add(`${token} ${id}`);
        registerSecrets(outputs);
        return { id, outs: withoutUndefined({ ...outputs, ...urnOf(raw) }) };
      } catch (error) {
        return fail(error);
      }
    },

    async read(id, props) {
      const olds = withoutHidden(props) as Partial<Outputs>;
      const { scope, fail } = scopeFor("read", olds, id);
      try {
        const outputs = await def.read(def.cloud.client(), id, olds, scope);
        if (!outputs) return {};
        registerSecrets(outputs);
        return { id, props: withoutUndefined({ ...outputs, ...urnOf(props) }) };
      } catch (error) {
        return fail(error);
      }
    },

    async update(id, olds, news) {
      const inputs = parseInputs(withoutHidden(news));
      const { scope, fail } = scopeFor("update", inputs, id);
      try {
        const changed = changedKeys(olds, inputs);
        const client = def.cloud.client();
        const outputs = def.update
          ? await def.update(client, id, inputs, olds as Outputs, changed, scope)
          : ((await def.read(client, id, olds as Partial<Outputs>, scope)) ?? (olds as Outputs));
        registerSecrets(outputs);
        return { outs: withoutUndefined({ ...outputs, ...urnOf(news) }) };
      } catch (error) {
        return fail(error);
      }
    },

    async delete(id, props) {
      const olds = withoutHidden(props) as Outputs;
      const { scope, fail } = scopeFor("delete", olds, id);
      if (adoptedInProcess.has(`${token} ${id}`)) {
        report(
          "warning",
          `${def.describe(olds as Partial<Inputs> & Plain, id)} was not replaced: its replacement found it by its create key ` +
            "(pulumi up --replace checks a resource without its old inputs), so it is kept, not deleted. " +
            "To replace it, change an input that replaces it, or destroy it with --target and run up again.",
          def.cloud.cloud,
        );
        return;
      }
      try {
        await def.delete(def.cloud.client(), id, olds, scope);
      } catch (error) {
        // Already gone is what delete wanted.
        if (error instanceof CloudApiError && error.isNotFound) return;
        fail(error);
      }
    },
  };

  return {
    check: (olds, news) => about(news, () => operations.check(olds, news)),
    diff: (id, olds, news) => about(news, () => operations.diff(id, olds, news)),
    create: (inputs) => about(inputs, () => operations.create(inputs)),
    read: (id, props) => about(props ?? {}, () => operations.read(id, props)),
    update: (id, olds, news) => about(news, () => operations.update(id, olds, news)),
    delete: (id, props) => about(props, () => operations.delete(id, props)),
  };
}

/** An input value that may be an Output, as may each element of an array. */
export type DeepInput<T> = T extends readonly (infer E)[] ? pulumi.Input<DeepInput<E>[]> : pulumi.Input<T>;
/** A program's arguments: every input may be an Output; the auto-named one may be left out. */
export type ResourceArgs<T, AutoName extends keyof T = never> = InputsOf<Omit<T, AutoName>> & Partial<InputsOf<Pick<T, AutoName>>>;
type InputsOf<T> = { [K in keyof T]: DeepInput<T[K]> };
/** A resource's output properties. */
export type ResourceOutputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

/** The class `defineResource` returns (named so its declaration can be emitted). */
export interface ResourceClass<Args> {
  new (name: string, args: Args, opts?: pulumi.CustomResourceOptions): pulumi.dynamic.Resource;
  /**
   * Reads an existing cloud resource by its id into the program (what `pulumi import` would do,
   * which the engine does not offer for dynamic resources). Its outputs follow the cloud on
   * every `pulumi up` and `pulumi refresh`; the stack does not delete it.
   */
  get<T>(
    this: new (name: string, args: Args, opts?: pulumi.CustomResourceOptions) => T,
    name: string,
    id: pulumi.Input<string>,
    opts?: pulumi.CustomResourceOptions,
  ): T;
}

/**
 * Defines a resource type: registers its provider operations and returns the resource class for
 * programs. Declare the outputs with an interface of the same name as the class:
 *   export interface Tag extends ResourceOutputs<TagOutputs> {}
 *   export class Tag extends defineResource(tagDefinition) {}
 */
export function defineResource<
  Schema extends AnyObjectSchema,
  Outputs extends Plain,
  Client,
  AutoName extends keyof z.input<Schema> & string = never,
>(def: ResourceDefinition<Schema, Outputs, Client, AutoName>): ResourceClass<ResourceArgs<DocumentedInputs<Schema>, AutoName>> {
  type Args = ResourceArgs<DocumentedInputs<Schema>, AutoName>;
  const token = `${def.cloud.cloud}:${def.kind}`;
  registerOperations(token, providerOperations(def));
  resourceFacts.set(token, {
    inputs: def.inputs,
    replaceOnChange: [...(def.replaceOnChange ?? [])],
    replacesSometimes: def.replacesWhen !== undefined,
    outputNames: [...def.outputNames],
  });
  const secretInputs = def.secretInputs ?? [];
  const secretOutputs = [...new Set<string>([...secretInputs, ...(def.secretOutputs ?? [])])];

  return class KitResource extends pulumi.dynamic.Resource {
    constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
      const props: Record<string, unknown> = {};
      // Output properties are registered by passing them as undefined inputs.
      for (const key of def.outputNames) props[key] = undefined;
      if (def.autoName) props[def.keyedAutoName ? AUTO_NAME : def.autoName] = name;
      // A resource read by id (`get`) is never created.
      if (!opts?.id) {
        const keyUnder = (parentUrn?: string) => createKeyFor(pulumi.getProject(), pulumi.getStack(), token, name, parentUrn);
        props[CREATE_KEY] = opts?.parent ? opts.parent.urn.apply(keyUnder) : keyUnder();
        props[URN_KEY] = pulumi.createUrn(name, `pulumi-nodejs:dynamic/${token}`, opts?.parent);
      }
      for (const [key, value] of Object.entries(args ?? {})) {
        if (value === undefined) continue;
        props[key] = (secretInputs as readonly string[]).includes(key) && value !== undefined ? pulumi.secret(value) : value;
      }
      super(
        providerFor(token),
        name,
        props,
        { ...opts, additionalSecretOutputs: [...secretOutputs, ...(opts?.additionalSecretOutputs ?? [])] },
        def.cloud.cloud,
        def.kind,
      );
      const outputs = this as unknown as Record<string, pulumi.Output<unknown>>;
      for (const [key, fromId] of Object.entries(def.idOutputs ?? {})) {
        if (fromId) outputs[key] = this.id.apply((id) => (fromId as (id: string) => unknown)(id));
      }
    }

    static get<T>(
      this: new (name: string, args: Args, opts?: pulumi.CustomResourceOptions) => T,
      name: string,
      id: pulumi.Input<string>,
      opts?: pulumi.CustomResourceOptions,
    ): T {
      return new this(name, {} as Args, { ...opts, id });
    }
  };
}
