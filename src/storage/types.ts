import type { Labels, Matcher, SampleBuffer } from "../tsdb/index.js";

export type { Matcher, MatchType, SampleBuffer } from "../tsdb/index.js";

/** One series returned by a select. */
export interface StoredSeries {
  readonly labels: Labels;
  /** Samples with `mint <= t <= maxt`, staleness markers included. */
  samples(mint: number, maxt: number): SampleBuffer;
}

/** Options for a select. */
export interface SelectHints {
  /** Return series sorted by labels (Prometheus order). Default true. */
  readonly sorted?: boolean;
  /** Stop after this many series (0 = no limit). */
  readonly limit?: number;
}

/**
 * Read access to stored series over a fixed time range. Implementations:
 * the local tsdb, and later remote Prometheus-compatible stores.
 */
export interface Querier {
  readonly mint: number;
  readonly maxt: number;
  /** Series that match every matcher and have data in [mint, maxt]. */
  select(matchers: readonly Matcher[], hints?: SelectHints): StoredSeries[];
  /** Label names present on series matching all matchers (all series when none). */
  labelNames(matchers?: readonly Matcher[]): string[];
  /** Values of label `name` on series matching all matchers, sorted. */
  labelValues(name: string, matchers?: readonly Matcher[]): string[];
  close(): void;
}

/** Something that can open queriers. */
export interface Queryable {
  querier(mint: number, maxt: number): Querier;
}

/** Why samples were refused; counted per reason and reported. */
export type RefusalReason =
  | "out_of_bounds"
  | "out_of_order"
  | "duplicate_sample"
  | "series_limit"
  | "label_limit"
  | "label_length"
  | "samples_per_request";

/** Outcome of a commit. */
export interface CommitResult {
  /** Samples written and acknowledged. */
  readonly accepted: number;
  /** Samples refused, per reason (only non-zero reasons present). */
  readonly refused: Partial<Record<RefusalReason, number>>;
}

/**
 * Buffers samples of one request and writes them atomically: nothing is visible
 * or durable until `commit`, which resolves only after the WAL record is written
 * to its file (and fsynced, when the store is configured for it).
 */
export interface Appender {
  /**
   * Adds a sample. `ref` is a series reference returned earlier by this store
   * (0 when unknown); `labels` is used when the ref is 0 or no longer valid.
   * Returns the series reference to pass next time.
   */
  append(ref: number, labels: Labels, t: number, v: number): number;
  commit(): Promise<CommitResult>;
  rollback(): void;
}

/** Something that can open appenders. */
export interface Appendable {
  appender(): Appender;
}

/** A store with both sides. */
export interface Storage extends Queryable, Appendable {}
