import { z } from "zod";
import { formatDuration, parseDuration } from "../lib/duration.js";
import { isReddotError } from "../lib/errors.js";
import { parseByteSize } from "./byte-size.js";

/*
 * Field schemas shared by every section: durations and byte sizes are written
 * as text in YAML and come out as numbers (ms, bytes). Parse failures become
 * zod issues, so they are reported with the file, line and key like any other.
 */

/** Options for a duration field; bounds are inclusive, in ms. */
export interface DurationOptions {
  readonly min?: number;
  readonly max?: number;
}

/** A Prometheus duration string (`15s`, `1h30m`, `0s`) parsed to milliseconds. */
export function durationField(opts: DurationOptions = {}) {
  return z
    .string()
    .transform((text, ctx) => {
      let ms: number;
      try {
        ms = parseDuration(text);
      } catch (e) {
        if (!isReddotError(e)) throw e;
        ctx.addIssue({
          code: "custom",
          input: text,
          message: `"${text}" is not a duration`,
          params: { hint: "write a number and a unit, largest first: 15s, 1m30s, 2h, 7d" },
        });
        return z.NEVER;
      }
      if (opts.min !== undefined && ms < opts.min) {
        ctx.addIssue({
          code: "custom",
          input: text,
          message: `${text} is too short; want at least ${formatDuration(opts.min)}`,
        });
      } else if (opts.max !== undefined && ms > opts.max) {
        ctx.addIssue({
          code: "custom",
          input: text,
          message: `${text} is too long; want at most ${formatDuration(opts.max)}`,
        });
      }
      return ms;
    })
    .meta({ pattern: "^(\\d+y)?(\\d+w)?(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?$" });
}

/** Options for a byte-size field; bounds are inclusive, in bytes. */
export interface ByteSizeOptions {
  readonly min?: number;
  readonly max?: number;
}

/** A byte size (`512MB`, `10GiB`, or a plain integer) parsed to bytes. */
export function byteSizeField(opts: ByteSizeOptions = {}) {
  return z.union([z.string(), z.number()]).transform((text, ctx) => {
    let bytes: number;
    try {
      bytes = parseByteSize(text, "value");
    } catch (e) {
      if (!isReddotError(e)) throw e;
      ctx.addIssue({
        code: "custom",
        input: text,
        message: e.message.replace(/^value: /, ""),
        params: { hint: "write bytes or a number with a unit: 0, 512MB, 10GiB, 1TB" },
      });
      return z.NEVER;
    }
    if (opts.min !== undefined && bytes < opts.min) {
      ctx.addIssue({
        code: "custom",
        input: text,
        message: `${text} is too small; want at least ${opts.min} bytes`,
      });
    } else if (opts.max !== undefined && bytes > opts.max) {
      ctx.addIssue({
        code: "custom",
        input: text,
        message: `${text} is too large; want at most ${opts.max} bytes`,
      });
    }
    return bytes;
  });
}

/** Label names as Prometheus' legacy validation accepts them. */
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label name (`[a-zA-Z_][a-zA-Z0-9_]*`). */
export function labelNameField() {
  return z.string().refine((s) => LABEL_NAME_RE.test(s), {
    error: (iss) => `${JSON.stringify(iss.input)} is not a valid label name`,
    params: { hint: "label names are letters, digits and _, not starting with a digit" },
  });
}

/** A non-negative integer count; 0 disables the limit it sets. */
export function limitField() {
  return z.int().nonnegative();
}

function describeInput(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a map";
  if (typeof input === "string") return `string ${JSON.stringify(input)}`;
  return `${typeof input} ${String(input)}`;
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a map",
  array: "a list",
};

/**
 * Messages in the project's "got X; want Y" style, in place of zod's defaults.
 * Passed per parse (never installed globally: no side effects at import).
 */
export const configErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case "invalid_type":
      if (iss.input === undefined) return "required key is missing";
      return `got ${describeInput(iss.input)}; want ${EXPECTED[iss.expected] ?? iss.expected}`;
    case "invalid_value":
      return `got ${describeInput(iss.input)}; want one of ${iss.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      if (iss.origin === "array") return `list has too few items; want at least ${iss.minimum}`;
      if (iss.origin === "string") return "must not be empty";
      return `got ${String(iss.input)}; want ${iss.inclusive === false ? "more than" : "at least"} ${iss.minimum}`;
    case "too_big":
      if (iss.origin === "array") return `list has too many items; want at most ${iss.maximum}`;
      return `got ${String(iss.input)}; want ${iss.inclusive === false ? "less than" : "at most"} ${iss.maximum}`;
    case "invalid_union":
      // Only byte sizes are unions of string | number today.
      return `got ${describeInput(iss.input)}; want a byte size such as 512MB, or a number of bytes`;
    default:
      return undefined;
  }
};

/**
 * Options for every safeParse of config data: our messages, and the input kept
 * on each issue so hints can quote it (`quote it to make it a string: "9100"`).
 */
export const CONFIG_PARSE_OPTIONS = { error: configErrorMap, reportInput: true } as const;
