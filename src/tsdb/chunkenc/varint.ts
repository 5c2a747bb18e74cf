/**
 * LEB128 varints, byte for byte the encoding of Go's
 * `binary.PutUvarint` / `binary.PutVarint` (zigzag), which Prometheus uses for
 * the first timestamp and the first delta of a chunk. They sit at byte
 * boundaries there, so writing goes through the BitWriter and reading works on
 * bytes directly.
 *
 * Values are JS numbers holding int64s. They are split into two 32-bit words
 * first: zigzag of a negative safe integer can exceed 2^53 (e.g. -(2^53-1)
 * becomes 2^54-3), which a double cannot hold exactly.
 */

import { type BitWriter, corruptChunk } from "./bstream.js";

const TWO_32 = 4294967296;

/** Writes the uint64 `hi * 2^32 + lo` (both words unsigned) as a uvarint. */
function writeUvarintWords(w: BitWriter, hi: number, lo: number): void {
  while (hi !== 0 || lo >= 0x80) {
    w.writeBits((lo & 0x7f) | 0x80, 8);
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  w.writeBits(lo, 8);
}

/** Writes a non-negative safe integer as a uvarint (1 to 8 bytes). */
export function writeUvarint(w: BitWriter, n: number): void {
  writeUvarintWords(w, Math.floor(n / TWO_32), n >>> 0);
}

/** Writes a safe integer as a zigzag varint: 0, -1, 1, -2 ... become 0, 1, 2, 3 ... */
export function writeVarint(w: BitWriter, x: number): void {
  // Two's complement words of x; ToUint32 (`>>> 0`) is exact modulo 2^32.
  const hi = Math.floor(x / TWO_32) | 0;
  const lo = x >>> 0;
  const sign = hi >> 31; // 0 or -1
  writeUvarintWords(w, (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0, ((lo << 1) ^ sign) >>> 0);
}

/** A read position in a byte array; advanced by the readers below. */
export interface ByteCursor {
  readonly data: Uint8Array;
  /** Index of the next byte to read. */
  p: number;
}

// Result words of readUvarintWords; module state is safe since decoding is synchronous.
let wordHi = 0;
let wordLo = 0;

/** Reads a uvarint of up to 10 bytes into wordHi/wordLo (unsigned). */
function readUvarintWords(c: ByteCursor): void {
  const d = c.data;
  let hi = 0;
  let lo = 0;
  for (let shift = 0; shift < 70; shift += 7) {
    if (c.p >= d.length) throw corruptChunk(`truncated varint at byte ${c.p} of ${d.length}`);
    const b = d[c.p++];
    const part = b & 0x7f;
    if (shift < 32) {
      lo |= part << shift;
      if (shift > 25) hi |= part >>> (32 - shift);
    } else {
      hi |= part << (shift - 32);
    }
    if (b < 0x80) {
      wordHi = hi >>> 0;
      wordLo = lo >>> 0;
      return;
    }
  }
  throw corruptChunk(`varint longer than 10 bytes, ending at byte ${c.p}`);
}

/** Reads a uvarint at the cursor; throws RD_CORRUPT_CHUNK when it exceeds 2^53 - 1. */
export function readUvarint(c: ByteCursor): number {
  readUvarintWords(c);
  if (wordHi >= 0x200000) throw corruptChunk(`uvarint beyond 2^53: high word ${wordHi}`);
  return wordHi * TWO_32 + wordLo;
}

/** Reads a zigzag varint at the cursor; throws RD_CORRUPT_CHUNK outside the safe integers. */
export function readVarint(c: ByteCursor): number {
  readUvarintWords(c);
  // Zigzag decode on the words: x = (z >>> 1) ^ -(z & 1).
  const sign = -(wordLo & 1);
  const lo = (((wordLo >>> 1) | (wordHi << 31)) ^ sign) >>> 0;
  const hi = ((wordHi >>> 1) ^ sign) | 0;
  const x = hi * TWO_32 + lo;
  if (!Number.isSafeInteger(x)) {
    throw corruptChunk(`varint outside the safe integer range: words ${hi}, ${lo}`);
  }
  return x;
}
