/**
 * Go's float formatting where Prometheus puts floats into user-visible text:
 * `%g` in annotations ("got 1.5", "from buckets 0.1 to +Inf") and
 * `labels.FormatOpenMetricsFloat` in the quantile label of
 * histogram_quantiles. JS's `String(x)` differs (`1e21` vs `1e+21`, `Infinity`).
 */

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

const GO_ESCAPES: Readonly<Record<string, string>> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  "\\": "\\\\",
  '"': '\\"',
};

/**
 * Go's `%q` of a string (strconv.Quote) for the texts Prometheus quotes metric
 * names and label values in: backslash escapes, `\xNN` for other ASCII control
 * characters; printable Unicode stays as is.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const esc = GO_ESCAPES[ch];
    if (esc !== undefined) {
      out += esc;
      continue;
    }
    const code = ch.codePointAt(0) as number;
    if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code >= 0x80 && code < 0xa0) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
