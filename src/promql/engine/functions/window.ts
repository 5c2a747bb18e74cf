/**
 * Helpers over a `RangeWindow` shared by the range functions: which buffer
 * indices the `anchored` and `smoothed` selectors may use, and the window's
 * length in seconds.
 */
import type { RangeWindow } from "../types.js";

/** Buffer indices `[lo, hi)` of an anchored or smoothed selector's samples. */
export interface Extended {
  readonly lo: number;
  readonly hi: number;
}

/**
 * The samples Prometheus loads for an anchored (`(start - lookback, end]`) or
 * smoothed (`(start - lookback, end + lookback]`) selector. Computed from the
 * timestamps rather than trusted from the buffer's extent, so a buffer that
 * holds more than that still gives Prometheus's answer.
 */
export function extendedBounds(w: RangeWindow, lookbackDelta: number): Extended {
  const minT = w.rangeStart - lookbackDelta;
  let lo = w.first;
  while (lo > 0 && (w.ts[lo - 1] as number) > minT) lo--;
  let hi = w.end;
  if (w.smoothed) {
    const maxT = w.rangeEnd + lookbackDelta;
    while (hi < w.ts.length && (w.ts[hi] as number) <= maxT) hi++;
  }
  return { lo, hi };
}

/** Length of the selector's range in seconds (offset excluded). */
export function rangeSeconds(w: RangeWindow): number {
  return (w.rangeEnd - w.rangeStart) / 1000;
}
