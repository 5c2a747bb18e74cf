/**
 * Chunk segment files: `<block>/chunks/000001`, `000002`, ... hold the
 * encoded chunks of a block back to back. Layout (docs/formats/block.md):
 *
 *   header:  magic u32 BE | version u8 | 3 zero bytes
 *   chunk:   uvarint len(data) | encoding u8 | data | crc32c(encoding, data) u32 BE
 *
 * A chunk is addressed by `ref = segment * 2^32 + byte offset`, the scheme of
 * the Prometheus TSDB (tsdb/chunks/chunks.go, "ChunkRef"), so an index entry
 * needs no file table. Segments are at most `MAX_SEGMENT_BYTES`, which keeps
 * every offset well below 2^32.
 */
import { ReddotError } from "../../lib/errors.js";

/** Magic number opening every chunk segment file ("RDCK"). */
export const CHUNK_FILE_MAGIC = 0x5244434b;
/** Version of the chunk segment format; bumped on any layout change. */
export const CHUNK_FILE_VERSION = 1;
/** Bytes of the segment header: magic, version, padding to 8. */
export const CHUNK_FILE_HEADER_BYTES = 8;
/** Largest segment file, bytes (512 MiB, as Prometheus). */
export const MAX_SEGMENT_BYTES = 512 * 1024 * 1024;
/** Multiplier of the segment number in a chunk ref (2^32). */
export const SEGMENT_SHIFT = 2 ** 32;

/** Per-chunk overhead besides the length varint: encoding byte and CRC. */
export const CHUNK_OVERHEAD = 1 + 4;

/** The file name of segment `n` (1-based): six digits. */
export function segmentName(n: number): string {
  return String(n).padStart(6, "0");
}

/** The ref of the chunk at byte `offset` of segment `segment`. */
export function chunkRef(segment: number, offset: number): number {
  return segment * SEGMENT_SHIFT + offset;
}

/** Number of bytes `n` takes as an unsigned LEB128 varint. */
export function uvarintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** An RD_BLOCK_CORRUPT error naming the file. */
export function corrupt(path: string, message: string): ReddotError {
  return new ReddotError("RD_BLOCK_CORRUPT", 500, `${path}: ${message}`);
}

/** Segment number and byte offset of a chunk ref. */
export function splitRef(ref: number): { segment: number; offset: number } {
  const segment = Math.floor(ref / SEGMENT_SHIFT);
  return { segment, offset: ref - segment * SEGMENT_SHIFT };
}

/** A chunk as stored: its encoding id and its encoded bytes. */
export interface RawChunk {
  readonly encoding: number;
  readonly data: Uint8Array;
}
