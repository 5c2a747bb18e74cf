/**
 * Decoder of the XOR chunk (docs/formats/xor-chunk.md), the mirror of
 * xor-append.ts; reads chunks written by Prometheus' `XORChunk` as well.
 * Corrupt or truncated bytes throw RD_CORRUPT_CHUNK; callers that know where
 * the chunk came from (block, segment, offset) wrap it with that context.
 *
 * Fast path: one loop (`decodeRun`) does all the work with its state in local
 * variables, where V8 keeps it in registers; XorIterator and decodeXorInto
 * both drive it. Its bit reader keeps 25 to 32 unread bits in `acc`, so any
 * read of up to 25 bits needs no boundary check, and tops up a byte at a time.
 */

import { corruptChunk } from "./bstream.js";
import { floatAlias, HI as HI_INDEX, LO as LO_INDEX } from "./float-bits.js";
import { readUvarint, readVarint } from "./varint.js";
import type { XorCheckpoint } from "./xor-append.js";

// Fast path: module-local copies (see float-bits.ts).
const { f64: floatScratch, words: floatWords } = floatAlias();
const HI = HI_INDEX;
const LO = LO_INDEX;

const TWO_32 = 4294967296;

/** Number of samples in an XOR chunk, from its 2-byte big-endian header. */
export function xorChunkCount(bytes: Uint8Array): number {
  if (bytes.length < 2) throw corruptChunk(`xor chunk of ${bytes.length} bytes has no header`);
  return (bytes[0] << 8) | bytes[1];
}

/** Where a decode stands between two runs; also the ByteCursor for the varints. */
class DecodeState {
  readonly data: Uint8Array;
  readonly total: number;
  /** Samples decoded so far. */
  read = 0;
  /** Bit reader: next byte to load; the low `n` bits of `acc` are unread. */
  p = 2;
  acc = 0;
  n = 0;
  /** Last sample: timestamp and delta (ms) and the value's int32 halves. */
  t = 0;
  tDelta = 0;
  vHi = 0;
  vLo = 0;
  /** Current XOR window. */
  leading = 0;
  trailing = 0;

  constructor(data: Uint8Array) {
    this.data = data;
    this.total = xorChunkCount(data);
  }
}

/** Sample 0: zigzag varint timestamp and 8 raw value bytes (byte-aligned). */
function readFirst(s: DecodeState): void {
  const t = readVarint(s);
  const d = s.data;
  const p = s.p;
  if (p + 8 > d.length) throw corruptChunk(`truncated first value at byte ${p} of ${d.length}`);
  s.vHi = (d[p] << 24) | (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3];
  s.vLo = (d[p + 4] << 24) | (d[p + 5] << 16) | (d[p + 6] << 8) | d[p + 7];
  s.p = p + 8;
  s.t = t;
}

/**
 * Decodes up to `limit` more samples of `s`; those with mint <= t <= maxt go to
 * ts/vs from index `k` on. Returns the index after the last one written.
 */
function decodeRun(
  s: DecodeState,
  mint: number,
  maxt: number,
  ts: Float64Array,
  vs: Float64Array,
  k: number,
  limit: number,
): number {
  const d = s.data;
  const len = d.length;
  const end = Math.min(s.total, s.read + limit);
  let i = s.read;
  if (i === 0 && i < end) {
    readFirst(s);
    i = 1;
    if (s.t > maxt) {
      s.read = i;
      return k;
    }
    if (s.t >= mint) {
      ts[k] = s.t;
      floatWords[HI] = s.vHi;
      floatWords[LO] = s.vLo;
      vs[k++] = floatScratch[0];
    }
  }
  if (i === 1 && i < end) {
    // Sample 1's timestamp: a byte-aligned uvarint delta; its value record follows.
    s.tDelta = readUvarint(s);
    s.t += s.tDelta;
  }
  let p = s.p;
  let acc = s.acc;
  let n = s.n;
  let t = s.t;
  let tDelta = s.tDelta;
  let vHi = s.vHi;
  let vLo = s.vLo;
  let leading = s.leading;
  let trailing = s.trailing;
  for (; i < end; i++) {
    // Top up to >= 25 unread bits; past the end, zeros (checked below).
    while (n <= 24) {
      acc = (acc << 8) | (p < len ? d[p] : 0);
      p++;
      n += 8;
    }
    if (i >= 2) {
      // Timestamp record: the prefix is at most 4 bits, its payload at most 20.
      const top = (acc >>> (n - 4)) & 0xf;
      if (top < 0b1000) {
        n -= 1; // '0': same delta
      } else if (top < 0b1111) {
        let sz: number;
        if (top < 0b1100) {
          sz = 14;
          n -= 2;
        } else if (top < 0b1110) {
          sz = 17;
          n -= 3;
        } else {
          sz = 20;
          n -= 4;
        }
        n -= sz;
        const raw = (acc >>> n) & ((1 << sz) - 1);
        // Raw values above 2^(sz-1) are negative (see the format doc).
        tDelta += raw > 1 << (sz - 1) ? raw - (1 << sz) : raw;
      } else {
        n -= 4;
        let hi = 0;
        let lo = 0;
        for (let m = 64; m > 0; ) {
          while (n <= 24) {
            acc = (acc << 8) | (p < len ? d[p] : 0);
            p++;
            n += 8;
          }
          const c = Math.min(m, 24);
          n -= c;
          hi = (hi << c) | (lo >>> (32 - c));
          lo = (lo << c) | ((acc >>> n) & ((1 << c) - 1));
          m -= c;
        }
        tDelta += hi * TWO_32 + (lo >>> 0);
      }
      t += tDelta;
      while (n <= 24) {
        acc = (acc << 8) | (p < len ? d[p] : 0);
        p++;
        n += 8;
      }
    }
    // Value record.
    const head = (acc >>> (n - 2)) & 3;
    if (head < 2) {
      n -= 1; // '0': same value
    } else {
      n -= 2;
      if (head === 3) {
        // '11': 5 bits of leading zeros and 6 of significant bits (0 means 64).
        n -= 11;
        const w = (acc >>> n) & 0x7ff;
        leading = w >>> 6;
        trailing = 64 - leading - (w & 63 || 64);
        if (trailing < 0) throw corruptChunk(`xor window of ${leading} leading, ${w & 63} bits`);
      }
      // The window's bits, most significant first, in chunks of up to 24.
      let sHi = 0;
      let sLo = 0;
      for (let m = 64 - leading - trailing; m > 0; ) {
        while (n <= 24) {
          acc = (acc << 8) | (p < len ? d[p] : 0);
          p++;
          n += 8;
        }
        const c = Math.min(m, 24);
        n -= c;
        sHi = (sHi << c) | (sLo >>> (32 - c));
        sLo = (sLo << c) | ((acc >>> n) & ((1 << c) - 1));
        m -= c;
      }
      if (trailing >= 32) {
        vHi ^= sLo << (trailing - 32);
      } else if (trailing > 0) {
        vHi ^= (sHi << trailing) | (sLo >>> (32 - trailing));
        vLo ^= sLo << trailing;
      } else {
        vHi ^= sHi;
        vLo ^= sLo;
      }
    }
    if (p > len && (p - len) * 8 > n) {
      throw corruptChunk(`truncated at sample ${i} of ${s.total}, ${len} bytes`);
    }
    if (t > maxt) {
      // Timestamps increase: nothing later can match. The state stays consistent.
      i++;
      break;
    }
    if (t >= mint) {
      ts[k] = t;
      floatWords[HI] = vHi;
      floatWords[LO] = vLo;
      vs[k++] = floatScratch[0];
    }
  }
  s.read = i;
  s.p = p;
  s.acc = acc;
  s.n = n;
  s.t = t;
  s.tDelta = tDelta;
  s.vHi = vHi;
  s.vLo = vLo;
  s.leading = leading;
  s.trailing = trailing;
  return k;
}

