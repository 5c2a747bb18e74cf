/**
 * Translation of Go RE2 regular expressions (the syntax of Prometheus config
 * files) into JavaScript RegExps with the same meaning, for the constructs that
 * relabel configs use. Prometheus anchors relabel regexes on both ends
 * (model/relabel: `^(?:` + regex + `)$`); so do we.
 *
 * Differences handled (RE2 syntax reference: github.com/google/re2/wiki/Syntax):
 * - `.` excludes only `\n` in RE2 (JS also excludes `\r`, U+2028, U+2029);
 * - `\s` is ASCII whitespace `[\t\n\f\r ]` in RE2 (Unicode in JS);
 * - `(?P<name>...)` named groups; a leading `(?i)`/`(?s)`/`(?m)` flag group;
 * - `\A`, `\z`, `\Q...\E`, `\pL`, `\x{HHHH}`, `\a`, `[[:alpha:]]` classes;
 * - RE2 takes lone `]`, `}` and `{` that starts no repeat as literals and lets
 *   any ASCII punctuation be escaped; JS in Unicode mode rejects those.
 * Left unsupported (they fail with a clear error): flags other than at the
 * start, `(?U)`, `\C`.
 */
import { ReddotError } from "../lib/errors.js";

/** Characters JS (Unicode mode) allows after `\` outside a class. */
const JS_SYNTAX = new Set("^$\\.*+?()[]{}|/");
/** Inside a class JS also allows `\-`. */
const JS_CLASS_SYNTAX = new Set("^$\\.*+?()[]{}|/-");
const ASCII_PUNCT = /[!-/:-@[-`{-~]/;
const REPEAT = /^\{\d+(,\d*)?\}/;
const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7f",
  blank: "\\t ",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** Compiles a Go RE2 regex, anchored to match the whole input. Throws RD_BAD_RELABEL_REGEX. */
export function compileGoRegex(source: string, what = "regex"): RegExp {
  let flags = "u";
  let body = source;
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (lead !== null) {
    for (const f of lead[1]) {
      if (f !== "i" && f !== "m" && f !== "s") {
        throw badRegex(what, source, `flag "${f}" is not supported`);
      }
      if (!flags.includes(f)) flags += f;
    }
    body = body.slice(lead[0].length);
  }
  const dotAll = flags.includes("s");
  const translated = translate(body, dotAll, what, source);
  // With (?m) the JS `^`/`$` would match at line ends; the outer anchors must
  // still mean start and end of the whole text, as in Go where (?m) is scoped.
  const anchored = flags.includes("m")
    ? `(?<![\\s\\S])(?:${translated})(?![\\s\\S])`
    : `^(?:${translated})$`;
  try {
    return new RegExp(anchored, flags);
  } catch (e) {
    throw badRegex(what, source, (e as Error).message);
  }
}

function badRegex(what: string, source: string, why: string): ReddotError {
  return new ReddotError(
    "RD_BAD_RELABEL_REGEX",
    400,
    `${what}: cannot compile "${source}": ${why}`,
  );
}

function translate(src: string, dotAll: boolean, what: string, whole: string): string {
  let out = "";
  let i = 0;
  let inClass = false;
  while (i < src.length) {
    const c = src[i];
    if (c === "\\") {
      const [text, next] = translateEscape(src, i, inClass, what, whole);
      out += text;
      i = next;
      continue;
    }
    if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
      if (posix !== null && POSIX_CLASSES[posix[2]] !== undefined) {
        if (posix[1] === "^")
          throw badRegex(what, whole, "negated POSIX classes are not supported");
        out += POSIX_CLASSES[posix[2]];
        i += posix[0].length;
        continue;
      }
      if (c === "]") inClass = false;
      out += c === "[" ? "\\[" : c;
      i++;
      continue;
    }
    switch (c) {
      case ".":
        out += dotAll ? "[\\s\\S]" : "[^\\n]";
        i++;
        break;
      case "[": {
        inClass = true;
        out += "[";
        i++;
        if (src[i] === "^") {
          out += "^";
          i++;
        }
        // RE2: a `]` right after the opening bracket is a literal.
        if (src[i] === "]") {
          out += "\\]";
          i++;
        }
        break;
      }
      case "]":
      case "}":
        out += `\\${c}`;
        i++;
        break;
      case "{": {
        const rep = REPEAT.exec(src.slice(i));
        if (rep !== null) {
          out += rep[0];
          i += rep[0].length;
        } else {
          out += "\\{";
          i++;
        }
        break;
      }
      case "(": {
        if (src.startsWith("(?P<", i)) {
          out += "(?<";
          i += 4;
        } else if (src[i + 1] === "?" && /[a-zA-Z-]/.test(src[i + 2] ?? "") && src[i + 2] !== "P") {
          throw badRegex(what, whole, "inline flags are supported only at the very start");
        } else {
          out += c;
          i++;
        }
        break;
      }
      default:
        out += c;
        i++;
    }
  }
  return out;
}

/** Translates the escape at `src[i] === "\\"`; returns the JS text and the next index. */
function translateEscape(
  src: string,
  i: number,
  inClass: boolean,
  what: string,
  whole: string,
): [string, number] {
  const c = src[i + 1];
  if (c === undefined) throw badRegex(what, whole, "trailing backslash");
  switch (c) {
    case "A":
      if (inClass) break;
      return ["(?<![\\s\\S])", i + 2];
    case "z":
      if (inClass) break;
      return ["(?![\\s\\S])", i + 2];
    case "a":
      return ["\\x07", i + 2];
    case "s":
      return [inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]", i + 2];
    case "S":
      if (inClass) break;
      return ["[^\\t\\n\\f\\r ]", i + 2];
    case "C":
      throw badRegex(what, whole, "\\C is not supported");
    case "Q": {
      const end = src.indexOf("\\E", i + 2);
      const lit = src.slice(i + 2, end < 0 ? src.length : end);
      const special = inClass ? JS_CLASS_SYNTAX : JS_SYNTAX;
      const text = Array.from(lit, (ch) => (special.has(ch) ? `\\${ch}` : ch)).join("");
      return [text, end < 0 ? src.length : end + 2];
    }
    case "p":
    case "P":
      if (src[i + 2] !== "{" && src[i + 2] !== undefined) {
        return [`\\${c}{${src[i + 2]}}`, i + 3];
      }
      break;
    case "x":
      if (src[i + 2] === "{") {
        const end = src.indexOf("}", i + 3);
        if (end > 0) return [`\\u{${src.slice(i + 3, end)}}`, end + 1];
      }
      break;
    default:
      if (ASCII_PUNCT.test(c)) {
        const keep = inClass ? JS_CLASS_SYNTAX.has(c) : JS_SYNTAX.has(c);
        return [keep ? `\\${c}` : c, i + 2];
      }
  }
  return [`\\${c}`, i + 2];
}
