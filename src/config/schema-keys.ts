import { z } from "zod";

/** Strips wrappers (defaults, optionals, pipes/transforms) down to the schema that parses input. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else if (
      s instanceof z.ZodDefault ||
      s instanceof z.ZodPrefault ||
      s instanceof z.ZodOptional ||
      s instanceof z.ZodNullable
    )
      s = s.unwrap() as z.ZodType;
    else return s;
  }
}

/**
 * The keys an object schema accepts at `path` inside `schema`, for did-you-mean
 * hints on unknown keys. Returns [] where the path does not lead to an object.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let s = unwrap(schema);
  for (const seg of path) {
    if (s instanceof z.ZodObject && typeof seg === "string") {
      const next = (s.shape as Record<string, z.ZodType>)[seg];
      if (next === undefined) return [];
      s = unwrap(next);
    } else if (s instanceof z.ZodArray) {
      s = unwrap(s.element as z.ZodType);
    } else if (s instanceof z.ZodRecord) {
      s = unwrap(s.valueType as z.ZodType);
    } else {
      return [];
    }
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}
