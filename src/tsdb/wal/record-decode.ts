/**
 * Decoding of record payloads (layouts in docs/formats/wal.md). Pure, no I/O.
 *
 * `decodeRecord` returns records that own their arrays. Replay uses a
 * `RecordDecoder` instead: it decodes samples into arrays it reuses from one
 * record to the next and hands out the same string for repeated label bytes,
 * so a replay allocates little beyond the labels of new series.
 */
import { Buffer } from "node:buffer";
import type { Label } from "../labels.js";
import { WalCorruptionError } from "./errors.js";
import { RecordType } from "./format.js";
import type { DecodedRecord, SeriesEntry } from "./records.js";
import { ByteReader } from "./varint.js";

const MAX_REF = 0xffff_ffff;

/** Float64Array byte order; values are stored little-endian on disk. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The arrays a samples record of n samples is decoded into, each n long. */
interface SampleArrays {
  refs: Uint32Array;
  ts: Float64Array;
  vs: Float64Array;
}

function freshArrays(n: number): SampleArrays {
  return { refs: new Uint32Array(n), ts: new Float64Array(n), vs: new Float64Array(n) };
}

/**
 * Decodes the payload of a frame of type `frameType`; the record owns its
 * arrays. Throws WalCorruptionError (path "", offset inside the payload) on
 * an unknown type or malformed payload.
 */
export function decodeRecord(frameType: number, payload: Uint8Array): DecodedRecord {
  if (frameType === RecordType.samples) return decodeSamples(payload, freshArrays, false);
  if (frameType === RecordType.oooSamples) return decodeSamples(payload, freshArrays, true);
  if (frameType === RecordType.series) return decodeSeries(payload, null);
  throw new WalCorruptionError("", 0, `unknown record type ${frameType}`);
}

/**
 * Decodes records like `decodeRecord`, for a stream of them (replay,
 * checkpoints). Fast path: the `refs`, `ts` and `vs` of a samples record are
 * views of arrays this decoder reuses, so they are only valid until the next
 * `decode` call; copy what must outlive it. Series records are fresh objects.
 */
export class RecordDecoder {
  private arrays: SampleArrays = freshArrays(0);
  private readonly strings = new StringCache();
  private readonly reuse = (n: number): SampleArrays => {
    if (this.arrays.refs.length < n) this.arrays = freshArrays(Math.max(n, 1024));
    const a = this.arrays;
    return { refs: a.refs.subarray(0, n), ts: a.ts.subarray(0, n), vs: a.vs.subarray(0, n) };
  };

  /** See the class comment; throws like `decodeRecord`. */
  decode(frameType: number, payload: Uint8Array): DecodedRecord {
    if (frameType === RecordType.samples) return decodeSamples(payload, this.reuse, false);
    if (frameType === RecordType.oooSamples) return decodeSamples(payload, this.reuse, true);
    if (frameType === RecordType.series) return decodeSeries(payload, this.strings);
    throw new WalCorruptionError("", 0, `unknown record type ${frameType}`);
  }
}

function decodeSeries(payload: Uint8Array, strings: StringCache | null): DecodedRecord {
  const r = new ByteReader(payload);
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const count = r.uvarint();
  // Each series takes at least 2 bytes: refuse counts that would allocate wildly.
  if (count > r.remaining / 2) throw r.fail(`series count ${count} exceeds the payload`);
  const series: SeriesEntry[] = [];
  for (let i = 0; i < count; i++) {
    const ref = r.uvarint();
    if (ref > MAX_REF) throw r.fail(`series ref ${ref} is not a u32`);
    const k = r.uvarint();
    if (k > r.remaining / 2) throw r.fail(`label count ${k} exceeds the payload`);
    const labels: Label[] = [];
    for (let j = 0; j < k; j++) {
      const name = readString(r, text, strings);
      const value = readString(r, text, strings);
      labels.push({ name, value });
    }
    series.push({ ref, labels });
  }
  if (r.remaining !== 0) throw r.fail(`${r.remaining} trailing bytes`);
  return { type: "series", series };
}

function readString(r: ByteReader, text: Buffer, strings: StringCache | null): string {
  const len = r.uvarint();
  const start = r.take(len);
  if (strings !== null) return strings.get(text, start, len);
  return text.toString("utf8", start, start + len);
}

function decodeSamples(
  payload: Uint8Array,
  arraysFor: (n: number) => SampleArrays,
  ooo: boolean,
): DecodedRecord {
  const r = new ByteReader(payload);
  const n = r.uvarint();
  // Each sample takes at least 10 bytes: refuse counts that would allocate wildly.
  if (n > r.remaining / 10) throw r.fail(`sample count ${n} exceeds the payload`);
  const { refs, ts, vs } = arraysFor(n);
  if (n > 0) {
    readSamples(r, n, refs, ts);
    const vb = new Uint8Array(vs.buffer, vs.byteOffset, n * 8);
    const p = r.take(n * 8);
    if (LITTLE_ENDIAN) {
      vb.set(payload.subarray(p, p + n * 8));
    } else {
      for (let o = 0; o < n * 8; o += 8)
        for (let k = 0; k < 8; k++) vb[o + 7 - k] = payload[p + o + k];
    }
  }
  if (r.remaining !== 0) throw r.fail(`${r.remaining} trailing bytes`);
  return { type: "samples", refs, ts, vs, length: n, ooo };
}

