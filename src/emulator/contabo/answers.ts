/** The Contabo API's answers: the `{data, _links}` envelope, pagination and `{statusCode, message}` errors. */
import type { z } from "zod";
import { type EmulatorRequest, type EmulatorResponse, jsonBody } from "../server";

export const TENANT = { tenantId: "DE", customerId: "54321" };
const DEFAULT_PAGE_SIZE = 10;

export const self = (path: string) => ({ _links: { self: path } });
export const now = () => new Date().toISOString();

export const ok = (status: number, body?: unknown): EmulatorResponse => ({ status, body });
export const error = (statusCode: number, message: string | string[]): EmulatorResponse => ({
  status: statusCode,
  body: { statusCode, message },
});
export const notFound = (what: string, id: string) => error(404, `Entry ${what} not found by ${what.toLowerCase()}Id ${id}`);

/** Validates a JSON body; answers 400 with NestJS-style messages naming each field. */
export function parseBody<T>(request: EmulatorRequest, schema: z.ZodType<T>): T | EmulatorResponse {
  const parsed = schema.safeParse(jsonBody(request));
  if (parsed.success) return parsed.data;
  return error(
    400,
    parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"} ${issue.message}`),
  );
}
export const isAnswer = (value: unknown): value is EmulatorResponse =>
  typeof value === "object" && value !== null && "status" in value && typeof (value as EmulatorResponse).status === "number";

export function page(request: EmulatorRequest, base: string, items: unknown[]): EmulatorResponse {
  const size = Math.max(1, Number(request.query.get("size")) || DEFAULT_PAGE_SIZE);
  const pageNumber = Math.max(1, Number(request.query.get("page")) || 1);
  const totalPages = Math.ceil(items.length / size);
  const link = (n: number) => `${base}?page=${n}&size=${size}`;
  return ok(200, {
    data: items.slice((pageNumber - 1) * size, pageNumber * size),
    _links: {
      first: link(1),
      ...(pageNumber > 1 ? { previous: link(pageNumber - 1) } : {}),
      self: link(pageNumber),
      ...(pageNumber < totalPages ? { next: link(pageNumber + 1) } : {}),
      last: link(Math.max(totalPages, 1)),
    },
    _pagination: { size, totalElements: items.length, totalPages, page: pageNumber },
  });
}
