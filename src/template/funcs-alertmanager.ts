/**
 * Alertmanager's notification-template functions (alertmanager/template/
 * template.go DefaultFuncs), reimplemented, and its data types: KV with
 * SortedPairs/Names/Values/Remove, Alerts with Firing/Resolved.
 */

import { asString } from "./builtins.js";
import { type GoFunc, variadic } from "./exec.js";
import { goRegexp, humanizeDuration, reReplaceAll, titleCase } from "./funcs-prometheus.js";
import { GoDuration, GoTime, SafeHTML, typeName } from "./values.js";

/** One label or annotation: `.Name`, `.Value`. */
export interface Pair {
  Name: string;
  Value: string;
}

/** Alertmanager's Pairs: a list with Names() and Values(). */
export type Pairs = Pair[] & { Names(): string[]; Values(): string[] };

function pairs(list: Pair[]): Pairs {
  return Object.assign(list, {
    Names: () => list.map((p) => p.Name),
    Values: () => list.map((p) => p.Value),
  });
}

/** Alertmanager's KV (map[string]string) with its methods. */
export class KV extends Map<string, string> {
  static of(r: Record<string, string>): KV {
    return new KV(Object.entries(r));
  }
  /** Pairs sorted by name, with `alertname` first as Alertmanager does. */
  SortedPairs(): Pairs {
    const keys = [...this.keys()].filter((k) => k !== "alertname").sort();
    if (this.has("alertname")) keys.unshift("alertname");
    return pairs(keys.map((k) => ({ Name: k, Value: this.get(k) ?? "" })));
  }
  Names(): string[] {
    return this.SortedPairs().Names();
  }
  Values(): string[] {
    return this.SortedPairs().Values();
  }
  Remove(keys: string[]): KV {
    if (!Array.isArray(keys))
      throw new Error(`wrong type for value; expected []string; got ${typeName(keys)}`);
    const out = new KV(this);
    for (const k of keys) out.delete(k);
    return out;
  }
}

export interface TemplateAlert {
  Status: string;
  Labels: KV;
  Annotations: KV;
  StartsAt: GoTime;
  EndsAt: GoTime;
  GeneratorURL: string;
  Fingerprint: string;
}

export type Alerts = TemplateAlert[] & { Firing(): TemplateAlert[]; Resolved(): TemplateAlert[] };

export function alertsOf(list: TemplateAlert[]): Alerts {
  return Object.assign(list, {
    Firing: () => alertsOf(list.filter((a) => a.Status === "firing")),
    Resolved: () => alertsOf(list.filter((a) => a.Status === "resolved")),
  });
}

function asTime(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  throw new Error(`wrong type for value; expected time.Time; got ${typeName(v)}`);
}

/** The UTC offset (minutes) and abbreviation of IANA zone `name` at instant `ms`. */
function zoneAt(name: string, ms: number): { offsetMin: number; abbr: string } {
  if (name === "" || name === "UTC") return { offsetMin: 0, abbr: "UTC" };
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", { timeZone: name, timeZoneName: "shortOffset" });
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
  const off =
    fmt.formatToParts(new Date(ms)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d+)(?::(\d+))?/.exec(off);
  const offsetMin = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
  // Go prints tzdata's abbreviation (CET, EST) or the numeric offset (+04); ICU knows the
  // common abbreviations under en-US (American zones) or en-GB (European ones).
  let abbr = "";
  for (const locale of ["en-US", "en-GB"]) {
    const short = new Intl.DateTimeFormat(locale, { timeZone: name, timeZoneName: "short" })
      .formatToParts(new Date(ms))
      .find((p) => p.type === "timeZoneName")?.value;
    if (short && /^[A-Z]{2,5}$/.test(short) && (short !== "GMT" || offsetMin === 0)) {
      abbr = short;
      break;
    }
  }
  if (!abbr) {
    const sign = offsetMin < 0 ? "-" : "+";
    const a = Math.abs(offsetMin);
    abbr = `${sign}${String(Math.floor(a / 60)).padStart(2, "0")}${a % 60 ? String(a % 60).padStart(2, "0") : ""}`;
  }
  return { offsetMin, abbr };
}

/** Go's url.QueryUnescape. */
function queryUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "%") {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) {
        throw new Error(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      }
      bytes.push(Number.parseInt(h, 16));
      i += 2;
    } else if (c === "+") bytes.push(0x20);
    else bytes.push(...Buffer.from(c, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** A value as encoding/json would see it (maps sorted, times RFC 3339). */
function jsonable(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof GoTime) return v.Format("2006-01-02T15:04:05.999999999Z07:00");
  if (v instanceof GoDuration) return Number(v.ns);
  if (v instanceof SafeHTML) return v.value;
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const k of [...v.keys()].sort()) o[String(k)] = jsonable(v.get(k));
    return o;
  }
  if (Array.isArray(v)) return v.map(jsonable);
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (typeof x !== "function") o[k] = jsonable(x);
    return o;
  }
  if (typeof v === "number" && !Number.isFinite(v))
    throw new Error(`json: unsupported value: ${v}`);
  return v ?? null;
}

export function alertmanagerFuncs(now: () => number): Map<string, GoFunc> {
  const m = new Map<string, GoFunc>();
  m.set("toUpper", (s: unknown) => asString(s).toUpperCase());
  m.set("toLower", (s: unknown) => asString(s).toLowerCase());
  m.set("title", (s: unknown) => titleCase(asString(s), true));
  m.set("trimSpace", (s: unknown) => asString(s).replace(/^[\s\u0085]+|[\s\u0085]+$/gu, ""));
  m.set("join", (sep: unknown, list: unknown) => {
    if (!Array.isArray(list))
      throw new Error(`wrong type for value; expected []string; got ${typeName(list)}`);
    return list.map(asString).join(asString(sep));
  });
  m.set("match", (p: unknown, s: unknown) => goRegexp(asString(p)).test(asString(s)));
  m.set("safeHtml", (s: unknown) => new SafeHTML(asString(s)));
  m.set("safeUrl", (s: unknown) => asString(s));
  m.set("urlUnescape", (s: unknown) => queryUnescape(asString(s)));
  m.set("reReplaceAll", (p: unknown, r: unknown, t: unknown) =>
    reReplaceAll(asString(p), asString(r), asString(t)),
  );
  m.set(
    "stringSlice",
    variadic(0, (...s: unknown[]) => s.map(asString)),
  );
  m.set("date", (layout: unknown, t: unknown) => asTime(t).Format(asString(layout)));
  m.set("tz", (name: unknown, t: unknown) => {
    const time = asTime(t);
    const z = zoneAt(asString(name), time.ms);
    return new GoTime(time.ms, z.offsetMin, z.abbr);
  });
  m.set(
    "since",
    (t: unknown) => new GoDuration(BigInt(Math.round(now() - asTime(t).ms)) * 1_000_000n),
  );
  m.set("humanizeDuration", humanizeDuration);
  m.set("toJson", (v: unknown) =>
    JSON.stringify(jsonable(v))
      .replace(/</g, "\\u003c")
      .replace(/>/g, "\\u003e")
      .replace(/&/g, "\\u0026"),
  );
  return m;
}
