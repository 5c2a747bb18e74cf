/**
 * Lexer for Go's text/template syntax (text/template/parse/lex.go is the
 * reference for what it accepts): text between `{{ }}` actions, trim markers
 * `{{- ` / ` -}}`, comments `{{/* ... *\/}}`, and inside actions identifiers,
 * fields, variables, literals and punctuation.
 */

import { TemplateError } from "./errors.js";

export type TokenKind =
  | "text"
  | "left"
  | "right"
  | "ident"
  | "field"
  | "variable"
  | "dot"
  | "string"
  | "raw"
  | "char"
  | "number"
  | "bool"
  | "nil"
  | "pipe"
  | "lparen"
  | "rparen"
  | "declare"
  | "assign"
  | "comma"
  | "space"
  | "keyword"
  | "eof";

export interface Token {
  readonly kind: TokenKind;
  readonly val: string;
  /** Byte (code unit) offset in the text. */
  readonly pos: number;
  /** 1-based line of the token's start. */
  readonly line: number;
}

const KEYWORDS = new Set([
  "if",
  "else",
  "end",
  "range",
  "with",
  "define",
  "template",
  "block",
  "break",
  "continue",
]);

const SPACE = /[ \t\r\n]/;
const ALNUM = /[\p{L}\p{Nd}_]/u;

/** Line numbers by binary search over newline offsets, so lexing stays linear. */
function lineIndex(text: string): (pos: number) => number {
  const nl: number[] = [];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) nl.push(i);
  return (pos) => {
    let lo = 0;
    let hi = nl.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nl[mid] < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

/** Splits `text` into tokens; throws TemplateError like Go's lexer errors (`template: NAME:LINE: ...`). */
export function lex(name: string, text: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  const lines = lineIndex(text);
  const lineAt = (_t: string, at: number) => lines(at);
  const fail = (at: number, msg: string): never => {
    throw new TemplateError(`template: ${name}:${lineAt(text, at)}: ${msg}`);
  };
  const push = (kind: TokenKind, val: string, at: number) => {
    out.push({ kind, val, pos: at, line: lineAt(text, at) });
  };
  while (pos < text.length) {
    const open = text.indexOf("{{", pos);
    if (open < 0) {
      push("text", text.slice(pos), pos);
      pos = text.length;
      break;
    }
    let textEnd = open;
    const trimLeft = text[open + 2] === "-" && SPACE.test(text[open + 3] ?? "");
    if (trimLeft) while (textEnd > pos && SPACE.test(text[textEnd - 1])) textEnd--;
    if (textEnd > pos) push("text", text.slice(pos, textEnd), pos);
    pos = open + (trimLeft ? 3 : 2);
    // Comment: {{/* ... */}} possibly with trim markers.
    let p = pos;
    if (trimLeft) while (SPACE.test(text[p] ?? "")) p++;
    if (text.startsWith("/*", p)) {
      const close = text.indexOf("*/", p + 2);
      if (close < 0) fail(open, "unclosed comment");
      let q = close + 2;
      let trimRight = false;
      if (text.startsWith(" -}}", q) || /^[ \t\r\n]-}}/.test(text.slice(q, q + 4))) {
        trimRight = true;
        q += 4;
      } else if (text.startsWith("}}", q)) {
        q += 2;
      } else {
        fail(open, "comment ends before closing delimiter");
      }
      pos = q;
      if (trimRight) while (SPACE.test(text[pos] ?? "")) pos++;
      continue;
    }
    push("left", "{{", open);
    pos = lexInside(name, text, pos, out, fail, push);
  }
  push("eof", "", text.length);
  return out;
}

