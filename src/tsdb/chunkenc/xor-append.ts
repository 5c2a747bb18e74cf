/**
 * Encoder of the XOR chunk (docs/formats/xor-chunk.md): Gorilla's
 * delta-of-delta timestamps and XOR-compressed floats (Pelkonen et al., VLDB
 * 2015, section 4.1) with the bucket widths and byte layout of Prometheus'
 * `XORChunk` (tsdb/chunkenc/xor.go), so chunks are interchangeable with it.
 */

import { bug } from "../../lib/errors.js";
import { BitWriter } from "./bstream.js";
import { floatAlias, HI as HI_INDEX, LO as LO_INDEX } from "./float-bits.js";
import { writeUvarint, writeVarint } from "./varint.js";

// Fast path: module-local copies (see float-bits.ts).
const { f64: floatScratch, words: floatWords } = floatAlias();
const HI = HI_INDEX;
const LO = LO_INDEX;

/** Encoding byte of XOR chunks, as in Prometheus' `chunkenc.EncXOR`. */
export const ENCODING_XOR = 1;

/** The 2-byte header caps a chunk at this many samples (Prometheus panics past it too). */
export const XOR_MAX_SAMPLES = 0xffff;

/**
 * Samples a chunk usually ends with: the head cuts chunks at 120 samples, as
 * Prometheus does. Used only to size the buffer once (see `append`).
 */
const EXPECTED_SAMPLES = 120;

/**
 * Sample count at which the buffer is sized for EXPECTED_SAMPLES: early enough
 * that even ~8-byte float samples still fit the initial 64 bytes.
 */
const SIZE_AT = 6;

/** `leading` before the first XOR window is set: larger than any real count (<= 31). */
const NO_WINDOW = 0xff;

const TWO_32 = 4294967296;

/** Index of the lowest set bit of a non-zero int32. */
function ctz32(x: number): number {
  // `| 0` lets V8 negate in int32 without an overflow check (x may be -2^31).
  return 31 - Math.clz32(x & ((0 - x) | 0));
}

/**
 * Appends samples to one XOR chunk. Timestamps are int64 milliseconds in JS
 * numbers (safe integers), strictly increasing; values are float64, kept bit
 * for bit. Appending allocates nothing per sample: the buffer starts at 64
 * bytes, is resized once at sample SIZE_AT and doubles only past that estimate.
 */
/**
 * Where a reader can resume decoding a chunk: the decoder's state right after
 * sample `count` (1-based count of samples before the resume point), at bit
 * `bitPos` of the chunk bytes (header included). Reads of the recent end of
 * an open head chunk start here instead of at sample 0.
 */
export interface XorCheckpoint {
  readonly count: number;
  readonly bitPos: number;
  readonly t: number;
  readonly tDelta: number;
  readonly vHi: number;
  readonly vLo: number;
  readonly leading: number;
  readonly trailing: number;
}

/** A checkpoint is taken every this many samples; only the latest is kept. */
const CHECKPOINT_EVERY = 32;

type MutableCheckpoint = { -readonly [K in keyof XorCheckpoint]: XorCheckpoint[K] };

export class XorAppender {
  private readonly w = new BitWriter();
  /** The latest checkpoint (count 0: none yet); one object per appender, reused. */
  private cp: MutableCheckpoint | null = null;
  private n = 0;
  /** Bits written once the first two samples are in (they cost more than the rest). */
  private bitsAtTwo = 0;
  private firstT = Number.POSITIVE_INFINITY;
  private lastT = Number.NEGATIVE_INFINITY;
  /** Previous timestamp delta, ms; valid from the second sample on. */
  private tDelta = 0;
  /** Previous value's bit pattern as int32 halves (raw bits). */
  private vHi = 0;
  private vLo = 0;
  /** Current XOR window: leading zeros (0..31, or NO_WINDOW) and trailing zeros (0..63). */
  private leading = NO_WINDOW;
  private trailing = 0;

  /** An empty chunk: just the 2-byte sample count, 0. */
  constructor() {
    this.w.writeBits(0, 16);
  }

  /** The latest resume point (every CHECKPOINT_EVERY samples), or null. */
  get checkpoint(): XorCheckpoint | null {
    return this.cp !== null && this.cp.count > 0 ? this.cp : null;
  }

  /** Samples appended so far. */
  get count(): number {
    return this.n;
  }

  /** Timestamp of the first sample, ms; +Infinity while empty. */
  get minTime(): number {
    return this.firstT;
  }

  /** Timestamp of the last sample, ms; -Infinity while empty. */
  get maxTime(): number {
    return this.lastT;
  }

  /** Length in bytes of the chunk so far (the last byte may be partly filled). */
  get sizeBytes(): number {
    return this.w.byteLength;
  }

