/**
 * The aggregations that fold each group into one value: sum, avg, count, min,
 * max, group, stddev, stdvar and quantile. Semantics follow Prometheus 3.14
 * `promql/engine.go` aggregation(): the first sample of a group seeds it,
 * later samples fold in; Kahan-compensated sums; avg divides a compensated
 * sum until that sum would overflow, then switches to an incremental mean;
 * stddev/stdvar use Welford's running variance; min/max let any number
 * replace a NaN.
 *
 * Per-group state lives in typed arrays indexed by a group ordinal that is
 * cached per input Labels object, so a step costs one lookup per sample.
 */

import type { Labels } from "../../storage/index.js";
import type { AggregateOp } from "../ast.js";
import type { VectorSample } from "../values.js";
import { type KahanAcc, kahanInc, quantileOf } from "./math.js";
import { KeyOrdinals, type LabelProjection } from "./signature.js";

export type SimpleAggregateOp = Extract<
  AggregateOp,
  "sum" | "avg" | "count" | "min" | "max" | "group" | "stddev" | "stdvar" | "quantile"
>;

export class SimpleAggregator {
  private readonly op: SimpleAggregateOp;
  private readonly projection: LabelProjection;
  private readonly ordinals: KeyOrdinals;
  /** Output labels per group ordinal. */
  private readonly groupLabels: Labels[] = [];
  private capacity = 0;
  private value = new Float64Array(0);
  private mean = new Float64Array(0);
  private comp = new Float64Array(0);
  private count = new Float64Array(0);
  /** Step number at which the group was last seeded; groups not seen this step produce nothing. */
  private seenStep = new Int32Array(0);
  private dropName = new Uint8Array(0);
  private incremental = new Uint8Array(0);
  private readonly quantileValues: number[][] = [];
  private stepNo = 0;
  private readonly acc: KahanAcc = { sum: 0, c: 0 };

  constructor(op: SimpleAggregateOp, projection: LabelProjection) {
    this.op = op;
    this.projection = projection;
    this.ordinals = new KeyOrdinals(projection);
  }

  /** `q` is quantile's parameter at this step (ignored by the other operators). */
  step(input: readonly VectorSample[], q: number, t: number): VectorSample[] {
    const stepNo = ++this.stepNo;
    const order: number[] = [];
    for (const s of input) {
      const g = this.ordinals.of(s.labels);
      if (g >= this.capacity) this.reserve(g + 1);
      if (this.seenStep[g] !== stepNo) {
        if (this.groupLabels[g] === undefined)
          this.groupLabels[g] = this.projection.labels(s.labels);
        this.seenStep[g] = stepNo;
        order.push(g);
        this.seedAt(g, s.v, s.dropName === true);
      } else {
        if (s.dropName) this.dropName[g] = 1;
        this.foldAt(g, s.v);
      }
    }
    const out: VectorSample[] = new Array(order.length);
    for (let i = 0; i < order.length; i++) {
      const g = order[i];
      const v = this.resultAt(g, q);
      out[i] = this.dropName[g]
        ? { labels: this.groupLabels[g], t, v, dropName: true }
        : { labels: this.groupLabels[g], t, v };
    }
    return out;
  }

  /**
   * The state of cell `g` (a group, or a group × step cell for the columnar
   * driver in aggregate-columnar.ts) starts from its first sample.
   */
  seedAt(g: number, f: number, dropName: boolean): void {
    this.value[g] = f;
    this.mean[g] = f;
    this.comp[g] = 0;
    this.count[g] = 1;
    this.dropName[g] = dropName ? 1 : 0;
    this.incremental[g] = 0;
    switch (this.op) {
      case "stddev":
      case "stdvar":
        // The running sum of squared deviations; a non-finite first value poisons it, as in Prometheus.
        this.value[g] = Number.isFinite(f) ? 0 : Number.NaN;
        break;
      case "quantile": {
        const vs = this.quantileValues[g];
        if (vs === undefined) this.quantileValues[g] = [f];
        else {
          vs.length = 0;
          vs.push(f);
        }
        break;
      }
      case "group":
        this.value[g] = 1;
        break;
      default:
        break;
    }
  }

  /** Folds one more sample into cell `g`. */
  foldAt(g: number, f: number): void {
    switch (this.op) {
      case "sum":
        this.kahanAdd(g, f);
        break;
      case "avg":
        this.foldMean(g, f);
        break;
      case "count":
        this.count[g]++;
        break;
      case "group":
        break;
      case "max": {
        const cur = this.value[g];
        if (cur < f || Number.isNaN(cur)) this.value[g] = f;
        break;
      }
      case "min": {
        const cur = this.value[g];
        if (cur > f || Number.isNaN(cur)) this.value[g] = f;
        break;
      }
      case "stddev":
      case "stdvar": {
        const n = ++this.count[g];
        const delta = f - this.mean[g];
        this.mean[g] += delta / n;
        this.value[g] += delta * (f - this.mean[g]);
        break;
      }
      case "quantile":
        this.quantileValues[g].push(f);
        break;
    }
  }

  private kahanAdd(g: number, f: number): void {
    const acc = this.acc;
    acc.sum = this.value[g];
    acc.c = this.comp[g];
    kahanInc(acc, f);
    this.value[g] = acc.sum;
    this.comp[g] = acc.c;
  }

  /**
   * avg: a compensated running sum while it stays finite (more accurate),
   * then an incremental mean from the first sample that would overflow it.
   */
  private foldMean(g: number, f: number): void {
    const n = ++this.count[g];
    const acc = this.acc;
    if (!this.incremental[g]) {
      acc.sum = this.value[g];
      acc.c = this.comp[g];
      kahanInc(acc, f);
      if (Number.isFinite(acc.sum) || Number.isNaN(acc.sum)) {
        this.value[g] = acc.sum;
        this.comp[g] = acc.c;
        return;
      }
      this.incremental[g] = 1;
      this.mean[g] = this.value[g] / (n - 1);
      this.comp[g] /= n - 1;
    }
    const q = (n - 1) / n;
    acc.sum = q * this.mean[g];
    acc.c = q * this.comp[g];
    kahanInc(acc, f / n);
    this.mean[g] = acc.sum;
    this.comp[g] = acc.c;
  }

  /** The aggregate of cell `g`; `q` is quantile's parameter. */
  resultAt(g: number, q: number): number {
    switch (this.op) {
      case "sum":
        return this.value[g] + this.comp[g];
      case "avg": {
        if (this.incremental[g]) return this.mean[g] + this.comp[g];
        const n = this.count[g];
        return this.value[g] / n + this.comp[g] / n;
      }
      case "count":
        return this.count[g];
      case "stdvar":
        return this.value[g] / this.count[g];
      case "stddev":
        return Math.sqrt(this.value[g] / this.count[g]);
      case "quantile":
        return quantileOf(q, this.quantileValues[g]);
      default:
        return this.value[g];
    }
  }

  /** Makes room for cells `0 .. min-1`. */
  reserve(min: number): void {
    if (min <= this.capacity) return;
    const cap = Math.max(min, this.capacity * 2, 16);
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.value = f64(this.value);
    this.mean = f64(this.mean);
    this.comp = f64(this.comp);
    this.count = f64(this.count);
    const seen = new Int32Array(cap);
    seen.set(this.seenStep);
    this.seenStep = seen;
    this.dropName = u8(this.dropName);
    this.incremental = u8(this.incremental);
    this.capacity = cap;
  }
}
