/**
 * Translates an RE2 pattern (the syntax Prometheus uses for `=~` and `!~`) into
 * a JavaScript RegExp source for the `su` flags.
 *
 * The translation is deliberately shallow: one left-to-right scan that rewrites
 * the few constructs whose spelling differs (escaped punctuation, `\pL`,
 * `\x{...}`, `\Q...\E`, `\A`, `\z`, POSIX classes, RE2's ASCII-only `\s`,
 * literal `{`/`}`/`]`, `(?P<name>`, leading `(?i)`), and rejects the constructs
 * JavaScript accepts but RE2 does not (lookarounds, backreferences) so a
 * selector never means something Prometheus would refuse. Everything else is
 * left to V8's parser, whose errors are reported as-is. Known gaps, all rare in
 * selectors: inline flags other than a leading `(?i)`/`(?s)`, negated POSIX
 * classes, `\S` inside a class, octal escapes (`\12`), RE2's repeat limit of 1000.
 */

/** Outcome of `translateRe2`: the JS source and flags, or the problem found. */
export type Re2Translation =
  | { readonly ok: true; readonly source: string; readonly ignoreCase: boolean }
  | { readonly ok: false; readonly problem: string };

/** ASCII ranges of RE2's POSIX classes (`[[:alpha:]]`), written as JS class ranges. */
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7f",
  blank: "\\t ",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "\\x21-\\x7e",
  lower: "a-z",
  print: "\\x20-\\x7e",
  punct: "\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** RE2's `\s` is ASCII whitespace only (no \v, no Unicode spaces), unlike JS's. */
const RE2_SPACE = "\\t\\n\\f\\r ";

const LEADING_FLAGS = /^\(\?([A-Za-z-]*)\)/y;
const REPEAT = /\{\d+(?:,\d*)?\}/y;

/** True for printable ASCII punctuation, which RE2 lets any `\` escape. */
export function isAsciiPunct(c: string): boolean {
  const code = c.charCodeAt(0);
  return (
    (code >= 0x21 && code <= 0x2f) ||
    (code >= 0x3a && code <= 0x40) ||
    (code >= 0x5b && code <= 0x60) ||
    (code >= 0x7b && code <= 0x7e)
  );
}

/** `\xHH` for one ASCII character: valid in and out of classes under the `u` flag. */
function hexEscape(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/** Escapes a literal string for a `u`-flag RegExp (used for `\Q...\E`). */
function escapeLiteral(s: string): string {
  let out = "";
  for (const c of s) out += isAsciiPunct(c) ? hexEscape(c) : c;
  return out;
}

/** Translates `pattern`; see the module comment for what is rewritten or refused. */
export function translateRe2(pattern: string): Re2Translation {
  let i = 0;
  let ignoreCase = false;
  // Leading flag groups, e.g. `(?i)`: the common case-insensitive idiom. `s` is
  // already on (Prometheus 3 parses with DotNL), so `(?s)` is a no-op.
  for (;;) {
    LEADING_FLAGS.lastIndex = i;
    const m = LEADING_FLAGS.exec(pattern);
    if (m === null) break;
    for (const f of m[1]) {
      if (f === "i") ignoreCase = true;
      else if (f !== "s") return fail(`unsupported flag "${f}" in ${m[0]}`);
    }
    i += m[0].length;
  }

  let out = "";
  let inClass = false;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i];
    if (c === "\\") {
      if (i + 1 >= n) return fail("trailing backslash at end of expression");
      const r = translateEscape(pattern, i, inClass);
      if (!r.ok) return r;
      out += r.text;
      i = r.next;
      continue;
    }
    if (inClass) {
      if (c === "[" && pattern[i + 1] === ":") {
        const end = pattern.indexOf(":]", i + 2);
        if (end < 0) {
          out += c;
          i++;
          continue;
        }
        const name = pattern.slice(i + 2, end);
        const ranges = POSIX_CLASSES[name];
        if (ranges === undefined) return fail(`unsupported character class [:${name}:]`);
        out += ranges;
        i = end + 2;
        continue;
      }
      if (c === "]") inClass = false;
      out += c;
      i++;
      continue;
    }
    switch (c) {
      case "[": {
        inClass = true;
        out += "[";
        i++;
        if (pattern[i] === "^") {
          out += "^";
          i++;
        }
        // RE2 (like POSIX) reads a `]` right after `[` or `[^` as a literal.
        if (pattern[i] === "]") {
          out += "\\]";
          i++;
        }
        continue;
      }
      case "(": {
        const r = translateGroupOpen(pattern, i);
        if (!r.ok) return r;
        out += r.text;
        i = r.next;
        continue;
      }
      case "{": {
        REPEAT.lastIndex = i;
        const m = REPEAT.exec(pattern);
        // A `{` that does not start a repeat is a literal in RE2, an error under `u`.
        out += m === null ? "\\{" : m[0];
        i += m === null ? 1 : m[0].length;
        continue;
      }
      case "}":
      case "]":
        out += `\\${c}`;
        i++;
        continue;
      default:
        out += c;
        i++;
    }
  }
  return { ok: true, source: out, ignoreCase };
}