  /** The chunk bytes so far: a copy of exact length. */
  bytes(): Uint8Array {
    const out = this.w.bytes();
    out[0] = this.n >>> 8;
    out[1] = this.n;
    return out;
  }

  /** Writes the chunk bytes (sizeBytes of them) into `target` at `offset`, without allocating. */
  bytesInto(target: Uint8Array, offset: number): void {
    this.w.bytesInto(target, offset);
    target[offset] = this.n >>> 8;
    target[offset + 1] = this.n;
  }

  /** Empties the chunk for reuse, keeping its buffer: the next chunk of a series allocates nothing. */
  reset(): void {
    this.w.reset();
    this.w.writeBits(0, 16);
    this.n = 0;
    this.bitsAtTwo = 0;
    this.firstT = Number.POSITIVE_INFINITY;
    this.lastT = Number.NEGATIVE_INFINITY;
    this.tDelta = 0;
    this.vHi = 0;
    this.vLo = 0;
    this.leading = NO_WINDOW;
    this.trailing = 0;
    if (this.cp !== null) this.cp.count = 0;
  }

  /**
   * Appends the sample (t, v). Throws BUG when t is not a safe integer above the
   * previous timestamp, when the gap to it exceeds 2^53 - 1 ms, or when the chunk
   * already holds XOR_MAX_SAMPLES.
   */
  append(t: number, v: number): void {
    const prevT = this.lastT;
    const n = this.n;
    if (!(t > prevT) || !Number.isSafeInteger(t) || n === XOR_MAX_SAMPLES) {
      throw bug("XorAppender.append: timestamp not increasing, not an integer or chunk full", {
        t,
        prevT,
        count: n,
      });
    }
    floatScratch[0] = v;
    const hi = floatWords[HI];
    const lo = floatWords[LO];
    if (n >= 2) {
      const delta = t - prevT;
      if (delta > Number.MAX_SAFE_INTEGER) throw gapTooLarge(t, prevT);
      const dod = delta - this.tDelta;
      this.tDelta = delta;
      // Fast path: the timestamp record (at most 24 bits unless rare) is handed
      // to writeValue as a prefix so both records go out in as few writes as possible.
      if (dod === 0) {
        this.writeValue(hi, lo, 0, 1);
      } else if (dod >= -8191 && dod <= 8192) {
        this.writeValue(hi, lo, (0b10 << 14) | (dod & 0x3fff), 16);
      } else if (dod >= -65535 && dod <= 65536) {
        this.writeValue(hi, lo, (0b110 << 17) | (dod & 0x1ffff), 20);
      } else if (dod >= -524287 && dod <= 524288) {
        this.writeValue(hi, lo, (0b1110 << 20) | (dod & 0xfffff), 24);
      } else {
        this.writeDod64(dod);
        this.writeValue(hi, lo, 0, 0);
      }
    } else {
      this.appendFirstTwo(t, hi, lo);
    }
    this.vHi = hi;
    this.vLo = lo;
    this.lastT = t;
    this.n = n + 1;
    if (n + 1 === SIZE_AT) this.reserveForChunk();
    if ((n + 1) % CHECKPOINT_EVERY === 0) this.takeCheckpoint();
  }

  private takeCheckpoint(): void {
    let cp = this.cp;
    if (cp === null) {
      cp = { count: 0, bitPos: 0, t: 0, tDelta: 0, vHi: 0, vLo: 0, leading: 0, trailing: 0 };
      this.cp = cp;
    }
    cp.count = this.n;
    cp.bitPos = this.w.bitLength;
    cp.t = this.lastT;
    cp.tDelta = this.tDelta;
    cp.vHi = this.vHi;
    cp.vLo = this.vLo;
    // Before the first window the reader's window is 0/0; the writer's next value then opens one.
    cp.leading = this.leading === NO_WINDOW ? 0 : this.leading;
    cp.trailing = this.trailing;
  }

  /**
   * Sizes the buffer once for EXPECTED_SAMPLES at the rate seen so far, plus
   * 1/4 (bits * 10/64 bytes). Allocating a typed array past 64 bytes costs
   * hundreds of ns, far more than a sample, so one well-sized buffer beats
   * doubling from 64 bytes four or five times (measured: about 1.1 allocations
   * per 120-sample chunk instead of 4 to 5); past the estimate the writer
   * doubles as usual. The open chunk holds at most ~1/4 unused bytes, less than
   * doubling's up to 1/2, and bytes() returns an exact copy anyway.
   */
  private reserveForChunk(): void {
    const bits = this.w.bitLength;
    const perSample = (bits - this.bitsAtTwo) / (SIZE_AT - 2);
    const projected = bits + perSample * (EXPECTED_SAMPLES - SIZE_AT);
    this.w.reserve(Math.ceil((projected * 10) / 64));
  }

