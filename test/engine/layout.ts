/** Where a real-engine stack keeps its files, and what one run reports: shared by the driver and the tests. */
import * as path from "node:path";

/** What the last run reported, in the stack directory. */
export const RESULT_FILE = "last-run.json";

/** The Automation API workspace: Pulumi.yaml, the stack's config file, a node_modules link. */
export const workDir = (stackDir: string) => path.join(stackDir, "work");
/** The local file backend: the state files are under `.pulumi/stacks/<project>/<stack>.json`. */
export const backendDir = (stackDir: string) => path.join(stackDir, "backend");

/** `pulumi-nodejs:dynamic/contabo:Tag` is shown as `contabo:Tag`. */
export const displayType = (type: string) => type.replace("pulumi-nodejs:dynamic/", "");

export interface EngineStep {
  /** The engine's operation: create, update, replace, delete-replaced, delete, read, refresh (drift). */
  op: string;
  /** e.g. `contabo:Tag` */
  type: string;
  name: string;
  urn: string;
  /** The inputs that changed (for a refresh: the outputs that changed). */
  keys: string[];
  /** For a replace: the properties whose change replaces the resource, as the provider's diff said. */
  replaces: string[];
  /** In a preview: the changed inputs whose new value is not known yet (it comes from a resource being made). */
  unknown: string[];
}

export interface EngineRun {
  op: string;
  /** 0 when the operation succeeded. */
  code: number;
  /** The engine's own summary of the run: steps by kind (`same`, `create`, `update`, `replace`, ...). */
  summary: Partial<Record<string, number>>;
  steps: EngineStep[];
  /** `<type> <name>: <message>` for each error diagnostic of a resource; the engine's message otherwise. */
  errors: string[];
  diagnostics: { urn?: string; severity: string; message: string; ephemeral?: boolean }[];
  /** Stack outputs of an up; secret ones as `[secret]`. */
  outputs: Record<string, { value: unknown; secret: boolean }>;
  /** What the CLI printed, as a user reads it. */
  cliOutput: string;
}
