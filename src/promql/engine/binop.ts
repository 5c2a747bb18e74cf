/**
 * PromQL binary operators on instant vectors, evaluated one step at a time
 * for the evaluator's range loop. Follows Prometheus 3.14 `promql/engine.go`
 * VectorBinop, VectorscalarBinop, resultMetric and vectorElemBinop:
 *
 * - Vector matching pairs samples by their `on(...)` key (the listed labels)
 *   or `ignoring(...)` key (all labels but the listed ones and `__name__`).
 *   The "one" side must be unique per key; one-to-one matches must be unique
 *   on both sides; `group_left`/`group_right` pick the "many" side, whose
 *   labels the result keeps (plus `group_x(...)` labels copied from the one side).
 * - Experimental `fill_left(v)`/`fill_right(v)`/`fill(v)`: a missing partner
 *   is a sample of value v labelled with the match key.
 * - Comparisons filter, keeping the left value (in vector/scalar comparisons
 *   the vector's value, whichever side it is on); with `bool` they return
 *   1/0 for every pair and drop the metric name.
 * - Arithmetic always drops `__name__` (and `__type__`/`__unit__`) in
 *   vector/vector operations; in vector/scalar operations, and for `bool`,
 *   delayed name removal marks the sample `dropName` instead.
 * - `</` and `>/` only trim native histograms: float samples are dropped with
 *   an info annotation.
 */

import { getLabel, type Labels } from "../../storage/index.js";
import type { BinaryExpr, BinaryOp, PosRange, VectorMatching } from "../ast.js";
import { type Annotations, execError, type VectorSample } from "../values.js";
import type { OperatorContext } from "./aggregate.js";
import { arithmetic, changesMetricSchema, compare, isComparison } from "./binop-arith.js";
import { SetOperation } from "./binop-set.js";
import {
  KeyOrdinals,
  LabelProjection,
  labelsToPromString,
  pairsKey,
  withLabel,
  withoutMetadataLabels,
} from "./signature.js";

export { scalarScalar } from "./binop-arith.js";

interface ResultCache {
  readonly right: Labels;
  readonly out: Labels;
  others?: WeakMap<Labels, Labels>;
}

const DEFAULT_MATCHING: VectorMatching = {
  card: "one-to-one",
  on: false,
  labels: [],
  include: [],
};

/** One binary-operator node of a query: build once per evaluation, call per step. */
export class BinaryOperation {
  private readonly op: BinaryOp;
  private readonly returnBool: boolean;
  private readonly pos: PosRange;
  private readonly annotations: Annotations;
  private readonly delayedNameRemoval: boolean;
  private readonly matching: VectorMatching;
  private readonly projection: LabelProjection;
  private readonly ordinals: KeyOrdinals;
  private readonly setOp?: SetOperation;
  /** Result labels by (left labels, right labels) objects; most left series meet one partner only. */
  private readonly resultLabels = new WeakMap<Labels, ResultCache>();
  /** Vector/scalar result labels without the metric name. */
  private readonly unnamed = new WeakMap<Labels, Labels>();
  private readonly outputKeys = new WeakMap<Labels, string>();

  // Per-step state of a vector/vector match. Arrays are indexed by match-key
  // ordinal and valid where their stamp equals the current step number.
  private stepNo = 0;
  private rightStamp = new Int32Array(0);
  private rightIndex = new Int32Array(0);
  private matchedStamp = new Int32Array(0);
  private readonly matchedOutputs: Set<string>[] = [];
  private swapped = false;
  private t = 0;
  private out: VectorSample[] = [];
  private trimmed = false;

  constructor(expr: BinaryExpr, ctx: OperatorContext) {
    this.op = expr.op;
    this.returnBool = expr.returnBool;
    this.pos = expr.pos;
    this.annotations = ctx.annotations;
    this.delayedNameRemoval = ctx.delayedNameRemoval;
    this.matching = expr.matching ?? DEFAULT_MATCHING;
    this.projection = new LabelProjection(this.matching.labels, this.matching.on);
    this.ordinals = new KeyOrdinals(this.projection);
    if (this.op === "and" || this.op === "or" || this.op === "unless") {
      this.setOp = new SetOperation(this.op, this.ordinals);
    }
  }

