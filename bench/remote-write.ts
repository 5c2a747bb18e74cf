/**
 * Stand-in Prometheus remote write 1.0 encoder with the same signature as
 * `encodeWriteRequest` in src/ingest, used until that module lands. The wire
 * format is prompb.WriteRequest (prometheus/prompb/remote.proto, types.proto):
 * WriteRequest{1: repeated TimeSeries}, TimeSeries{1: repeated Label,
 * 2: repeated Sample}, Label{1: name, 2: value}, Sample{1: double value,
 * 2: int64 timestamp}; the body is block-format snappy.
 */
import { compressSync } from "snappy";
import type { Labels } from "../src/storage/index.js";

/** One series of a write request: its labels and parallel timestamp/value arrays. */
export interface SeriesSamples {
  readonly labels: Labels;
  readonly ts: ArrayLike<number>;
  readonly vs: ArrayLike<number>;
}

/** Encodes a remote write 1.0 request body (snappy-compressed protobuf). */
export function encodeWriteRequest(series: readonly SeriesSamples[]): Buffer {
  const w = new Writer(64 * 1024);
  for (const s of series) {
    let size = 0;
    for (const l of s.labels) size += fieldSize(labelSize(l.name, l.value));
    for (let i = 0; i < s.ts.length; i++) size += fieldSize(sampleSize(s.ts[i]));
    w.tag(1, 2);
    w.varint(size);
    for (const l of s.labels) {
      w.tag(1, 2);
      w.varint(labelSize(l.name, l.value));
      w.string(1, l.name);
      w.string(2, l.value);
    }
    for (let i = 0; i < s.ts.length; i++) {
      w.tag(2, 2);
      w.varint(sampleSize(s.ts[i]));
      w.tag(1, 1);
      w.double(s.vs[i]);
      w.tag(2, 0);
      w.varint(s.ts[i]);
    }
  }
  return compressSync(w.finish());
}

function labelSize(name: string, value: string): number {
  return fieldSize(Buffer.byteLength(name)) + fieldSize(Buffer.byteLength(value));
}

/** A Sample message: tag + 8-byte double, tag + varint timestamp. */
function sampleSize(ts: number): number {
  return 1 + 8 + 1 + varintSize(ts);
}

/** A length-delimited field with a one-byte tag. */
function fieldSize(len: number): number {
  return 1 + varintSize(len) + len;
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Growable byte writer; varints use arithmetic since timestamps exceed 32 bits. */
class Writer {
  private buf: Buffer;
  private pos = 0;

  constructor(initial: number) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  tag(field: number, wireType: number): void {
    this.ensure(1);
    this.buf[this.pos++] = (field << 3) | wireType;
  }

  varint(v: number): void {
    this.ensure(10);
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  string(field: number, s: string): void {
    const len = Buffer.byteLength(s);
    this.tag(field, 2);
    this.varint(len);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
