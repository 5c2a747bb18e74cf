/**
 * Number and string formatting as Go's `strconv`/`fmt` do it, because
 * Prometheus prints queries (and error messages) with them and clients compare
 * the text: `strconv.Quote`, `%q` of a rune, `FormatFloat(v, 'f', -1, 64)` and
 * `%v` of a float64.
 *
 * Strings may hold bytes that are not valid UTF-8 (a PromQL `"\xff"` escape).
 * The parser keeps each such byte as the lone surrogate U+DC80+(byte-0x80)
 * (Python's "surrogateescape"), so nothing is lost; `goQuote` prints it back as
 * `\xNN` like Go does.
 */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Whether Go's `unicode.IsPrint` holds for this code point (letters, marks, numbers, punctuation, symbols, ASCII space). */
export function isGoPrintable(cp: number): boolean {
  return PRINTABLE.test(String.fromCodePoint(cp));
}

const SIMPLE_ESCAPES: Readonly<Record<number, string>> = {
  7: "\\a",
  8: "\\b",
  12: "\\f",
  10: "\\n",
  13: "\\r",
  9: "\\t",
  11: "\\v",
};

/** The byte a surrogate-escaped code unit stands for, or -1 when `cu` is not one. */
export function escapedByte(cu: number): number {
  return cu >= 0xdc80 && cu <= 0xdcff ? cu - 0xdc00 : -1;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

function quoteCodePoint(cp: number, quote: number): string {
  if (cp === quote || cp === 0x5c) return `\\${String.fromCodePoint(cp)}`;
  if (isGoPrintable(cp)) return String.fromCodePoint(cp);
  const simple = SIMPLE_ESCAPES[cp];
  if (simple !== undefined) return simple;
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  if (cp > 0xffff) return `\\U${hex(cp, 8)}`;
  return `\\u${hex(cp, 4)}`;
}

/** Go's `strconv.Quote`: a double-quoted string with Go escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const cu = s.charCodeAt(i);
    // Fast path: printable ASCII other than the quote and backslash.
    if (cu >= 0x20 && cu < 0x7f && cu !== 0x22 && cu !== 0x5c) {
      out += s[i];
      continue;
    }
    const cp = s.codePointAt(i) ?? cu;
    if (cp > 0xffff) {
      i++;
    } else {
      const b = escapedByte(cu);
      if (b >= 0) {
        out += `\\x${hex(b, 2)}`;
        continue;
      }
    }
    out += quoteCodePoint(cp, 0x22);
  }
  return `${out}"`;
}

/** Go's `%q` of a rune: `'x'`, `'\n'`, `'\''`. */
export function goQuoteRune(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `'${quoteCodePoint(cp, 0x27)}'`;
}

/** Go's `%#U` of a rune: `U+0071 'q'` (the quoted part only when printable). */
export function goUnicodeName(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  return isGoPrintable(cp) ? `${code} '${String.fromCodePoint(cp)}'` : code;
}

/** Plain decimal digits of a finite number with no exponent, shortest round-trip form. */
function fixedDigits(v: number): string {
  const s = String(v);
  if (!/e/i.test(s)) return s;
  const neg = v < 0;
  const [mant, expText] = (neg ? s.slice(1) : s).split("e");
  const exp = Number(expText);
  const [intPart, fracPart = ""] = mant.split(".");
  const digits = intPart + fracPart;
  const point = intPart.length + exp;
  let out: string;
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return neg ? `-${out}` : out;
}

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: `1.5`, `300`, `0.0001`, `+Inf`, `NaN`. */
export function formatFloatF(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Object.is(v, -0)) return "-0";
  return fixedDigits(v);
}

/** Go's `%v` of a float64: shortest form, exponent (`1e-05`, `1e+21`) below 1e-4 and from 1e21. */
export function formatFloatV(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [mant, e] = v.toExponential().split("e");
  const exp = Number(e);
  if (exp < -4 || exp >= 21) {
    const sign = exp < 0 ? "-" : "+";
    return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return fixedDigits(v);
}

/** Go's `math.Round`: halves away from zero (JS `Math.round` rounds them up). */
export function goRound(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

// --- Float formatting in annotations and labels (Go `%g`, FormatOpenMetricsFloat) ---

/** Decimal digits without trailing zeros and the exponent of the first digit. */
interface Decimal {
  readonly digits: string;
  readonly exp: number;
}

function decimalOf(abs: number, precision: number | undefined): Decimal {
  // toExponential without an argument gives the shortest digits that round-trip, as Go's -1 precision.
  const s = precision === undefined ? abs.toExponential() : abs.toExponential(precision - 1);
  const e = s.indexOf("e");
  const digits = s.slice(0, e).replace(".", "").replace(/0+$/, "") || "0";
  return { digits, exp: Number(s.slice(e + 1)) };
}

/**
 * Go's `%g` (precision undefined: shortest) and `%.<p>g`: exponent form when
 * the exponent is below -4 or at least the precision (6 for shortest), with a
 * signed two-digit exponent; `+Inf`, `-Inf`, `NaN`.
 */
export function formatGoG(v: number, precision?: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  const abs = Math.abs(v);
  if (abs === 0) return `${sign}0`;
  const { digits, exp } = decimalOf(abs, precision);
  const nd = digits.length;
  const dp = exp + 1;
  let eprec = 6;
  if (precision !== undefined) {
    eprec = precision > nd && nd >= dp ? nd : precision;
  }
  if (exp < -4 || exp >= eprec) {
    const mant = nd > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? "-" : "+"}${e < 10 ? `0${e}` : e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (nd <= dp) return `${sign}${digits}${"0".repeat(dp - nd)}`;
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/** Prometheus's `labels.FormatOpenMetricsFloat`: Go's shortest `%g`, with `.0` added to integers. */
export function formatOpenMetricsFloat(v: number): string {
  const s = formatGoG(v);
  if (Number.isNaN(v) || !Number.isFinite(v) || s.includes(".") || s.includes("e")) return s;
  return `${s}.0`;
}
