/**
 * OVH's legacy API descriptions (swagger 1.2, the only one the Public Cloud API `/cloud` has) as
 * OpenAPI 3 operations, for the contract tests (see `contractProblems` in ./openapi).
 */
import { readFileSync } from "node:fs";
import type { Json, SpecOperation } from "./openapi";

interface LegacyProperty {
  type: string;
  canBeNull: boolean;
  required?: boolean;
}
interface LegacySpec {
  apis: { path: string; operations: { httpMethod: string; responseType: string; parameters: { paramType: string; dataType: string }[] }[] }[];
  models: Record<string, { enum?: string[]; properties?: Record<string, LegacyProperty> }>;
}

const LEGACY_SCALARS: Record<string, Json> = {
  boolean: { type: "boolean" },
  long: { type: "integer" },
  double: { type: "number" },
};

/**
 * The operations of a spec in OVH's legacy format, as OpenAPI 3 operations. A model's property
 * that cannot be null must be there in an answer; in a request body, only the ones it requires.
 */
export function legacyOperations(file: string): SpecOperation[] {
  const spec = JSON.parse(readFileSync(file, "utf8")) as LegacySpec;
  const schemaOf = (type: string, forRequest: boolean, depth = 0): Json => {
    if (type.endsWith("[]")) return { type: "array", items: schemaOf(type.slice(0, -2), forRequest, depth) };
    // A map, keyed by strings (a node's labels: `map[string]string`) or by an enum's values.
    const map = /^map\[[^\]]+\](.+)$/.exec(type);
    if (map) return { type: "object", additionalProperties: schemaOf(map[1], forRequest, depth) };
    const model = spec.models[type];
    if (model?.enum) return { type: "string", enum: model.enum };
    if (model?.properties && depth < 8) {
      // A generic model, e.g. `complexType.UnitAndValue<long>`: its properties typed `T` are of its parameter.
      const parameter = /<(.+)>$/.exec(type)?.[1];
      const typeOf = (p: LegacyProperty) => (p.type === "T" && parameter ? parameter : p.type);
      const properties = Object.fromEntries(
        Object.entries(model.properties).map(([name, p]) => [name, { ...schemaOf(typeOf(p), forRequest, depth + 1), ...(p.canBeNull ? { nullable: true } : {}) }]),
      );
      const required = Object.entries(model.properties).filter(([, p]) => (forRequest ? p.required : !p.canBeNull)).map(([name]) => name);
      return { type: "object", properties, required };
    }
    return LEGACY_SCALARS[type] ?? (model ? {} : { type: "string" });
  };
  return spec.apis.flatMap((api) =>
    api.operations.map((op) => {
      const body = op.parameters.find((p) => p.paramType === "body");
      return {
        method: op.httpMethod,
        pattern: new RegExp(`^/1\\.0${api.path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
        template: api.path,
        operation: {
          ...(body ? { requestBody: { content: { "application/json": { schema: schemaOf(body.dataType, true) } } } } : {}),
          responses: {
            200: op.responseType === "void" ? {} : { content: { "application/json": { schema: schemaOf(op.responseType, false) } } },
          },
        },
      };
    }),
  );
}

