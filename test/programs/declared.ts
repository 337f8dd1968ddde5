/**
 * A program of any resources of this package, declared in config, for the real-engine lifecycle
 * suites of each resource type: the test declares the stack it wants at each step (a change of an
 * input, a resource added or removed) and the engine does the rest.
 *
 * Config: `resources`, a JSON list of `{type, name, args}` (`type` as `ionos:K8sCluster`), in an
 * order where each resource comes after those it uses. A string argument `@<name>.<output>`
 * (anywhere in the args, nested too) is that earlier resource's output, so the engine knows the
 * dependency. Secret arguments (passwords) are given in secret config under `secret.<key>` and
 * referenced as `@secret.<key>`. Exports every resource's id under its name.
 */
import * as pulumi from "@pulumi/pulumi";
import * as eurocloud from "pulumi-eurocloud";

type ResourceClass = new (name: string, args: unknown, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;
interface Declared {
  type: string;
  name: string;
  args: unknown;
  /** Resource options the test needs: `deleteBeforeReplace`, `protect`, ... */
  options?: pulumi.CustomResourceOptions;
}

const config = new pulumi.Config();
const declared = config.requireObject<Declared[]>("resources");
const made = new Map<string, pulumi.CustomResource>();

function resolve(value: unknown): unknown {
  if (typeof value === "string" && value.startsWith("@")) {
    const [name, output] = value.slice(1).split(".");
    if (name === "secret") return config.requireSecret(`secret.${output}`);
    const resource = made.get(name);
    if (!resource) throw new Error(`${value}: no resource named ${name} declared before it`);
    return (resource as unknown as Record<string, pulumi.Output<unknown>>)[output];
  }
  if (Array.isArray(value)) return value.map(resolve);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, resolve(v)]));
  return value;
}

const ids: Record<string, pulumi.Output<string>> = {};
for (const { type, name, args, options } of declared) {
  const [cloud, kind] = type.split(":");
  const Resource = (eurocloud as unknown as Record<string, Record<string, ResourceClass | undefined> | undefined>)[cloud]?.[kind];
  if (!Resource) throw new Error(`no resource type ${type} in pulumi-eurocloud`);
  const resource = new Resource(name, resolve(args), options);
  made.set(name, resource);
  ids[name] = resource.id;
}

export = ids;
