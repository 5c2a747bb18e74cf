/**
 * The set operators `and`, `or` and `unless` between instant vectors,
 * matching series on their `on`/`ignoring` key. Follows Prometheus 3.14
 * `promql/engine.go` VectorAnd/VectorOr/VectorUnless: output samples are the
 * input samples unchanged (labels, value and delayed name-removal mark);
 * `or` lists the left side first, then the unmatched right side.
 */
import type { SetOp } from "../ast.js";
import type { VectorSample } from "../values.js";
import type { KeyOrdinals } from "./signature.js";

export class SetOperation {
  private readonly op: SetOp;
  private readonly ordinals: KeyOrdinals;
  /** Step number at which a key was last seen on the marking side. */
  private stamp = new Int32Array(0);
  private stepNo = 0;

  constructor(op: SetOp, ordinals: KeyOrdinals) {
    this.op = op;
    this.ordinals = ordinals;
  }

  apply(lhs: readonly VectorSample[], rhs: readonly VectorSample[], t: number): VectorSample[] {
    switch (this.op) {
      case "and":
        if (lhs.length === 0 || rhs.length === 0) return [];
        this.mark(rhs);
        return this.select(lhs, true, t, []);
      case "unless":
        if (lhs.length === 0 || rhs.length === 0) return atTime(lhs, t);
        this.mark(rhs);
        return this.select(lhs, false, t, []);
      case "or":
        if (lhs.length === 0) return atTime(rhs, t);
        if (rhs.length === 0) return atTime(lhs, t);
        this.mark(lhs);
        return this.select(rhs, false, t, atTime(lhs, t));
    }
  }

  /** Appends to `out` the samples whose key was (`marked`) or was not marked by the last `mark`. */
  private select(
    samples: readonly VectorSample[],
    marked: boolean,
    t: number,
    out: VectorSample[],
  ): VectorSample[] {
    const stepNo = this.stepNo;
    for (const s of samples) {
      const id = this.ordinals.of(s.labels);
      const seen = id < this.stamp.length && this.stamp[id] === stepNo;
      if (seen === marked) out.push(sampleAt(s, t));
    }
    return out;
  }

  private mark(samples: readonly VectorSample[]): void {
    const stepNo = ++this.stepNo;
    for (const s of samples) {
      const id = this.ordinals.of(s.labels);
      if (id >= this.stamp.length) {
        const grown = new Int32Array(Math.max(id + 1, this.stamp.length * 2, 16));
        grown.set(this.stamp);
        this.stamp = grown;
      }
      this.stamp[id] = stepNo;
    }
  }
}

function sampleAt(s: VectorSample, t: number): VectorSample {
  return s.t === t ? s : { labels: s.labels, t, v: s.v, dropName: s.dropName };
}

function atTime(samples: readonly VectorSample[], t: number): VectorSample[] {
  const out: VectorSample[] = new Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = sampleAt(samples[i], t);
  return out;
}