  /** Sample 0: varint timestamp and raw value; sample 1: uvarint delta and XOR value. */
  private appendFirstTwo(t: number, hi: number, lo: number): void {
    const w = this.w;
    if (this.n === 0) {
      writeVarint(w, t);
      w.writeBits(hi, 32);
      w.writeBits(lo, 32);
      this.firstT = t;
      return;
    }
    const delta = t - this.lastT;
    if (delta > Number.MAX_SAFE_INTEGER) throw gapTooLarge(t, this.lastT);
    writeUvarint(w, delta);
    this.tDelta = delta;
    this.writeValue(hi, lo, 0, 0);
    this.bitsAtTwo = w.bitLength;
  }

  /**
   * Delta of deltas beyond the 20-bit bucket: '1111' and the 64-bit two's
   * complement. |dod| < 2^53, so both words are exact.
   *
   * The buckets (in `append`) follow Prometheus: a bucket of b bits takes
   * -(2^(b-1) - 1) ..= 2^(b-1), because the reader maps raw values above
   * 2^(b-1) to negatives; +2^(b-1) fits and -2^(b-1) does not (xor.go `bitRange`).
   */
  private writeDod64(dod: number): void {
    const w = this.w;
    w.writeBits(0b1111, 4);
    w.writeBits(Math.floor(dod / TWO_32), 32);
    w.writeBits(dod >>> 0, 32);
  }

  /**
   * XOR of the value with the previous one: '0', '10' + window bits, or '11' +
   * new window. `prefix` is `prefixN` (0..24) bits to write first (the timestamp record).
   */
  private writeValue(hi: number, lo: number, prefix: number, prefixN: number): void {
    const xHi = hi ^ this.vHi;
    const xLo = lo ^ this.vLo;
    if ((xHi | xLo) === 0) {
      this.w.writeBits(prefix << 1, prefixN + 1);
      return;
    }
    // Leading zeros are capped at 31 so they fit 5 bits (as in Prometheus).
    const leading = xHi !== 0 ? Math.clz32(xHi) : 31;
    const trailing = xLo !== 0 ? ctz32(xLo) : 32 + ctz32(xHi);
    if (leading >= this.leading && trailing >= this.trailing) {
      // Fits the previous window (never true before the first window: NO_WINDOW > 31).
      const t0 = this.trailing;
      this.writeSignificant(
        (prefix << 2) | 0b10,
        prefixN + 2,
        xHi,
        xLo,
        t0,
        64 - this.leading - t0,
      );
      return;
    }
    this.leading = leading;
    this.trailing = trailing;
    const sig = 64 - leading - trailing; // 1..64; 64 is written as 0 in 6 bits
    const head = (0b11 << 11) | (leading << 6) | (sig & 63);
    if (prefixN > 19) {
      this.w.writeBits(prefix, prefixN);
      this.writeSignificant(head, 13, xHi, xLo, trailing, sig);
    } else {
      this.writeSignificant((prefix << 13) | head, prefixN + 13, xHi, xLo, trailing, sig);
    }
  }

  /**
   * Writes `headN` (1..32) bits of `head`, then bits [shift, shift + nbits) of the
   * 64-bit word (xHi:xLo), merging neighbours into one write when they fit 32 bits.
   */
  private writeSignificant(
    head: number,
    headN: number,
    xHi: number,
    xLo: number,
    shift: number,
    nbits: number,
  ): void {
    const w = this.w;
    let sHi: number;
    let sLo: number;
    if (shift === 0) {
      sHi = xHi;
      sLo = xLo;
    } else if (shift < 32) {
      sHi = xHi >>> shift;
      sLo = (xLo >>> shift) | (xHi << (32 - shift));
    } else {
      sHi = 0;
      sLo = xHi >>> (shift - 32);
    }
    // Invariant: sHi:sLo has no bits at or above nbits (they are leading zeros).
    if (nbits <= 32) {
      if (headN + nbits <= 32) {
        w.writeBits((head << nbits) | sLo, headN + nbits);
      } else {
        w.writeBits(head, headN);
        w.writeBits(sLo, nbits);
      }
      return;
    }
    const hiN = nbits - 32;
    if (headN + hiN <= 32) {
      w.writeBits((head << hiN) | sHi, headN + hiN);
    } else {
      w.writeBits(head, headN);
      w.writeBits(sHi, hiN);
    }
    w.writeBits(sLo, 32);
  }
}

function gapTooLarge(t: number, prevT: number): Error {
  return bug("XorAppender.append: timestamp gap beyond 2^53 - 1 ms", { t, prevT });
}