/** Samples an iterator decodes per run: 8 float64s keep its buffers on V8's heap (<= 64 bytes). */
const BATCH = 8;

/**
 * Iterates over the samples of an XOR chunk. After `next()` returns true, `t`
 * (ms) and `v` hold the sample; `v` carries the encoded bit pattern exactly
 * (NaN payloads, the stale marker, -0).
 */
export class XorIterator {
  /** Timestamp of the current sample, ms. */
  t = 0;
  /** Value of the current sample. */
  v = 0;
  private readonly s: DecodeState;
  private readonly bufT = new Float64Array(BATCH);
  private readonly bufV = new Float64Array(BATCH);
  private bufN = 0;
  private bufI = 0;

  /** Iterates over `bytes`, which must start with the 2-byte sample count. */
  constructor(bytes: Uint8Array) {
    this.s = new DecodeState(bytes);
  }

  /** Advances to the next sample; false once all samples were read. */
  next(): boolean {
    if (this.bufI === this.bufN) {
      const s = this.s;
      if (s.read >= s.total) return false;
      this.bufN = decodeRun(s, -Infinity, Infinity, this.bufT, this.bufV, 0, BATCH);
      this.bufI = 0;
    }
    const i = this.bufI++;
    this.t = this.bufT[i];
    this.v = this.bufV[i];
    return true;
  }
}

/**
 * Decodes the samples of `bytes` with mint <= t <= maxt into ts/vs from index
 * `offset` on, and returns the index after the last one written. The caller
 * guarantees capacity for offset + xorChunkCount(bytes) samples.
 */
export function decodeXorInto(
  bytes: Uint8Array,
  mint: number,
  maxt: number,
  ts: Float64Array,
  vs: Float64Array,
  offset: number,
): number {
  const s = new DecodeState(bytes);
  return decodeRun(s, mint, maxt, ts, vs, offset, s.total);
}

/**
 * decodeXorInto from a checkpoint of the chunk's appender: decodes only the
 * samples after it. The bytes must be the same chunk, at least as long as
 * when the checkpoint was taken (appends only add bits after it).
 */
export function decodeXorFromInto(
  bytes: Uint8Array,
  cp: XorCheckpoint,
  mint: number,
  maxt: number,
  ts: Float64Array,
  vs: Float64Array,
  offset: number,
): number {
  const s = new DecodeState(bytes);
  if (cp.count < 2 || cp.count > s.total)
    throw corruptChunk(`checkpoint at sample ${cp.count} of ${s.total}`);
  s.read = cp.count;
  s.t = cp.t;
  s.tDelta = cp.tDelta;
  s.vHi = cp.vHi;
  s.vLo = cp.vLo;
  s.leading = cp.leading;
  s.trailing = cp.trailing;
  const byte = cp.bitPos >>> 3;
  const used = cp.bitPos & 7;
  s.p = byte;
  s.acc = 0;
  s.n = 0;
  if (used !== 0) {
    // The rest of a partly read byte: its low 8 - used bits.
    s.acc = bytes[byte] & ((1 << (8 - used)) - 1);
    s.n = 8 - used;
    s.p = byte + 1;
  }
  return decodeRun(s, mint, maxt, ts, vs, offset, s.total);
}