interface Piece {
  readonly ok: true;
  readonly text: string;
  readonly next: number;
}

function fail(problem: string): { ok: false; problem: string } {
  return { ok: false, problem };
}

/** Translates the group opener at `pattern[i] === "("`. */
function translateGroupOpen(pattern: string, i: number): Piece | { ok: false; problem: string } {
  if (pattern[i + 1] !== "?") return { ok: true, text: "(", next: i + 1 };
  const rest = pattern.slice(i, i + 4);
  if (rest.startsWith("(?:")) return { ok: true, text: "(?:", next: i + 3 };
  if (rest.startsWith("(?P<")) return { ok: true, text: "(?<", next: i + 4 };
  if (rest.startsWith("(?=") || rest.startsWith("(?!")) {
    return fail(`lookahead ${rest.slice(0, 3)} is not supported (RE2 syntax)`);
  }
  if (rest.startsWith("(?<=") || rest.startsWith("(?<!")) {
    return fail(`lookbehind ${rest} is not supported (RE2 syntax)`);
  }
  if (rest.startsWith("(?<")) return { ok: true, text: "(?<", next: i + 3 };
  return fail("inline flags are only supported at the start of the expression, as (?i)");
}

/** Translates the escape at `pattern[i] === "\\"` (a next character exists). */
function translateEscape(
  pattern: string,
  i: number,
  inClass: boolean,
): Piece | { ok: false; problem: string } {
  const d = pattern[i + 1];
  const ok = (text: string, next = i + 2): Piece => ({ ok: true, text, next });
  if ((d >= "1" && d <= "9") || d === "k") {
    return fail(`backreference \\${d} is not supported (RE2 syntax)`);
  }
  if (isAsciiPunct(d)) return ok(hexEscape(d));
  switch (d) {
    case "Q": {
      const end = pattern.indexOf("\\E", i + 2);
      const lit = pattern.slice(i + 2, end < 0 ? pattern.length : end);
      return ok(escapeLiteral(lit), end < 0 ? pattern.length : end + 2);
    }
    case "A":
    case "z":
      if (inClass) return fail(`\\${d} is not allowed in a character class`);
      // Without the `m` flag JS's ^ and $ are already text (not line) anchors.
      return ok(d === "A" ? "^" : "$");
    case "s":
      return ok(inClass ? RE2_SPACE : `[${RE2_SPACE}]`);
    case "S":
      if (inClass) return fail("\\S inside a character class is not supported");
      return ok(`[^${RE2_SPACE}]`);
    case "a":
      return ok("\\x07");
    case "p":
    case "P": {
      if (pattern[i + 2] === "{") {
        const end = pattern.indexOf("}", i + 3);
        if (end < 0) return fail(`missing } after \\${d}{`);
        const name = pattern.slice(i + 3, end);
        const negated = name.startsWith("^");
        const bare = negated ? name.slice(1) : name;
        // RE2 names general categories (L, Lu) and scripts (Greek) alike; JS
        // wants `Script=` before a script name.
        const prop = bare.length <= 2 || bare === "Any" ? bare : `Script=${bare}`;
        const letter = negated === (d === "P") ? "p" : "P";
        return ok(`\\${letter}{${prop}}`, end + 1);
      }
      if (i + 2 >= pattern.length) return fail(`missing class name after \\${d}`);
      return ok(`\\${d}{${pattern[i + 2]}}`, i + 3);
    }
    case "x": {
      if (pattern[i + 2] === "{") {
        const end = pattern.indexOf("}", i + 3);
        if (end < 0) return fail("missing } after \\x{");
        return ok(`\\u{${pattern.slice(i + 3, end)}}`, end + 1);
      }
      return ok("\\x");
    }
    default:
      // \d \w \b \n \t ... mean the same in both; unknown escapes fail in V8 as in RE2.
      return ok(`\\${d}`);
  }
}
