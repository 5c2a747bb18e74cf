/**
 * text/template's predefined functions (text/template/funcs.go): and, or,
 * not, len, index, slice, print, printf, println, eq, ne, lt, le, gt, ge,
 * html, js, urlquery, call.
 */

import { ArgTypeError, type GoFunc, variadic } from "./exec.js";
import { sprintf } from "./fmt.js";
import { GoDuration, GoTime, isTrue, printValue, SafeHTML, typeName } from "./values.js";

/** Go's fmt.Sprint: spaces between operands when neither is a string. */
export function goSprint(args: readonly unknown[]): string {
  let out = "";
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += printValue(a);
  }
  return out;
}

export function goSprintf(format: string, args: readonly unknown[]): string {
  return sprintf(format, args, printValue, typeName);
}

/** The value as a Go string argument, or an ArgTypeError like Go's evalArg. */
export function asString(v: unknown): string {
  if (typeof v === "string") return v;
  if (v instanceof SafeHTML) return v.value;
  throw new ArgTypeError(`wrong type for value; expected string; got ${typeName(v)}`);
}

function asInt(v: unknown, what: string): number {
  if (typeof v === "bigint") return Number(v);
  throw new Error(`cannot index slice/array with type ${typeName(v)}${what ? "" : ""}`);
}

type Kind = "bool" | "int" | "float" | "string" | "time" | "other" | "nil";

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return "nil";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float";
  if (typeof v === "string" || v instanceof SafeHTML) return "string";
  return "other";
}

function scalar(v: unknown): unknown {
  return v instanceof SafeHTML ? v.value : v instanceof GoDuration ? v.ns : v;
}

function eq2(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === "other" || kb === "other") {
    if (a instanceof GoTime && b instanceof GoTime) return a.ms === b.ms;
    if (a instanceof GoDuration && b instanceof GoDuration) return a.ns === b.ns;
    if (Array.isArray(a) || a instanceof Map || Array.isArray(b) || b instanceof Map) {
      throw new Error("non-comparable type");
    }
    return a === b;
  }
  if (ka === "nil" || kb === "nil") return ka === kb;
  if (ka !== kb) throw new Error("incompatible types for comparison");
  return scalar(a) === scalar(b);
}

function lessThan(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka === "bool" || ka === "nil" || ka === "other" || kb === "other") {
    if (a instanceof GoDuration && b instanceof GoDuration) return a.ns < b.ns;
    throw new Error("invalid type for comparison");
  }
  if (ka !== kb) throw new Error("incompatible types for comparison");
  return (scalar(a) as number) < (scalar(b) as number);
}

function lenOf(v: unknown): bigint {
  if (typeof v === "string") return BigInt(Buffer.byteLength(v));
  if (v instanceof SafeHTML) return BigInt(Buffer.byteLength(v.value));
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof Map) return BigInt(v.size);
  if (v === null || v === undefined) throw new Error("len of nil pointer");
  throw new Error(`len of type ${typeName(v)}`);
}

function indexOne(item: unknown, key: unknown): unknown {
  if (item === null || item === undefined) throw new Error("index of untyped nil");
  if (Array.isArray(item) || typeof item === "string") {
    const i = asInt(key, "");
    const len = typeof item === "string" ? Buffer.byteLength(item) : item.length;
    if (i < 0 || i >= len) throw new Error(`index out of range: ${i}`);
    return typeof item === "string" ? BigInt(Buffer.from(item)[i]) : item[i];
  }
  if (item instanceof Map) {
    if (item.has(key)) return item.get(key);
    // Go returns the zero value of the element type; label maps hold strings.
    const sample = item.values().next();
    return sample.done ? "" : zeroOf(sample.value);
  }
  throw new Error(`can't index item of type ${typeName(item)}`);
}

function zeroOf(v: unknown): unknown {
  if (typeof v === "string") return "";
  if (typeof v === "bigint") return 0n;
  if (typeof v === "number") return 0;
  if (typeof v === "boolean") return false;
  return null;
}

function jsEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    switch (ch) {
      case "\\":
        out += "\\\\";
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case "<":
        out += "\\u003C";
        break;
      case ">":
        out += "\\u003E";
        break;
      case "&":
        out += "\\u0026";
        break;
      case "=":
        out += "\\u003D";
        break;
      default: {
        const cp = ch.codePointAt(0) ?? 0;
        out += cp < 0x20 ? `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}` : ch;
      }
    }
  }
  return out;
}

function htmlEscapeText(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    c === "\0"
      ? "\uFFFD"
      : c === '"'
        ? "&#34;"
        : c === "'"
          ? "&#39;"
          : c === "&"
            ? "&amp;"
            : c === "<"
              ? "&lt;"
              : "&gt;",
  );
}

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function evalArgsText(args: unknown[]): string {
  return args.length === 1 && typeof args[0] === "string" ? args[0] : goSprint(args);
}

export function builtinFuncs(): Map<string, GoFunc> {
  const m = new Map<string, GoFunc>();
  m.set(
    "and",
    variadic(1, (...a: unknown[]) => a.find((x) => !isTrue(x)) ?? a[a.length - 1]),
  );
  m.set(
    "or",
    variadic(1, (...a: unknown[]) => a.find((x) => isTrue(x)) ?? a[a.length - 1]),
  );
  m.set("not", (a: unknown) => !isTrue(a));
  m.set("len", (a: unknown) => lenOf(a));
  m.set(
    "index",
    variadic(1, (item: unknown, ...keys: unknown[]) => {
      let v = item;
      for (const k of keys) v = indexOne(v, k);
      return v;
    }),
  );
  m.set(
    "slice",
    variadic(1, (item: unknown, ...idx: unknown[]) => {
      if (idx.length > 3) throw new Error(`too many slice indexes: ${idx.length}`);
      const n = idx.map((x) => asInt(x, ""));
      const len =
        typeof item === "string" ? Buffer.byteLength(item) : Array.isArray(item) ? item.length : -1;
      if (len < 0) throw new Error(`can't slice item of type ${typeName(item)}`);
      if (typeof item === "string" && n.length === 3)
        throw new Error("cannot 3-index slice a string");
      const lo = n[0] ?? 0;
      const hi = n[1] ?? len;
      if (lo < 0 || hi < lo || hi > len)
        throw new Error(`index out of range: ${hi > len ? hi : lo}`);
      if (typeof item === "string") return Buffer.from(item).subarray(lo, hi).toString("utf8");
      return (item as unknown[]).slice(lo, hi);
    }),
  );
  m.set(
    "print",
    variadic(0, (...a: unknown[]) => goSprint(a)),
  );
  m.set(
    "println",
    variadic(0, (...a: unknown[]) => `${a.map(printValue).join(" ")}\n`),
  );
  m.set(
    "printf",
    variadic(1, (f: unknown, ...a: unknown[]) => goSprintf(asString(f), a)),
  );
  m.set(
    "eq",
    variadic(1, (a: unknown, ...bs: unknown[]) => {
      if (bs.length === 0) throw new Error("missing argument for comparison");
      return bs.some((b) => eq2(a, b));
    }),
  );
  m.set("ne", (a: unknown, b: unknown) => !eq2(a, b));
  m.set("lt", (a: unknown, b: unknown) => lessThan(a, b));
  m.set("le", (a: unknown, b: unknown) => lessThan(a, b) || eq2(a, b));
  m.set("gt", (a: unknown, b: unknown) => !lessThan(a, b) && !eq2(a, b));
  m.set("ge", (a: unknown, b: unknown) => !lessThan(a, b));
  m.set(
    "html",
    variadic(0, (...a: unknown[]) => htmlEscapeText(evalArgsText(a))),
  );
  m.set(
    "js",
    variadic(0, (...a: unknown[]) => jsEscape(evalArgsText(a))),
  );
  m.set(
    "urlquery",
    variadic(0, (...a: unknown[]) => queryEscape(evalArgsText(a))),
  );
  m.set(
    "call",
    variadic(1, (fn: unknown, ...a: unknown[]) => {
      if (typeof fn !== "function") throw new Error(`non-function of type ${typeName(fn)}`);
      return (fn as (...x: unknown[]) => unknown)(...a);
    }),
  );
  return m;
}
