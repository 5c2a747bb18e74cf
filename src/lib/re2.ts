/**
 * Go RE2 regular expressions (the syntax of Prometheus label matchers and
 * relabel configs) compiled to JavaScript RegExps with the same meaning,
 * anchored to match the whole input as Prometheus anchors both
 * (`^(?:re)$`: model/relabel NewRegexp, model/labels/regexp.go).
 *
 * One left-to-right scan rewrites what JS spells differently or reads
 * differently (RE2 syntax reference: github.com/google/re2/wiki/Syntax; Go's
 * parser, regexp/syntax/parse.go, where the two disagree):
 * - `.` excludes only `\n` without `(?s)` (JS also excludes `\r`, U+2028, U+2029);
 * - `^`/`$` under `(?m)` break at `\n` only (JS also at `\r`, U+2028, U+2029);
 * - `\s` is ASCII `[\t\n\f\r ]` (JS's is Unicode); `\S`, `[[:^alpha:]]` and the
 *   other negated POSIX classes become explicit ranges, also inside a class;
 * - `(?P<name>`, leading flag groups `(?i)`, `(?s)`, `(?m)`, `(?-s)`;
 * - `\A`, `\z`, `\Q...\E`, `\pL`, `\p{Greek}`, `\x{HHHH}`, `\a`, octal `\123`;
 * - RE2 reads a lone `]`, `}`, a `{` that starts no repeat, and `\` before any
 *   ASCII non-alphanumeric as literals; JS in Unicode mode rejects those.
 * JS-only constructs are refused, so a regex never means something Prometheus
 * would reject: lookarounds, backreferences, escapes RE2 lacks (`\u`, `\c`,
 * `\k`), `\b` inside a class, repeats above 1000. Also refused, with a clear
 * problem: `(?U)`, `\C`. Flags set inside the pattern (`a(?i)b`, `(?i:PRO)`)
 * are applied by hand (letters become `[pP]`), as Node 20's RegExp lacks modifiers.
 * Everything else is left to V8's parser, whose problem is reported.
 */

/** How a caller's regexes read when the pattern sets no flags. */
export interface Re2Options {
  /**
   * Whether `.` matches `\n` unless `(?-s)` says otherwise: true for PromQL
   * matchers (Prometheus 3 compiles them as `^(?s:re)$`), false for relabel
   * regexes (`^(?:re)$`).
   */
  readonly dotMatchesNewline: boolean;
}

/** Outcome of `compileRe2`: the anchored RegExp, or why the pattern was refused. */
export type Re2Compiled =
  | { readonly ok: true; readonly regex: RegExp }
  | { readonly ok: false; readonly problem: string; readonly cause?: unknown };

/** Code point ranges as pairs of inclusive bounds: `[lo0, hi0, lo1, hi1, ...]`, sorted. */
type Ranges = readonly number[];

/** RE2's POSIX classes (`[[:alpha:]]`), all ASCII. */
const POSIX_CLASSES: Readonly<Record<string, Ranges>> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

/** RE2's `\s`: `[\t\n\f\r ]`, without `\v` or Unicode spaces. */
const RE2_SPACE: Ranges = [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20];

/** Largest count RE2 accepts in `{n,m}` (Go's parseRepeat: "invalid repeat count" above it). */
const MAX_REPEAT = 1000;

const FLAG_GROUP = /\(\?([A-Za-z]*)(?:(-)([A-Za-z]*))?\)/y;
const REPEAT = /\{(\d+)(?:,(\d*))?\}/y;

/** A pattern RE2 (or this translation) refuses; caught by `compileRe2` only. */
class Refused extends Error {}

/**
 * True when RE2 reads `\c` as the character `c` itself: any ASCII character
 * that is not a letter or digit (Go's parseEscape), e.g. `\.`, `\-`, `\:`.
 */
export function isLiteralEscape(c: string): boolean {
  const code = c.charCodeAt(0);
  return (
    code < 0x80 &&
    !(code >= 0x30 && code <= 0x39) &&
    !(code >= 0x41 && code <= 0x5a) &&
    !(code >= 0x61 && code <= 0x7a)
  );
}

