/**
 * changes() and resets(): counts between consecutive samples. With an
 * `anchored` selector the count starts from the last sample at or before the
 * range start (within the lookback delta), so a change right at the window's
 * left edge counts (Prometheus's pickFirstSampleIndices).
 */
import type { FunctionContext, RangeFunction, RangeWindow } from "../types.js";
import { extendedBounds } from "./window.js";

/** Index of the first sample to compare from, or -1 when the window is empty. */
function startIndex(w: RangeWindow, ctx: FunctionContext): number {
  if (w.end <= w.first) return -1;
  if (!w.anchored) return w.first;
  const { lo } = extendedBounds(w, ctx.lookbackDelta);
  return w.first > lo ? w.first - 1 : w.first;
}

function countPairs(
  w: RangeWindow,
  ctx: FunctionContext,
  counts: (prev: number, cur: number) => boolean,
): number | undefined {
  const start = startIndex(w, ctx);
  if (start < 0) return undefined;
  let n = 0;
  let prev = w.vs[start] as number;
  for (let i = start + 1; i < w.end; i++) {
    const cur = w.vs[i] as number;
    if (counts(prev, cur)) n++;
    prev = cur;
  }
  return n;
}

// Two NaNs in a row are no change, although NaN !== NaN.
export const changes: RangeFunction = (w, _s, ctx) =>
  countPairs(w, ctx, (prev, cur) => cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev)));

export const resets: RangeFunction = (w, _s, ctx) => countPairs(w, ctx, (prev, cur) => cur < prev);
