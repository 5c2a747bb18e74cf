/**
 * sum/avg/count/min/max/group/stddev/stdvar over a range query, computed
 * series by series instead of step by step: each input series' group is
 * found once, and its points fold straight into a group × step table. The
 * arithmetic is SimpleAggregator's, and for every (group, step) cell the
 * samples arrive in input order as in the per-step path, so results are
 * identical; what goes away is building a vector per step and looking up
 * each sample's group at every step (most of a `sum by (...)` dashboard
 * query's time).
 */
import type { Labels } from "../../storage/index.js";
import { METRIC_NAME } from "../../storage/index.js";
import type { AggregateExpr } from "../ast.js";
import { type SimpleAggregateOp, SimpleAggregator } from "./aggregate-simple.js";
import type { StepSeries } from "./evaluator.js";
import { KeyOrdinals, LabelProjection } from "./signature.js";

const COLUMNAR_OPS: ReadonlySet<string> = new Set([
  "sum",
  "avg",
  "count",
  "min",
  "max",
  "group",
  "stddev",
  "stdvar",
]);

/** Largest group × step table built (cells); beyond it the per-step path runs. */
const MAX_CELLS = 1 << 22;

export interface StepGrid {
  readonly start: number;
  readonly interval: number;
  readonly steps: number;
}

/**
 * A group × step table for one aggregation: built from the labels of the
 * input series (known before any sample is read), then fed values.
 */
export class ColumnarTable {
  private readonly agg: SimpleAggregator;
  private readonly seen: Uint8Array;
  private readonly groupOf: Int32Array;
  private readonly groupLabels: Labels[];
  private readonly grid: StepGrid;

  private constructor(
    agg: SimpleAggregator,
    groupOf: Int32Array,
    groupLabels: Labels[],
    grid: StepGrid,
  ) {
    this.agg = agg;
    this.groupOf = groupOf;
    this.groupLabels = groupLabels;
    this.grid = grid;
    this.seen = new Uint8Array(groupLabels.length * grid.steps);
  }

  /**
   * A table for `expr` over series with `labels`, or undefined when this
   * operator or grouping needs the per-step path (parameters, `__name__`
   * kept in the output, or too many groups × steps).
   */
  static create(
    expr: AggregateExpr,
    labels: readonly Labels[],
    grid: StepGrid,
  ): ColumnarTable | undefined {
    if (!COLUMNAR_OPS.has(expr.op) || expr.param) return undefined;
    const projection = new LabelProjection(expr.grouping, !expr.without);
    if (projection.keeps(METRIC_NAME)) return undefined;
    const ordinals = new KeyOrdinals(projection);
    const groupOf = new Int32Array(labels.length);
    const groupLabels: Labels[] = [];
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i] as Labels;
      const g = ordinals.of(l);
      groupOf[i] = g;
      if (g === groupLabels.length) groupLabels.push(projection.labels(l));
    }
    if (groupLabels.length * grid.steps > MAX_CELLS) return undefined;
    const agg = new SimpleAggregator(expr.op as SimpleAggregateOp, projection);
    agg.reserve(groupLabels.length * grid.steps);
    return new ColumnarTable(agg, groupOf, groupLabels, grid);
  }

  /** Folds value `v` of input series `series` at step `step`. */
  add(series: number, step: number, v: number): void {
    const cell = (this.groupOf[series] as number) * this.grid.steps + step;
    if (this.seen[cell] === 0) {
      this.seen[cell] = 1;
      this.agg.seedAt(cell, v, false);
    } else {
      this.agg.foldAt(cell, v);
    }
  }

  /** One series per group that has a value at some step. */
  result(): StepSeries[] {
    const { start, interval, steps } = this.grid;
    const out: StepSeries[] = [];
    for (let g = 0; g < this.groupLabels.length; g++) {
      const ts: number[] = [];
      const vs: number[] = [];
      const row = g * steps;
      for (let i = 0; i < steps; i++) {
        if (this.seen[row + i] === 0) continue;
        ts.push(start + i * interval);
        vs.push(this.agg.resultAt(row + i, 0));
      }
      if (ts.length > 0)
        out.push({ labels: this.groupLabels[g] as Labels, ts, vs, dropName: false });
    }
    return out;
  }
}

/** The aggregation of already evaluated `input` on `grid`, or undefined (see ColumnarTable.create). */
export function aggregateColumnar(
  expr: AggregateExpr,
  input: readonly StepSeries[],
  grid: StepGrid,
): StepSeries[] | undefined {
  const table = ColumnarTable.create(
    expr,
    input.map((s) => s.labels),
    grid,
  );
  if (!table) return undefined;
  for (let si = 0; si < input.length; si++) {
    const s = input[si] as StepSeries;
    for (let k = 0; k < s.ts.length; k++) {
      table.add(
        si,
        Math.round(((s.ts[k] as number) - grid.start) / grid.interval),
        s.vs[k] as number,
      );
    }
  }
  return table.result();
}
