/**
 * The bits of Go syntax the promqltest format borrows: quoted strings as Go's
 * `strconv.Unquote` reads them (also PromQL's string literals, which add
 * single-quoted strings of any length) and bare numbers as `strconv.ParseInt`
 * (base 0) then `strconv.ParseFloat` read them (promqltest's scalar lines).
 */

/** Decodes a quoted string (`"..."`, `'...'` or a raw `` `...` ``); undefined when malformed. */
export function unquoteGo(text: string): string | undefined {
  if (text.length < 2) return undefined;
  const q = text[0];
  if (text[text.length - 1] !== q) return undefined;
  const body = text.slice(1, -1);
  if (q === "`") return body.includes("`") ? undefined : body.replaceAll("\r", "");
  if (q !== '"' && q !== "'") return undefined;
  // Escapes like \xff give bytes, so build UTF-8 and decode once at the end.
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c === q || c === "\n") return undefined;
    if (c !== "\\") {
      const cp = body.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      for (const b of enc.encode(ch)) bytes.push(b);
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      bytes.push(simple);
      continue;
    }
    if (e === q) {
      bytes.push(q.charCodeAt(0));
      continue;
    }
    const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (width > 0) {
      const hex = body.slice(i, i + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return undefined;
      const n = Number.parseInt(hex, 16);
      i += width;
      if (e === "x") bytes.push(n);
      else if (n > 0x10ffff || (n >= 0xd800 && n < 0xe000)) return undefined;
      else for (const b of enc.encode(String.fromCodePoint(n))) bytes.push(b);
      continue;
    }
    if (e !== undefined && e >= "0" && e <= "7") {
      const oct = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(oct)) return undefined;
      const n = Number.parseInt(oct, 8);
      if (n > 255) return undefined;
      bytes.push(n);
      i += 2;
      continue;
    }
    return undefined;
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  "\\": 92,
};

const GO_INT =
  /^[+-]?(?:0[xX]_?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|0[bB]_?[01]+(?:_[01]+)*|0[oO]_?[0-7]+(?:_[0-7]+)*|0_?[0-7]+(?:_[0-7]+)*|[1-9][0-9]*(?:_[0-9]+)*|0)$/;
const GO_FLOAT =
  /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+|inf|infinity|nan)$/i;

/**
 * A whole line as a Go number (integers in any base, floats, `Inf`, `NaN`),
 * or undefined when it is not one.
 */
export function parseGoNumber(text: string): number | undefined {
  if (GO_INT.test(text)) {
    const neg = text[0] === "-";
    let digits = text.replace(/^[+-]/, "").replaceAll("_", "");
    // Go reads a leading 0 as octal; JavaScript's Number() wants 0o.
    if (/^0[0-7]/.test(digits)) digits = `0o${digits.slice(1)}`;
    const n = Number(digits);
    return neg ? -n : n;
  }
  if (!GO_FLOAT.test(text)) return undefined;
  const lower = text.toLowerCase();
  const sign = lower.startsWith("-") ? -1 : 1;
  const body = lower.replace(/^[+-]/, "");
  if (body === "inf" || body === "infinity") return sign * Number.POSITIVE_INFINITY;
  if (body === "nan") return Number.NaN;
  if (body.startsWith("0x")) return sign * parseHexFloat(body.slice(2));
  return sign * Number(body);
}

/** `1.8p3` (after `0x`): mantissa in hex, binary exponent. */
function parseHexFloat(s: string): number {
  const [mant, exp] = s.split("p");
  const [whole, frac = ""] = mant.split(".");
  const digits = whole + frac;
  const n = digits === "" ? 0 : Number.parseInt(digits, 16);
  return n * 2 ** (Number(exp) - 4 * frac.length);
}
