import { decodeXorFromInto, decodeXorInto, XorAppender, xorChunkCount } from "../chunkenc/index.js";
import type { Labels } from "../labels.js";
import type { SampleBuffer } from "../types.js";
import type { HeadChunkFiles } from "./head-chunk-files.js";
import { OooBuffer } from "./ooo-buffer.js";

/** Samples per chunk before a new one is cut (Gorilla / Prometheus default). */
export const SAMPLES_PER_CHUNK = 120;

/** Decode space shared by every series' reads (reads are synchronous). */
let scratchTs = new Float64Array(1024);
let scratchVs = new Float64Array(1024);
let scratchBytes = new Uint8Array(4096);

/** A chunk handed over for a block: bounds and a way to load its bytes. */
export interface HeadChunk {
  readonly mint: number;
  readonly maxt: number;
  /** The chunk's bytes: read from the head chunk files, or kept in memory. */
  load(): Uint8Array;
}

/**
 * What became of a sample: taken in order (`ok`), taken into the out-of-order
 * buffer (`ooo`), or not taken (the rest mirror storage's refusal reasons).
 */
export type AppendOutcome = "ok" | "ooo" | "duplicate" | "out_of_order" | "out_of_bounds";

const EMPTY = new Float64Array(0);

/** Numbers per closed chunk in MemSeries.closed: mint, maxt, ref, length. */
const STRIDE = 4;

const bitsA = new Float64Array(1);
const bitsAW = new Uint32Array(bitsA.buffer);
const bitsB = new Float64Array(1);
const bitsBW = new Uint32Array(bitsB.buffer);

/** True when two floats have identical bit patterns (NaN payloads included). */
export function sameBits(a: number, b: number): boolean {
  bitsA[0] = a;
  bitsB[0] = b;
  return bitsAW[0] === bitsBW[0] && bitsAW[1] === bitsBW[1];
}

/**
 * One series in the head: its labels, its closed chunks (in the head chunk
 * files; here only their bounds and references), the open chunk being appended
 * to, and any out-of-order samples. Chunks never span a block boundary (a
 * multiple of the block duration), so cutting a block takes whole chunks.
 */
export class MemSeries {
  readonly id: number;
  /**
   * Label names and values, alternating, interned. One array instead of a
   * Label object per pair: the head holds millions of series, and the V8
   * garbage collector's marking time grows with the number of objects.
   */
  private readonly flatLabels: string[];
  /**
   * Closed chunks, ascending and non-overlapping, as flat quadruples
   * (mint, maxt, ref, length): a plain number array of doubles costs 8 bytes
   * a number, far less than an object per chunk.
   */
  closed: number[] = [];
  /** The open chunk, or null before the first sample or after a cut. */
  open: XorAppender | null = null;
  /** Time of the newest in-order sample, -Infinity when none. */
  maxTime = Number.NEGATIVE_INFINITY;
  /** Value of the newest in-order sample (for duplicate detection). */
  lastValue = 0;
  ooo: OooBuffer | null = null;
  /** Set when garbage-collected from the head; appenders holding it re-resolve by labels. */
  removed = false;

  constructor(id: number, flatLabels: string[]) {
    this.id = id;
    this.flatLabels = flatLabels;
  }

  /** The series' labels, built on each call (not on any per-sample path). */
  get labels(): Labels {
    const f = this.flatLabels;
    const out: { name: string; value: string }[] = new Array(f.length / 2);
    for (let i = 0; i < f.length; i += 2) out[i / 2] = { name: f[i], value: f[i + 1] };
    return out;
  }

  /**
   * Appends a sample. `minValidTime` is the earliest time the head accepts at
   * all; `oooMinTime` the earliest time an out-of-order sample is accepted;
   * `blockDuration` aligns chunk cuts to block boundaries.
   */
  append(
    t: number,
    v: number,
    minValidTime: number,
    oooMinTime: number,
    blockDuration: number,
    files: HeadChunkFiles,
  ): AppendOutcome {
    if (t > this.maxTime) {
      if (t < minValidTime) return "out_of_bounds";
      let open = this.open;
      if (open === null) {
        open = new XorAppender();
        this.open = open;
      } else if (
        open.count > 0 &&
        (open.count >= SAMPLES_PER_CHUNK ||
          Math.floor(t / blockDuration) !== Math.floor(open.maxTime / blockDuration))
      ) {
        this.closeOpenChunk(files);
      }
      open.append(t, v);
      this.maxTime = t;
      this.lastValue = v;
      return "ok";
    }
    if (t === this.maxTime) return sameBits(v, this.lastValue) ? "duplicate" : "out_of_order";
    // Older than the newest sample: accepted only inside the out-of-order window.
    if (t < oooMinTime) return "out_of_bounds";
    const ooo = this.ooo ?? new OooBuffer();
    this.ooo = ooo;
    const at = ooo.find(t);
    if (at >= 0) return sameBits(ooo.vs[at], v) ? "duplicate" : "out_of_order";
    ooo.add(t, v);
    return "ooo";
  }

  /**
   * Moves the open chunk into the head chunk files and empties the appender
   * for the next chunk, keeping its buffer.
   */
  closeOpenChunk(files: HeadChunkFiles): void {
    const open = this.open;
    if (open === null || open.count === 0) return;
    const ref = files.writeChunk(this.id, open, this.lastValue);
    this.closed.push(open.minTime, open.maxTime, ref, open.sizeBytes);
    open.reset();
  }

  /** Earliest sample time held, or +Infinity when empty. */
  minTime(): number {
    let m = Number.POSITIVE_INFINITY;
    if (this.closed.length > 0) m = this.closed[0];
    else if (this.open !== null && this.open.count > 0) m = this.open.minTime;
    const ooo = this.ooo;
    if (ooo !== null) {
      const t = ooo.minTime();
      if (t < m) m = t;
    }
    return m;
  }

