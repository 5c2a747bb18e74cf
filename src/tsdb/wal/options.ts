/** Options, statistics and progress types of the WAL. */
import { ReddotError } from "../../lib/errors.js";
import { MIN_SEGMENT_SIZE } from "./format.js";

/** How to open a WAL. */
export interface WalOptions {
  /** The WAL directory (normally `<data>/wal`); created when missing. */
  dir: string;
  /** Rotate to a new segment before a record would push it past this many bytes. Default 128 MiB. */
  segmentSize?: number;
  /**
   * When to fsync: before each `log()` resolves (group commit: one fsync per
   * batch of waiters), every `fsyncIntervalMs`, or never (tests, tmpfs).
   */
  fsync: "always" | "interval" | "never";
  /** Period of the "interval" policy in ms. Default 1000. */
  fsyncIntervalMs?: number;
}

/** What a replay read. */
export interface ReplayStats {
  records: number;
  /** Series definitions delivered. */
  series: number;
  /** Samples delivered. */
  samples: number;
  /** Bytes of segment files read. */
  bytes: number;
  /** Segment files read, checkpoint segments included. */
  segments: number;
  tornTailsRepaired: number;
  durationMs: number;
}

/** Replay progress: `segment` of `segments` files, `bytes` of `totalBytes` read. */
export interface ReplayProgress {
  segment: number;
  segments: number;
  bytes: number;
  totalBytes: number;
}

/** Counters of a Wal since it was opened. */
export interface WalStats {
  /** Bytes written to segment files, headers included. */
  readonly bytesWritten: number;
  /** fsync calls on segment files. */
  readonly fsyncs: number;
  /** Records written. */
  readonly records: number;
  /** Torn tails cut off by replay or by the check before the first write. */
  readonly tornTailsRepaired: number;
}

/** Throws RD_WAL_OPTIONS naming the field when an option is out of range. */
export function checkWalOptions(opts: WalOptions): void {
  const size = opts.segmentSize;
  if (
    size !== undefined &&
    (!Number.isInteger(size) || size < MIN_SEGMENT_SIZE || size > 0xffff_ffff)
  ) {
    throw new ReddotError(
      "RD_WAL_OPTIONS",
      500,
      `wal.segmentSize: got ${size}; want an integer from ${MIN_SEGMENT_SIZE} to 4294967295`,
    );
  }
  const ms = opts.fsyncIntervalMs;
  if (ms !== undefined && !(ms > 0 && Number.isFinite(ms))) {
    throw new ReddotError("RD_WAL_OPTIONS", 500, `wal.fsyncIntervalMs: got ${ms}; want > 0`);
  }
  if (opts.fsync !== "always" && opts.fsync !== "interval" && opts.fsync !== "never") {
    throw new ReddotError(
      "RD_WAL_OPTIONS",
      500,
      `wal.fsync: got ${JSON.stringify(opts.fsync)}; want "always", "interval" or "never"`,
    );
  }
}
