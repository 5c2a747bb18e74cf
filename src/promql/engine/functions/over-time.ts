/**
 * The `*_over_time` aggregations over the samples of a window, with
 * Prometheus's numerics (promql/functions.go): Kahan-compensated sums, the
 * direct mean that falls back to an incremental mean on overflow, Welford's
 * variance, NaN rules of min/max. All return undefined for an empty window.
 */

import { formatGoG } from "../../go-format.js";
import { type KahanAcc, kahanInc, kahanTotal, quantileOf } from "../math.js";
import type { FunctionContext, RangeFunction, RangeWindow } from "../types.js";

export const sumOverTime: RangeFunction = (w) => {
  if (w.end <= w.first) return undefined;
  const acc: KahanAcc = { sum: 0, c: 0 };
  for (let i = w.first; i < w.end; i++) kahanInc(acc, w.vs[i] as number);
  return kahanTotal(acc);
};

/**
 * Mean as Prometheus 3 computes it: the compensated sum divided by the count
 * (more accurate), switching to the incremental mean only once the running
 * sum would overflow to ±Inf.
 */
export const avgOverTime: RangeFunction = (w) => {
  const { vs, first, end } = w;
  if (end <= first) return undefined;
  const acc: KahanAcc = { sum: vs[first] as number, c: 0 };
  let count = 1;
  let incremental = false;
  let mean = 0;
  for (let i = first + 1; i < end; i++) {
    const v = vs[i] as number;
    count = i - first + 1;
    if (!incremental) {
      const trial: KahanAcc = { sum: acc.sum, c: acc.c };
      kahanInc(trial, v);
      if (trial.sum !== Number.POSITIVE_INFINITY && trial.sum !== Number.NEGATIVE_INFINITY) {
        acc.sum = trial.sum;
        acc.c = trial.c;
        continue;
      }
      incremental = true;
      mean = acc.sum / (count - 1);
      acc.c /= count - 1;
    }
    const q = (count - 1) / count;
    const m: KahanAcc = { sum: q * mean, c: q * acc.c };
    kahanInc(m, v / count);
    mean = m.sum;
    acc.c = m.c;
  }
  if (incremental) return mean + acc.c;
  return acc.sum / count + acc.c / count;
};

export const countOverTime: RangeFunction = (w) => (w.end > w.first ? w.end - w.first : undefined);

export const presentOverTime: RangeFunction = (w) => (w.end > w.first ? 1 : undefined);

export const lastOverTime: RangeFunction = (w) =>
  w.end > w.first ? (w.vs[w.end - 1] as number) : undefined;

export const firstOverTime: RangeFunction = (w) =>
  w.end > w.first ? (w.vs[w.first] as number) : undefined;

export const tsOfLastOverTime: RangeFunction = (w) =>
  w.end > w.first ? (w.ts[w.end - 1] as number) / 1000 : undefined;

export const tsOfFirstOverTime: RangeFunction = (w) =>
  w.end > w.first ? (w.ts[w.first] as number) / 1000 : undefined;

/**
 * Scans for the sample `better` prefers over the current pick. A NaN pick is
 * always replaced, so NaN wins only when every sample is NaN.
 */
function pick(
  w: RangeWindow,
  better: (cur: number, best: number) => boolean,
): { v: number; t: number } | undefined {
  if (w.end <= w.first) return undefined;
  let v = w.vs[w.first] as number;
  let t = w.ts[w.first] as number;
  for (let i = w.first; i < w.end; i++) {
    const cur = w.vs[i] as number;
    if (better(cur, v) || Number.isNaN(v)) {
      v = cur;
      t = w.ts[i] as number;
    }
  }
  return { v, t };
}

export const maxOverTime: RangeFunction = (w) => pick(w, (cur, best) => cur > best)?.v;
export const minOverTime: RangeFunction = (w) => pick(w, (cur, best) => cur < best)?.v;

// The ts_of_ variants prefer the latest of equal extremes (>= rather than >).
export const tsOfMaxOverTime: RangeFunction = (w) => {
  const p = pick(w, (cur, best) => cur >= best);
  return p === undefined ? undefined : p.t / 1000;
};
export const tsOfMinOverTime: RangeFunction = (w) => {
  const p = pick(w, (cur, best) => cur <= best);
  return p === undefined ? undefined : p.t / 1000;
};

/** Population variance by Welford's method, both accumulators compensated. */
function variance(w: RangeWindow): number | undefined {
  if (w.end <= w.first) return undefined;
  let count = 0;
  const mean: KahanAcc = { sum: 0, c: 0 };
  const aux: KahanAcc = { sum: 0, c: 0 };
  for (let i = w.first; i < w.end; i++) {
    const v = w.vs[i] as number;
    count++;
    const d = v - (mean.sum + mean.c);
    kahanInc(mean, d / count);
    kahanInc(aux, d * (v - (mean.sum + mean.c)));
  }
  return (aux.sum + aux.c) / count;
}

export const stdvarOverTime: RangeFunction = (w) => variance(w);
export const stddevOverTime: RangeFunction = (w) => {
  const v = variance(w);
  return v === undefined ? undefined : Math.sqrt(v);
};

function windowValues(w: RangeWindow): number[] {
  const out: number[] = new Array(w.end - w.first);
  for (let i = w.first; i < w.end; i++) out[i - w.first] = w.vs[i] as number;
  return out;
}

/** The position Prometheus reports a bad quantile at: the q argument itself. */
function quantileArgPos(ctx: FunctionContext) {
  return ctx.argPositions?.[0] ?? ctx.argPos;
}

export const quantileOverTime: RangeFunction = (w, scalars, ctx) => {
  if (w.end <= w.first) return undefined;
  const q = scalars[0] as number;
  if (Number.isNaN(q) || q < 0 || q > 1) {
    ctx.annotations.warn(
      `quantile value should be between 0 and 1, got ${formatGoG(q)}`,
      quantileArgPos(ctx),
    );
  }
  return quantileOf(q, windowValues(w));
};

/** Median absolute deviation; a NaN sample makes it NaN (the median is undefined). */
export const madOverTime: RangeFunction = (w) => {
  if (w.end <= w.first) return undefined;
  const values = windowValues(w);
  if (values.some(Number.isNaN)) return Number.NaN;
  const median = quantileOf(0.5, values);
  for (let i = 0; i < values.length; i++) values[i] = Math.abs((values[i] as number) - median);
  return quantileOf(0.5, values);
};
