/**
 * Remote write 1.0 encoder: the inverse of decode.ts, for tests, the
 * benchmark's load generator and the agent. Sizes every field first, writes
 * the protobuf into one Buffer, then compresses it (snappy block format).
 */
import { compressSync } from "snappy";
import { bug } from "../../lib/errors.js";
import type { Labels } from "../../storage/index.js";

/** One series to encode: `ts[i]` (integer ms) and `vs[i]` form sample `i`. */
export interface WriteSeries {
  /** Written in the given order: pass them sorted by name in byte order, as receivers require. */
  readonly labels: Labels;
  readonly ts: ArrayLike<number>;
  readonly vs: ArrayLike<number>;
}

const TAG_TIMESERIES = 0x0a; // WriteRequest.timeseries = 1, len
const TAG_LABEL = 0x0a; // TimeSeries.labels = 1, len
const TAG_SAMPLE = 0x12; // TimeSeries.samples = 2, len
const TAG_NAME = 0x0a; // Label.name = 1, len
const TAG_VALUE = 0x12; // Label.value = 2, len
const TAG_DOUBLE = 0x09; // Sample.value = 1, i64
const TAG_TIMESTAMP = 0x10; // Sample.timestamp = 2, varint

/**
 * Encodes series as a snappy-compressed `prometheus.WriteRequest`. Labels are
 * written as given (no sorting, no validation: tests use that to build bad
 * requests); every sample carries both of its fields.
 */
export function encodeWriteRequest(series: readonly WriteSeries[]): Buffer {
  // Pass 1: byte lengths of every string and series, so that pass 2 writes
  // each length prefix before its content without moving bytes.
  const strLens: number[] = [];
  const seriesLens = new Float64Array(series.length);
  let total = 0;
  for (let k = 0; k < series.length; k++) {
    const s = series[k];
    if (s.ts.length !== s.vs.length) {
      throw bug("ts and vs differ in length", { series: k, ts: s.ts.length, vs: s.vs.length });
    }
    let len = 0;
    for (const l of s.labels) {
      const nl = utf8Length(l.name);
      const vl = utf8Length(l.value);
      strLens.push(nl, vl);
      const ll = 2 + varintSize(nl) + nl + varintSize(vl) + vl;
      len += 1 + varintSize(ll) + ll;
    }
    for (let i = 0; i < s.ts.length; i++) {
      const sl = 10 + int64Size(s.ts[i]);
      len += 1 + varintSize(sl) + sl;
    }
    seriesLens[k] = len;
    total += 1 + varintSize(len) + len;
  }

  const buf = Buffer.allocUnsafe(total);
  let pos = 0;
  let si = 0;
  for (let k = 0; k < series.length; k++) {
    const s = series[k];
    buf[pos++] = TAG_TIMESERIES;
    pos = writeVarint(buf, pos, seriesLens[k]);
    for (const l of s.labels) {
      const nl = strLens[si++];
      const vl = strLens[si++];
      buf[pos++] = TAG_LABEL;
      pos = writeVarint(buf, pos, 2 + varintSize(nl) + nl + varintSize(vl) + vl);
      buf[pos++] = TAG_NAME;
      pos = writeVarint(buf, pos, nl);
      pos = writeString(buf, pos, l.name, nl);
      buf[pos++] = TAG_VALUE;
      pos = writeVarint(buf, pos, vl);
      pos = writeString(buf, pos, l.value, vl);
    }
    const { ts, vs } = s;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i];
      buf[pos++] = TAG_SAMPLE;
      buf[pos++] = 10 + int64Size(t); // at most 20: one byte
      buf[pos++] = TAG_DOUBLE;
      buf.writeDoubleLE(vs[i], pos);
      pos += 8;
      buf[pos++] = TAG_TIMESTAMP;
      pos = writeInt64(buf, pos, t);
    }
  }
  if (pos !== total) throw bug("encoded size differs from the computed size", { pos, total });
  return compressSync(buf);
}

/** Strings up to this length are measured and copied in JS; longer ones by Buffer's native code. */
const SHORT = 64;

/** UTF-8 length of `s`. Fast path: short ASCII strings avoid a native call. */
function utf8Length(s: string): number {
  const n = s.length;
  if (n > SHORT) return Buffer.byteLength(s, "utf8");
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, "utf8");
  return n;
}

/** Writes `s` (of UTF-8 length `byteLen`) at `pos`; returns the position after it. */
function writeString(buf: Buffer, pos: number, s: string, byteLen: number): number {
  if (byteLen !== s.length || byteLen > SHORT) return pos + buf.write(s, pos, "utf8");
  for (let i = 0; i < byteLen; i++) buf[pos + i] = s.charCodeAt(i);
  return pos + byteLen;
}

/** Bytes of a varint holding `v` (a non-negative safe integer). */
function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Bytes of an int64 varint holding `t`: negative values take 10 (two's complement). */
function int64Size(t: number): number {
  if (!Number.isSafeInteger(t)) throw bug("timestamp is not a safe integer", { t });
  return t < 0 ? 10 : varintSize(t);
}

function writeVarint(buf: Buffer, pos: number, v: number): number {
  while (v >= 0x80) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

function writeInt64(buf: Buffer, pos: number, t: number): number {
  if (t >= 0) return writeVarint(buf, pos, t);
  let u = BigInt.asUintN(64, BigInt(t));
  for (let i = 0; i < 9; i++) {
    buf[pos++] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  buf[pos++] = Number(u); // the tenth byte holds the top bit: 1
  return pos;
}
