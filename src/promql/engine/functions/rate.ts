/**
 * rate, increase, delta, irate and idelta, as Prometheus 3 computes them for
 * float samples (promql/functions.go: extrapolatedRate, extendedRate,
 * instantValue). Start timestamps (created timestamps) are not stored, so the
 * rules that use them never apply.
 */

import { goQuote } from "../../go-format.js";
import type { FunctionContext, RangeFunction, RangeWindow } from "../types.js";
import { extendedBounds, rangeSeconds } from "./window.js";

/**
 * Prometheus 3's extrapolation: the increase between the first and last
 * sample (plus the value before every counter reset), stretched towards the
 * range boundaries by at most half an average sample interval when the series
 * seems to start or end inside the range, and, for counters, never below zero.
 */
function extrapolatedRate(w: RangeWindow, isCounter: boolean, isRate: boolean): number | undefined {
  const { ts, vs, first, end } = w;
  const last = end - 1;
  if (last - first < 1) return undefined;
  const firstT = ts[first] as number;
  const lastT = ts[last] as number;
  const firstV = vs[first] as number;
  let result = (vs[last] as number) - firstV;
  if (isCounter) {
    for (let i = first + 1; i <= last; i++) {
      const prev = vs[i - 1] as number;
      if ((vs[i] as number) < prev) result += prev;
    }
  }
  let durationToStart = (firstT - w.rangeStart) / 1000;
  let durationToEnd = (w.rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageInterval = sampledInterval / (last - first);
  const threshold = averageInterval * 1.1;
  if (durationToStart >= threshold) durationToStart = averageInterval / 2;
  if (isCounter) {
    // A counter starts at zero: do not extrapolate further back than the
    // time at which the fitted line would have crossed zero.
    let durationToZero = durationToStart;
    if (result > 0 && firstV >= 0) durationToZero = sampledInterval * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageInterval / 2;
  let factor = 1;
  if (sampledInterval !== 0) {
    factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  }
  if (isRate) factor /= rangeSeconds(w);
  return result * factor;
}

/** Value at `t` on the line between samples i and j; a counter reset between them restarts from 0. */
function interpolate(w: RangeWindow, i: number, j: number, t: number, isCounter: boolean): number {
  const t1 = w.ts[i] as number;
  const t2 = w.ts[j] as number;
  const y2 = w.vs[j] as number;
  let y1 = w.vs[i] as number;
  if (isCounter && y2 < y1) y1 = 0;
  return y1 + ((y2 - y1) * (t - t1)) / (t2 - t1);
}

/**
 * The `anchored` and `smoothed` variants (Prometheus 3.7+ experimental): no
 * extrapolation. Anchored starts from the last sample at or before the range
 * start (within the lookback delta); smoothed interpolates the values at both
 * boundaries from the samples around them.
 */
function extendedRate(
  w: RangeWindow,
  ctx: FunctionContext,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const { ts, vs, rangeStart, rangeEnd, smoothed } = w;
  const { lo, hi } = extendedBounds(w, ctx.lookbackDelta);
  if (hi <= lo) return undefined;
  let last = hi - 1;
  let k = lo;
  while (k < last && (ts[k] as number) <= rangeStart) k++;
  let firstIdx = Math.max(lo, k - 1);
  if (smoothed) {
    let j = lo;
    while (j < last && (ts[j] as number) < rangeEnd) j++;
    last = j;
  }
  if ((ts[last] as number) <= rangeStart) return undefined;
  if (smoothed && (ts[firstIdx] as number) > rangeEnd) return undefined;

  const left =
    smoothed && (ts[firstIdx] as number) < rangeStart
      ? interpolate(w, firstIdx, firstIdx + 1, rangeStart, isCounter)
      : (vs[firstIdx] as number);
  const right =
    smoothed && last > lo && (ts[last] as number) > rangeEnd
      ? interpolate(w, last - 1, last, rangeEnd, isCounter)
      : (vs[last] as number);
  let result = right - left;
  if (isCounter) {
    // Boundary values already account for resets next to the boundaries;
    // only samples strictly inside the range are checked.
    if ((ts[firstIdx] as number) <= rangeStart) firstIdx++;
    if ((ts[last] as number) >= rangeEnd) last--;
    let prev = left;
    for (let i = firstIdx; i <= last; i++) {
      const v = vs[i] as number;
      if (v < prev) result += prev;
      prev = v;
    }
    if (right < prev) result += prev;
  }
  if (isRate) result /= rangeSeconds(w);
  return result;
}

const COUNTER_SUFFIXES = ["_total", "_sum", "_count", "_bucket"];

/**
 * Prometheus's info for rate/increase over a series whose name does not look
 * like a counter's; raised once per series that yields a value (the
 * annotation set dedupes the repeats of later steps).
 */
function warnIfNotCounter(w: RangeWindow, ctx: FunctionContext): void {
  const name = w.metricName;
  if (name === "" || COUNTER_SUFFIXES.some((s) => name.endsWith(s))) return;
  ctx.annotations.info(
    `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${goQuote(name)}`,
    ctx.argPos,
  );
}

function rateFunction(isCounter: boolean, isRate: boolean): RangeFunction {
  return (w, _scalars, ctx) => {
    const v =
      w.anchored || w.smoothed
        ? extendedRate(w, ctx, isCounter, isRate)
        : extrapolatedRate(w, isCounter, isRate);
    if (v !== undefined && isCounter) warnIfNotCounter(w, ctx);
    return v;
  };
}

export const rate: RangeFunction = rateFunction(true, true);
export const increase: RangeFunction = rateFunction(true, false);
export const delta: RangeFunction = rateFunction(false, false);

/** irate/idelta: from the last two samples only. */
function instantValue(w: RangeWindow, isRate: boolean): number | undefined {
  const { ts, vs, first, end } = w;
  if (end - first < 2) return undefined;
  const dt = (ts[end - 1] as number) - (ts[end - 2] as number);
  if (dt === 0) return undefined;
  const prev = vs[end - 2] as number;
  const cur = vs[end - 1] as number;
  // After a counter reset the counter restarted from 0, so its value is the increase.
  let result = isRate && cur < prev ? cur : cur - prev;
  if (isRate) result /= dt / 1000;
  return result;
}

export const irate: RangeFunction = (w) => instantValue(w, true);
export const idelta: RangeFunction = (w) => instantValue(w, false);
