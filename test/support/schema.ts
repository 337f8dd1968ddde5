/** What a zod field of an input schema says about itself: its default, and its enum values. */
import type { z } from "zod";

type FieldDef = { type: string; defaultValue?: unknown; innerType?: z.ZodType; entries?: Record<string, string> };
const defOf = (field: z.ZodType) => (field as unknown as { _zod: { def: FieldDef } })._zod.def;

export interface FieldFacts {
  hasDefault: boolean;
  defaultValue?: unknown;
  /** The values of an enum field (its default and optionality aside). */
  enumValues?: string[];
}

export function fieldFacts(field: z.ZodType): FieldFacts {
  let core = field;
  let found: { defaultValue?: unknown } | undefined;
  for (;;) {
    const def = defOf(core);
    if (def.type === "default") found = { defaultValue: def.defaultValue };
    if ((def.type === "default" || def.type === "optional") && def.innerType) core = def.innerType;
    else break;
  }
  const coreDef = defOf(core);
  return {
    hasDefault: found !== undefined,
    defaultValue: found?.defaultValue,
    enumValues: coreDef.type === "enum" ? Object.values(coreDef.entries ?? {}) : undefined,
  };
}
