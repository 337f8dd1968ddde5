/** Rules and helpers shared by the Contabo resources. */
import { z } from "zod";

export const colorRule = z
  .string()
  .regex(/^#[0-9A-Fa-f]{6}$/, "must be a color as #RRGGBB")
  .transform((color) => color.toUpperCase());

/** Contabo ids of tags, secrets, networks and instances are positive integers. */
export const numericId = z.number().int().positive();

export function idPath(collection: string, id: string | number): string {
  return `${collection}/${encodeURIComponent(String(id))}`;
}
