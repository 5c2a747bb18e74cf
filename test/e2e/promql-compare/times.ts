/**
 * When the comparison queries run, relative to the data start. Every time
 * ends in .123 s: samples sit at 250–749 ms past a second and subquery steps
 * are whole seconds, so nothing ever falls exactly on a range boundary.
 */
const S = 1000;
const M = 60 * S;

/** Instant query times: data start, inside the first gap, after the staleness marker, the end. */
export const INSTANT_OFFSETS: readonly number[] = [
  3 * M + 20 * S + 123,
  40 * M + 12 * S + 123,
  91 * M + 5 * S + 123,
  119 * M + 30 * S + 123,
];

/** Range queries: from before the data to after it at an odd step, and a short dense window. */
export const RANGE_WINDOWS: readonly { start: number; end: number; step: number }[] = [
  { start: -5 * M + 123, end: 125 * M + 123, step: 67 * S },
  { start: 55 * M + 123, end: 70 * M + 123, step: 14 * S },
];

/** The `@` timestamp used by queries that say `AT`. */
export const AT_OFFSET = 60 * M + 30 * S + 123;

/** Seconds with milliseconds, as the HTTP API takes them. */
export function apiTime(ms: number): string {
  return (ms / 1000).toFixed(3);
}
