/**
 * Go's fmt for templates: `%v` of values and `Sprintf` with the verbs
 * templates use (%v %s %d %f %F %e %E %g %G %q %x %X %t %c %%), flags
 * (`-+# 0`), width and precision (also `*`). Floats are formatted from their
 * exact binary value and rounded half to even as Go's strconv does.
 */

import { SafeHTML } from "./values.js";

/** A float as decimal digits: value = 0.DIGITS × 10^dp; digits has no trailing zeros ("" for zero). */
interface Decimal {
  digits: string;
  dp: number;
}

function exactDecimal(x: number): Decimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e2: number;
  if (expBits === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = expBits - 1075;
  }
  if (mant === 0n) return { digits: "", dp: 0 };
  let s: string;
  let dp: number;
  if (e2 >= 0) {
    s = (mant << BigInt(e2)).toString();
    dp = s.length;
  } else {
    const k = -e2;
    s = (mant * 5n ** BigInt(k)).toString();
    dp = s.length - k;
  }
  const stripped = s.replace(/0+$/, "");
  return { digits: stripped, dp };
}

/** Rounds to `nd` digits (half to even on exact ties, as Go's decimal.Round). */
function roundDecimal(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: "", dp: d.dp };
  if (nd >= d.digits.length) return d;
  const next = d.digits.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === d.digits.length) {
    up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else up = next >= 5;
  let digits = d.digits.slice(0, nd);
  let dp = d.dp;
  if (up) {
    let i = digits.length - 1;
    const arr = digits.split("");
    while (i >= 0 && arr[i] === "9") {
      arr[i] = "0";
      i--;
    }
    if (i < 0) {
      arr.unshift("1");
      dp++;
    } else arr[i] = String.fromCharCode(arr[i].charCodeAt(0) + 1);
    digits = arr.join("");
  }
  return { digits: digits.replace(/0+$/, ""), dp };
}

function shortestDecimal(x: number): Decimal {
  if (x === 0) return { digits: "", dp: 0 };
  const s = Math.abs(x).toExponential();
  const e = s.indexOf("e");
  const digits = s.slice(0, e).replace(".", "").replace(/0+$/, "");
  return { digits, dp: Number(s.slice(e + 1)) + 1 };
}

function digitAt(d: Decimal, i: number): string {
  return i >= 0 && i < d.digits.length ? d.digits[i] : "0";
}

function expText(exp: number, upper: boolean): string {
  const a = Math.abs(exp);
  return `${upper ? "E" : "e"}${exp < 0 ? "-" : "+"}${a < 10 ? `0${a}` : a}`;
}

function fmtE(d: Decimal, prec: number, upper: boolean): string {
  const first = d.digits === "" ? "0" : d.digits[0];
  let frac = "";
  for (let i = 1; i <= prec; i++) frac += digitAt(d, i);
  const exp = d.digits === "" ? 0 : d.dp - 1;
  return `${first}${prec > 0 ? `.${frac}` : ""}${expText(exp, upper)}`;
}

function fmtF(d: Decimal, prec: number): string {
  let int = "";
  if (d.dp <= 0) int = "0";
  else for (let i = 0; i < d.dp; i++) int += digitAt(d, i);
  let frac = "";
  for (let i = 0; i < prec; i++) frac += digitAt(d, d.dp + i);
  return prec > 0 ? `${int}.${frac}` : int;
}

/**
 * Go's strconv.FormatFloat(x, fmt, prec, 64) for 'e', 'E', 'f', 'g', 'G'
 * (prec -1 = shortest), without the sign of negative numbers' handling
 * differences: returns the signed text, with `NaN`, `+Inf`, `-Inf`.
 */
