/**
 * Numbers in the exposition formats: sample values (Go `strconv.ParseFloat`
 * syntax as Prometheus accepts it: decimal only, no hex, no `_`), integer
 * millisecond timestamps (text format), decimal-second timestamps
 * (OpenMetrics), and the canonical float text Prometheus gives `le` and
 * `quantile` label values (model/labels FormatOpenMetricsFloat).
 */

/** Exact powers of ten as doubles (10^22 is the largest exactly representable). */
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

const C_0 = 48;
const C_9 = 57;
const C_PLUS = 43;
const C_MINUS = 45;
const C_DOT = 46;

/**
 * Parses `s[start, end)` as a float the way Go's ParseFloat does for decimal
 * input, plus `NaN`/`Inf`/`Infinity` in any case with an optional sign on
 * `Inf`. Returns undefined when the text is not a number.
 */
export function parseFloatToken(s: string, start: number, end: number): number | undefined {
  if (start >= end) return undefined;
  let i = start;
  let c = s.charCodeAt(i);
  const neg = c === C_MINUS;
  if (neg || c === C_PLUS) {
    i++;
    if (i >= end) return undefined;
    c = s.charCodeAt(i);
  }
  if ((c < C_0 || c > C_9) && c !== C_DOT) return parseSpecial(s, start, end, i, neg);

  // Fast path (Clinger): with at most 15 significant digits the mantissa is
  // an exact integer, and one multiplication or division by an exact power of
  // ten rounds correctly. Anything else goes through Number().
  let mant = 0;
  let digits = 0;
  let fracDigits = 0;
  let sawDot = false;
  let sawDigit = false;
  let exact = true;
  for (; i < end; i++) {
    c = s.charCodeAt(i);
    if (c >= C_0 && c <= C_9) {
      sawDigit = true;
      if (mant === 0 && c === C_0) {
        if (sawDot) fracDigits++; // leading zeros are not significant
        continue;
      }
      if (digits < 15) {
        mant = mant * 10 + (c - C_0);
        digits++;
        if (sawDot) fracDigits++;
      } else {
        exact = false;
      }
    } else if (c === C_DOT && !sawDot) {
      sawDot = true;
    } else {
      break;
    }
  }
  if (!sawDigit) return undefined;
  let exp = 0;
  if (i < end) {
    c = s.charCodeAt(i);
    if (c !== 101 && c !== 69) return undefined; // e, E
    i++;
    let expNeg = false;
    if (i < end && (s.charCodeAt(i) === C_PLUS || s.charCodeAt(i) === C_MINUS)) {
      expNeg = s.charCodeAt(i) === C_MINUS;
      i++;
    }
    if (i >= end) return undefined;
    for (; i < end; i++) {
      c = s.charCodeAt(i);
      if (c < C_0 || c > C_9) return undefined;
      if (exp < 10000) exp = exp * 10 + (c - C_0);
    }
    if (expNeg) exp = -exp;
  }
  const scale = exp - fracDigits;
  if (exact && scale >= -22 && scale <= 22) {
    const v = scale >= 0 ? mant * POW10[scale] : mant / POW10[-scale];
    return neg ? -v : v;
  }
  return Number(s.slice(start, end));
}

function parseSpecial(
  s: string,
  start: number,
  end: number,
  body: number,
  neg: boolean,
): number | undefined {
  const word = s.slice(body, end).toLowerCase();
  if (word === "inf" || word === "infinity") return neg ? -Infinity : Infinity;
  if (word === "nan" && body === start) return Number.NaN;
  return undefined;
}

/** Parses an integer millisecond timestamp (text format: digits, optional `-`). Undefined when invalid or beyond ±(2^53−1). */
export function parseIntegerMs(s: string, start: number, end: number): number | undefined {
  let i = start;
  const neg = i < end && s.charCodeAt(i) === C_MINUS;
  if (neg) i++;
  if (i >= end) return undefined;
  let v = 0;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < C_0 || c > C_9) return undefined;
    v = v * 10 + (c - C_0);
  }
  if (v > Number.MAX_SAFE_INTEGER) return undefined;
  return neg ? -v : v;
}

/**
 * Parses an OpenMetrics timestamp (seconds, decimals allowed) into integer
 * milliseconds, truncating sub-millisecond digits toward zero as Prometheus'
 * `int64(ts * 1000)` does; the conversion is done on the decimal digits, so
 * `1520879607.789` gives exactly 1520879607789. Undefined when invalid.
 */
export function parseSecondsToMs(s: string, start: number, end: number): number | undefined {
  const secs = parseFloatToken(s, start, end);
  if (secs === undefined || !Number.isFinite(secs)) return undefined;
  let i = start;
  const neg = s.charCodeAt(i) === C_MINUS;
  if (neg || s.charCodeAt(i) === C_PLUS) i++;
  let whole = 0;
  let frac = 0;
  let fracDigits = 0;
  let sawDot = false;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= C_0 && c <= C_9) {
      if (!sawDot) whole = whole * 10 + (c - C_0);
      else if (fracDigits < 3) {
        frac = frac * 10 + (c - C_0);
        fracDigits++;
      }
    } else if (c === C_DOT) {
      sawDot = true;
    } else {
      // An exponent: fall back to floating point.
      const ms = Math.trunc(secs * 1000);
      return Number.isSafeInteger(ms) ? ms : undefined;
    }
  }
  while (fracDigits < 3) {
    frac *= 10;
    fracDigits++;
  }
  const ms = whole * 1000 + frac;
  if (!Number.isSafeInteger(ms)) return undefined;
  return neg ? -ms : ms;
}

/**
 * Go's `strconv.FormatFloat(f, 'g', -1, 64)`: shortest round-trip digits,
 * exponent form when the decimal exponent is below -4 or at least 6
 * (the threshold Go uses for the shortest precision), exponent with a sign
 * and at least two digits.
 */
export function formatGoFloat(f: number): string {
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const e = f.toExponential(); // shortest digits, e.g. "1.5e+7"
  const at = e.indexOf("e");
  const exp = Number(e.slice(at + 1));
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? "-" : "+";
    const abs = Math.abs(exp);
    return `${e.slice(0, at)}e${sign}${abs < 10 ? "0" : ""}${abs}`;
  }
  return String(f); // JS uses plain decimals for 1e-7 <= |f| < 1e21, same digits
}

/**
 * Prometheus' FormatOpenMetricsFloat: Go's shortest 'g' form, with ".0"
 * appended when the text has neither "." nor "e"; `+Inf`, `-Inf`, `NaN`.
 */
export function formatOpenMetricsFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  const s = formatGoFloat(f);
  return s.includes(".") || s.includes("e") ? s : `${s}.0`;
}

/** The canonical text of an `le` or `quantile` value; unparsable values are kept as they are. */
export function normalizeFloatLabel(v: string): string {
  const f = parseFloatToken(v, 0, v.length);
  return f === undefined ? v : formatOpenMetricsFloat(f);
}
