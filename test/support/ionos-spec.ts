/**
 * IONOS's official OpenAPI specs (Cloud API v6 and Auth API v1, from the Go SDKs, in
 * ../shared/specs beside the checkout) for the contract checks of every IONOS suite, with the
 * corrections of what the published 6.1.4 spec gets wrong.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LogEntry } from "../../src/emulator/server";
import { type Json, type SpecOperation, loadOperations, schemaOf } from "./openapi";

export const IONOS_SPECS = join(__dirname, "..", "..", "..", "shared", "specs");
const CLOUD_SPEC = join(IONOS_SPECS, "ionos-cloudapi-v6-sdk-go-6.1.4.yaml");
const AUTH_SPEC = join(IONOS_SPECS, "ionos-auth-v1-sdk-go-auth.yaml");

/** Whether the specs are there; when not, says which check is skipped. */
export function haveIonosSpecs(check: string): boolean {
  const present = existsSync(CLOUD_SPEC) && existsSync(AUTH_SPEC);
  if (!present) console.warn(`skipping ${check}: ${IONOS_SPECS} is absent (it lives beside the checkout)`);
  return present;
}

/**
 * Two defects of the published 6.1.4 spec's schemas are corrected:
 * - `type` properties read `allOf: [Type], type: object`, but Type is a string enum (the API sends
 *   "datacenter", "server", ...): the `type: object` beside the `allOf` is dropped;
 * - firewall rule ports are documented up to 65534; the SDK's spec from v6.2.0 on says "from 1 to
 *   65535" (see the README's table of deviations).
 */
function correct(node: Json): Json {
  const { type, ...rest } = node;
  const fixed = node.allOf && type === "object" ? rest : node;
  return fixed.maximum === 65534 ? { ...fixed, maximum: 65535 } : fixed;
}

/** The operations of both specs, at the paths the emulator serves them. */
export function ionosOperations(): SpecOperation[] {
  return [...loadOperations(CLOUD_SPEC, { base: "/cloudapi/v6", correct }), ...loadOperations(AUTH_SPEC, { base: "/auth/v1", correct })];
}

const FORM = "application/x-www-form-urlencoded";
const formSchema = (match: SpecOperation) => match.operation.requestBody?.content[FORM]?.schema;
const ID_ONLY: Json = { type: "object", properties: { id: { type: "string" } }, required: ["id"] };

/**
 * The schema a request body is held to, where the spec gets it wrong:
 * - a PATCH sends only what changes, but the spec reuses the Properties schemas with their
 *   `required` (even `location` and `protocol`, which it also says are "disallowed in update
 *   requests"): nothing is required of a PATCH body;
 * - attaching an existing volume sends only its id, as the SDK's `Volume{Id}` does, and so does
 *   adding a member to a group (`UserGroupPost` in the later spec); the 6.1.4 spec names a whole
 *   Volume or User, which requires properties;
 * - the bodies of some writes (load balancers', NAT gateways' PATCH, a share's POST) are
 *   documented under the media range `*∕*`, not `application/json`: the JSON sent is held to it;
 * - a form body (a volume's create-snapshot) is checked by `formProblems`: here it is a string.
 */
export function ionosRequestSchema(entry: LogEntry, match: SpecOperation, json: Json | undefined): Json | undefined {
  if (formSchema(match)) return { type: "string" };
  if (match.template.endsWith("/servers/{serverId}/volumes")) return ID_ONLY;
  if (entry.method === "POST" && match.template.endsWith("/groups/{groupId}/users")) return ID_ONLY;
  const schema = json ?? match.operation.requestBody?.content["*/*"]?.schema;
  return schema && entry.method === "PATCH" ? { ...schema, required: [] } : schema;
}

/** A form body: sent as a form, each field of the spec's form schema (booleans as true/false). */
export function formProblems(entry: LogEntry, match: SpecOperation): string[] {
  const schema = formSchema(match);
  if (!schema || entry.body === undefined) return [];
  if (entry.headers["content-type"] !== FORM) return [`content-type ${entry.headers["content-type"]}, the spec takes ${FORM}`];
  const fields = Object.fromEntries(new URLSearchParams(String(entry.body)));
  const properties = schema.properties as Record<string, Json>;
  const typed = Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, properties[key]?.type === "boolean" ? (value === "true" ? true : value === "false" ? false : value) : value]),
  );
  const parsed = schemaOf({ ...schema, additionalProperties: false }).safeParse(typed);
  return parsed.success ? [] : [`form body: ${parsed.error.message}`];
}
