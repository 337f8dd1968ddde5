/**
 * Composite resource ids: a child resource's Pulumi id joins its parents' ids with "/" (e.g.
 * `<datacenterId>/<lanId>`), so the resource can be read, and adopted, from its id alone.
 */
import type { Cloud } from "./errors";

/** The parts of a composite id, in the order of `names`; an id of another shape is an error. */
export function idParts(cloud: Cloud, id: string, names: readonly string[]): string[] {
  const parts = id.split("/");
  if (parts.length !== names.length || parts.some((part) => part === "")) {
    throw new Error(`${cloud}: "${id}" is not a valid id here: expected ${names.join("/")}`);
  }
  return parts;
}

/** The `index`th part of a composite id (an id output derived in the program, see the kit's `idOutputs`). */
export const idPart = (index: number) => (id: string) => id.split("/")[index];
/** The same, for a part that the cloud's API gives as a number. */
export const numericIdPart = (index: number) => (id: string) => Number(id.split("/")[index]);