export function formatFloat(x: number, verb: "e" | "E" | "f" | "g" | "G", prec: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "+Inf";
  if (x === Number.NEGATIVE_INFINITY) return "-Inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) d = shortestDecimal(x);
  else {
    const exact = exactDecimal(x);
    if (verb === "e" || verb === "E") d = roundDecimal(exact, prec + 1);
    else if (verb === "f") d = roundDecimal(exact, exact.dp + prec);
    else d = roundDecimal(exact, prec === 0 ? 1 : prec);
  }
  switch (verb) {
    case "e":
    case "E":
      return sign + fmtE(d, shortest ? Math.max(d.digits.length - 1, 0) : prec, verb === "E");
    case "f":
      return sign + fmtF(d, shortest ? Math.max(d.digits.length - d.dp, 0) : prec);
    default: {
      let eprec = shortest ? 6 : prec === 0 ? 1 : prec;
      const nd = d.digits.length;
      if (!shortest && eprec > nd && nd >= d.dp) eprec = nd;
      const exp = d.dp - 1;
      if (exp < -4 || exp >= eprec) {
        return sign + fmtE(d, Math.max(nd - 1, 0), verb === "G");
      }
      return sign + fmtF(d, Math.max(nd - d.dp, 0));
    }
  }
}

/** Go's `%v` of a float64 (fmt's shortest `%g`): `0.30000000000000004`, `1e+06`, `1e-05`, `+Inf`. */
export function formatFloatV(x: number): string {
  return formatFloat(x, "g", -1);
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  if (spec.width === undefined) return s;
  const len = [...s].length;
  if (len >= spec.width) return s;
  const n = spec.width - len;
  if (spec.minus) return s + " ".repeat(n);
  if (spec.zero && numeric) {
    const signed = /^[+\- ]/.test(s);
    return signed ? s[0] + "0".repeat(n) + s.slice(1) : "0".repeat(n) + s;
  }
  if (spec.zero && !numeric) return "0".repeat(n) + s;
  return " ".repeat(n) + s;
}

function signed(s: string, spec: Spec): string {
  if (s.startsWith("-") || (s === "NaN" && !spec.plus)) return s;
  if (s.startsWith("+")) return spec.plus ? s : spec.space ? ` ${s.slice(1)}` : s.slice(1);
  if (spec.plus) return `+${s}`;
  if (spec.space) return ` ${s}`;
  return s;
}

type Printer = (v: unknown) => string;