function lexInside(
  _name: string,
  text: string,
  pos: number,
  _out: Token[],
  fail: (at: number, msg: string) => never,
  push: (kind: TokenKind, val: string, at: number) => void,
): number {
  let parens = 0;
  const start = pos;
  for (;;) {
    if (pos >= text.length) fail(start, "unclosed action");
    const c = text[pos];
    // Right delimiter, possibly with trim marker.
    if (SPACE.test(c) && text[pos + 1] === "-" && text.startsWith("}}", pos + 2)) {
      push("right", "}}", pos + 2);
      pos += 4;
      while (SPACE.test(text[pos] ?? "")) pos++;
      return pos;
    }
    if (text.startsWith("}}", pos)) {
      if (parens > 0) fail(pos, "unclosed left paren");
      push("right", "}}", pos);
      return pos + 2;
    }
    if (SPACE.test(c)) {
      const s = pos;
      while (pos < text.length && SPACE.test(text[pos])) {
        if (SPACE.test(text[pos]) && text[pos + 1] === "-" && text.startsWith("}}", pos + 2)) break;
        pos++;
      }
      if (text[s] === "\n" || text.slice(s, pos).includes("\n")) {
        // Go allows newlines inside actions since 1.16.
      }
      push("space", text.slice(s, pos), s);
      continue;
    }
    if (c === "=") {
      push("assign", "=", pos);
      pos++;
      continue;
    }
    if (c === ":") {
      if (text[pos + 1] !== "=") fail(pos, "expected :=");
      push("declare", ":=", pos);
      pos += 2;
      continue;
    }
    if (c === "|") {
      push("pipe", "|", pos);
      pos++;
      continue;
    }
    if (c === ",") {
      push("comma", ",", pos);
      pos++;
      continue;
    }
    if (c === "(") {
      parens++;
      push("lparen", "(", pos);
      pos++;
      continue;
    }
    if (c === ")") {
      parens--;
      if (parens < 0) fail(pos, `unexpected right paren`);
      push("rparen", ")", pos);
      pos++;
      continue;
    }
    if (c === '"') {
      const s = pos;
      pos++;
      for (;;) {
        const d = text[pos];
        if (d === undefined || d === "\n") fail(s, "unterminated quoted string");
        if (d === "\\") {
          pos += 2;
          continue;
        }
        pos++;
        if (d === '"') break;
      }
      push("string", text.slice(s, pos), s);
      continue;
    }
    if (c === "`") {
      const close = text.indexOf("`", pos + 1);
      if (close < 0) fail(pos, "unterminated raw quoted string");
      push("raw", text.slice(pos, close + 1), pos);
      pos = close + 1;
      continue;
    }
    if (c === "'") {
      const s = pos;
      pos++;
      for (;;) {
        const d = text[pos];
        if (d === undefined || d === "\n") fail(s, "unterminated character constant");
        if (d === "\\") {
          pos += 2;
          continue;
        }
        pos++;
        if (d === "'") break;
      }
      push("char", text.slice(s, pos), s);
      continue;
    }
    if (c === "$") {
      const s = pos;
      pos++;
      while (pos < text.length && ALNUM.test(text[pos])) pos++;
      push("variable", text.slice(s, pos), s);
      continue;
    }
    if (c === ".") {
      const n = text[pos + 1];
      if (n !== undefined && /[0-9]/.test(n)) {
        pos = lexNumber(text, pos, push, fail);
        continue;
      }
      if (n !== undefined && ALNUM.test(n)) {
        const s = pos;
        pos++;
        while (pos < text.length && ALNUM.test(text[pos])) pos++;
        push("field", text.slice(s, pos), s);
        continue;
      }
      push("dot", ".", pos);
      pos++;
      continue;
    }
    if (/[0-9+-]/.test(c)) {
      pos = lexNumber(text, pos, push, fail);
      continue;
    }
    if (ALNUM.test(c)) {
      const s = pos;
      while (pos < text.length && ALNUM.test(text[pos])) pos++;
      const word = text.slice(s, pos);
      if (KEYWORDS.has(word)) push("keyword", word, s);
      else if (word === "true" || word === "false") push("bool", word, s);
      else if (word === "nil") push("nil", word, s);
      else push("ident", word, s);
      continue;
    }
    fail(pos, `unrecognized character in action: ${goUnicode(text.codePointAt(pos) ?? 0)}`);
  }
}

const NUMBER =
  /^[+-]?(0[xX][0-9a-fA-F_]+(\.[0-9a-fA-F_]*)?([pP][+-]?[0-9]+)?|0[bB][01_]+|0[oO][0-7_]+|(\d[\d_]*)?\.?[\d_]*([eE][+-]?\d+)?i?)/;

function lexNumber(
  text: string,
  pos: number,
  push: (kind: TokenKind, val: string, at: number) => void,
  fail: (at: number, msg: string) => never,
): number {
  const m = NUMBER.exec(text.slice(pos, pos + 200));
  const s = m?.[0] ?? "";
  if (s === "" || s === "+" || s === "-" || s === ".")
    fail(pos, `bad number syntax: "${text[pos]}"`);
  const next = text[pos + s.length];
  if (next !== undefined && ALNUM.test(next)) {
    fail(pos, `bad number syntax: "${text.slice(pos, pos + s.length + 1)}"`);
  }
  push("number", s, pos);
  return pos + s.length;
}

/** Go's `%#U`: `U+0078 'x'`, without the quoted rune when it is not printable. */
function goUnicode(cp: number): string {
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  const ch = String.fromCodePoint(cp);
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch) ? `${code} '${ch}'` : code;
}
