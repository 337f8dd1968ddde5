/** The OVH API's answers: bare JSON bodies, `{class, message}` errors and an `X-Ovh-QueryID` on every answer. */
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { type EmulatorRequest, type EmulatorResponse, jsonBody } from "../server";

/** Shaped like the live API's query ids, e.g. `EU.ext-3.63ac85b6.10528.<uuid>`. */
const queryId = () => `EU.ext-1.${Math.floor(Date.now() / 1000).toString(16)}.1.${randomUUID()}`;

export const ok = (body?: unknown): EmulatorResponse => ({ status: 200, body, headers: { "x-ovh-queryid": queryId() } });

/** Void operations: the live API answers 200 with `null`. */
export const done = (): EmulatorResponse => ok(null);

const ERROR_CLASSES: Record<number, string> = {
  400: "Client::BadRequest",
  401: "Client::Unauthorized",
  403: "Client::Forbidden",
  404: "Client::NotFound",
  405: "Client::MethodNotAllowed",
  409: "Client::Conflict",
  429: "Client::TooManyRequests",
};

export function error(status: number, message: string): EmulatorResponse {
  const errorClass = ERROR_CLASSES[status] ?? (status >= 500 ? "Server::InternalServerError" : "Client::BadRequest");
  return { status, body: { class: errorClass, message }, headers: { "x-ovh-queryid": queryId() } };
}

export const notFound = (id: string | number) => error(404, `The requested object (id = ${id}) does not exist`);
export const noService = () => error(404, "This service does not exist");

/** Validates a JSON body; answers 400 naming each field, as the API's validator does. */
export function parseBody<T>(request: EmulatorRequest, schema: z.ZodType<T>): T | EmulatorResponse {
  const parsed = schema.safeParse(jsonBody(request));
  if (parsed.success) return parsed.data;
  return error(400, parsed.error.issues.map((issue) => `[${issue.path.join(".") || "body"}] ${issue.message}`).join("; "));
}

export { isAnswer } from "../contabo/answers";
