/** Rules and helpers shared by the Contabo resources. */
import { z } from "zod";
import { CloudApiError } from "../core/errors";

export const colorRule = z
  .string()
  .regex(/^#[0-9A-Fa-f]{6}$/, "must be a color as #RRGGBB")
  .transform((color) => color.toUpperCase());

/** Contabo ids of tags, secrets, networks and instances are positive integers. */
export const numericId = z.number().int().positive();

export function idPath(collection: string, id: string | number): string {
  return `${collection}/${encodeURIComponent(String(id))}`;
}

/** Runs a read; a 404 means the resource is gone (refresh then drops it from the state). */
export async function readOrUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof CloudApiError && error.isNotFound) return undefined;
    throw error;
  }
}
