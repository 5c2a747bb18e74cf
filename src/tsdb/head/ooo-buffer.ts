import { grownFloat64 } from "../../lib/typed-arrays.js";
import type { SampleBuffer } from "../types.js";

/**
 * Out-of-order samples of one series, kept uncompressed and unsorted until
 * read. They are rare (agents replaying a spool, late remote-write senders),
 * so a small pair of growable typed arrays per affected series is enough.
 */
export class OooBuffer {
  ts = new Float64Array(8);
  vs = new Float64Array(8);
  length = 0;

  add(t: number, v: number): void {
    if (this.length === this.ts.length) {
      this.ts = grownFloat64(this.ts, this.ts.length * 2);
      this.vs = grownFloat64(this.vs, this.vs.length * 2);
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

  /** Earliest time held, +Infinity when empty. */
  minTime(): number {
    let m = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.length; i++) if (this.ts[i] < m) m = this.ts[i];
    return m;
  }

  /** True when some sample lies in [mint, maxt]. */
  anyIn(mint: number, maxt: number): boolean {
    for (let i = 0; i < this.length; i++) if (this.ts[i] >= mint && this.ts[i] <= maxt) return true;
    return false;
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

  /**
   * Merges sorted samples `ts/vs[0, n)` with the samples held here that lie in
   * [mint, maxt]; an in-order sample wins a tie. Returns new arrays when needed.
   */
  mergeInto(
    ts: Float64Array,
    vs: Float64Array,
    n: number,
    mint: number,
    maxt: number,
  ): SampleBuffer {
    const idx: number[] = [];
    for (let i = 0; i < this.length; i++) if (this.ts[i] >= mint && this.ts[i] <= maxt) idx.push(i);
    if (idx.length === 0) return { ts, vs, length: n };
    idx.sort((a, b) => this.ts[a] - this.ts[b]);
    const outT = new Float64Array(n + idx.length);
    const outV = new Float64Array(n + idx.length);
    let i = 0;
    let j = 0;
    let w = 0;
    while (i < n || j < idx.length) {
      const ot = j < idx.length ? this.ts[idx[j]] : Number.POSITIVE_INFINITY;
      if (i < n && ts[i] <= ot) {
        if (ts[i] === ot) j++; // in-order sample wins a tie
        outT[w] = ts[i];
        outV[w] = vs[i];
        i++;
      } else {
        outT[w] = ot;
        outV[w] = this.vs[idx[j]];
        j++;
      }
      w++;
    }
    return { ts: outT, vs: outV, length: w };
  }
}
