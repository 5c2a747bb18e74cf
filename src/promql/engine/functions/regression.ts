/**
 * Trend functions over a window: deriv and predict_linear (least-squares
 * line, sums Kahan-compensated as Prometheus's linearRegression) and
 * double_exponential_smoothing (Holt's linear method; `holt_winters` is its
 * Prometheus 2 name).
 */

import { execError } from "../../values.js";
import { type KahanAcc, kahanInc } from "../math.js";
import type { RangeFunction, RangeWindow } from "../types.js";

/**
 * Slope (per second) and value at `interceptTime` of the least-squares line.
 * x is measured in seconds from `interceptTime`, which keeps the sums small
 * (Prometheus issue 2674). A constant series has slope 0 exactly, or NaN when
 * the constant is infinite.
 */
function linearRegression(
  w: RangeWindow,
  interceptTime: number,
): { slope: number; intercept: number } {
  const { ts, vs, first, end } = w;
  const initY = vs[first] as number;
  let constY = true;
  const sumX: KahanAcc = { sum: 0, c: 0 };
  const sumY: KahanAcc = { sum: 0, c: 0 };
  const sumXY: KahanAcc = { sum: 0, c: 0 };
  const sumX2: KahanAcc = { sum: 0, c: 0 };
  for (let i = first; i < end; i++) {
    const y = vs[i] as number;
    if (constY && i > first && y !== initY) constY = false;
    const x = ((ts[i] as number) - interceptTime) / 1e3;
    kahanInc(sumX, x);
    kahanInc(sumY, y);
    kahanInc(sumXY, x * y);
    kahanInc(sumX2, x * x);
  }
  if (constY) {
    if (initY === Number.POSITIVE_INFINITY || initY === Number.NEGATIVE_INFINITY) {
      return { slope: Number.NaN, intercept: Number.NaN };
    }
    return { slope: 0, intercept: initY };
  }
  const n = end - first;
  const sx = sumX.sum + sumX.c;
  const sy = sumY.sum + sumY.c;
  const sxy = sumXY.sum + sumXY.c;
  const sx2 = sumX2.sum + sumX2.c;
  const covXY = sxy - (sx * sy) / n;
  const varX = sx2 - (sx * sx) / n;
  const slope = covXY / varX;
  return { slope, intercept: sy / n - (slope * sx) / n };
}

export const deriv: RangeFunction = (w) => {
  if (w.end - w.first < 2) return undefined;
  return linearRegression(w, w.ts[w.first] as number).slope;
};

/**
 * Value the line predicts `scalars[0]` seconds after the evaluation time (the
 * step time itself, not shifted by offset or `@`, as Prometheus's enh.Ts).
 */
export const predictLinear: RangeFunction = (w, scalars) => {
  if (w.end - w.first < 2) return undefined;
  const { slope, intercept } = linearRegression(w, w.evalTime ?? w.rangeEnd);
  return slope * (scalars[0] as number) + intercept;
};

/**
 * Holt's double exponential smoothing: level smoothed by `sf`, trend by `tf`,
 * both strictly between 0 and 1 (otherwise the query fails, as Prometheus).
 */
export const doubleExponentialSmoothing: RangeFunction = (w, scalars) => {
  if (w.end <= w.first) return undefined;
  const sf = scalars[0] as number;
  const tf = scalars[1] as number;
  if (!(sf > 0 && sf < 1)) {
    throw execError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${goFixed6(sf)}`);
  }
  if (!(tf > 0 && tf < 1)) {
    throw execError(`invalid trend factor. Expected: 0 < tf < 1, got: ${goFixed6(tf)}`);
  }
  const { vs, first, end } = w;
  if (end - first < 2) return undefined;
  let s0 = 0;
  let s1 = vs[first] as number;
  let b = (vs[first + 1] as number) - s1;
  for (let i = first + 1; i < end; i++) {
    const x = sf * (vs[i] as number);
    // The trend is re-estimated from the last two levels from the second step on.
    if (i > first + 1) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
};

/** Go's `%f`: six decimals, `+Inf`, `NaN`. */
function goFixed6(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return v.toFixed(6);
}