/**
 * Compiles `pattern` (RE2 syntax) into a RegExp that must match the whole
 * input. Never throws: callers wrap the problem in their own error code.
 */
export function compileRe2(pattern: string, options: Re2Options): Re2Compiled {
  let t: Translation;
  try {
    t = translate(pattern, options);
  } catch (e) {
    if (e instanceof Refused) return { ok: false, problem: e.message };
    throw e;
  }
  try {
    return { ok: true, regex: new RegExp(`^(?:${t.source})$`, t.flags) };
  } catch (e) {
    // V8 says "Invalid regular expression: /<source>/u: <problem>"; the source
    // shown would be our translation, so keep only the problem.
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, problem: msg.slice(msg.lastIndexOf(": ") + 2) || msg, cause: e };
  }
}

interface Translation {
  readonly source: string;
  readonly flags: string;
}

/** Flags set by the leading flag groups. */
interface Mode {
  ignoreCase: boolean;
  dotNL: boolean;
  multiLine: boolean;
}

function translate(pattern: string, options: Re2Options): Translation {
  const top: Mode = { ignoreCase: false, dotNL: options.dotMatchesNewline, multiLine: false };
  let i = readLeadingFlags(pattern, top);
  // Flags changed inside the pattern (`a(?i)b`, `(?i:PRO)`) have no JS
  // equivalent in Node 20, so then case folding is spelled out per character
  // and no global `i` flag is used.
  const scoped = hasScopedFlags(pattern, i);
  const foldByHand = scoped && top.ignoreCase;
  let mode: Mode = { ...top };
  const stack: Mode[] = [];
  let out = "";
  let inClass = false;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const [text, next] = translateEscape(pattern, i, inClass);
      out += text;
      i = next;
    } else if (inClass) {
      const posix = c === "[" && pattern[i + 1] === ":" ? pattern.indexOf(":]", i + 2) : -1;
      if (posix >= 0) {
        out += posixClass(pattern.slice(i + 2, posix));
        i = posix + 2;
        continue;
      }
      if (c === "]") {
        inClass = false;
        out += c;
        i++;
        continue;
      }
      const fold = scoped && mode.ignoreCase;
      const hi = pattern[i + 2];
      if (
        fold &&
        pattern[i + 1] === "-" &&
        hi !== undefined &&
        hi !== "]" &&
        hi !== "\\" &&
        hi !== "["
      ) {
        out += `${c}-${hi}${foldedRange(c, hi)}`;
        i += 3;
        continue;
      }
      out += c === "[" ? "\\[" : fold ? foldChar(c) : c;
      i++;
    } else if (c === "[") {
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
    } else if (c === "(") {
      const flags = scopedFlagGroup(pattern, i);
      if (flags) {
        const next: Mode = { ...mode };
        for (const f of flags.on) setFlag(next, f, true, flags.text);
        for (const f of flags.off) setFlag(next, f, false, flags.text);
        if (flags.colon) {
          stack.push(mode);
          out += "(?:";
        }
        mode = next;
        i += flags.text.length;
        continue;
      }
      const [text, next] = translateGroupOpen(pattern, i);
      stack.push(mode);
      mode = { ...mode };
      out += text;
      i = next;
    } else if (c === ")") {
      mode = stack.pop() ?? mode;
      out += ")";
      i++;
    } else if (c === "{") {
      const [text, next] = translateBrace(pattern, i);
      out += text;
      i = next;
    } else {
      if (scoped && c === ".") out += mode.dotNL ? "[^]" : "[^\\n]";
      else out += scoped && mode.ignoreCase ? foldPlain(c) : translatePlain(c, mode);
      i++;
    }
  }
  // `s` only when `.` may match `\n`: `.` is then left as written. JS's `m`
  // is never used, since `^`/`$` under (?m) are rewritten.
  const dotAll = !scoped && top.dotNL;
  const flags = `${top.ignoreCase && !foldByHand && !scoped ? "i" : ""}${dotAll ? "s" : ""}u`;
  return { source: out, flags };
}

