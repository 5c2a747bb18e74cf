/**
 * A scan of the query for the mistakes Prometheus's lexer (promql/parser/lex.go)
 * reports, with its texts: unterminated strings, bad escapes, unbalanced
 * brackets, characters PromQL has no use for. The lezer grammar is error
 * tolerant and its tokens are looser (it accepts an unterminated string, for
 * one), so these errors would otherwise come out vague or not at all.
 */
import { goQuoteRune, goUnicodeName } from "../go-format.js";

/** A lexical error: where the offending token starts and Prometheus's message. */
export interface LexicalError {
  /** Where the offending token starts. */
  readonly tokenStart: number;
  /** Where Prometheus reports it (past a stray `)`, else the token start). */
  readonly pos: number;
  readonly message: string;
}

const STRAY_PAREN = "unexpected right parenthesis ')'";
const DURATION_WORDS = new Set(["step", "range", "max_of", "min_of"]);

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r";
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}
function isAlpha(c: string | undefined): boolean {
  return c !== undefined && (c === "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));
}
function isAlnum(c: string | undefined): boolean {
  return isAlpha(c) || isDigit(c);
}

const NUMBER_OR_DURATION =
  /^(?:(?:\d+(?:ms|[smhdwy]))+|0[xX]_?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?)/;

class Scanner {
  private pos = 0;
  private parenDepth = 0;
  private braceOpen = false;
  private bracketOpen = false;
  private gotColon = false;

  constructor(private readonly text: string) {}

  run(): LexicalError | null {
    const t = this.text;
    while (this.pos < t.length) {
      const start = this.pos;
      const err = this.braceOpen ? this.insideBraces() : this.statement();
      // Prometheus's lexer has already emitted a stray `)` when it notices it, so it reports after it.
      if (err !== null) {
        return { tokenStart: start, pos: err === STRAY_PAREN ? this.pos : start, message: err };
      }
    }
    if (this.braceOpen)
      return {
        tokenStart: t.length,
        pos: t.length,
        message: "unexpected end of input inside braces",
      };
    if (this.parenDepth > 0)
      return { tokenStart: t.length, pos: t.length, message: "unclosed left parenthesis" };
    if (this.bracketOpen)
      return { tokenStart: t.length, pos: t.length, message: "unclosed left bracket" };
    return null;
  }

  /** Consumes one token outside braces; returns an error text or null. */
  private statement(): string | null {
    const t = this.text;
    const c = t[this.pos];
    const next = t[this.pos + 1];
    if (isSpace(c)) {
      this.pos++;
      return null;
    }
    if (c === "#") return this.comment();
    if (c === '"' || c === "'") return this.quoted(c);
    if (c === "`") return this.raw();
    if (isDigit(c) || (c === "." && isDigit(next))) return this.numberOrDuration();
    if (isAlpha(c) || c === ":") return this.word(c);
    this.pos++;
    switch (c) {
      case "=":
        if (next === "~") return `unexpected character after '=': ${goQuoteRune("~")}`;
        if (next === "=") this.pos++;
        return null;
      case "!":
        if (next !== "=") return `unexpected character after '!': ${goQuoteRune(next ?? "")}`;
        this.pos++;
        return null;
      case "<":
      case ">":
        if (next === "=" || next === "/") this.pos++;
        return null;
      case "(":
        this.parenDepth++;
        return null;
      case ")":
        this.parenDepth--;
        return this.parenDepth < 0 ? STRAY_PAREN : null;
      case "{":
        this.braceOpen = true;
        return null;
      case "[":
        if (this.bracketOpen) return "unexpected left bracket '['";
        this.bracketOpen = true;
        this.gotColon = false;
        return null;
      case "]":
        if (!this.bracketOpen) return "unexpected right bracket ']'";
        this.bracketOpen = false;
        return null;
      case ",":
      case "*":
      case "/":
      case "%":
      case "+":
      case "-":
      case "^":
      case "@":
        return null;
      default:
        return `unexpected character: ${goQuoteRune(String.fromCodePoint(t.codePointAt(this.pos - 1) ?? 0))}`;
    }
  }

  private word(c: string): string | null {
    const t = this.text;
    if (this.bracketOpen) {
      if (c === ":") {
        this.pos++;
        if (this.gotColon) return "unexpected colon ':'";
        this.gotColon = true;
        return null;
      }
      let end = this.pos;
      while (isAlpha(t[end])) end++;
      if (DURATION_WORDS.has(t.slice(this.pos, end).toLowerCase())) {
        this.pos = end;
        return null;
      }
      return `unexpected character: ${goQuoteRune(c)}, expected ':'`;
    }
    while (this.pos < t.length && (isAlnum(t[this.pos]) || t[this.pos] === ":")) this.pos++;
    return null;
  }

  private numberOrDuration(): string | null {
    const t = this.text;
    const m = NUMBER_OR_DURATION.exec(t.slice(this.pos, this.pos + 400));
    const len = m === null ? 0 : m[0].length;
    const after = t[this.pos + len];
    if (len === 0 || isAlnum(after) || after === ".") {
      let end = this.pos + Math.max(len, 1);
      while (isAlnum(t[end]) || t[end] === ".") end++;
      return `bad number or duration syntax: "${t.slice(this.pos, end)}"`;
    }
    this.pos += len;
    return null;
  }

  private comment(): null {
    const nl = this.text.indexOf("\n", this.pos);
    this.pos = nl < 0 ? this.text.length : nl;
    return null;
  }

  private insideBraces(): string | null {
    const t = this.text;
    const c = t[this.pos];
    if (c === "#") return this.comment();
    if (isSpace(c) || c === ",") {
      this.pos++;
      return null;
    }
    if (isAlpha(c)) {
      while (isAlnum(t[this.pos])) this.pos++;
      return null;
    }
    if (c === '"' || c === "'") return this.quoted(c);
    if (c === "`") return this.raw();
    this.pos++;
    switch (c) {
      case "=":
        if (t[this.pos] === "~") this.pos++;
        return null;
      case "!": {
        const n = t[this.pos];
        if (n === "~" || n === "=") {
          this.pos++;
          return null;
        }
        return `unexpected character after '!' inside braces: ${goQuoteRune(n ?? "")}`;
      }
      case "{":
        return "unexpected left brace '{'";
      case "}":
        this.braceOpen = false;
        return null;
      default:
        return `unexpected character inside braces: ${goQuoteRune(String.fromCodePoint(t.codePointAt(this.pos - 1) ?? 0))}`;
    }
  }

  private quoted(q: string): string | null {
    const t = this.text;
    this.pos++;
    for (;;) {
      const c = t[this.pos];
      if (c === undefined || c === "\n") return "unterminated quoted string";
      this.pos++;
      if (c === q) return null;
      if (isLoneSurrogate(t, this.pos - 1)) return "invalid UTF-8 rune";
      if (c === "\\") {
        const err = this.escape(q);
        if (err !== null) return err;
      }
    }
  }

  private escape(q: string): string | null {
    const t = this.text;
    const e = t[this.pos];
    if (e === undefined) return "escape sequence not terminated";
    this.pos++;
    if ("abfnrtv\\".includes(e) || e === q) return null;
    let n: number;
    let base: number;
    let max: number;
    if (e >= "0" && e <= "7") {
      // Octal: the escape letter is the first of three digits.
      this.pos--;
      [n, base, max] = [3, 8, 255];
    } else if (e === "x") [n, base, max] = [2, 16, 255];
    else if (e === "u") [n, base, max] = [4, 16, 0x10ffff];
    else if (e === "U") [n, base, max] = [8, 16, 0x10ffff];
    else return `unknown escape sequence ${goUnicodeName(e)}`;
    let v = 0;
    for (let k = 0; k < n; k++) {
      const d = t[this.pos];
      const dv = d === undefined ? 16 : Number.parseInt(d, 16);
      if (Number.isNaN(dv) || dv >= base) {
        if (d === undefined) return "escape sequence not terminated";
        return `illegal character ${goUnicodeName(d)} in escape sequence`;
      }
      v = v * base + dv;
      this.pos++;
    }
    if (v > max || (v >= 0xd800 && v < 0xe000)) {
      return "escape sequence is an invalid Unicode code point";
    }
    return null;
  }

  private raw(): string | null {
    const end = this.text.indexOf("`", this.pos + 1);
    if (end < 0) return "unterminated raw string";
    for (let i = this.pos + 1; i < end; i++) {
      if (isLoneSurrogate(this.text, i)) return "invalid UTF-8 rune";
    }
    this.pos = end + 1;
    return null;
  }
}

function isLoneSurrogate(t: string, i: number): boolean {
  const cu = t.charCodeAt(i);
  if (cu >= 0xd800 && cu <= 0xdbff) {
    const lo = t.charCodeAt(i + 1);
    return !(lo >= 0xdc00 && lo <= 0xdfff);
  }
  if (cu >= 0xdc00 && cu <= 0xdfff) {
    const hi = t.charCodeAt(i - 1);
    return !(hi >= 0xd800 && hi <= 0xdbff);
  }
  return false;
}

/** The first lexical error in `text`, or null when its tokens are all well formed. */
export function scanLexicalErrors(text: string): LexicalError | null {
  return new Scanner(text).run();
}
