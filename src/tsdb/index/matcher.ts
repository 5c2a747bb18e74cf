/**
 * Label matchers (`=`, `!=`, `=~`, `!~`) with Prometheus semantics.
 *
 * Regexes are RE2 as in Prometheus 3 (model/labels/regexp.go): fully anchored
 * (`^(?:re)$`) and `.` matches a newline too, which JS gets from the `s` flag.
 * The `u` flag makes `.` match a whole code point, as RE2 does on UTF-8. RE2
 * spellings JS lacks are rewritten and JS-only constructs refused (lib/re2.ts).
 *
 * Like Prometheus' FastRegexMatcher, common regex shapes skip the regex engine:
 * literal alternations (`a|b|c`) become a set lookup, `.*` and `.+` need no
 * work, and `foo.*`, `.*foo`, `.*foo.*` become string tests. `selectPostings`
 * reads the same shapes (via `matcherShape`) to avoid scanning label values.
 */

import { bug, ReddotError } from "../../lib/errors.js";
import { compileRe2, isLiteralEscape } from "../../lib/re2.js";
import type { Matcher, MatchType } from "../types.js";

/**
 * What the positive half of a matcher accepts (`=`/`=~` as written; `!=`/`!~`
 * accept the complement):
 * - `set`: exactly the listed strings (`=` gives one; `a|b` several; may hold "");
 * - `all`: every string (`.*`); `nonEmpty`: every string but "" (`.+`);
 * - `prefix`: strings starting with `prefix` (`foo.*`); `suffix` (`.*foo`) and
 *   `contains` (`.*foo.*`) likewise test `literal`;
 * - `general`: only `matches` knows.
 */
export type MatcherShape =
  | { readonly kind: "set"; readonly values: readonly string[] }
  | { readonly kind: "all" }
  | { readonly kind: "nonEmpty" }
  | { readonly kind: "prefix"; readonly prefix: string }
  | { readonly kind: "suffix" | "contains"; readonly literal: string }
  | { readonly kind: "general" };

const GENERAL: MatcherShape = { kind: "general" };

/** Shapes of matchers built by `newMatcher`; other Matcher objects are `general`. */
const shapes = new WeakMap<Matcher, MatcherShape>();

/** The shape recorded for `m` by `newMatcher`, or `general` for foreign matchers. */
export function matcherShape(m: Matcher): MatcherShape {
  return shapes.get(m) ?? GENERAL;
}

/** True for `!=` and `!~`. */
export function isNegative(m: Matcher): boolean {
  return m.type === "!=" || m.type === "!~";
}

/** Characters with a meaning in RE2 outside classes; anything else is a literal. */
const META = new Set(["\\", "^", "$", ".", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}"]);

/**
 * Splits `re` into its top-level literal alternatives (`a|b\.c|` → ["a", "b.c", ""]),
 * or returns undefined when any part is not a plain literal. An escaped ASCII
 * character other than a letter or digit counts as that character, as in RE2.
 */
function literalAlternatives(re: string): string[] | undefined {
  const alts: string[] = [];
  let cur = "";
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === "|") {
      alts.push(cur);
      cur = "";
    } else if (c === "\\") {
      const d = re[i + 1];
      if (d === undefined || !isLiteralEscape(d)) return undefined;
      cur += d;
      i++;
    } else if (META.has(c)) {
      return undefined;
    } else {
      cur += c;
    }
  }
  alts.push(cur);
  return alts;
}

/** Recognises the regex shapes that need no regex engine; `general` otherwise. */
function regexShape(re: string): MatcherShape {
  if (re === ".*") return { kind: "all" };
  if (re === ".+") return { kind: "nonEmpty" };
  const alts = literalAlternatives(re);
  if (alts !== undefined) return { kind: "set", values: [...new Set(alts)] };
  const head = re.startsWith(".*");
  // `foo\.*` is not a prefix match, but then "foo\" is no literal either.
  const tail = re.endsWith(".*");
  const lit = literalAlternatives(re.slice(head ? 2 : 0, tail ? -2 : undefined));
  if (lit === undefined || lit.length !== 1 || (!head && !tail)) return GENERAL;
  if (head && tail) return { kind: "contains", literal: lit[0] };
  return head ? { kind: "suffix", literal: lit[0] } : { kind: "prefix", prefix: lit[0] };
}

/** Shown in errors and by `matcherToString`: `name` bare when it is a legacy name. */
function quoteName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : JSON.stringify(name);
}

/** Renders a matcher as in a PromQL selector: `name=~"re"`. */
export function matcherToString(m: Matcher): string {
  return `${quoteName(m.name)}${m.type}${JSON.stringify(m.value)}`;
}

/** Compiles `value` as an anchored RE2 regex; throws RD_BAD_REGEX naming the matcher. */
function compileRegex(type: MatchType, name: string, value: string): (v: string) => boolean {
  const where = `${quoteName(name)}${type}${JSON.stringify(value)}`;
  const r = compileRe2(value, { dotMatchesNewline: true });
  if (!r.ok) {
    const options = r.cause === undefined ? undefined : { cause: r.cause };
    throw new ReddotError(
      "RD_BAD_REGEX",
      400,
      `bad regex in matcher ${where}: ${r.problem}`,
      options,
    );
  }
  const re = r.regex;
  return (v) => re.test(v);
}

/** A test function for `shape` (never `general`). */
function shapeTest(shape: Exclude<MatcherShape, { kind: "general" }>): (v: string) => boolean {
  switch (shape.kind) {
    case "all":
      return () => true;
    case "nonEmpty":
      return (v) => v !== "";
    case "prefix": {
      const p = shape.prefix;
      return (v) => v.startsWith(p);
    }
    case "suffix": {
      const s = shape.literal;
      return (v) => v.endsWith(s);
    }
    case "contains": {
      const s = shape.literal;
      return (v) => v.includes(s);
    }
    case "set": {
      if (shape.values.length === 1) {
        const only = shape.values[0];
        return (v) => v === only;
      }
      const set = new Set(shape.values);
      return (v) => set.has(v);
    }
  }
}

/**
 * Builds a matcher. Regex values are validated here: an invalid or unsupported
 * regex throws ReddotError RD_BAD_REGEX (HTTP 400) naming the matcher.
 */
export function newMatcher(type: MatchType, name: string, value: string): Matcher {
  let shape: MatcherShape;
  let positive: (v: string) => boolean;
  switch (type) {
    case "=":
    case "!=":
      shape = { kind: "set", values: [value] };
      positive = (v) => v === value;
      break;
    case "=~":
    case "!~": {
      // Compile even when a fast path applies, so validation never depends on shape.
      const general = compileRegex(type, name, value);
      shape = regexShape(value);
      positive = shape.kind === "general" ? general : shapeTest(shape);
      break;
    }
    default:
      throw bug("newMatcher: unknown match type", { type, name });
  }
  const negative = type === "!=" || type === "!~";
  const matches = negative ? (v: string) => !positive(v) : positive;
  const m: Matcher = { type, name, value, matches };
  shapes.set(m, shape);
  return m;
}
