/**
 * Contract checks against a vendor's OpenAPI spec: every request in an emulator's log must be an
 * operation of the spec with a valid body, and every successful answer must match the spec's
 * response schema (z.fromJSONSchema on the spec's schemas, $refs inlined).
 */
import { readFileSync } from "node:fs";
import { load } from "js-yaml";
import { z } from "zod";
import type { LogEntry } from "../../src/emulator/server";

export type Json = Record<string, unknown>;

export interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema: Json }[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}

export interface SpecOperation {
  method: string;
  pattern: RegExp;
  /** The spec's path (after `base`), e.g. `/v1/tags/{tagId}`. */
  template: string;
  operation: Operation;
}

/**
 * The operations of a spec, with every $ref inlined and `example`s dropped. A schema that refers
 * to itself accepts any value where it recurs. `correct` may change any node (to fix a defect of
 * the published spec); `base` is prefixed to every path.
 */
export function loadOperations(file: string, options: { base?: string; correct?: (node: Json) => Json } = {}): SpecOperation[] {
  const spec = load(readFileSync(file, "utf8")) as Json;
  const resolve = (value: unknown, within: ReadonlySet<string>): unknown => {
    if (Array.isArray(value)) return value.map((v) => resolve(v, within));
    if (value === null || typeof value !== "object") return value;
    const node = value as Json;
    if (typeof node.$ref === "string") {
      if (within.has(node.$ref)) return {};
      const target = node.$ref.split("/").slice(1).reduce<any>((at, key) => at[key], spec);
      return resolve(target, new Set([...within, node.$ref]));
    }
    const out = Object.fromEntries(Object.entries(node).filter(([key]) => key !== "example").map(([k, v]) => [k, resolve(v, within)]));
    return options.correct ? options.correct(out) : out;
  };
  const base = options.base ?? "";
  const paths = resolve(spec.paths, new Set()) as Record<string, Record<string, Operation>>;
  return Object.entries(paths).flatMap(([template, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      method: method.toUpperCase(),
      pattern: new RegExp(`^${base}${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
      template,
      operation,
    })),
  );
}

export const schemaOf = (schema: Json) => z.fromJSONSchema(schema as never, { defaultTarget: "openapi-3.0" });

const templatedSegments = (op: SpecOperation) => (op.template.match(/\{/g) ?? []).length;

export interface ContractOptions {
  /** The schema to hold a request body to, when the spec's is wrong for it (or has none). */
  requestSchema?(entry: LogEntry, match: SpecOperation, schema: Json | undefined): Json | undefined;
  /** Further problems of one request (headers, parameters). */
  check?(entry: LogEntry, match: SpecOperation): string[];
  /** Answers not to check (e.g. ones the log leaves out because they carry credentials). */
  skipAnswer?(entry: LogEntry): boolean;
}

/** The problems of the logged requests and answers, and the operations they covered. */
export function contractProblems(entries: LogEntry[], operations: SpecOperation[], options: ContractOptions = {}) {
  const problems: string[] = [];
  const checked = new Set<string>();
  for (const entry of entries) {
    // As OpenAPI says, a concrete path (`/v1/tags/audits`) matches before a templated one (`/v1/tags/{tagId}`).
    const match = operations
      .filter((op) => op.method === entry.method && op.pattern.test(entry.path))
      .sort((a, b) => templatedSegments(a) - templatedSegments(b))[0];
    if (!match) {
      problems.push(`${entry.method} ${entry.path} is not an operation of the spec`);
      continue;
    }
    const name = `${entry.method} ${match.template}`;
    checked.add(name);
    problems.push(...(options.check?.(entry, match) ?? []).map((problem) => `${name}: ${problem}`));
    const specRequestSchema = match.operation.requestBody?.content["application/json"]?.schema;
    const requestSchema = options.requestSchema ? options.requestSchema(entry, match, specRequestSchema) : specRequestSchema;
    if (requestSchema && entry.body !== undefined) {
      const parsed = schemaOf(requestSchema).safeParse(entry.body);
      if (!parsed.success) problems.push(`${name} request: ${z.prettifyError(parsed.error)}`);
    } else if (entry.body !== undefined) problems.push(`${name}: the spec documents no request body, the client sent one`);
    if (typeof entry.status !== "number" || entry.status >= 300 || options.skipAnswer?.(entry)) continue;
    const response = match.operation.responses[String(entry.status)];
    if (!response) {
      problems.push(`${name}: status ${entry.status} is not documented`);
      continue;
    }
    const answerSchema = response.content?.["application/json"]?.schema;
    if (answerSchema) {
      const parsed = schemaOf(answerSchema).safeParse(entry.answer);
      if (!parsed.success) problems.push(`${name} answer ${entry.status}: ${z.prettifyError(parsed.error)}`);
    } else if (entry.answer !== undefined) problems.push(`${name}: the spec documents no body, the emulator sent one`);
  }
  return { problems, checked };
}
