/**
 * Byte encoding helpers for the on-disk index: LEB128 varints (as Go's
 * encoding/binary Uvarint/Varint, so values up to 2^53 in JS numbers) and
 * little-endian fixed-width integers. Pure, no I/O.
 *
 * Signed varints use zigzag layout (0, -1, 1, -2, ... → 0, 1, 2, 3, ...), but
 * are built byte by byte so that ±2^53, whose zigzag form needs 54 bits, never
 * passes through an inexact double.
 */

/** Raised by `Decoder` on malformed input; the reader adds the file path. */
export class DecodeError extends Error {
  /** Absolute byte offset where decoding failed. */
  readonly offset: number;

  constructor(what: string, offset: number) {
    super(what);
    this.name = "DecodeError";
    this.offset = offset;
  }
}

const TWO_32 = 2 ** 32;

/** A growable byte buffer for encoding; `bytes()` views the written part. */
export class ByteWriter {
  private buf: Uint8Array;
  /** Number of bytes written. */
  length = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + extra) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  /** Appends an unsigned varint; `v` must be a safe non-negative integer. */
  uvarint(v: number): void {
    this.ensure(8);
    const b = this.buf;
    let n = this.length;
    if (v < 0x80000000) {
      // Fast path: 31-bit values with bit operations.
      while (v >= 0x80) {
        b[n++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
    } else {
      while (v >= 0x80) {
        b[n++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
    }
    b[n++] = v;
    this.length = n;
  }

  /** Appends a zigzag signed varint; `v` must be a safe integer. */
  varint(v: number): void {
    const sign = v < 0 ? 1 : 0;
    const m = sign ? -v - 1 : v; // the zigzag value is 2m + sign
    const rest = Math.floor(m / 64);
    this.ensure(1);
    this.buf[this.length++] = ((m % 64) << 1) | sign | (rest > 0 ? 0x80 : 0);
    if (rest > 0) this.uvarint(rest);
  }

  /** Appends a little-endian u32. */
  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const n = this.length;
    b[n] = v & 0xff;
    b[n + 1] = (v >>> 8) & 0xff;
    b[n + 2] = (v >>> 16) & 0xff;
    b[n + 3] = (v >>> 24) & 0xff;
    this.length = n + 4;
  }

  /** Appends a little-endian u64 (a safe integer). */
  u64(v: number): void {
    this.u32(v % TWO_32);
    this.u32(Math.floor(v / TWO_32));
  }

  /** Appends raw bytes. */
  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /** The bytes written so far: a view, valid until the next write or reset. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** Forgets the content, keeping the capacity. */
  reset(): void {
    this.length = 0;
  }
}

/** Reads a little-endian u32 at `off` (the caller checked bounds). */
export function readU32(b: Uint8Array, off: number): number {
  return (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;
}

/** Reads a little-endian u64 at `off`; values past 2^53 are not exact (caller checks). */
export function readU64(b: Uint8Array, off: number): number {
  return readU32(b, off) + readU32(b, off + 4) * TWO_32;
}

/** A cursor over `buf[pos, end)`; every read checks bounds and throws DecodeError. */
export class Decoder {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    public end: number,
  ) {}

  /** Reads an unsigned varint of at most 8 bytes (values below 2^53). */
  uvarint(): number {
    const b = this.buf;
    if (this.pos >= this.end) throw new DecodeError("varint past end", this.pos);
    const start = this.pos;
    let byte = b[this.pos++];
    if (byte < 0x80) return byte; // Fast path: one byte.
    let result = byte & 0x7f;
    let mul = 128;
    for (let i = 1; ; i++) {
      if (this.pos >= this.end) throw new DecodeError("varint past end", start);
      if (i === 8) throw new DecodeError("varint too long", start);
      byte = b[this.pos++];
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) break;
      mul *= 128;
    }
    if (result > Number.MAX_SAFE_INTEGER) throw new DecodeError("varint out of range", start);
    return result;
  }

  /** Reads a zigzag signed varint (magnitude at most 2^53). */
  varint(): number {
    if (this.pos >= this.end) throw new DecodeError("varint past end", this.pos);
    const first = this.buf[this.pos++];
    let m = (first & 0x7f) >>> 1;
    if (first & 0x80) {
      const rest = this.uvarint();
      if (rest > Math.floor(Number.MAX_SAFE_INTEGER / 64)) {
        throw new DecodeError("varint out of range", this.pos);
      }
      m += rest * 64;
    }
    return first & 1 ? -m - 1 : m;
  }

  /** Reads a little-endian u32. */
  u32(): number {
    if (this.pos + 4 > this.end) throw new DecodeError("u32 past end", this.pos);
    const v = readU32(this.buf, this.pos);
    this.pos += 4;
    return v;
  }
}
