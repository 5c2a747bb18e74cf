/**
 * On-disk constants of the WAL (see docs/formats/wal.md): segment header, frame
 * header, record types and file names. Pure: no I/O here.
 */
import { WalCorruptionError, walVersionError } from "./errors.js";

/** Format version written in every segment header; bump it (and migrate) on any layout change. */
export const WAL_FORMAT_VERSION = 1;

/** Magic bytes at the start of every segment: ASCII "RDWL". */
export const SEGMENT_MAGIC = Uint8Array.of(0x52, 0x44, 0x57, 0x4c);

/** Segment header: magic (4) + version (1) + reserved zeros (3), in bytes. */
export const SEGMENT_HEADER_SIZE = 8;

/** Frame header: type (1) + payload length u32 LE (4) + crc32c of payload u32 LE (4), in bytes. */
export const FRAME_HEADER_SIZE = 9;

/** Default maximum segment size in bytes (128 MiB), as in Prometheus. */
export const DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;

/** Smallest accepted segment size in bytes: a header plus a few small frames. */
export const MIN_SEGMENT_SIZE = 64;

/** Largest payload a frame can declare (u32 length field). */
export const MAX_PAYLOAD_SIZE = 0xffff_ffff;

/**
 * Record (frame) types. 0 is reserved and never valid, so that a zero-filled
 * tail can never be read as a record.
 */
export const RecordType = {
  /** Series definitions: (ref, labels) pairs. */
  series: 1,
  /** Sample batches: (ref, t, v) triples. */
  samples: 2,
  /**
   * Out-of-order sample batches, same payload as `samples`: samples the head
   * took into a series' out-of-order buffer. Kept apart so that replay can skip
   * in-order samples already in recovered head chunks and still restore these.
   */
  oooSamples: 3,
} as const;

/** True when `t` is a record type this version knows. */
export function isKnownRecordType(t: number): boolean {
  return t === RecordType.series || t === RecordType.samples || t === RecordType.oooSamples;
}

/** The segment header bytes of the current format version. */
export function encodeSegmentHeader(): Uint8Array {
  const h = new Uint8Array(SEGMENT_HEADER_SIZE);
  h.set(SEGMENT_MAGIC, 0);
  h[4] = WAL_FORMAT_VERSION;
  return h;
}

/**
 * Validates a segment header; throws WalCorruptionError on a bad magic or
 * non-zero reserved bytes, and RD_WAL_VERSION on an unknown version.
 * Precondition: `h` holds at least SEGMENT_HEADER_SIZE bytes.
 */
export function checkSegmentHeader(path: string, h: Uint8Array): void {
  for (let i = 0; i < SEGMENT_MAGIC.length; i++) {
    if (h[i] !== SEGMENT_MAGIC[i]) {
      throw new WalCorruptionError(path, 0, "segment header: bad magic (not a reddot WAL segment)");
    }
  }
  if (h[4] !== WAL_FORMAT_VERSION) throw walVersionError(path, h[4], WAL_FORMAT_VERSION);
  if (h[5] !== 0 || h[6] !== 0 || h[7] !== 0) {
    throw new WalCorruptionError(path, 5, "segment header: reserved bytes are not zero");
  }
}

/** The file name of segment `index`: 8 decimal digits, zero-padded (wider past 99999999). */
export function segmentName(index: number): string {
  return String(index).padStart(8, "0");
}

/** The directory name of the checkpoint that covers segments up to and including `index`. */
export function checkpointName(index: number): string {
  return `checkpoint.${segmentName(index)}`;
}

const SEGMENT_RE = /^\d{8,}$/;
const CHECKPOINT_RE = /^checkpoint\.(\d{8,})$/;
const CHECKPOINT_TMP_RE = /^checkpoint\.\d{8,}\.tmp$/;

/** The index of a segment file name, or -1 when `name` is not one. */
export function parseSegmentName(name: string): number {
  return SEGMENT_RE.test(name) ? Number(name) : -1;
}

/** The index of a checkpoint directory name, or -1 when `name` is not one. */
export function parseCheckpointName(name: string): number {
  const m = CHECKPOINT_RE.exec(name);
  return m ? Number(m[1]) : -1;
}

/** True for the name of an unfinished checkpoint (left by a crash during `checkpoint()`). */
export function isCheckpointTmpName(name: string): boolean {
  return CHECKPOINT_TMP_RE.test(name);
}
