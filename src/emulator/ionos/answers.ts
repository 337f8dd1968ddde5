/** The IONOS API's answers: `{httpStatus, messages}` errors, and validation as it answers it. */
import type { z } from "zod";
import type { EmulatorResponse } from "../server";

/**
 * Error bodies as IONOS sends them. 315 (401), 309 (404) and 100 (422) are the codes its answers
 * carry; the others are stand-ins (no published answer shows them).
 */
const ERROR_CODES: Record<number, string> = { 401: "315", 404: "309", 405: "310", 422: "100", 429: "429" };

export const error = (httpStatus: number, ...messages: string[]): EmulatorResponse => ({
  status: httpStatus,
  body: { httpStatus, messages: messages.map((message) => ({ errorCode: ERROR_CODES[httpStatus] ?? String(httpStatus), message })) },
});
export const notFound = () => error(404, "Resource does not exist");
export const notAllowed = () => error(405, "Method not allowed");
export const invalid = (...messages: string[]) => error(422, ...messages.map((m) => `[VDC-5-1] ${m}`));

export { isAnswer } from "../contabo/answers";

/** Validates a body; answers 422 naming each attribute, as IONOS does. */
export function parse<T>(value: unknown, schema: z.ZodType<T>): T | EmulatorResponse {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  return invalid(...parsed.error.issues.map((i) => `Attribute '${i.path.join(".") || "(body)"}': ${i.message}`));
}
