/** Types shared by the parts of the store (head, index, blocks, WAL). */

/** How a label matcher compares, as in PromQL selectors. */
export type MatchType = "=" | "!=" | "=~" | "!~";

/**
 * A label matcher. Regex matchers are fully anchored (`^(?:re)$`) as in
 * Prometheus; a missing label matches as the empty string. Build with
 * `newMatcher` (src/tsdb/index), which validates the regex.
 */
export interface Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  /** True when a label value (empty for "absent") satisfies the matcher. */
  matches(value: string): boolean;
}

/**
 * Samples of one series, decoded into typed arrays. `ts[i]` is a millisecond
 * timestamp and `vs[i]` its value; strictly ascending by time; only
 * `[0, length)` is meaningful.
 */
export interface SampleBuffer {
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly length: number;
}

/**
 * Where a chunk of one series lives. For the head, `ref` is an index into the
 * series' chunk list; for a block it is the chunk's position in the block's
 * chunk files (segment number * 2^32 + byte offset).
 */
export interface ChunkMeta {
  /** Time of the first sample, ms. */
  readonly mint: number;
  /** Time of the last sample, ms. */
  readonly maxt: number;
  readonly ref: number;
}