function badVerb(verb: string, v: unknown, print: Printer, typeOf: (v: unknown) => string): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeOf(v)}=${print(v)})`;
}

function quoteGo(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

function hexOfString(s: string, upper: boolean, spec: Spec): string {
  const bytes = Buffer.from(s, "utf8");
  let out = "";
  for (const b of bytes) {
    if (spec.space && out) out += " ";
    if (spec.sharp) out += upper ? "0X" : "0x";
    const h = b.toString(16).padStart(2, "0");
    out += upper ? h.toUpperCase() : h;
  }
  return out;
}

/** Formats one operand; `print` is the `%v` printer and `typeOf` names Go types for `%!x(T=v)` errors. */
function formatOne(
  verb: string,
  v: unknown,
  spec: Spec,
  print: Printer,
  typeOf: (v: unknown) => string,
): string {
  const str =
    typeof v === "string"
      ? v
      : v instanceof SafeHTML
        ? v.value
        : v !== null &&
            typeof v === "object" &&
            typeof (v as { String?: unknown }).String === "function"
          ? String((v as { String: () => unknown }).String())
          : undefined;
  switch (verb) {
    case "v":
      if (typeof v === "number") return pad(signed(formatFloatV(v), spec), spec, true);
      if (typeof v === "bigint") return pad(signed(v.toString(), spec), spec, true);
      if (typeof v === "string" && spec.sharp) return pad(quoteGo(v), spec, false);
      return pad(print(v), spec, false);
    case "s":
      if (str === undefined) {
        if (Array.isArray(v))
          return pad(
            `[${v.map((x) => formatOne("s", x, { ...spec, width: undefined }, print, typeOf)).join(" ")}]`,
            spec,
            false,
          );
        return badVerb(verb, v, print, typeOf);
      }
      return pad(
        spec.prec !== undefined ? [...str].slice(0, spec.prec).join("") : str,
        spec,
        false,
      );
    case "q":
      if (str !== undefined)
        return pad(spec.sharp && !str.includes("`") ? `\`${str}\`` : quoteGo(str), spec, false);
      if (typeof v === "bigint") return pad(`'${String.fromCodePoint(Number(v))}'`, spec, false);
      return badVerb(verb, v, print, typeOf);
    case "d":
      if (typeof v === "bigint") return pad(signed(v.toString(), spec), spec, true);
      return badVerb(verb, v, print, typeOf);
    case "c":
      if (typeof v === "bigint") return pad(String.fromCodePoint(Number(v)), spec, false);
      return badVerb(verb, v, print, typeOf);
    case "t":
      if (typeof v === "boolean") return pad(String(v), spec, false);
      return badVerb(verb, v, print, typeOf);
    case "x":
    case "X": {
      const upper = verb === "X";
      if (typeof v === "bigint") {
        const neg = v < 0n;
        let h = (neg ? -v : v).toString(16);
        if (upper) h = h.toUpperCase();
        if (spec.sharp) h = (upper ? "0X" : "0x") + h;
        return pad(signed((neg ? "-" : "") + h, spec), spec, true);
      }
      if (str !== undefined) return pad(hexOfString(str, upper, spec), spec, false);
      return badVerb(verb, v, print, typeOf);
    }
    case "e":
    case "E":
    case "f":
    case "F":
    case "g":
    case "G": {
      if (typeof v !== "number") return badVerb(verb, v, print, typeOf);
      const f = verb === "F" ? "f" : (verb as "e" | "E" | "f" | "g" | "G");
      const prec = spec.prec ?? (f === "g" || f === "G" ? -1 : 6);
      let s = formatFloat(v, f, prec);
      // Go keeps the sign of infinities ("+Inf") and drops NaN's unless asked; never zero-padded.
      if (s === "+Inf" || s === "-Inf" || s === "NaN") {
        if (s === "+Inf" && spec.space && !spec.plus) s = " Inf";
        if (s === "NaN" && (spec.plus || spec.space)) s = `${spec.plus ? "+" : " "}NaN`;
        return pad(s, { ...spec, zero: false }, true);
      }
      return pad(signed(s, spec), spec, true);
    }
    default:
      return `%!${verb}(${typeOf(v)}=${print(v)})`;
  }
}

/** Go's fmt.Sprintf. */
export function sprintf(
  format: string,
  args: readonly unknown[],
  print: Printer,
  typeOf: (v: unknown) => string,
): string {
  let out = "";
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf("%", i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === "-") spec.minus = true;
      else if (c === "+") spec.plus = true;
      else if (c === "#") spec.sharp = true;
      else if (c === " ") spec.space = true;
      else if (c === "0") spec.zero = !spec.minus;
      else break;
    }
    const readNum = (): number | undefined => {
      if (format[i] === "*") {
        i++;
        const a = args[argi++];
        return typeof a === "bigint" ? Number(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Math.min(Number(m[0]), 1_000_000);
    };
    spec.width = readNum();
    if (spec.width !== undefined && spec.width < 0) {
      spec.minus = true;
      spec.width = -spec.width;
    }
    if (format[i] === ".") {
      i++;
      spec.prec = readNum() ?? 0;
    }
    if (spec.minus) spec.zero = false;
    const verb = format[i];
    if (verb === undefined) {
      out += "%!(NOVERB)";
      break;
    }
    const cp = format.codePointAt(i) ?? 0;
    const verbText = String.fromCodePoint(cp);
    i += verbText.length;
    if (verbText === "%") {
      out += "%";
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verbText}(MISSING)`;
      continue;
    }
    out += formatOne(verbText, args[argi++], spec, print, typeOf);
  }
  if (argi < args.length) {
    const extra = args.slice(argi).map((a) => (a === null ? "<nil>" : `${typeOf(a)}=${print(a)}`));
    out += `%!(EXTRA ${extra.join(", ")})`;
  }
  return out;
}
