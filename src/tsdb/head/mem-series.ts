import { decodeXorInto, XorAppender, xorChunkCount } from "../chunkenc/index.js";
import type { Labels } from "../labels.js";
import type { SampleBuffer } from "../types.js";

/** Samples per chunk before a new one is cut (Gorilla / Prometheus default). */
export const SAMPLES_PER_CHUNK = 120;

/** A closed, immutable head chunk. */
export interface HeadChunk {
  readonly mint: number;
  readonly maxt: number;
  readonly data: Uint8Array;
}

/** Why a sample was not taken; mirrors storage's refusal reasons. */
export type AppendOutcome = "ok" | "duplicate" | "out_of_order" | "out_of_bounds";

const EMPTY = new Float64Array(0);

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
 * Out-of-order samples of one series, kept uncompressed and unsorted until read.
 * They are rare (agents replaying a spool, late remote-write senders), so a small
 * pair of growable typed arrays per affected series is enough.
 */
class OooBuffer {
  ts = new Float64Array(8);
  vs = new Float64Array(8);
  length = 0;

  add(t: number, v: number): void {
    if (this.length === this.ts.length) {
      const ts = new Float64Array(this.ts.length * 2);
      const vs = new Float64Array(this.vs.length * 2);
      ts.set(this.ts);
      vs.set(this.vs);
      this.ts = ts;
      this.vs = vs;
    }
    this.ts[this.length] = t;
    this.vs[this.length] = v;
    this.length++;
  }

  /** Index of a sample at exactly `t`, or -1. */
  find(t: number): number {
    for (let i = 0; i < this.length; i++) if (this.ts[i] === t) return i;
    return -1;
  }

  /** Removes samples with t < before; returns how many were removed. */
  dropBefore(before: number): number {
    let w = 0;
    for (let r = 0; r < this.length; r++) {
      if (this.ts[r] >= before) {
        this.ts[w] = this.ts[r];
        this.vs[w] = this.vs[r];
        w++;
      }
    }
    const removed = this.length - w;
    this.length = w;
    return removed;
  }
}

/**
 * One series in the head: its labels, its closed chunks, the open chunk being
 * appended to, and any out-of-order samples. Chunks never span a block
 * boundary (a multiple of the block duration), so cutting a block takes whole
 * chunks.
 */
export class MemSeries {
  readonly id: number;
  readonly labels: Labels;
  readonly key: string;
  /** Closed chunks, ascending by time, non-overlapping. */
  chunks: HeadChunk[] = [];
  /** The open chunk, or null before the first sample or after a cut. */
  open: XorAppender | null = null;
  /** Time of the newest in-order sample, -Infinity when none. */
  maxTime = Number.NEGATIVE_INFINITY;
  /** Value of the newest in-order sample (for duplicate detection). */
  lastValue = 0;
  ooo: OooBuffer | null = null;
  /** Set when garbage-collected from the head; appenders holding it re-resolve by labels. */
  removed = false;

