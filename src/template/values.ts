/**
 * How Go values are represented in JavaScript for the template engine:
 * - string, boolean; Go ints are `bigint`, float64 is `number`;
 * - Go maps are `Map` (iterated in sorted key order); subclasses may carry
 *   methods (Alertmanager's KV), which win over keys as in Go;
 * - structs are plain objects or class instances; a function property is a
 *   method (called with the template arguments);
 * - slices are arrays; `null` is nil; `undefined` is Go's invalid value
 *   (printed "<no value>");
 * - `GoTime`, `GoDuration`, `SafeHTML` stand for time.Time, time.Duration and
 *   html/template.HTML.
 */

import { formatFloatV } from "./fmt.js";
import { formatGoTime, goDurationString } from "./go-time.js";

/** html/template.HTML: text that is not escaped in HTML mode. */
export class SafeHTML {
  constructor(readonly value: string) {}
  String(): string {
    return this.value;
  }
}

/** time.Duration in nanoseconds. */
export class GoDuration {
  constructor(readonly ns: bigint) {}
  String(): string {
    return goDurationString(this.ns);
  }
  Seconds(): number {
    return Number(this.ns) / 1e9;
  }
  Minutes(): number {
    return Number(this.ns) / 6e10;
  }
  Hours(): number {
    return Number(this.ns) / 3.6e12;
  }
}

/** time.Time: milliseconds since the epoch, shown in a fixed zone (offset in minutes, zone name). */
export class GoTime {
  constructor(
    readonly ms: number,
    readonly offsetMin = 0,
    readonly zone = "UTC",
  ) {}
  String(): string {
    return formatGoTime(this, "2006-01-02 15:04:05.999999999 -0700 MST");
  }
  Format(layout: string): string {
    return formatGoTime(this, layout);
  }
  Unix(): bigint {
    return BigInt(Math.floor(this.ms / 1000));
  }
  UnixMilli(): bigint {
    return BigInt(Math.floor(this.ms));
  }
  UTC(): GoTime {
    return new GoTime(this.ms);
  }
  IsZero(): boolean {
    return this.ms === ZERO_TIME_MS;
  }
}

/** Go's zero time.Time (0001-01-01 00:00:00 UTC) in ms since the epoch. */
export const ZERO_TIME_MS = -62135596800000;

/** Go's truth: false, 0, nil, empty string/slice/map are false; structs are true. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "bigint") return v !== 0n;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

/** Go's fmt `%v` of a value (what `{{ . }}` prints). */
export function printValue(v: unknown): string {
  if (v === undefined) return "<no value>";
  if (v === null) return "<nil>";
  switch (typeof v) {
    case "string":
      return v;
    case "bigint":
      return v.toString();
    case "number":
      return formatFloatV(v);
    case "boolean":
      return String(v);
    case "function":
      return "<func>";
  }
  if (Array.isArray(v)) return `[${v.map(printValue).join(" ")}]`;
  const obj = v as { String?: () => unknown; Error?: () => unknown };
  if (typeof obj.Error === "function") return String(obj.Error());
  if (typeof obj.String === "function") return String(obj.String());
  if (v instanceof Map) {
    const keys = [...v.keys()].sort(compareKeys);
    return `map[${keys.map((k) => `${printValue(k)}:${printValue(v.get(k))}`).join(" ")}]`;
  }
  if (typeof v === "object") {
    const parts = Object.entries(v)
      .filter(([, x]) => typeof x !== "function")
      .map(([, x]) => printValue(x));
    return `{${parts.join(" ")}}`;
  }
  return String(v);
}

/** Sort order for map keys: numbers numerically, strings by UTF-8 bytes (code units suffice for BMP). */
export function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  const x = typeof a === "bigint" ? Number(a) : Number(a);
  const y = typeof b === "bigint" ? Number(b) : Number(b);
  return x - y;
}

/** Go type name of a value, for error messages. */
export function typeName(v: unknown): string {
  if (v === undefined) return "invalid";
  if (v === null) return "nil";
  switch (typeof v) {
    case "string":
      return "string";
    case "bigint":
      return "int";
    case "number":
      return "float64";
    case "boolean":
      return "bool";
    case "function":
      return "func";
  }
  if (Array.isArray(v)) return "[]interface {}";
  if (v instanceof GoTime) return "time.Time";
  if (v instanceof GoDuration) return "time.Duration";
  if (v instanceof SafeHTML) return "template.HTML";
  if (v instanceof Map) return "map[string]string";
  const ctor = (v as object).constructor;
  return ctor && ctor !== Object ? ctor.name : "struct";
}
