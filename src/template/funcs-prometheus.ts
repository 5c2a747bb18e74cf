/**
 * Prometheus's alert-template functions (prometheus/template/template.go),
 * reimplemented: humanize family, label/value helpers over query results,
 * regex helpers with Go (RE2) syntax, links built on the external URL.
 */

import { parseDuration as parseDurationMs } from "../lib/duration.js";
import { isReddotError } from "../lib/errors.js";
import { expandTemplate, parseTemplate } from "../lib/go-expand.js";
import { compileRe2 } from "../lib/re2.js";
import { asString, goSprintf, queryEscape } from "./builtins.js";
import { type GoFunc, variadic } from "./exec.js";
import { GoDuration, GoTime, SafeHTML, typeName } from "./values.js";

/** A query result sample as templates see it: `.Labels` (a map) and `.Value`. */
export interface TemplateSample {
  Labels: Map<string, string>;
  Value: number;
}

export interface PrometheusFuncContext {
  query?: (expr: string) => Promise<{ labels: Record<string, string>; value: number }[]>;
  /** Evaluation time, ms since the epoch. */
  nowMs: number;
  externalURL: string;
}

const FLOAT_RE =
  /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*[pP][+-]?\d+)$/;

/** Go's strconv.ParseFloat(s, 64) error text included. */
export function parseGoFloat(s: string): number {
  const lower = s.toLowerCase().replace(/^[+-]/, "");
  if (lower === "inf" || lower === "infinity") return s.startsWith("-") ? -Infinity : Infinity;
  if (lower === "nan") return Number.NaN;
  if (!FLOAT_RE.test(s))
    throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  if (/[xX]/.test(s)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
    if (!m) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
    const mant = Number.parseInt(m[2] + m[3] || "0", 16) / 16 ** m[3].length;
    const v = mant * 2 ** Number(m[4]);
    return m[1] === "-" ? -v : v;
  }
  const v = Number(s);
  if (!Number.isFinite(v))
    throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
  return v;
}

/** Prometheus's convertToFloat. */
export function toFloat(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string") return parseGoFloat(v);
  if (v instanceof GoDuration) return v.Seconds();
  throw new Error(`can't convert ${typeName(v)} to float`);
}

const g4 = (v: number) => goSprintf("%.4g", [v]);