/** True when a flag group appears after the leading ones. */
function hasScopedFlags(pattern: string, from: number): boolean {
  let inClass = false;
  for (let i = from; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(" && scopedFlagGroup(pattern, i)) return true;
  }
  return false;
}

/** `(?flags)` or `(?flags:` at `i`, with the flags it sets and clears. */
function scopedFlagGroup(
  pattern: string,
  i: number,
): { text: string; on: string; off: string; colon: boolean } | undefined {
  const m = /\(\?([A-Za-z]*)(?:-([A-Za-z]*))?([:)])/y;
  m.lastIndex = i;
  const r = m.exec(pattern);
  if (!r) return undefined;
  const [text, on = "", off, end] = r;
  if (on === "" && off === undefined) return undefined; // `(?:` is a plain group
  if (off !== undefined && off === "") throw new Refused(`missing flag after - in ${text}`);
  return { text, on, off: off ?? "", colon: end === ":" };
}

/** A literal outside a class under case folding: both cases as a class. */
function foldPlain(c: string): string {
  const lo = c.toLowerCase();
  const up = c.toUpperCase();
  if (lo === up || lo.length !== 1 || up.length !== 1) return translatePlain(c, NO_FLAGS);
  return `[${lo}${up}]`;
}

/** A literal inside a class under case folding: itself and its other case. */
function foldChar(c: string): string {
  const lo = c.toLowerCase();
  const up = c.toUpperCase();
  if (lo === up || lo.length !== 1 || up.length !== 1) return c;
  return `${lo}${up}`;
}

/** The other-case counterpart of an ASCII letter range inside a class, or "". */
function foldedRange(lo: string, hi: string): string {
  const isLower = (x: string) => x >= "a" && x <= "z";
  const isUpper = (x: string) => x >= "A" && x <= "Z";
  if (isLower(lo) && isLower(hi)) return `${lo.toUpperCase()}-${hi.toUpperCase()}`;
  if (isUpper(lo) && isUpper(hi)) return `${lo.toLowerCase()}-${hi.toLowerCase()}`;
  return "";
}

const NO_FLAGS: Mode = { ignoreCase: false, dotNL: true, multiLine: false };

/** Applies the flag groups at the start of `pattern`; returns where the rest begins. */
function readLeadingFlags(pattern: string, mode: Mode): number {
  let i = 0;
  for (;;) {
    FLAG_GROUP.lastIndex = i;
    const m = FLAG_GROUP.exec(pattern);
    if (m === null) return i;
    const [group, on, dash, off = ""] = m;
    if (dash !== undefined && off === "") throw new Refused(`missing flag after - in ${group}`);
    // Go applies the flags before `-`, then clears those after it.
    for (const f of on) setFlag(mode, f, true, group);
    for (const f of off) setFlag(mode, f, false, group);
    i += group.length;
  }
}

/** Sets (or clears) one flag of a leading flag group. */
function setFlag(mode: Mode, f: string, value: boolean, group: string): void {
  if (f === "i") mode.ignoreCase = value;
  else if (f === "s") mode.dotNL = value;
  else if (f === "m") mode.multiLine = value;
  else throw new Refused(`unsupported flag "${f}" in ${group}`);
}

/** A character outside classes, escapes, groups and braces. */
function translatePlain(c: string, mode: Mode): string {
  switch (c) {
    case ".":
      return mode.dotNL ? "." : "[^\\n]";
    case "^":
      return mode.multiLine ? "(?<![^\\n])" : "^";
    case "$":
      return mode.multiLine ? "(?![^\\n])" : "$";
    case "]":
    case "}":
      return `\\${c}`;
    default:
      return c;
  }
}

/** A `{` outside a class: a repeat `{n}`, `{n,}`, `{n,m}`, or else a literal. */
function translateBrace(pattern: string, i: number): [string, number] {
  REPEAT.lastIndex = i;
  const m = REPEAT.exec(pattern);
  if (m === null) return ["\\{", i + 1];
  if (Number(m[1]) > MAX_REPEAT || (m[2] !== undefined && Number(m[2]) > MAX_REPEAT)) {
    throw new Refused(`repeat count above ${MAX_REPEAT} in ${m[0]} (RE2 limit)`);
  }
  return [m[0], i + m[0].length];
}

/** The ranges of POSIX class `[:name:]` or `[:^name:]`, for inside a JS class. */
function posixClass(name: string): string {
  const negated = name.startsWith("^");
  const ranges = POSIX_CLASSES[negated ? name.slice(1) : name];
  if (ranges === undefined) throw new Refused(`unsupported character class [:${name}:]`);
  return classText(negated ? complement(ranges) : ranges);
}

/** Every code point not in `ranges` (sorted, disjoint). */
function complement(ranges: Ranges): Ranges {
  const out: number[] = [];
  let next = 0;
  for (let k = 0; k < ranges.length; k += 2) {
    if (ranges[k] > next) out.push(next, ranges[k] - 1);
    next = ranges[k + 1] + 1;
  }
  if (next <= 0x10ffff) out.push(next, 0x10ffff);
  return out;
}

/** Ranges written for the inside of a `u`-flag JS class. */
function classText(ranges: Ranges): string {
  const cp = (c: number) => `\\u{${c.toString(16)}}`;
  let out = "";
  for (let k = 0; k < ranges.length; k += 2) {
    const [lo, hi] = [ranges[k], ranges[k + 1]];
    out += lo === hi ? cp(lo) : `${cp(lo)}-${cp(hi)}`;
  }
  return out;
}

/** `\xHH` for one ASCII character: valid in and out of classes under the `u` flag. */
function hexEscape(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/** Translates the group opener at `pattern[i] === "("`. */
function translateGroupOpen(pattern: string, i: number): [string, number] {
  if (pattern[i + 1] !== "?") return ["(", i + 1];
  const rest = pattern.slice(i, i + 4);
  if (rest.startsWith("(?:")) return ["(?:", i + 3];
  if (rest === "(?P<") return ["(?<", i + 4];
  if (rest.startsWith("(?=") || rest.startsWith("(?!")) {
    throw new Refused(`lookahead ${rest.slice(0, 3)} is not supported (RE2 syntax)`);
  }
  if (rest === "(?<=" || rest === "(?<!") {
    throw new Refused(`lookbehind ${rest} is not supported (RE2 syntax)`);
  }
  // Go 1.22 and later accept `(?<name>` as well as `(?P<name>`.
  if (rest.startsWith("(?<")) return ["(?<", i + 3];
  if (rest === "(?P=") throw new Refused("backreference (?P=name) is not supported (RE2 syntax)");
  throw new Refused(`unsupported group syntax ${pattern.slice(i, i + 4)}`);
}

/** Translates the escape at `pattern[i] === "\\"`; returns the JS text and the next index. */
function translateEscape(pattern: string, i: number, inClass: boolean): [string, number] {
  const d = pattern[i + 1];
  if (d === undefined) throw new Refused("trailing backslash at end of expression");
  if (isLiteralEscape(d)) return [hexEscape(d), i + 2];
  if (d >= "0" && d <= "9") return octalEscape(pattern, i);
  const outsideOnly = (text: string): [string, number] => {
    if (inClass) throw new Refused(`\\${d} is not allowed in a character class`);
    return [text, i + 2];
  };
  switch (d) {
    case "Q":
      if (inClass) throw new Refused("\\Q is not allowed in a character class");
      return quoted(pattern, i);
    // Anchors: JS's ^ and $ are text anchors, since the `m` flag is never set.
    case "A":
      return outsideOnly("^");
    case "z":
      return outsideOnly("$");
    case "b":
    case "B":
      return outsideOnly(`\\${d}`);
    case "s":
      return [inClass ? classText(RE2_SPACE) : `[${classText(RE2_SPACE)}]`, i + 2];
    case "S":
      return [inClass ? classText(complement(RE2_SPACE)) : `[^${classText(RE2_SPACE)}]`, i + 2];
    case "a":
      return ["\\x07", i + 2];
    // Same meaning in both (JS's \d and \w are ASCII, as RE2's).
    case "d":
    case "D":
    case "w":
    case "W":
    case "f":
    case "n":
    case "r":
    case "t":
    case "v":
      return [`\\${d}`, i + 2];
    case "p":
    case "P":
      return unicodeClass(pattern, i);
    case "x":
      return hexCodePoint(pattern, i);
    case "k":
      throw new Refused("backreference \\k is not supported (RE2 syntax)");
    case "C":
      throw new Refused("\\C (any byte) is not supported");
    default:
      throw new Refused(`invalid escape \\${d}`);
  }
}

/** `\Q...\E` (or to the end): the text in between, literally. */
function quoted(pattern: string, i: number): [string, number] {
  const end = pattern.indexOf("\\E", i + 2);
  const lit = pattern.slice(i + 2, end < 0 ? pattern.length : end);
  let text = "";
  for (const c of lit) text += isLiteralEscape(c) ? hexEscape(c) : c;
  return [text, end < 0 ? pattern.length : end + 2];
}

/**
 * `\0`, `\012`, `\12`: octal codes of up to three digits, as Go reads them. A
 * lone `\1`..`\9` would be a backreference, which RE2 lacks.
 */
function octalEscape(pattern: string, i: number): [string, number] {
  const m = /[0-7]{1,3}/y;
  m.lastIndex = i + 1;
  const digits = m.exec(pattern)?.[0] ?? "";
  if (digits === "" || (digits.length === 1 && digits !== "0")) {
    throw new Refused(`backreference \\${pattern[i + 1]} is not supported (RE2 syntax)`);
  }
  return [`\\u{${Number.parseInt(digits, 8).toString(16)}}`, i + 1 + digits.length];
}

/** `\pL`, `\PL`, `\p{Greek}`, `\p{^Lu}`: a Unicode category or script. */
function unicodeClass(pattern: string, i: number): [string, number] {
  const d = pattern[i + 1];
  if (pattern[i + 2] !== "{") {
    if (i + 2 >= pattern.length) throw new Refused(`missing class name after \\${d}`);
    return [`\\${d}{${pattern[i + 2]}}`, i + 3];
  }
  const end = pattern.indexOf("}", i + 3);
  if (end < 0) throw new Refused(`missing } after \\${d}{`);
  const name = pattern.slice(i + 3, end);
  const negated = name.startsWith("^");
  const bare = negated ? name.slice(1) : name;
  // RE2 names general categories (L, Lu) and scripts (Greek) alike; JS wants
  // `Script=` before a script name.
  const prop = bare.length <= 2 || bare === "Any" ? bare : `Script=${bare}`;
  const letter = negated === (d === "P") ? "p" : "P";
  return [`\\${letter}{${prop}}`, end + 1];
}

/** `\xHH` (exactly two hex digits) or `\x{HHHH}` (any code point). */
function hexCodePoint(pattern: string, i: number): [string, number] {
  if (pattern[i + 2] === "{") {
    const end = pattern.indexOf("}", i + 3);
    if (end < 0) throw new Refused("missing } after \\x{");
    const hex = pattern.slice(i + 3, end);
    if (!/^[0-9A-Fa-f]+$/.test(hex) || Number.parseInt(hex, 16) > 0x10ffff) {
      throw new Refused(`invalid code point \\x{${hex}}`);
    }
    return [`\\u{${Number.parseInt(hex, 16).toString(16)}}`, end + 1];
  }
  const hex = pattern.slice(i + 2, i + 4);
  if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new Refused("\\x wants two hex digits or {HHHH}");
  return [`\\x${hex}`, i + 4];
}
