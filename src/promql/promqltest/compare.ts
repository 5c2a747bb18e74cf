/**
 * Value comparison and display for the promqltest judge, with the tolerance
 * of Prometheus's util/almost.Equal (FORMAT.md section 8).
 */

import { isStaleNaN, type Labels, labelsToString } from "../../storage/index.js";
import { almostEqual as almostEqualWithin } from "../engine/math.js";
import type { SeqValue } from "./series-desc.js";

/** Relative error allowed between expected and actual floats. */
export const EPSILON = 1e-6;
/** True when two floats are equal within EPSILON relative error (Prometheus's almost.Equal). */
export function almostEqual(a: number, b: number, epsilon = EPSILON): boolean {
  return almostEqualWithin(a, b, epsilon);
}

/** A float as the script would write it: `stale` for the staleness marker. */
export function formatValue(v: number): string {
  if (isStaleNaN(v)) return "stale";
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

export function formatSeqValue(s: SeqValue): string {
  if (s.kind === "omitted") return "_";
  if (s.kind === "histogram") return s.text;
  return formatValue(s.v);
}

/** `metric{l="v"}`, and `{}` for the empty label set so rows stay readable. */
export function formatLabels(labels: Labels): string {
  return labels.length === 0 ? "{}" : labelsToString(labels);
}

/** One row of a matrix: `labels v@t v@t ...` (t in ms). */
export function formatPoints(labels: Labels, ts: readonly number[], vs: readonly number[]): string {
  const pts = ts.map((t, i) => `${formatValue(vs[i])}@${t}`);
  return `${formatLabels(labels)} ${pts.join(" ")}`;
}
