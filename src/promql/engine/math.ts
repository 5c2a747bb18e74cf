/** Numeric helpers shared by aggregations, functions and the promqltest judge. */

import { isStaleNaN } from "../../storage/index.js";

/**
 * One step of Kahan-Babuska-Neumaier compensated summation: returns the new
 * sum in `acc.sum` and the running compensation in `acc.c`. The result is
 * `acc.sum + acc.c`. Matches Prometheus's accuracy (it uses the same scheme).
 */
export interface KahanAcc {
  sum: number;
  c: number;
}

export function kahanInc(acc: KahanAcc, inc: number): void {
  const t = acc.sum + inc;
  if (t === Number.POSITIVE_INFINITY || t === Number.NEGATIVE_INFINITY) {
    acc.c = 0;
  } else if (Math.abs(acc.sum) >= Math.abs(inc)) {
    acc.c += acc.sum - t + inc;
  } else {
    acc.c += inc - t + acc.sum;
  }
  acc.sum = t;
}

/** The compensated total; infinite sums ignore the compensation (it may be NaN). */
export function kahanTotal(acc: KahanAcc): number {
  if (acc.sum === Number.POSITIVE_INFINITY || acc.sum === Number.NEGATIVE_INFINITY) return acc.sum;
  return acc.sum + acc.c;
}

/**
 * The q-quantile of `values` (sorted in place) with linear interpolation
 * between closest ranks, as Prometheus's `quantile` aggregation and
 * `quantile_over_time`: NaN for no values or q = NaN, -Inf for q < 0, +Inf for q > 1.
 */
export function quantileOf(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  values.sort(compareFloats);
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return (values[lower] as number) * (1 - weight) + (values[upper] as number) * weight;
}

/** Ascending order with NaN first, as Go's sort.Float64s / Prometheus's vectorByValueHeap. */
export function compareFloats(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Prometheus's util/almost.Equal: equal within `epsilon` relative error (an
 * absolute one near zero); NaNs match NaNs, the staleness marker only itself,
 * infinities only exactly.
 */
export function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (isStaleNaN(a) || isStaleNaN(b)) return isStaleNaN(a) && isStaleNaN(b);
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}
