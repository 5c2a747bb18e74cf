/**
 * The aggregations that select input samples: topk, bottomk, limitk and
 * limit_ratio. Output samples keep their input labels (and delayed
 * name-removal mark). Semantics follow Prometheus 3.14 `promql/engine.go`
 * aggregationK().
 *
 * Prometheus keeps each group's selection in a binary heap (Go's
 * container/heap) and, for topk/bottomk, sorts it at the end. The output
 * order of an instant query is that heap/sort order, which promqltest's
 * `expect ordered` checks, so the heap operations are replayed exactly here;
 * the final sort replays Go's sort.Sort for up to 12 elements (its insertion
 * sort) and is a stable sort beyond that (equal values may then come out in
 * another order than Prometheus's).
 */
import type { Labels } from "../../storage/index.js";
import type { VectorSample } from "../values.js";
import { KeyOrdinals, type LabelProjection } from "./signature.js";
import { labelsHash } from "./xxhash.js";

export type SelectingAggregateOp = "topk" | "bottomk" | "limitk" | "limit_ratio";

/** Index comparison over a heap of sample values (Go's heap.Interface Less). */
type Less = (heap: number[], i: number, j: number) => boolean;

export class SelectingAggregator {
  private readonly op: SelectingAggregateOp;
  private readonly ordinals: KeyOrdinals;
  private seenStep = new Int32Array(0);
  private readonly heaps: number[][] = [];
  private stepNo = 0;
  private values: Float64Array = new Float64Array(0);
  private readonly offsets = new WeakMap<Labels, number>();

  constructor(op: SelectingAggregateOp, projection: LabelProjection) {
    this.op = op;
    this.ordinals = new KeyOrdinals(projection);
  }

  /**
   * `param` is k (already checked, truncated toward zero and at least 1) for
   * topk/bottomk/limitk, or the ratio (non-zero, clamped to [-1, 1]) for
   * limit_ratio.
   */
  step(input: readonly VectorSample[], param: number, t: number): VectorSample[] {
    const stepNo = ++this.stepNo;
    const k = Math.min(param, input.length);
    if (this.values.length < input.length) this.values = new Float64Array(input.length * 2);
    const values = this.values;
    for (let i = 0; i < input.length; i++) values[i] = input[i].v;
    // Max-first for bottomk, min-first otherwise; NaN sorts first either way, as in Prometheus.
    const less: Less =
      this.op === "bottomk"
        ? (h, i, j) => Number.isNaN(values[h[i]]) || values[h[i]] > values[h[j]]
        : (h, i, j) => Number.isNaN(values[h[i]]) || values[h[i]] < values[h[j]];
    const order: number[] = [];
    for (let si = 0; si < input.length; si++) {
      const g = this.ordinals.of(input[si].labels);
      if (g >= this.seenStep.length) {
        const grown = new Int32Array(Math.max(g + 1, this.seenStep.length * 2, 16));
        grown.set(this.seenStep);
        this.seenStep = grown;
      }
      let heap = this.heaps[g];
      if (this.seenStep[g] !== stepNo) {
        this.seenStep[g] = stepNo;
        order.push(g);
        if (heap === undefined) {
          heap = [];
          this.heaps[g] = heap;
        } else heap.length = 0;
        if (this.op !== "limit_ratio" || this.sampled(input[si].labels, param))
          heapPush(heap, si, less);
        continue;
      }
      const v = values[si];
      switch (this.op) {
        case "topk":
          if (heap.length < k) heapPush(heap, si, less);
          else if (values[heap[0]] < v || (Number.isNaN(values[heap[0]]) && !Number.isNaN(v))) {
            heap[0] = si;
            if (k > 1) heapFix(heap, 0, less);
          }
          break;
        case "bottomk":
          if (heap.length < k) heapPush(heap, si, less);
          else if (values[heap[0]] > v || (Number.isNaN(values[heap[0]]) && !Number.isNaN(v))) {
            heap[0] = si;
            if (k > 1) heapFix(heap, 0, less);
          }
          break;
        case "limitk":
          if (heap.length < k) heapPush(heap, si, less);
          break;
        case "limit_ratio":
          if (this.sampled(input[si].labels, param)) heapPush(heap, si, less);
          break;
      }
    }
    const out: VectorSample[] = [];
    for (const g of order) {
      const heap = this.heaps[g];
      if (this.op === "topk" || this.op === "bottomk") sortReverse(heap, less);
      for (const si of heap) {
        const s = input[si];
        out.push(s.t === t ? s : { labels: s.labels, t, v: s.v, dropName: s.dropName });
      }
    }
    return out;
  }

  /**
   * limit_ratio keeps a series when its hash offset `hash / 2^64` is below
   * the ratio (positive ratios) or at least `1 + ratio` (negative ones), so
   * `r` and `r - 1` select complementary sets (Prometheus HashRatioSampler).
   */
  private sampled(labels: Labels, ratio: number): boolean {
    let offset = this.offsets.get(labels);
    if (offset === undefined) {
      offset = Number(labelsHash(labels)) / 2 ** 64;
      this.offsets.set(labels, offset);
    }
    return (ratio >= 0 && offset < ratio) || (ratio < 0 && offset >= 1 + ratio);
  }
}

// Go's container/heap, replayed step for step because output order depends on it.

function heapPush(h: number[], x: number, less: Less): void {
  h.push(x);
  heapUp(h, h.length - 1, less);
}

function heapFix(h: number[], i: number, less: Less): void {
  if (!heapDown(h, i, h.length, less)) heapUp(h, i, less);
}

function heapUp(h: number[], j: number, less: Less): void {
  for (;;) {
    const i = Math.trunc((j - 1) / 2);
    if (i === j || !less(h, j, i)) break;
    swap(h, i, j);
    j = i;
  }
}

function heapDown(h: number[], i0: number, n: number, less: Less): boolean {
  let i = i0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n) break;
    let j = j1;
    const j2 = j1 + 1;
    if (j2 < n && less(h, j2, j1)) j = j2;
    if (!less(h, j, i)) break;
    swap(h, i, j);
    i = j;
  }
  return i > i0;
}

function swap(h: number[], i: number, j: number): void {
  const t = h[i];
  h[i] = h[j];
  h[j] = t;
}

/** Go's `sort.Sort(sort.Reverse(heap))`: exact for up to 12 elements (insertion sort), stable beyond. */
function sortReverse(h: number[], less: Less): void {
  const n = h.length;
  if (n < 2) return;
  if (n <= 12) {
    for (let i = 1; i < n; i++) {
      for (let j = i; j > 0 && less(h, j - 1, j); j--) swap(h, j, j - 1);
    }
    return;
  }
  const pair = [0, 0];
  const sorted = h.slice().sort((a, b) => {
    pair[0] = a;
    pair[1] = b;
    if (less(pair, 1, 0)) return -1;
    if (less(pair, 0, 1)) return 1;
    return 0;
  });
  for (let i = 0; i < n; i++) h[i] = sorted[i];
}
