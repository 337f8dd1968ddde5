/** Rules and helpers shared by the Contabo resources. */
import { z } from "zod";
import { listReader } from "../core/coalesce";
import { readOrUndefined } from "../core/errors";
import type { ContaboClient } from "./client";

export const colorRule = z
  .string()
  .regex(/^#[0-9A-Fa-f]{6}$/, "must be a color as #RRGGBB")
  .transform((color) => color.toUpperCase());

/** Contabo ids of tags, secrets, networks and instances are positive integers. */
export const numericId = z.number().int().positive();

export function idPath(collection: string, id: string | number): string {
  return `${collection}/${encodeURIComponent(String(id))}`;
}

/**
 * Reads of one type that arrive together (a refresh) share one list of the collection, followed
 * page by page: a refresh costs a call per page of 100 resources of the type, not one per
 * resource. A resource missing from the complete list is gone. One written moments ago is read
 * with `getOne`: the list may not show it yet, and that GET retries a 404 (eventual consistency).
 */
export function listedRead<T>(
  client: ContaboClient,
  collection: string,
  options: { item: z.ZodType<T>; idOf: (item: T) => string | number; query?: Record<string, string>; getOne: (id: string) => Promise<T> },
): (id: string | number) => Promise<T | undefined> {
  const read = listReader(client, `${collection} reads`, () => client.list({ cloud: "contabo", operation: `list ${collection}` }, collection, options), options.idOf);
  return (id) => (client.writtenRecently(idPath(collection, id)) ? readOrUndefined(() => options.getOne(String(id))) : read(id));
}