  /** Both operands are instant vectors (at time `t`, ms). */
  vectorVector(
    lhs: readonly VectorSample[],
    rhs: readonly VectorSample[],
    t: number,
  ): VectorSample[] {
    if (this.setOp) return this.setOp.apply(lhs, rhs, t);
    const m = this.matching;
    if (m.card === "many-to-many") {
      throw new Error(`BUG: many-to-many matching for operator ${this.op}`);
    }
    const noFill = m.fillLeft === undefined && m.fillRight === undefined;
    if (
      (lhs.length === 0 && rhs.length === 0) ||
      ((lhs.length === 0 || rhs.length === 0) && noFill)
    ) {
      return [];
    }
    // For one-to-many the sides are swapped so the right side is always the
    // "one" side; values are swapped back when computed.
    this.swapped = m.card === "one-to-many";
    const left = this.swapped ? rhs : lhs;
    const right = this.swapped ? lhs : rhs;
    this.stepNo++;
    this.t = t;
    this.out = [];
    this.trimmed = false;
    this.indexOneSide(right);
    for (const ls of left) {
      const id = this.ordinals.of(ls.labels);
      this.ensureKeys(id);
      let rs: VectorSample;
      if (this.rightStamp[id] === this.stepNo) {
        rs = right[this.rightIndex[id]];
      } else if (m.fillRight !== undefined) {
        rs = { labels: this.projection.labels(ls.labels), t, v: m.fillRight };
      } else {
        continue;
      }
      this.pair(ls, rs, id);
    }
    if (m.fillLeft !== undefined) {
      for (const rs of right) {
        const id = this.ordinals.of(rs.labels);
        if (this.matched(id)) continue;
        this.pair({ labels: this.projection.labels(rs.labels), t, v: m.fillLeft }, rs, id);
      }
    }
    if (this.trimmed) this.trimInfo();
    const out = this.out;
    this.out = [];
    return out;
  }

  /** One operand is a scalar; `scalarOnLeft` tells which. */
  vectorScalar(
    vec: readonly VectorSample[],
    scalar: number,
    scalarOnLeft: boolean,
    t: number,
  ): VectorSample[] {
    const op = this.op;
    if (op === "</" || op === ">/") {
      if (vec.length > 0) this.trimInfo();
      return [];
    }
    if (op === "and" || op === "or" || op === "unless") {
      throw new Error(`BUG: set operator ${op} between a vector and a scalar`);
    }
    const out: VectorSample[] = [];
    const dropsName = this.returnBool || changesMetricSchema(op);
    for (const s of vec) {
      const l = scalarOnLeft ? scalar : s.v;
      const r = scalarOnLeft ? s.v : scalar;
      let v: number;
      let keep = true;
      if (isComparison(op)) {
        keep = compare(op, l, r);
        v = s.v;
      } else {
        v = arithmetic(op, l, r);
      }
      if (this.returnBool) {
        v = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) continue;
      if (dropsName) {
        const labels = this.delayedNameRemoval ? s.labels : this.withoutName(s.labels);
        out.push({ labels, t, v, dropName: true });
      } else {
        out.push({ labels: s.labels, t, v, dropName: s.dropName });
      }
    }
    return out;
  }

  /** Indexes the "one" side by match key; two samples with one key is an error. */
  private indexOneSide(right: readonly VectorSample[]): void {
    for (let j = 0; j < right.length; j++) {
      const rs = right[j];
      const id = this.ordinals.of(rs.labels);
      this.ensureKeys(id);
      if (this.rightStamp[id] === this.stepNo) {
        throw this.duplicateError(rs.labels, right[this.rightIndex[id]].labels);
      }
      this.rightStamp[id] = this.stepNo;
      this.rightIndex[id] = j;
    }
  }

  private duplicateError(a: Labels, b: Labels) {
    let first = labelsToPromString(a);
    let second = labelsToPromString(b);
    if (first > second) [first, second] = [second, first];
    const side = this.swapped ? "left" : "right";
    const group = labelsToPromString(this.projection.labels(a));
    return execError(
      `found duplicate series for the match group ${group} on the ${side} hand-side of the operation: [${first}, ${second}];many-to-many matching not allowed: matching labels must be unique on one side`,
    );
  }