/**
 * Reads the first ref and time and the n delta pairs into `refs` and `ts`,
 * leaving `r` at the value block. The value block (n × 8 bytes) closes the
 * payload, so the deltas must end exactly `n * 8` bytes before its end.
 *
 * Fast path: varints of up to 4 bytes (zigzag values below 2^28: refs within
 * 134 M of the first, times within 37 h) are decoded inline with 32-bit
 * operators; longer ones go through the checked ByteReader. Written out twice
 * rather than in a helper: V8 did not inline one that returns value and length,
 * and this loop is most of the replay (6 instead of 12 ns a sample).
 */
function readSamples(r: ByteReader, n: number, refs: Uint32Array, ts: Float64Array): void {
  const buf = r.buf;
  const baseRef = r.uvarint();
  const baseT = r.varint();
  const valuesAt = buf.length - n * 8;
  // ref = baseRef + d is a u32 iff minD <= d <= maxD.
  const minD = -baseRef;
  const maxD = MAX_REF - baseRef;
  let p = r.pos;
  for (let i = 0; i < n; i++) {
    // Each delta starts before `valuesAt`, so the at most 4 bytes read inline
    // stay inside the payload: the value block is at least 8 bytes.
    if (p >= valuesAt) throw deltasOverrun(r, p, i, n);
    const refAt = p;
    let u = buf[p++];
    if (u >= 0x80) {
      let b = buf[p++];
      u = (u & 0x7f) | ((b & 0x7f) << 7);
      if (b >= 0x80) {
        b = buf[p++];
        u |= (b & 0x7f) << 14;
        if (b >= 0x80) {
          b = buf[p++];
          u |= (b & 0x7f) << 21;
          if (b >= 0x80) u = -1;
        }
      }
    }
    let d: number;
    if (u >= 0) {
      d = (u >>> 1) ^ -(u & 1);
    } else {
      r.pos = refAt;
      d = r.varint();
      p = r.pos;
    }
    if (d < minD || d > maxD) {
      r.pos = p;
      throw r.fail(`sample ref ${baseRef + d} is not a u32`);
    }
    refs[i] = baseRef + d;
    if (p >= valuesAt) throw deltasOverrun(r, p, i, n);
    const tAt = p;
    u = buf[p++];
    if (u >= 0x80) {
      let b = buf[p++];
      u = (u & 0x7f) | ((b & 0x7f) << 7);
      if (b >= 0x80) {
        b = buf[p++];
        u |= (b & 0x7f) << 14;
        if (b >= 0x80) {
          b = buf[p++];
          u |= (b & 0x7f) << 21;
          if (b >= 0x80) u = -1;
        }
      }
    }
    if (u >= 0) {
      ts[i] = baseT + ((u >>> 1) ^ -(u & 1));
    } else {
      r.pos = tAt;
      ts[i] = baseT + r.varint();
      p = r.pos;
    }
  }
  r.pos = p;
}

function deltasOverrun(r: ByteReader, p: number, i: number, n: number): WalCorruptionError {
  r.pos = p;
  return r.fail(`the deltas of sample ${i} of ${n} run into the value block`);
}

/** Slots of the label string cache (a power of two). */
const STRING_CACHE_SLOTS = 8192;
/** Longer strings are decoded every time: they rarely repeat and take long to hash. */
const MAX_CACHED_LENGTH = 64;

/**
 * Remembers recently decoded ASCII label strings, direct-mapped by an FNV-1a
 * hash of their bytes. Label names and most label values repeat across the
 * series of a WAL; a hit costs a hash and a compare instead of a UTF-8 decode
 * (about 25 ns instead of 100 ns for a 10-byte string), and hands out the same
 * string, which the head then interns cheaply.
 */
class StringCache {
  private readonly slots: (string | undefined)[] = new Array(STRING_CACHE_SLOTS).fill(undefined);

  /** The string of UTF-8 bytes `text[start, start + len)`. */
  get(text: Buffer, start: number, len: number): string {
    const end = start + len;
    if (len > MAX_CACHED_LENGTH) return text.toString("utf8", start, end);
    let h = 0x811c9dc5;
    let high = 0;
    for (let i = start; i < end; i++) {
      const b = text[i];
      high |= b;
      h = Math.imul(h ^ b, 0x01000193);
    }
    // Non-ASCII strings are not cached: the compare below is byte = char code.
    if (high >= 0x80) return text.toString("utf8", start, end);
    const slot = (h ^ (h >>> 15)) & (STRING_CACHE_SLOTS - 1);
    const s = this.slots[slot];
    if (s !== undefined && s.length === len && sameAscii(s, text, start)) return s;
    const fresh = text.toString("latin1", start, end);
    this.slots[slot] = fresh;
    return fresh;
  }
}

function sameAscii(s: string, bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
