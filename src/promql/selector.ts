import { ReddotError } from "../lib/errors.js";
import { type Matcher, type MatchType, METRIC_NAME, newMatcher } from "../storage/index.js";

/**
 * Parses a PromQL series selector (`up`, `node_cpu_seconds_total{mode!="idle"}`,
 * `{__name__=~"node_.*", job="node"}`, `{"my.metric", "a.b"="c"}`) into matchers,
 * for the `match[]` parameters of the read API. The full PromQL parser (issue 3)
 * will take over; this one covers exactly the selector grammar.
 *
 * Throws RD_BAD_SELECTOR (400) with the position of the problem.
 */
export function parseSeriesSelector(text: string): Matcher[] {
  const p = new SelectorParser(text);
  const matchers = p.parse();
  if (!matchers.some((m) => !m.matches(""))) {
    throw new ReddotError(
      "RD_BAD_SELECTOR",
      400,
      `selector ${JSON.stringify(text)}: vector selector must contain at least one non-empty matcher`,
    );
  }
  return matchers;
}

const OPS: readonly MatchType[] = ["=~", "!~", "!=", "="];

class SelectorParser {
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  parse(): Matcher[] {
    const out: Matcher[] = [];
    this.skipSpace();
    const name = this.identifier(true);
    if (name !== "") out.push(newMatcher("=", METRIC_NAME, name));
    this.skipSpace();
    if (this.peek() === "{") {
      this.pos++;
      this.matcherList(out, name !== "");
    } else if (name === "") {
      this.fail("a metric name or '{'");
    }
    this.skipSpace();
    if (this.pos < this.text.length) this.fail("end of selector");
    return out;
  }

  private matcherList(out: Matcher[], haveName: boolean): void {
    for (;;) {
      this.skipSpace();
      if (this.peek() === "}") {
        this.pos++;
        return;
      }
      let labelName: string;
      if (this.peek() === '"' || this.peek() === "'") {
        labelName = this.quoted();
        this.skipSpace();
        // `{"metric.name"}` or `{"metric.name", ...}`: a quoted metric name.
        if (this.peek() === "," || this.peek() === "}") {
          if (haveName) this.fail("one metric name only");
          out.push(newMatcher("=", METRIC_NAME, labelName));
          haveName = true;
          if (this.peek() === ",") this.pos++;
          continue;
        }
      } else {
        labelName = this.identifier(false);
        if (labelName === "") this.fail("a label name");
      }
      this.skipSpace();
      const op = OPS.find((o) => this.text.startsWith(o, this.pos));
      if (op === undefined) this.fail("one of =, !=, =~, !~");
      this.pos += op.length;
      this.skipSpace();
      const value = this.quoted();
      out.push(newMatcher(op, labelName, value));
      this.skipSpace();
      const c = this.peek();
      if (c === ",") this.pos++;
      else if (c !== "}") this.fail("',' or '}'");
    }
  }

  /** A metric name (with colons) or a label name (without). */
  private identifier(metric: boolean): string {
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      const alpha =
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (metric && c === 58);
      const digit = c >= 48 && c <= 57;
      if (alpha || (digit && this.pos > start)) this.pos++;
      else break;
    }
    return this.text.slice(start, this.pos);
  }

  /** A string in double, single or back quotes, with Go-style escapes. */
  private quoted(): string {
    const q = this.peek();
    if (q !== '"' && q !== "'" && q !== "`") this.fail("a quoted string");
    this.pos++;
    let out = "";
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      if (c === q) return out;
      if (c === "\\" && q !== "`") {
        out += this.escape();
        continue;
      }
      if (c === "\n" && q !== "`") this.fail("closing quote before end of line");
      out += c;
    }
    return this.fail("closing quote");
  }

  private escape(): string {
    const c = this.text[this.pos++];
    const simple: Record<string, string> = {
      a: "\x07",
      b: "\b",
      f: "\f",
      n: "\n",
      r: "\r",
      t: "\t",
      v: "\v",
      "\\": "\\",
      '"': '"',
      "'": "'",
    };
    if (c !== undefined && simple[c] !== undefined) return simple[c];
    const hexLen = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
    if (hexLen > 0) {
      const hex = this.text.slice(this.pos, this.pos + hexLen);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLen) this.fail(`${hexLen} hex digits`);
      this.pos += hexLen;
      return String.fromCodePoint(Number.parseInt(hex, 16));
    }
    if (c !== undefined && c >= "0" && c <= "7") {
      const oct = this.text.slice(this.pos - 1, this.pos + 2);
      if (!/^[0-7]{3}$/.test(oct)) this.fail("3 octal digits");
      this.pos += 2;
      return String.fromCharCode(Number.parseInt(oct, 8));
    }
    return this.fail("a valid escape sequence");
  }

  private peek(): string {
    return this.text[this.pos] ?? "";
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private fail(want: string): never {
    const found =
      this.pos < this.text.length ? JSON.stringify(this.text[this.pos]) : "end of input";
    throw new ReddotError(
      "RD_BAD_SELECTOR",
      400,
      `selector ${JSON.stringify(this.text)}: at position ${this.pos + 1}: found ${found}, want ${want}`,
    );
  }
}
