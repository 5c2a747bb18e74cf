/**
 * Compares two query API answers: same resultType, same series (labels
 * exactly), same timestamps (ms), values equal within 1e-9 relative (or 1e-9
 * absolute near zero), NaN equal to NaN, ±Inf equal only to itself. Series
 * are sorted by labels first, unless the query's order is defined by
 * Prometheus (sort, topk…), where values are compared in answer order.
 */
import type { ApiAnswer } from "./client.js";

/** Relative tolerance: float sums in another order (Kahan in 3.x, not in 2.42) differ in the last bits. */
export const REL_TOLERANCE = 1e-9;
/** Absolute tolerance for results that cancel out to about zero. */
export const ABS_TOLERANCE = 1e-9;

interface NormPoint {
  readonly t: number;
  readonly v: number;
}

interface NormSeries {
  readonly key: string;
  readonly points: readonly NormPoint[];
}

/** An answer reduced to what is compared. */
export interface NormResult {
  readonly type: string;
  readonly series: readonly NormSeries[];
  /** For string results. */
  readonly str?: string;
}

/** Parses a sample value as the API writes it ("NaN", "+Inf", "-Inf", decimal). */
export function parseValue(s: string): number {
  if (s === "+Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  return Number(s);
}

function toPoint(p: unknown): NormPoint {
  const [t, v] = p as [number, string];
  return { t: Math.round(t * 1000), v: parseValue(v) };
}

/** Labels as one comparable string: keys sorted, JSON-quoted. */
export function metricKey(metric: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(metric)
      .sort()
      .map((k) => [k, metric[k]]),
  );
}

/** Reduces a successful answer; throws when the envelope is not a success. */
export function normalise(a: ApiAnswer): NormResult {
  const data = a.body?.data;
  if (a.body?.status !== "success" || data === undefined) {
    throw new Error(`not a success (${a.status}): ${a.text.slice(0, 300)}`);
  }
  const r = data.result;
  switch (data.resultType) {
    case "scalar":
      return { type: "scalar", series: [{ key: "<scalar>", points: [toPoint(r)] }] };
    case "string":
      return { type: "string", series: [], str: JSON.stringify(r) };
    case "vector":
      return {
        type: "vector",
        series: (r as { metric: Record<string, string>; value: unknown }[]).map((s) => ({
          key: metricKey(s.metric),
          points: [toPoint(s.value)],
        })),
      };
    case "matrix":
      return {
        type: "matrix",
        series: (r as { metric: Record<string, string>; values: unknown[] }[]).map((s) => ({
          key: metricKey(s.metric),
          points: s.values.map(toPoint),
        })),
      };
    default:
      throw new Error(`unknown resultType ${data.resultType}`);
  }
}

export function sameValue(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const d = Math.abs(a - b);
  return d <= ABS_TOLERANCE || d <= REL_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

const byKey = (a: NormSeries, b: NormSeries) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The first difference between `want` (Prometheus) and `got` (reddot), in
 * words, or undefined when they agree.
 */
export function firstDifference(
  want: NormResult,
  got: NormResult,
  ordered: boolean,
): string | undefined {
  if (want.type !== got.type) return `resultType: want ${want.type}, got ${got.type}`;
  if (want.type === "string") {
    return want.str === got.str ? undefined : `string: want ${want.str}, got ${got.str}`;
  }
  const ws = [...want.series].sort(byKey);
  const gs = [...got.series].sort(byKey);
  const wantKeys = new Set(ws.map((s) => s.key));
  const gotKeys = new Set(gs.map((s) => s.key));
  const missing = ws.filter((s) => !gotKeys.has(s.key)).map((s) => s.key);
  const extra = gs.filter((s) => !wantKeys.has(s.key)).map((s) => s.key);
  if (missing.length > 0 || extra.length > 0) {
    const list = (xs: string[]) => `${xs.slice(0, 3).join(" ")}${xs.length > 3 ? " …" : ""}`;
    return `series: ${missing.length} missing (${list(missing)}), ${extra.length} extra (${list(extra)}); want ${ws.length}, got ${gs.length}`;
  }
  if (gs.length !== ws.length)
    return `series: ${gs.length} answered, ${ws.length} distinct in Prometheus (duplicates?)`;
  for (let i = 0; i < ws.length; i++) {
    const d = seriesDifference(ws[i], gs[i]);
    if (d !== undefined) return d;
  }
  if (ordered) {
    // Ties may come in any order; the sequence of values must match.
    for (let i = 0; i < want.series.length; i++) {
      const w = want.series[i].points[0]?.v;
      const g = got.series[i].points[0]?.v;
      if (!sameValue(w, g)) {
        return `order: position ${i} want ${want.series[i].key}=${w}, got ${got.series[i].key}=${g}`;
      }
    }
  }
  return undefined;
}

function seriesDifference(w: NormSeries, g: NormSeries): string | undefined {
  const n = Math.max(w.points.length, g.points.length);
  for (let j = 0; j < n; j++) {
    const wp = w.points[j];
    const gp = g.points[j];
    if (wp === undefined || gp === undefined || wp.t !== gp.t || !sameValue(wp.v, gp.v)) {
      const show = (p: NormPoint | undefined) => (p === undefined ? "none" : `${p.v} @ ${p.t}`);
      return `${w.key} point ${j}: want ${show(wp)}, got ${show(gp)} (${w.points.length} vs ${g.points.length} points)`;
    }
  }
  return undefined;
}

/** Whether a normalised result holds anything (a scalar always does). */
export function hasData(r: NormResult): boolean {
  return r.type === "scalar" || r.type === "string" || r.series.some((s) => s.points.length > 0);
}

/** An answer shortened for a failure message. */
export function trimmed(a: ApiAnswer, max = 600): string {
  return a.text.length > max ? `${a.text.slice(0, max)}… (${a.text.length} chars)` : a.text;
}
