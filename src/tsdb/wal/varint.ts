/**
 * Variable-length integers for JS numbers, exact over the whole safe-integer
 * range (|x| <= 2^53 - 1). Unsigned varints are LEB128 as in Go's
 * `binary.PutUvarint`; signed ones are zigzag-mapped first (0, -1, 1, -2, ...
 * -> 0, 1, 2, 3, ...), as Go's `binary.PutVarint`, so the bytes match upstream.
 *
 * Bitwise operators truncate to 32 bits, so values past 2^31 are split with
 * division instead. Pure functions; callers own the buffers.
 */
import { WalCorruptionError } from "./errors.js";

/** Most bytes a safe integer takes as a varint (ceil(54 / 7)). */
export const MAX_VARINT_LEN = 8;

/** Writes `v` (a safe non-negative integer) at `pos`; returns the position after it. */
export function putUvarint(buf: Uint8Array, pos: number, v: number): number {
  // Fast path: values below 2^31 use 32-bit operators.
  if (v < 0x8000_0000) {
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    return pos;
  }
  while (v >= 0x80) {
    buf[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[pos++] = v;
  return pos;
}

/**
 * Writes `x` (a safe integer) zigzag-encoded at `pos`; returns the next position.
 * The zigzag value 2|x| - (x < 0) can exceed 2^53, so it is never formed: the
 * first byte carries the sign bit and 6 magnitude bits, the rest is `m >> 6`
 * as a plain uvarint, where m = x for x >= 0 and -x - 1 otherwise.
 */
export function putVarint(buf: Uint8Array, pos: number, x: number): number {
  const neg = x < 0 ? 1 : 0;
  const m = neg ? -x - 1 : x;
  if (m < 0x40) {
    buf[pos++] = (m << 1) | neg;
    return pos;
  }
  buf[pos++] = 0x80 | ((m % 0x40) << 1) | neg;
  return putUvarint(buf, pos, Math.floor(m / 0x40));
}

/**
 * Reads varints and fixed fields from a payload with bounds checks. Errors are
 * WalCorruptionErrors with the offset inside the payload and an empty path;
 * the segment reader adds the file and frame offset.
 */
export class ByteReader {
  /** Next byte to read. */
  pos = 0;

  constructor(readonly buf: Uint8Array) {}

  /** Bytes left to read. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Reads an unsigned varint; rejects truncation and values past 2^53 - 1. */
  uvarint(): number {
    const buf = this.buf;
    let pos = this.pos;
    let b = buf[pos++];
    // Fast path: one byte (an out-of-range read gives undefined, which fails the test).
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let v = 0;
    let mul = 1;
    for (let i = 0; i < MAX_VARINT_LEN; i++) {
      if (pos > buf.length) throw this.fail("varint runs past the end of the payload");
      v += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (v > Number.MAX_SAFE_INTEGER) break;
        this.pos = pos;
        return v;
      }
      mul *= 0x80;
      b = buf[pos++];
    }
    throw this.fail("varint exceeds 2^53");
  }

  /** Reads a zigzag varint written by `putVarint`. */
  varint(): number {
    const buf = this.buf;
    if (this.pos >= buf.length) throw this.fail("varint runs past the end of the payload");
    const b = buf[this.pos++];
    const neg = b & 1;
    let m = (b >>> 1) & 0x3f;
    if (b & 0x80) m += this.uvarint() * 0x40;
    if (m > Number.MAX_SAFE_INTEGER) throw this.fail("varint exceeds 2^53");
    return neg ? -m - 1 : m;
  }

  /** Skips `n` bytes and returns the offset where they start. */
  take(n: number): number {
    if (n > this.remaining) throw this.fail(`${n} bytes wanted, ${this.remaining} left`);
    const start = this.pos;
    this.pos += n;
    return start;
  }

  /** A corruption error at the current position. */
  fail(reason: string): WalCorruptionError {
    return new WalCorruptionError("", this.pos, `record payload: ${reason}`);
  }
}
