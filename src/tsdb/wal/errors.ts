import { ReddotError } from "../../lib/errors.js";

/**
 * The WAL holds bytes that cannot be explained by a torn last write: a bad
 * checksum or malformed record followed by valid data, damage in a segment that
 * is not the last one, a missing segment. Carries where it happened so that the
 * DB (or an operator) can decide whether to repair by truncating there.
 * Upstream analogue: Prometheus `wlog.CorruptionErr` (tsdb/wlog/wlog.go).
 */
export class WalCorruptionError extends ReddotError {
  /** Path of the segment file (or directory) holding the damage; "" when not known yet. */
  readonly path: string;
  /** Byte offset of the first bad frame inside `path` (0 for whole-file problems). */
  readonly offset: number;
  /** What is wrong, without the location. */
  readonly reason: string;

  constructor(path: string, offset: number, reason: string, options?: { cause?: unknown }) {
    const where = path === "" ? `offset ${offset}` : `${path} at offset ${offset}`;
    super("RD_WAL_CORRUPT", 500, `WAL corrupt: ${where}: ${reason}`, options);
    this.name = "WalCorruptionError";
    this.path = path;
    this.offset = offset;
    this.reason = reason;
  }
}

/** True when `e` is a WalCorruptionError. */
export function isWalCorruptionError(e: unknown): e is WalCorruptionError {
  return e instanceof WalCorruptionError;
}

/** A segment written in a format version this build cannot read (a newer reddot wrote it). */
export function walVersionError(path: string, got: number, want: number): ReddotError {
  return new ReddotError(
    "RD_WAL_VERSION",
    500,
    `WAL segment ${path} has format version ${got}; this reddot reads version ${want} (was the data directory written by a newer reddot?)`,
  );
}

/** An I/O call on the WAL failed; the message names the file and the operation. */
export function walIoError(op: string, path: string, cause: unknown): ReddotError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ReddotError("RD_WAL_IO", 500, `WAL ${op} ${path}: ${detail}`, { cause });
}
