/**
 * Messages for syntax errors, in Prometheus's wording: `unexpected <token>`
 * where the token is described as its parser does (`identifier "foo"`,
 * `<op:+>`, `<aggr:sum>`, `<by>`, `number "1"`, `"("`, `end of input`), plus
 * the two mistakes its grammar names itself: unknown functions and trailing
 * commas in calls.
 */

import type { PosRange } from "../ast.js";
import { AGGREGATE_OPS as AST_AGGREGATE_OPS } from "../ast.js";
import { goQuote } from "../go-format.js";

export interface SyntaxProblem {
  readonly pos: PosRange;
  readonly message: string;
}

const AGGREGATORS = new Set<string>(AST_AGGREGATE_OPS);
const WORD_OPERATORS = new Set(["and", "or", "unless", "atan2"]);
const KEYWORDS = new Set([
  "offset",
  "smoothed",
  "anchored",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "fill",
  "fill_left",
  "fill_right",
  "bool",
]);
const PREPROCESSORS = new Set(["start", "end", "step", "range", "max_of", "min_of"]);
const SYMBOL_OPERATORS = [
  "==",
  "!=",
  "<=",
  ">=",
  "</",
  ">/",
  "=~",
  "!~",
  "+",
  "-",
  "*",
  "/",
  "%",
  "^",
  "<",
  ">",
  "@",
];

const WORD = /^[A-Za-z_:][A-Za-z0-9_:]*/;
const DURATION = /^(?:\d+(?:ms|[smhdwy]))+/;
const NUMBER = /^(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)/;
const QUOTED = /^(?:"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|`[^`]*`?)/;

/** Skips spaces and `#` comments from `pos`. */
function skipBlank(text: string, pos: number): number {
  let p = pos;
  for (;;) {
    while (p < text.length && /\s/.test(text[p])) p++;
    if (text[p] !== "#") return p;
    const nl = text.indexOf("\n", p);
    p = nl < 0 ? text.length : nl;
  }
}

/** The token at `pos` and Prometheus's description of it. */
function describeToken(text: string, pos: number): { desc: string; end: number } {
  const rest = text.slice(pos, pos + 1000);
  if (rest === "") return { desc: "end of input", end: pos };
  const word = WORD.exec(rest)?.[0];
  if (word !== undefined) {
    const lower = word.toLowerCase();
    const end = pos + word.length;
    if (AGGREGATORS.has(lower)) return { desc: `<aggr:${word}>`, end };
    if (WORD_OPERATORS.has(lower)) return { desc: `<op:${word}>`, end };
    if (KEYWORDS.has(lower)) return { desc: `<${word}>`, end };
    if (lower === "inf" || lower === "nan") return { desc: `number ${goQuote(word)}`, end };
    if (PREPROCESSORS.has(lower)) return { desc: goQuote(word), end };
    const kind = word.includes(":") ? "metric identifier" : "identifier";
    return { desc: `${kind} ${goQuote(word)}`, end };
  }
  const duration = DURATION.exec(rest)?.[0];
  if (duration !== undefined)
    return { desc: `duration ${goQuote(duration)}`, end: pos + duration.length };
  const number = NUMBER.exec(rest)?.[0];
  if (number !== undefined) return { desc: `number ${goQuote(number)}`, end: pos + number.length };
  const quoted = QUOTED.exec(rest)?.[0];
  if (quoted !== undefined) {
    const chars = [...quoted];
    const shown =
      chars.length > 10 ? `${goQuote(chars.slice(0, 10).join(""))}...` : goQuote(quoted);
    return { desc: `string ${shown}`, end: pos + quoted.length };
  }
  const op = SYMBOL_OPERATORS.find((o) => rest.startsWith(o));
  if (op !== undefined) return { desc: `<op:${op}>`, end: pos + op.length };
  const ch = String.fromCodePoint(rest.codePointAt(0) ?? 0);
  return { desc: goQuote(ch), end: pos + ch.length };
}

/** The word that ends right before `pos` (spaces skipped), with its start. */
function wordBefore(text: string, pos: number): { word: string; start: number } | null {
  let end = pos;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  let start = end;
  while (start > 0 && /[A-Za-z0-9_:]/.test(text[start - 1])) start--;
  if (start === end || !/[A-Za-z_:]/.test(text[start])) return null;
  return { word: text.slice(start, end), start };
}

/** What is wrong at `errorPos`, where the lezer parse first failed. */
export function describeSyntaxError(text: string, errorPos: number): SyntaxProblem {
  const at = skipBlank(text, errorPos);
  if (text[at] === "(") {
    const before = wordBefore(text, at);
    if (before !== null) {
      const lower = before.word.toLowerCase();
      const keyword =
        AGGREGATORS.has(lower) ||
        WORD_OPERATORS.has(lower) ||
        KEYWORDS.has(lower) ||
        PREPROCESSORS.has(lower);
      if (!keyword) {
        return {
          pos: { start: before.start, end: before.start + before.word.length },
          message: `unknown function with name ${goQuote(before.word)}`,
        };
      }
    }
  }
  if (text[at] === ")") {
    let comma = at;
    while (comma > 0 && /\s/.test(text[comma - 1])) comma--;
    if (text[comma - 1] === ",") {
      return {
        pos: { start: comma - 1, end: comma },
        message: "trailing commas not allowed in function call args",
      };
    }
  }
  const { desc, end } = describeToken(text, at);
  return { pos: { start: at, end }, message: `unexpected ${desc}` };
}