export function humanize(i: unknown): string {
  let v = toFloat(i);
  if (v === 0 || Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = "";
    for (const p of ["k", "M", "G", "T", "P", "E", "Z", "Y"]) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  let prefix = "";
  for (const p of ["m", "u", "n", "p", "f", "a", "z", "y"]) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

export function humanize1024(i: unknown): string {
  let v = toFloat(i);
  if (Math.abs(v) <= 1 || Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  let prefix = "";
  for (const p of ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"]) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

export function humanizeDuration(i: unknown): string {
  let v = toFloat(i);
  if (Number.isNaN(v) || !Number.isFinite(v)) return g4(v);
  if (v === 0) return `${g4(v)}s`;
  if (Math.abs(v) >= 1) {
    let sign = "";
    if (v < 0) {
      sign = "-";
      v = -v;
    }
    const duration = Math.trunc(v);
    const seconds = duration % 60;
    const minutes = Math.trunc(duration / 60) % 60;
    const hours = Math.trunc(duration / 3600) % 24;
    const days = Math.trunc(duration / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = "";
  for (const p of ["m", "u", "n", "p", "f", "a", "z", "y"]) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

export function humanizePercentage(i: unknown): string {
  return goSprintf("%.4g%%", [toFloat(i) * 100]);
}

/** Prometheus's floatToTime: seconds to a UTC time truncated to milliseconds. */
export function floatToTime(v: number): GoTime | undefined {
  if (Number.isNaN(v) || !Number.isFinite(v)) return undefined;
  const ns = v * 1e9;
  if (ns > 9.223372036854776e18 || ns < -9.223372036854776e18) {
    throw new Error(
      `${goSprintf("%v", [v])} cannot be represented as a nanoseconds timestamp since it overflows int64`,
    );
  }
  // model.TimeFromUnixNano keeps milliseconds, truncating toward zero.
  return new GoTime(Math.trunc(Math.trunc(ns) / 1e6));
}

export function humanizeTimestamp(i: unknown): string {
  const v = toFloat(i);
  const t = floatToTime(v);
  return t === undefined ? g4(v) : t.String();
}

/** Go's regexp.Compile for an unanchored RE2 pattern; `g` for global replace. */
export function goRegexp(pattern: string, flags = ""): RegExp {
  const c = compileRe2(pattern, { dotMatchesNewline: false });
  if (!c.ok) throw new Error(`error parsing regexp: ${c.problem}: \`${pattern}\``);
  // compileRe2 anchors as ^(?:...)$; templates match anywhere, as regexp.MatchString does.
  const src = c.regex.source.slice(4, -2);
  return new RegExp(src, c.regex.flags + flags);
}

export function reReplaceAll(pattern: string, repl: string, text: string): string {
  const re = goRegexp(pattern, "g");
  const t = parseTemplate(repl);
  return text.replace(re, (...m) => {
    const groupsArg = m[m.length - 1];
    const hasGroups = typeof groupsArg === "object" && groupsArg !== null;
    const captures = m.slice(0, hasGroups ? -3 : -2) as string[];
    const arr = Object.assign([...captures], {
      index: 0,
      input: text,
      groups: hasGroups ? groupsArg : undefined,
    });
    return expandTemplate(t, arr as unknown as RegExpExecArray);
  });
}

/** strings.Title (letters after a non-letter start words); `lowerRest` gives cases.Title's lowering. */
export function titleCase(s: string, lowerRest: boolean): string {
  let out = "";
  let prev = "";
  for (const ch of s) {
    const startsWord = prev === "" || !/[\p{L}\p{N}_'’]/u.test(prev);
    out += startsWord ? ch.toUpperCase() : lowerRest ? ch.toLowerCase() : ch;
    prev = ch;
  }
  return out;
}

/** net.SplitHostPort; undefined when the text has no port. */
export function splitHostPort(hostport: string): [string, string] | undefined {
  if (hostport.startsWith("[")) {
    const m = /^\[([^\]]*)\]:([^:]*)$/.exec(hostport);
    return m ? [m[1], m[2]] : undefined;
  }
  const i = hostport.lastIndexOf(":");
  if (i < 0 || hostport.indexOf(":") !== i) return undefined;
  return [hostport.slice(0, i), hostport.slice(i + 1)];
}

function isIP(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || (s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s));
}

function joinHostPort(host: string, port: string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function sample(v: unknown): TemplateSample {
  if (v && typeof v === "object" && "Labels" in v && "Value" in v) return v as TemplateSample;
  throw new Error(`wrong type for value; expected *template.sample; got ${typeName(v)}`);
}

function samples(v: unknown): TemplateSample[] {
  if (Array.isArray(v)) return v.map(sample);
  throw new Error(`wrong type for value; expected template.queryResult; got ${typeName(v)}`);
}

function strArg(v: unknown): string {
  return asString(v);
}

/** The functions Prometheus adds for alert templates. */
export function prometheusFuncs(ctx: PrometheusFuncContext): Map<string, GoFunc> {
  const m = new Map<string, GoFunc>();
  m.set("query", async (q: unknown) => {
    if (!ctx.query) throw new Error("query is not available here");
    const res = await ctx.query(strArg(q));
    return res.map((s) => ({ Labels: new Map(Object.entries(s.labels)), Value: s.value }));
  });
  m.set("first", (v: unknown) => {
    const s = samples(v);
    if (s.length > 0) return s[0];
    throw new Error("first() called on vector with no elements");
  });
  m.set("label", (l: unknown, s: unknown) => sample(s).Labels.get(strArg(l)) ?? "");
  m.set("value", (s: unknown) => sample(s).Value);
  m.set("strvalue", (s: unknown) => sample(s).Labels.get("__value__") ?? "");
  m.set(
    "args",
    variadic(0, (...a: unknown[]) => new Map(a.map((x, i) => [`arg${i}`, x]))),
  );
  m.set("reReplaceAll", (p: unknown, r: unknown, t: unknown) =>
    reReplaceAll(strArg(p), strArg(r), strArg(t)),
  );
  m.set("safeHtml", (t: unknown) => new SafeHTML(strArg(t)));
  m.set("match", (p: unknown, t: unknown) => goRegexp(strArg(p)).test(strArg(t)));
  m.set("title", (t: unknown) => titleCase(strArg(t), false));
  m.set("toUpper", (t: unknown) => strArg(t).toUpperCase());
  m.set("toLower", (t: unknown) => strArg(t).toLowerCase());
  m.set("graphLink", (e: unknown) => `/graph?g0.expr=${queryEscape(strArg(e))}&g0.tab=0`);
  m.set("tableLink", (e: unknown) => `/graph?g0.expr=${queryEscape(strArg(e))}&g0.tab=1`);
  m.set("sortByLabel", (l: unknown, v: unknown) => {
    const name = strArg(l);
    return [...samples(v)].sort((a, b) => {
      const x = a.Labels.get(name) ?? "";
      const y = b.Labels.get(name) ?? "";
      return x < y ? -1 : x > y ? 1 : 0;
    });
  });
  m.set("humanize", humanize);
  m.set("humanize1024", humanize1024);
  m.set("humanizeDuration", humanizeDuration);
  m.set("humanizePercentage", humanizePercentage);
  m.set("humanizeTimestamp", humanizeTimestamp);
  m.set("toTime", (i: unknown) => {
    const v = toFloat(i);
    const t = floatToTime(v);
    if (t === undefined) throw new Error("value is NaN or Inf");
    return t;
  });
  m.set("toDuration", (i: unknown) => {
    const v = toFloat(i);
    if (Number.isNaN(v) || !Number.isFinite(v)) throw new Error("value is NaN or Inf");
    return new GoDuration(BigInt(Math.round(v * 1e9)));
  });
  m.set("pathPrefix", () => {
    // Go's url.URL.Path: "" when the URL has no path at all.
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([?#]|$)/i.test(ctx.externalURL)) return "";
    try {
      return decodeURIComponent(new URL(ctx.externalURL).pathname);
    } catch {
      return "";
    }
  });
  m.set("externalURL", () => ctx.externalURL);
  m.set("parseDuration", (d: unknown) => {
    const text = strArg(d);
    try {
      return parseDurationMs(text) / 1000;
    } catch (e) {
      if (isReddotError(e)) throw new Error(`not a valid duration string: ${JSON.stringify(text)}`);
      throw e;
    }
  });
  m.set("stripPort", (h: unknown) => {
    const hp = strArg(h);
    return splitHostPort(hp)?.[0] ?? hp;
  });
  m.set("stripDomain", (h: unknown) => {
    const hp = strArg(h);
    const split = splitHostPort(hp);
    let host = split ? split[0] : hp;
    const port = split ? split[1] : "";
    if (isIP(host)) return hp;
    host = host.split(".")[0];
    return port !== "" ? joinHostPort(host, port) : host;
  });
  m.set("now", () => ctx.nowMs / 1000);
  return m;
}
