/**
 * Bit streams: the most significant bit of each byte comes first, as in the
 * Prometheus `bstream` (tsdb/chunkenc/bstream.go) and the Gorilla paper.
 *
 * Both sides move 32 bits at a time through an int32 accumulator so the hot
 * path stays in V8's small-integer arithmetic; nothing here allocates per call
 * except when the writer's buffer has to grow.
 */

import { ReddotError } from "../../lib/errors.js";

/** Error code for chunk bytes that end early or hold impossible values. */
export const CORRUPT_CHUNK = "RD_CORRUPT_CHUNK";

/** The error thrown when encoded bytes cannot be decoded. */
export function corruptChunk(message: string): ReddotError {
  return new ReddotError(CORRUPT_CHUNK, 500, `corrupt chunk: ${message}`);
}

/** Appends bits to a growable buffer. */
export class BitWriter {
  /**
   * Finished 32-bit words in host byte order; `bytes()` converts them to the
   * big-endian stream. One typed-array store per word keeps the spill cheap.
   */
  private words: Int32Array;
  private nWords = 0;
  /** Pending bits, right-aligned; only the low `accN` bits are meaningful, the rest are 0. */
  private acc = 0;
  /** Number of pending bits, 0..31. */
  private accN = 0;

  /**
   * `initialBytes` is the starting capacity; the buffer doubles when full. V8
   * keeps typed arrays of up to 64 bytes on its heap, where allocating them is
   * an order of magnitude cheaper than larger ones.
   */
  constructor(initialBytes = 64) {
    this.words = new Int32Array(Math.max(1, (initialBytes + 3) >>> 2));
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.nWords * 32 + this.accN;
  }

  /** Bytes needed to hold the bits written so far (the last one zero-padded). */
  get byteLength(): number {
    return this.nWords * 4 + ((this.accN + 7) >>> 3);
  }

  /** Appends one bit (0 or 1). */
  writeBit(bit: number): void {
    this.writeBits(bit, 1);
  }

  /**
   * Appends the low `n` bits of `value`, most significant first; 1 <= n <= 32.
   * Fast path: kept small so V8 inlines it at every call site; the word
   * boundary case lives in `spill`.
   */
  writeBits(value: number, n: number): void {
    if (n < 32) value &= (1 << n) - 1;
    const accN = this.accN + n;
    if (accN < 32) {
      this.acc = (this.acc << n) | value;
      this.accN = accN;
      return;
    }
    this.spill(value, n);
  }

  /** Ensures room for `bytes` bytes in total without growing again. */
  reserve(bytes: number): void {
    const words = (bytes + 3) >>> 2;
    if (words > this.words.length) this.resize(words);
  }

  /** A copy of the bytes written so far, of exact length; trailing bits are 0. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    this.bytesInto(out, 0);
    return out;
  }

  /** Forgets everything written, keeping the buffer (no allocation for the next chunk). */
  reset(): void {
    this.nWords = 0;
    this.acc = 0;
    this.accN = 0;
  }

  /**
   * Writes the bytes written so far into `target` at `offset` (byteLength
   * bytes; trailing bits 0). Fast path: lets callers copy a chunk straight into
   * an output buffer without an intermediate array.
   */
  bytesInto(target: Uint8Array, offset: number): void {
    const out = target;
    const end = offset + this.byteLength;
    const words = this.words;
    let j = offset;
    for (let i = 0; i < this.nWords; i++, j += 4) {
      // Uint8Array stores keep the low 8 bits, so no masking is needed.
      const word = words[i];
      out[j] = word >>> 24;
      out[j + 1] = word >>> 16;
      out[j + 2] = word >>> 8;
      out[j + 3] = word;
    }
    if (this.accN > 0) {
      const aligned = this.acc << (32 - this.accN);
      for (let shift = 24; j < end; j++, shift -= 8) out[j] = aligned >>> shift;
    }
  }

  /** writeBits when the pending bits reach 32: completes a word and keeps the rest. */
  private spill(value: number, n: number): void {
    const free = 32 - this.accN; // 1..32, and n >= free
    const rest = n - free;
    const word = free === 32 ? value : (this.acc << free) | (value >>> rest);
    if (this.nWords === this.words.length) this.resize(this.words.length * 2);
    this.words[this.nWords++] = word;
    this.acc = rest === 0 ? 0 : value & ((1 << rest) - 1);
    this.accN = rest;
  }