  /** Prometheus doBinOp: `ls` from the many (or left) side, `rs` from the one side. */
  private pair(ls: VectorSample, rs: VectorSample, id: number): void {
    const op = this.op;
    if (op === "</" || op === ">/" || op === "and" || op === "or" || op === "unless") {
      this.trimmed = true;
      return;
    }
    const l = this.swapped ? rs.v : ls.v;
    const r = this.swapped ? ls.v : rs.v;
    let v: number;
    let keep = true;
    if (isComparison(op)) {
      keep = compare(op, l, r);
      v = l;
    } else {
      v = arithmetic(op, l, r);
    }
    if (this.returnBool) v = keep ? 1 : 0;
    const labels = this.resultMetric(ls.labels, rs.labels);
    this.recordMatch(id, labels);
    if (!keep && !this.returnBool) return;
    this.out.push(
      this.returnBool ? { labels, t: this.t, v, dropName: true } : { labels, t: this.t, v },
    );
  }

  private matched(id: number): boolean {
    if (this.matchedStamp[id] !== this.stepNo) return false;
    if (this.matching.card === "one-to-one") return true;
    const set = this.matchedOutputs[id];
    return set !== undefined && set.size > 0;
  }

  /** One-to-one: one result per key; many-to-one: distinct result labels per key. */
  private recordMatch(id: number, labels: Labels): void {
    if (this.matching.card === "one-to-one") {
      if (this.matchedStamp[id] === this.stepNo) {
        throw execError(
          "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
        );
      }
      this.matchedStamp[id] = this.stepNo;
      return;
    }
    let set = this.matchedOutputs[id];
    if (set === undefined) {
      set = new Set();
      this.matchedOutputs[id] = set;
    }
    if (this.matchedStamp[id] !== this.stepNo) {
      set.clear();
      this.matchedStamp[id] = this.stepNo;
    }
    const k = this.outputKey(labels);
    if (set.has(k)) {
      throw execError("multiple matches for labels: grouping labels must ensure unique matches");
    }
    set.add(k);
  }

  private ensureKeys(id: number): void {
    if (id < this.rightStamp.length) return;
    const cap = Math.max(id + 1, this.rightStamp.length * 2, 16);
    const grow = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.rightStamp = grow(this.rightStamp);
    this.rightIndex = grow(this.rightIndex);
    this.matchedStamp = grow(this.matchedStamp);
  }

  private trimInfo(): void {
    const op = this.op;
    this.annotations.info(
      `incompatible sample types encountered for binary operator "${op}": float ${op} float`,
      this.pos,
    );
  }

  private withoutName(labels: Labels): Labels {
    let out = this.unnamed.get(labels);
    if (out === undefined) {
      out = withoutMetadataLabels(labels);
      this.unnamed.set(labels, out);
    }
    return out;
  }

  /** Prometheus resultMetric: the labels of a matched pair's result, cached per pair of label objects. */
  private resultMetric(left: Labels, right: Labels): Labels {
    const cached = this.resultLabels.get(left);
    if (cached !== undefined) {
      if (cached.right === right) return cached.out;
      const out = cached.others?.get(right);
      if (out !== undefined) return out;
    }
    const out = this.computeResultMetric(left, right);
    if (cached === undefined) {
      this.resultLabels.set(left, { right, out });
    } else {
      cached.others ??= new WeakMap();
      cached.others.set(right, out);
    }
    return out;
  }

  private computeResultMetric(left: Labels, right: Labels): Labels {
    const m = this.matching;
    let out = left;
    if ((!this.delayedNameRemoval && this.returnBool) || changesMetricSchema(this.op)) {
      out = withoutMetadataLabels(out);
    }
    if (m.card === "one-to-one") {
      const names = new Set(m.labels);
      out = out.filter((l) => names.has(l.name) === m.on);
    }
    // group_x(...) labels come from the "one" side; absent there means absent in the result.
    for (const name of m.include) out = withLabel(out, name, getLabel(right, name));
    return out;
  }

  private outputKey(labels: Labels): string {
    let k = this.outputKeys.get(labels);
    if (k === undefined) {
      k = pairsKey(labels);
      this.outputKeys.set(labels, k);
    }
    return k;
  }
}
