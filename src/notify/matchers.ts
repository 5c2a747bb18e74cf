import { ReddotError } from "../lib/errors.js";
import { compileRe2 } from "../lib/re2.js";

/** How a matcher compares a label's value. */
export type MatchType = "=" | "!=" | "=~" | "!~";

/** One Alertmanager matcher: `name="value"`, `name!~"re"`... */
export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
  /** Anchored regex for `=~` / `!~`. */
  readonly regex?: RegExp;
}

/** Longest matcher text accepted: matchers are written by people. */
export const MAX_MATCHER_LENGTH = 4096;

const LEGACY_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function bad(text: string, why: string): ReddotError {
  return new ReddotError("RD_BAD_MATCHER", 400, `bad matcher ${JSON.stringify(text)}: ${why}`);
}

/** Builds a matcher, compiling the regex as Alertmanager does (`^(?:re)$`). Throws RD_BAD_MATCHER. */
export function newMatcher(name: string, type: MatchType, value: string): Matcher {
  if (type === "=" || type === "!=") return { name, type, value };
  const compiled = compileRe2(value, { dotMatchesNewline: false });
  if (!compiled.ok) {
    throw new ReddotError(
      "RD_BAD_MATCHER",
      400,
      `bad matcher regex ${JSON.stringify(value)} for ${name}: ${compiled.problem}`,
    );
  }
  return { name, type, value, regex: compiled.regex };
}

/** Reads a double-quoted string at `s[i] === '"'`; returns its value and the index after it. */
function readQuoted(s: string, start: number, whole: string): [string, number] {
  let out = "";
  let i = start + 1;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === '"') return [out, i + 1];
    if (c === "\\") {
      const n = s[i + 1];
      if (n === undefined) break;
      if (n === "n") out += "\n";
      else if (n === "t") out += "\t";
      else if (n === "\\" || n === '"') out += n;
      else out += `\\${n}`; // kept as written, e.g. `\.` in a regex
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  throw bad(whole, "unterminated quoted string");
}

/**
 * Parses one matcher or a list of them, as Alertmanager's config and amtool
 * accept: `foo="bar"`, `foo!~"a|b"`, `foo=bar` (unquoted value), `{a="b", c=~"d"}`,
 * `"label.with.dots"="x"` (quoted UTF-8 names), escapes `\"` `\\` `\n` in quoted
 * values. Throws RD_BAD_MATCHER naming the text and what is wrong.
 */
export function parseMatchers(text: string): Matcher[] {
  if (text.length > MAX_MATCHER_LENGTH) {
    throw bad(text.slice(0, 40), `longer than ${MAX_MATCHER_LENGTH} characters`);
  }
  let s = text.trim();
  if (s.startsWith("{")) {
    if (!s.endsWith("}")) throw bad(text, "missing closing }");
    s = s.slice(1, -1);
  } else if (s.endsWith("}")) {
    throw bad(text, "missing opening {");
  }
  const out: Matcher[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i] as string)) i++;
  };
  skipSpace();
  if (i === s.length) return out;
  for (;;) {
    skipSpace();
    let name: string;
    if (s[i] === '"') {
      [name, i] = readQuoted(s, i, text);
      if (name === "") throw bad(text, "empty label name");
    } else {
      const m = /^[^\s=!~,"{}]+/.exec(s.slice(i));
      if (m === null) throw bad(text, "expected a label name");
      name = m[0];
      if (!LEGACY_NAME_RE.test(name)) {
        throw bad(text, `"${name}" is not a label name; quote names with other characters`);
      }
      i += name.length;
    }
    skipSpace();
    const op = /^(=~|!~|!=|=)/.exec(s.slice(i))?.[1] as MatchType | undefined;
    if (op === undefined) throw bad(text, `expected =, !=, =~ or !~ after ${name}`);
    i += op.length;
    skipSpace();
    let value: string;
    if (s[i] === '"') {
      [value, i] = readQuoted(s, i, text);
      skipSpace();
    } else {
      let j = i;
      while (j < s.length && s[j] !== ",") {
        if (s[j] === '"') throw bad(text, 'unexpected " inside an unquoted value');
        j++;
      }
      value = s.slice(i, j).trim();
      i = j;
    }
    out.push(newMatcher(name, op, value));
    if (i >= s.length) break;
    if (s[i] !== ",") throw bad(text, `expected , after the value of ${name}`);
    i++;
    skipSpace();
    if (i >= s.length) break; // trailing comma allowed, as in Alertmanager
  }
  return out;
}

/** Parses a list of matcher strings (a config's `matchers:`), each possibly several matchers. */
export function parseMatcherList(texts: readonly string[]): Matcher[] {
  return texts.flatMap((t) => parseMatchers(t));
}

/** Legacy `match:` / `match_re:` maps as matchers. */
export function legacyMatchers(
  match: Readonly<Record<string, string>> = {},
  matchRe: Readonly<Record<string, string>> = {},
): Matcher[] {
  const out: Matcher[] = [];
  for (const name of Object.keys(match).sort()) out.push(newMatcher(name, "=", match[name] ?? ""));
  for (const name of Object.keys(matchRe).sort())
    out.push(newMatcher(name, "=~", matchRe[name] ?? ""));
  return out;
}

/** Whether one matcher accepts a value (an absent label is the empty string). */
export function matchesValue(m: Matcher, value: string): boolean {
  switch (m.type) {
    case "=":
      return value === m.value;
    case "!=":
      return value !== m.value;
    case "=~":
      return (m.regex as RegExp).test(value);
    case "!~":
      return !(m.regex as RegExp).test(value);
  }
}

/** True when every matcher accepts the labels (an empty list matches everything). */
export function matchesLabels(
  matchers: readonly Matcher[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return matchers.every((m) => matchesValue(m, labels[m.name] ?? ""));
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** `name="value"` with the value quoted; names outside `[a-zA-Z_][a-zA-Z0-9_]*` quoted too. */
export function matcherToString(m: Matcher): string {
  const name = LEGACY_NAME_RE.test(m.name) ? m.name : quote(m.name);
  return `${name}${m.type}${quote(m.value)}`;
}

/** `{a="b", c=~"d"}`, as Alertmanager writes a list of matchers. */
export function matchersToString(ms: readonly Matcher[]): string {
  return `{${ms.map(matcherToString).join(", ")}}`;
}