  constructor(id: number, labels: Labels, key: string) {
    this.id = id;
    this.labels = labels;
    this.key = key;
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
  ): AppendOutcome {
    if (t > this.maxTime) {
      if (t < minValidTime) return "out_of_bounds";
      let open = this.open;
      if (
        open !== null &&
        (open.count >= SAMPLES_PER_CHUNK ||
          Math.floor(t / blockDuration) !== Math.floor(open.maxTime / blockDuration))
      ) {
        this.closeOpenChunk();
        open = null;
      }
      if (open === null) {
        open = new XorAppender();
        this.open = open;
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
    return "ok";
  }

  /** Moves the open chunk into the closed list. */
  closeOpenChunk(): void {
    const open = this.open;
    if (open === null) return;
    if (open.count > 0) {
      this.chunks.push({ mint: open.minTime, maxt: open.maxTime, data: open.bytes() });
    }
    this.open = null;
  }

  /** Number of samples held (in-order and out-of-order). */
  sampleCount(): number {
    let n = this.open?.count ?? 0;
    for (const c of this.chunks) n += xorChunkCount(c.data);
    return n + (this.ooo?.length ?? 0);
  }

  /** Earliest sample time held, or +Infinity when empty. */
  minTime(): number {
    let m = Number.POSITIVE_INFINITY;
    if (this.chunks.length > 0) m = this.chunks[0].mint;
    else if (this.open !== null && this.open.count > 0) m = this.open.minTime;
    const ooo = this.ooo;
    if (ooo !== null) for (let i = 0; i < ooo.length; i++) if (ooo.ts[i] < m) m = ooo.ts[i];
    return m;
  }

  /** True when the series holds no sample at all. */
  isEmpty(): boolean {
    return (
      this.chunks.length === 0 &&
      (this.open === null || this.open.count === 0) &&
      (this.ooo === null || this.ooo.length === 0)
    );
  }

  /** True when some sample lies in [mint, maxt]. */
  overlaps(mint: number, maxt: number): boolean {
    for (const c of this.chunks) if (c.maxt >= mint && c.mint <= maxt) return true;
    const open = this.open;
    if (open !== null && open.count > 0 && open.maxTime >= mint && open.minTime <= maxt) {
      return true;
    }
    const ooo = this.ooo;
    if (ooo !== null) {
      for (let i = 0; i < ooo.length; i++) if (ooo.ts[i] >= mint && ooo.ts[i] <= maxt) return true;
    }
    return false;
  }

  /** Samples in [mint, maxt], ascending; in-order data wins over an out-of-order duplicate. */
  samples(mint: number, maxt: number): SampleBuffer {
    const open = this.open;
    const openBytes = open !== null && open.count > 0 ? open.bytes() : null;
    let cap = 0;
    for (const c of this.chunks) if (c.maxt >= mint && c.mint <= maxt) cap += xorChunkCount(c.data);
    if (openBytes !== null) cap += open!.count;
    const ts = cap === 0 ? EMPTY : new Float64Array(cap);
    const vs = cap === 0 ? EMPTY : new Float64Array(cap);
    let n = 0;
    for (const c of this.chunks) {
      if (c.maxt >= mint && c.mint <= maxt) n = decodeXorInto(c.data, mint, maxt, ts, vs, n);
    }
    if (openBytes !== null && open!.maxTime >= mint && open!.minTime <= maxt) {
      n = decodeXorInto(openBytes, mint, maxt, ts, vs, n);
    }
    const ooo = this.ooo;
    if (ooo === null || ooo.length === 0) return { ts, vs, length: n };
    return mergeOoo(ts, vs, n, ooo, mint, maxt);
  }

  /**
   * Takes out everything before `boundary` for a block: closed chunks wholly
   * before it, and out-of-order samples before it (merged in). Returns the
   * chunks to persist (ascending) and removes them from the series.
   */
  takeBefore(boundary: number): HeadChunk[] {
    if (this.open !== null && this.open.count > 0 && this.open.maxTime < boundary) {
      this.closeOpenChunk();
    }
    let k = 0;
    while (k < this.chunks.length && this.chunks[k].maxt < boundary) k++;
    const taken = this.chunks.slice(0, k);
    this.chunks = this.chunks.slice(k);
    const ooo = this.ooo;
    if (ooo === null || !hasBefore(ooo, boundary)) return taken;
    // Merge the out-of-order samples before the boundary with the taken chunks
    // and re-encode: a block's chunks of one series must not overlap.
    const mint = Number.NEGATIVE_INFINITY;
    const maxt = boundary - 1;
    let cap = ooo.length;
    for (const c of taken) cap += xorChunkCount(c.data);
    const ts = new Float64Array(cap);
    const vs = new Float64Array(cap);
    let n = 0;
    for (const c of taken) n = decodeXorInto(c.data, mint, maxt, ts, vs, n);
    const merged = mergeOoo(ts, vs, n, ooo, mint, maxt);
    ooo.dropBefore(boundary);
    if (ooo.length === 0) this.ooo = null;
    return encodeChunks(merged);
  }
}

function hasBefore(ooo: OooBuffer, boundary: number): boolean {
  for (let i = 0; i < ooo.length; i++) if (ooo.ts[i] < boundary) return true;
  return false;
}

/** Encodes sorted samples into chunks of at most SAMPLES_PER_CHUNK samples. */
export function encodeChunks(buf: SampleBuffer): HeadChunk[] {
  const out: HeadChunk[] = [];
  let app: XorAppender | null = null;
  for (let i = 0; i < buf.length; i++) {
    if (app === null || app.count >= SAMPLES_PER_CHUNK) {
      if (app !== null) out.push({ mint: app.minTime, maxt: app.maxTime, data: app.bytes() });
      app = new XorAppender();
    }
    app.append(buf.ts[i], buf.vs[i]);
  }
  if (app !== null && app.count > 0) {
    out.push({ mint: app.minTime, maxt: app.maxTime, data: app.bytes() });
  }
  return out;
}

/** Merges sorted samples with the (unsorted) out-of-order buffer, restricted to [mint, maxt]. */
function mergeOoo(
  ts: Float64Array,
  vs: Float64Array,
  n: number,
  ooo: OooBuffer,
  mint: number,
  maxt: number,
): SampleBuffer {
  const idx: number[] = [];
  for (let i = 0; i < ooo.length; i++) if (ooo.ts[i] >= mint && ooo.ts[i] <= maxt) idx.push(i);
  if (idx.length === 0) return { ts, vs, length: n };
  idx.sort((a, b) => ooo.ts[a] - ooo.ts[b]);
  const outT = new Float64Array(n + idx.length);
  const outV = new Float64Array(n + idx.length);
  let i = 0;
  let j = 0;
  let w = 0;
  while (i < n || j < idx.length) {
    const ot = j < idx.length ? ooo.ts[idx[j]] : Number.POSITIVE_INFINITY;
    if (i < n && ts[i] <= ot) {
      if (ts[i] === ot) j++; // in-order sample wins a tie
      outT[w] = ts[i];
      outV[w] = vs[i];
      i++;
    } else {
      outT[w] = ot;
      outV[w] = ooo.vs[idx[j]];
      j++;
    }
    w++;
  }
  return { ts: outT, vs: outV, length: w };
}
