/**
 * The write-ahead log of the embedded store: append-only, CRC-checked segment
 * files with group commit, replay with torn-tail repair, and checkpoints.
 * Format: docs/formats/wal.md.
 */
export { isWalCorruptionError, WalCorruptionError } from "./errors.js";
export { DEFAULT_SEGMENT_SIZE, RecordType, WAL_FORMAT_VERSION } from "./format.js";
export type { ReplayProgress, ReplayStats, WalOptions, WalStats } from "./options.js";
export { decodeRecord } from "./record-decode.js";
export {
  type DecodedRecord,
  encodeSamplesRecord,
  encodeSeriesRecord,
  type SeriesEntry,
} from "./records.js";
export { Wal } from "./wal.js";