  private resize(words: number): void {
    const grown = allocWords(words);
    grown.set(this.words);
    this.words = grown;
  }
}

/** Words per slab shared by chunk buffers (1 MiB). */
const SLAB_WORDS = 256 * 1024;
/** Buffers up to this many words come from a slab; larger ones get their own. */
const MAX_SLAB_ALLOC = 1024;
let slab = new Int32Array(0);
let slabUsed = 0;

/**
 * A zeroed word buffer. Fast path: every open chunk of every series needs one
 * of about a kilobyte; giving each its own ArrayBuffer costs a malloc, external
 * memory accounting and GC pressure per series (30% of WAL replay time at 300k
 * series in a profile). Small buffers are views into shared 1 MiB slabs
 * instead. A slab lives while any view into it does; a buffer outgrown or
 * dropped leaves its space unused, which chunk buffers rarely do (they are
 * sized once per chunk and reused by the next chunk of the series).
 */
function allocWords(words: number): Int32Array {
  if (words > MAX_SLAB_ALLOC) return new Int32Array(words);
  if (slabUsed + words > slab.length) {
    slab = new Int32Array(SLAB_WORDS);
    slabUsed = 0;
  }
  const view = slab.subarray(slabUsed, slabUsed + words);
  slabUsed += words;
  return view;
}

/**
 * Reads bits written by `BitWriter`; throws RD_CORRUPT_CHUNK past the end.
 * The general-purpose reader (tests, format checks, future encodings); the XOR
 * decoder keeps its reader state in locals instead (xor-read.ts) for speed.
 */
export class BitReader {
  private readonly data: Uint8Array;
  /** Next byte of `data` to load into the accumulator. */
  private pos: number;
  /** Loaded bits, right-aligned; the low `n` are still unread. */
  private acc = 0;
  private n = 0;

  /** Reads `data` from byte `byteOffset` on. */
  constructor(data: Uint8Array, byteOffset = 0) {
    this.data = data;
    this.pos = byteOffset;
  }

  /** Bits consumed since byte 0 of `data`. */
  get bitPosition(): number {
    return this.pos * 8 - this.n;
  }

  /** Reads one bit. */
  readBit(): number {
    if (this.n === 0) this.refill(1);
    this.n--;
    return (this.acc >>> this.n) & 1;
  }

  /**
   * Reads `k` bits (1 <= k <= 32), first bit most significant. The result is an
   * int32: non-negative for k < 32; for k = 32 the first bit is the sign (use
   * `>>> 0` for the unsigned value). Int32 keeps callers in V8's small integers.
   */
  readBits(k: number): number {
    const n = this.n;
    if (k > n) return this.readAcross(k);
    this.n = n - k;
    return k === 32 ? this.acc : (this.acc >>> this.n) & ((1 << k) - 1);
  }

  /** Slow path of readBits: the bits straddle a refill. */
  private readAcross(k: number): number {
    const hiN = this.n; // < k <= 32
    const hi = hiN === 0 ? 0 : this.acc & ((1 << hiN) - 1);
    const loN = k - hiN;
    this.refill(loN);
    this.n -= loN;
    const lo = loN === 32 ? this.acc : (this.acc >>> this.n) & ((1 << loN) - 1);
    return (hi << loN) | lo;
  }

  /** Loads the next (up to) 32 bits; `need` is how many the caller will take. */
  private refill(need: number): void {
    const d = this.data;
    const p = this.pos;
    const rem = d.length - p;
    if (rem >= 4) {
      this.acc = (d[p] << 24) | (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3];
      this.n = 32;
      this.pos = p + 4;
      return;
    }
    if (rem * 8 < need) {
      throw corruptChunk(`truncated: needed ${need} more bits at byte ${p} of ${d.length}`);
    }
    let acc = 0;
    for (let i = p; i < d.length; i++) acc = (acc << 8) | d[i];
    this.acc = acc;
    this.n = rem * 8;
    this.pos = d.length;
  }
}
