/**
 * Record payloads of the WAL: series definitions and sample batches (layouts in
 * docs/formats/wal.md). Types and pure encoding, no I/O.
 *
 * An encoded record, as returned by the encoders and accepted by `Wal.log`, is
 * one type byte (`RecordType`) followed by the payload. The WAL frames it as
 * type, length, checksum, payload; `decodeRecord` (record-decode.ts) receives
 * the frame's type and payload. Same split as Prometheus `tsdb/record`
 * (payloads) and `tsdb/wlog` (framing), with our own byte layout.
 */
import { Buffer } from "node:buffer";
import { bug } from "../../lib/errors.js";
import type { Labels } from "../labels.js";
import { RecordType } from "./format.js";
import { MAX_VARINT_LEN, putUvarint, putVarint } from "./varint.js";

/** One series definition: its id in the head and its label set. */
export interface SeriesEntry {
  ref: number;
  labels: Labels;
}

/**
 * A decoded record. The typed arrays hold exactly `length` samples and never
 * alias the read buffer; from `decodeRecord` they are the record's own, from a
 * `RecordDecoder` (and so in `Wal.replay`) they are reused by the next record.
 */
export type DecodedRecord =
  | { type: "series"; series: SeriesEntry[] }
  | {
      type: "samples";
      refs: Uint32Array;
      ts: Float64Array;
      vs: Float64Array;
      length: number;
      /** True for an out-of-order batch (RecordType.oooSamples). */
      ooo: boolean;
    };

const MAX_REF = 0xffff_ffff;

/** Encoded size of one sample, at most: two varints and the 8 value bytes. */
const MAX_SAMPLE_SIZE = 2 * MAX_VARINT_LEN + 8;

/** Float64Array byte order; values are stored little-endian on disk. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

// Encoders fill this scratch buffer, then copy out exactly the bytes used: one
// right-sized allocation per record. Not observable by callers.
let scratch = Buffer.allocUnsafeSlow(64 * 1024);

function scratchOf(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.max(size, 2 * scratch.length));
  return scratch;
}

function copyOut(buf: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  out.set(buf.subarray(0, len));
  return out;
}

/** Encodes series definitions: uvarint count, then per series uvarint ref and its labels. */
export function encodeSeriesRecord(series: readonly SeriesEntry[]): Uint8Array {
  let max = 1 + MAX_VARINT_LEN;
  for (const s of series) {
    max += 2 * MAX_VARINT_LEN;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    for (const l of s.labels) max += 2 * MAX_VARINT_LEN + 3 * (l.name.length + l.value.length);
  }
  const buf = scratchOf(max);
  buf[0] = RecordType.series;
  let pos = putUvarint(buf, 1, series.length);
  for (const s of series) {
    if (!Number.isInteger(s.ref) || s.ref < 0 || s.ref > MAX_REF) {
      throw bug("series ref is not a u32", { ref: s.ref });
    }
    pos = putUvarint(buf, pos, s.ref);
    pos = putUvarint(buf, pos, s.labels.length);
    for (const l of s.labels) {
      pos = putString(buf, pos, l.name);
      pos = putString(buf, pos, l.value);
    }
  }
  return copyOut(buf, pos);
}

function putString(buf: Buffer, pos: number, s: string): number {
  const n = Buffer.byteLength(s, "utf8");
  pos = putUvarint(buf, pos, n);
  buf.write(s, pos, n, "utf8");
  return pos + n;
}

/**
 * Encodes samples `[0, n)` of the caller's arrays: uvarint count, uvarint first
 * ref, zigzag first timestamp, then per sample zigzag deltas of ref and time
 * against the first sample, then the n values as 8 IEEE-754 bytes each, copied
 * bit for bit (stale markers and other NaN payloads survive). The values form
 * one block so that both directions copy them in one go. Timestamps are integer ms.
 */
export function encodeSamplesRecord(
  refs: Uint32Array,
  ts: Float64Array,
  vs: Float64Array,
  n: number,
  ooo = false,
): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > refs.length || n > ts.length || n > vs.length) {
    throw bug("encodeSamplesRecord: n out of range", { n, refs: refs.length, ts: ts.length });
  }
  const buf = scratchOf(1 + 3 * MAX_VARINT_LEN + n * MAX_SAMPLE_SIZE);
  buf[0] = ooo ? RecordType.oooSamples : RecordType.samples;
  let pos = putUvarint(buf, 1, n);
  if (n === 0) return copyOut(buf, pos);
  const baseRef = refs[0];
  const baseT = ts[0];
  if (!Number.isSafeInteger(baseT)) throw bug("sample timestamp is not an integer", { t: baseT });
  pos = putUvarint(buf, pos, baseRef);
  pos = putVarint(buf, pos, baseT);
  // Fast path: one pass over the deltas, then one copy of the value block.
  for (let i = 0; i < n; i++) {
    const dRef = refs[i] - baseRef;
    pos = isSmallInt(dRef) ? putZigzag30(buf, pos, dRef) : putVarint(buf, pos, dRef);
    const dt = ts[i] - baseT;
    if (isSmallInt(dt)) {
      pos = putZigzag30(buf, pos, dt);
    } else {
      if (!Number.isSafeInteger(dt)) throw bug("sample timestamp is not an integer", { t: ts[i] });
      pos = putVarint(buf, pos, dt);
    }
  }
  const vb = new Uint8Array(vs.buffer, vs.byteOffset, n * 8);
  if (LITTLE_ENDIAN) {
    buf.set(vb, pos);
  } else {
    for (let o = 0; o < n * 8; o += 8) for (let k = 0; k < 8; k++) buf[pos + o + k] = vb[o + 7 - k];
  }
  return copyOut(buf, pos + n * 8);
}

/** True when `x` is an integer with |x| < 2^30 (also false for NaN and fractions). */
function isSmallInt(x: number): boolean {
  return (x | 0) === x && x >= -0x4000_0000 && x < 0x4000_0000;
}

/**
 * Fast path: `putVarint` for |x| < 2^30 with 32-bit operators (the zigzag
 * value then fits in 31 bits); writes the same bytes.
 */
function putZigzag30(buf: Uint8Array, pos: number, x: number): number {
  let u = (x << 1) ^ (x >> 31);
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[pos++] = u;
  return pos;
}
