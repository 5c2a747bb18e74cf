/**
 * Query results as Prometheus' HTTP API writes them (web/api/v1/json_codec.go
 * and util/jsonutil): sample values as strings, timestamps as Unix seconds
 * with millisecond fractions, `warnings`/`infos` only when non-empty.
 *
 * Fast path: results can hold 10k series × 11k points, so JSON is built as
 * strings, batch by batch, instead of a graph of objects for JSON.stringify.
 */
import { formatFloatF } from "../promql/index.js";
import type { Labels } from "../storage/index.js";

/** A sample value as Prometheus' vector/matrix codec writes it (jsonutil.MarshalFloat), unquoted. */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  // JS switches to exponents below 1e-6 and from 1e21, exactly where Go's
  // codec picks 'e'; only Go's two-digit exponent differs.
  const s = String(v);
  const e = s.indexOf("e");
  if (e < 0) return s;
  const exp = s.slice(e + 2);
  return exp.length === 1 ? `${s.slice(0, e + 2)}0${exp}` : s;
}

/** A scalar's value as Prometheus writes it: Go's FormatFloat(v, 'f', -1, 64), never an exponent. */
export const formatScalarValue = formatFloatF;

/** A vector/matrix timestamp (jsonutil.MarshalTimestamp): seconds, then `.` and three ms digits when not whole. */
export function formatTimestamp(ms: number): string {
  const neg = ms < 0;
  const t = neg ? -ms : ms;
  const frac = t % 1000;
  const secs = (t - frac) / 1000;
  const head = neg ? `-${secs}` : `${secs}`;
  if (frac === 0) return head;
  return `${head}.${frac < 10 ? "00" : frac < 100 ? "0" : ""}${frac}`;
}

/** A scalar's or string's timestamp: Go's JSON encoding of `float64(t) / 1000`. */
export function formatFloatSeconds(ms: number): string {
  return JSON.stringify(ms / 1000);
}

/** A label set as a JSON object, in label order. */
export function labelsJson(labels: Labels): string {
  let out = "{";
  for (let i = 0; i < labels.length; i++) {
    if (i > 0) out += ",";
    out += `${JSON.stringify(labels[i].name)}:${JSON.stringify(labels[i].value)}`;
  }
  return `${out}}`;
}

/** `["a","b"]`, or "" for an empty list. */
export function stringsJson(list: readonly string[]): string {
  return list.length === 0 ? "" : JSON.stringify(list);
}