  /** True when the series holds no sample at all. */
  isEmpty(): boolean {
    return (
      this.closed.length === 0 &&
      (this.open === null || this.open.count === 0) &&
      (this.ooo === null || this.ooo.length === 0)
    );
  }

  /** True when some sample lies in [mint, maxt]. */
  overlaps(mint: number, maxt: number): boolean {
    const c = this.closed;
    for (let i = 0; i < c.length; i += STRIDE) if (c[i + 1] >= mint && c[i] <= maxt) return true;
    const open = this.open;
    if (open !== null && open.count > 0 && open.maxTime >= mint && open.minTime <= maxt) {
      return true;
    }
    return this.ooo?.anyIn(mint, maxt) === true;
  }

  /** Samples in [mint, maxt], ascending; in-order data wins over an out-of-order duplicate. */
  samples(mint: number, maxt: number, files: HeadChunkFiles): SampleBuffer {
    const parts: Uint8Array[] = [];
    const c = this.closed;
    for (let i = 0; i < c.length; i += STRIDE) {
      if (c[i + 1] >= mint && c[i] <= maxt) parts.push(files.read(c[i + 2], c[i + 3]));
    }
    const open = this.open;
    const readOpen =
      open !== null && open.count > 0 && open.maxTime >= mint && open.minTime <= maxt;
    let cap = readOpen ? open.count : 0;
    for (const p of parts) cap += xorChunkCount(p);
    // Decode into shared scratch space and copy out only the samples in
    // range: a 5-minute window reads a few samples of a 120-sample chunk,
    // and a query over 10k series would otherwise allocate whole chunks.
    if (scratchTs.length < cap) {
      scratchTs = new Float64Array(cap * 2);
      scratchVs = new Float64Array(cap * 2);
    }
    let n = 0;
    for (const p of parts) n = decodeXorInto(p, mint, maxt, scratchTs, scratchVs, n);
    if (readOpen) {
      // The open chunk is decoded from a scratch copy of its bytes, not a fresh one.
      const size = open.sizeBytes;
      if (scratchBytes.length < size) scratchBytes = new Uint8Array(size * 2);
      open.bytesInto(scratchBytes, 0);
      const bytes = scratchBytes.subarray(0, size);
      // A recent window starts decoding at the chunk's latest checkpoint
      // (at most 31 samples back) instead of at its first sample.
      const cp = open.checkpoint;
      n =
        cp !== null && cp.t < mint
          ? decodeXorFromInto(bytes, cp, mint, maxt, scratchTs, scratchVs, n)
          : decodeXorInto(bytes, mint, maxt, scratchTs, scratchVs, n);
    }
    const ts = n === 0 ? EMPTY : scratchTs.slice(0, n);
    const vs = n === 0 ? EMPTY : scratchVs.slice(0, n);
    const ooo = this.ooo;
    if (ooo === null || ooo.length === 0) return { ts, vs, length: n };
    return ooo.mergeInto(ts, vs, n, mint, maxt);
  }

  /**
   * Takes out everything before `boundary` for a block: closed chunks wholly
   * before it, and out-of-order samples before it (merged in). Returns the
   * chunks to persist (ascending) and forgets them here; their bytes stay in
   * the head chunk files until those are truncated after the block is written.
   */
  takeBefore(boundary: number, files: HeadChunkFiles): HeadChunk[] {
    if (this.open !== null && this.open.count > 0 && this.open.maxTime < boundary) {
      this.closeOpenChunk(files);
    }
    const c = this.closed;
    let k = 0;
    while (k < c.length && c[k + 1] < boundary) k += STRIDE;
    const taken: HeadChunk[] = [];
    for (let i = 0; i < k; i += STRIDE) {
      const ref = c[i + 2];
      const length = c[i + 3];
      taken.push({ mint: c[i], maxt: c[i + 1], load: () => files.read(ref, length) });
    }
    this.closed = k === 0 ? c : c.slice(k);
    const ooo = this.ooo;
    if (ooo === null || !ooo.anyIn(Number.NEGATIVE_INFINITY, boundary - 1)) return taken;
    // Merge the out-of-order samples before the boundary with the taken chunks
    // and re-encode: a block's chunks of one series must not overlap.
    const loaded = taken.map((t) => t.load());
    let cap = 0;
    for (const d of loaded) cap += xorChunkCount(d);
    const ts = new Float64Array(cap);
    const vs = new Float64Array(cap);
    let n = 0;
    for (const d of loaded) n = decodeXorInto(d, Number.NEGATIVE_INFINITY, boundary - 1, ts, vs, n);
    const merged = ooo.mergeInto(ts, vs, n, Number.NEGATIVE_INFINITY, boundary - 1);
    ooo.dropBefore(boundary);
    if (ooo.length === 0) this.ooo = null;
    return encodeChunks(merged);
  }
}

/** Encodes sorted samples into in-memory chunks of at most SAMPLES_PER_CHUNK samples. */
export function encodeChunks(buf: SampleBuffer): HeadChunk[] {
  const out: HeadChunk[] = [];
  let app: XorAppender | null = null;
  const push = (a: XorAppender) => {
    const data = a.bytes();
    out.push({ mint: a.minTime, maxt: a.maxTime, load: () => data });
  };
  for (let i = 0; i < buf.length; i++) {
    if (app === null || app.count >= SAMPLES_PER_CHUNK) {
      if (app !== null) push(app);
      app = new XorAppender();
    }
    app.append(buf.ts[i], buf.vs[i]);
  }
  if (app !== null && app.count > 0) push(app);
  return out;
}
