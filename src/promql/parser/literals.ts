/**
 * PromQL literal values: quoted strings (Go escapes), numbers (decimal, hex,
 * Go's leading-zero octal, Inf/NaN) and durations (`1h30m`), converted as
 * Prometheus's parser converts them (`strutil.Unquote`, `strconv.ParseInt(s, 0,
 * 64)` then `ParseFloat`, `model.ParseDuration`).
 *
 * The lexical scan (lexical-scan.ts) has already rejected malformed escapes, so
 * these functions only convert; they throw `LiteralError` for what the scan
 * cannot see (a duration that overflows, a number Go cannot parse).
 */

/** A literal that does not convert; the caller adds the position. */
export class LiteralError extends Error {
  override readonly name = "LiteralError";
}

const SIMPLE: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  "\\": 0x5c,
  "'": 0x27,
  '"': 0x22,
};

/**
 * The value of a quoted PromQL string (`"..."`, `'...'` or `` `...` ``).
 * Escapes `\xNN` and `\NNN` are bytes, as in Go; bytes that do not form valid
 * UTF-8 are kept as lone surrogates U+DC80+(byte-0x80) (see go-format.ts).
 */
export function unquoteString(raw: string): string {
  const quote = raw[0];
  if (raw.length < 2 || raw[raw.length - 1] !== quote) {
    throw new LiteralError(`unterminated quoted string ${raw}`);
  }
  const body = raw.slice(1, -1);
  if (quote === "`" || !body.includes("\\")) return body;
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") {
      const cp = body.codePointAt(i) ?? 0;
      if (cp > 0xffff) i++;
      pushUtf8(bytes, cp);
      continue;
    }
    const e = body[++i];
    const simple = SIMPLE[e];
    if (simple !== undefined) {
      bytes.push(simple);
    } else if (e >= "0" && e <= "7") {
      bytes.push(parseDigits(body.slice(i, i + 3), 8, 255));
      i += 2;
    } else if (e === "x") {
      bytes.push(parseDigits(body.slice(i + 1, i + 3), 16, 255));
      i += 2;
    } else if (e === "u" || e === "U") {
      const n = e === "u" ? 4 : 8;
      const cp = parseDigits(body.slice(i + 1, i + 1 + n), 16, 0x10ffff);
      if (cp >= 0xd800 && cp < 0xe000) {
        throw new LiteralError("escape sequence is an invalid Unicode code point");
      }
      pushUtf8(bytes, cp);
      i += n;
    } else {
      throw new LiteralError(`unknown escape sequence \\${e ?? ""}`);
    }
  }
  return decodeUtf8Lossless(bytes);
}

function parseDigits(text: string, base: number, max: number): number {
  const width = base === 8 ? 3 : text.length;
  const re = base === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
  if (text.length !== width || !re.test(text)) {
    throw new LiteralError("escape sequence not terminated");
  }
  const v = Number.parseInt(text, base);
  if (v > max) throw new LiteralError("escape sequence is an invalid Unicode code point");
  return v;
}

function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) {
    out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  } else {
    out.push(
      0xf0 | (cp >> 18),
      0x80 | ((cp >> 12) & 0x3f),
      0x80 | ((cp >> 6) & 0x3f),
      0x80 | (cp & 0x3f),
    );
  }
}

/** UTF-8 decoding that keeps each invalid byte as U+DC80+(byte-0x80) instead of U+FFFD. */
function decodeUtf8Lossless(bytes: readonly number[]): string {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    const seq = validSequence(bytes, i);
    if (seq === null) {
      out += String.fromCharCode(0xdc00 + b);
      i++;
      continue;
    }
    out += String.fromCodePoint(seq.cp);
    i += seq.len;
  }
  return out;
}

function validSequence(bytes: readonly number[], i: number): { cp: number; len: number } | null {
  const b = bytes[i];
  let len: number;
  let cp: number;
  let min: number;
  if (b >= 0xc2 && b <= 0xdf) [len, cp, min] = [2, b & 0x1f, 0x80];
  else if (b >= 0xe0 && b <= 0xef) [len, cp, min] = [3, b & 0x0f, 0x800];
  else if (b >= 0xf0 && b <= 0xf4) [len, cp, min] = [4, b & 0x07, 0x10000];
  else return null;
  for (let k = 1; k < len; k++) {
    const c = bytes[i + k];
    if (c === undefined || (c & 0xc0) !== 0x80) return null;
    cp = (cp << 6) | (c & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return null;
  return { cp, len };
}

const DURATION_RE =
  /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [31_536_000_000, 604_800_000, 86_400_000, 3_600_000, 60_000, 1000, 1];
/** time.Duration is int64 nanoseconds; Prometheus refuses durations beyond it. */
const MAX_DURATION_MS = 9_223_372_036_854;

/** Milliseconds of a Prometheus duration (`1h30m`, `5m`, `500ms`, `0`), as `model.ParseDuration`. */
export function parseDurationMs(text: string): number {
  if (text === "0") return 0;
  const m = DURATION_RE.exec(text);
  if (text === "" || m === null) {
    throw new LiteralError(`not a valid duration string: "${text}"`);
  }
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const n = m[i + 1];
    if (n !== undefined) ms += Number(n) * UNIT_MS[i];
  }
  if (ms > MAX_DURATION_MS) throw new LiteralError("duration out of range");
  return ms;
}

const INT64_MAX = 2n ** 63n - 1n;

/**
 * The value of a PromQL number token: Go's `ParseInt(s, 0, 64)` first (so `0x1F`
 * is hex, `010` is octal 8, `1_000` is 1000), then `ParseFloat` (`1.5e3`, `.5`,
 * `Inf`, `NaN`, any case).
 */
export function parseNumber(text: string): number {
  const lower = text.toLowerCase();
  if (lower === "inf" || lower === "+inf" || lower === "infinity") return Number.POSITIVE_INFINITY;
  if (lower === "-inf" || lower === "-infinity") return Number.NEGATIVE_INFINITY;
  if (lower === "nan") return Number.NaN;
  const asInt = parseGoInt(lower);
  if (asInt !== undefined) return asInt;
  const plain = lower.replaceAll("_", "");
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(plain) && !/(^|[^\d])_|_($|[^\d])/.test(lower)) {
    const v = Number(plain);
    if (!Number.isFinite(v)) {
      throw new LiteralError(
        `error parsing number: strconv.ParseFloat: parsing ${JSON.stringify(text)}: value out of range`,
      );
    }
    return v;
  }
  throw new LiteralError(
    `error parsing number: strconv.ParseFloat: parsing "${text}": invalid syntax`,
  );
}

/** Go's `strconv.ParseInt(s, 0, 64)` as a float, or undefined where it fails. */
function parseGoInt(s: string): number | undefined {
  let body = s;
  let neg = false;
  if (body[0] === "+" || body[0] === "-") {
    neg = body[0] === "-";
    body = body.slice(1);
  }
  let digits: string;
  let prefix: string;
  if (/^0x_?[0-9a-f]+(_[0-9a-f]+)*$/.test(body)) {
    prefix = "0x";
    digits = body.slice(2);
  } else if (/^0_?[0-7]+(_[0-7]+)*$/.test(body)) {
    prefix = "0o";
    digits = body.slice(1);
  } else if (/^[0-9]+(_[0-9]+)*$/.test(body)) {
    prefix = "";
    digits = body;
  } else {
    return undefined;
  }
  const big = BigInt(prefix + digits.replaceAll("_", ""));
  if (big > INT64_MAX + (neg ? 1n : 0n)) return undefined;
  return Number(neg ? -big : big);
}
