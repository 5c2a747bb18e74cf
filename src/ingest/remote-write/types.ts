import type { Labels } from "../../storage/index.js";

/**
 * Bounds on one remote-write request. Every request is checked against all of
 * them before anything is appended (docs/formats/remote-write.md, "Limits").
 */
export interface RemoteWriteLimits {
  /** Largest snappy-compressed body accepted, in bytes (413 above). */
  maxBodyBytes: number;
  /** Largest decompressed body, in bytes, read from snappy's length preamble before decompressing (413 above). */
  maxDecompressedBytes: number;
  /** Most samples in one request, over all series (400 above). */
  maxSamples: number;
  /** Most labels on one series, counted on the wire (empty values included). */
  maxLabels: number;
  /** Longest label name or value, in UTF-8 bytes. */
  maxLabelLength: number;
}

/** The limits used when the caller gives none: 32 MiB, 256 MiB, 2,000,000 samples, 128 labels, 4096 bytes. */
export const DEFAULT_REMOTE_WRITE_LIMITS: RemoteWriteLimits = Object.freeze({
  maxBodyBytes: 32 * 1024 * 1024,
  maxDecompressedBytes: 256 * 1024 * 1024,
  maxSamples: 2_000_000,
  maxLabels: 128,
  maxLabelLength: 4096,
});

/**
 * A fully validated remote-write request, held as columns over the
 * decompressed body (Fast path: no object per sample, no label strings until
 * asked for).
 *
 * Sample `i` belongs to series `sampleSeries[i]`, at `ts[i]` (ms) with value
 * `vs[i]`; samples keep their order on the wire. Only `[0, sampleCount)` of
 * the columns is meaningful.
 */
export interface DecodedWriteRequest {
  /** Number of series (TimeSeries messages) in the request. */
  readonly seriesCount: number;
  /**
   * Per series, a key made of the raw bytes of its label fields (one char per
   * byte). Equal keys mean equal label sets, so a cache keyed by it finds a
   * known series without decoding any label; the converse does not hold (two
   * encodings of one label set give two keys).
   */
  readonly keys: readonly string[];
  /** Labels of series `i`: decoded on first call, then cached. Empty values are dropped. */
  labels(i: number): Labels;
  /** Series index of each sample. */
  readonly sampleSeries: Uint32Array;
  /** Timestamp of each sample, integer ms. */
  readonly ts: Float64Array;
  /** Value of each sample, bit-exact from the wire (staleness markers kept). */
  readonly vs: Float64Array;
  /** Number of samples. */
  readonly sampleCount: number;
  /** Parts of the request this version reads past without storing them. */
  readonly skipped: { exemplars: number; histograms: number; metadata: number };
}
