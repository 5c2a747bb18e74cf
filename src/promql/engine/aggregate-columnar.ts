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
 * The aggregation of `input` on `grid`, or undefined when this operator or
 * grouping needs the per-step path (parameters, `__name__` kept in the
 * output, or too many groups × steps).
 */
export function aggregateColumnar(
  expr: AggregateExpr,
  input: readonly StepSeries[],
  grid: StepGrid,
): StepSeries[] | undefined {
  if (!COLUMNAR_OPS.has(expr.op)) return undefined;
  const projection = new LabelProjection(expr.grouping, !expr.without);
  if (projection.keeps(METRIC_NAME)) return undefined;
  const ordinals = new KeyOrdinals(projection);
  const groupOf = new Int32Array(input.length);
  for (let i = 0; i < input.length; i++) groupOf[i] = ordinals.of((input[i] as StepSeries).labels);
  const groups = ordinals.size;
  const steps = grid.steps;
  if (groups * steps > MAX_CELLS) return undefined;

  const agg = new SimpleAggregator(expr.op as SimpleAggregateOp, projection);
  agg.reserve(groups * steps);
  const seen = new Uint8Array(groups * steps);
  const labels: (Labels | undefined)[] = new Array(groups);
  for (let si = 0; si < input.length; si++) {
    const s = input[si] as StepSeries;
    const g = groupOf[si] as number;
    if (labels[g] === undefined) labels[g] = projection.labels(s.labels);
    const row = g * steps;
    for (let k = 0; k < s.ts.length; k++) {
      const cell = row + Math.round(((s.ts[k] as number) - grid.start) / grid.interval);
      const v = s.vs[k] as number;
      if (seen[cell] === 0) {
        seen[cell] = 1;
        agg.seedAt(cell, v, false);
      } else {
        agg.foldAt(cell, v);
      }
    }
  }
  const out: StepSeries[] = [];
  for (let g = 0; g < groups; g++) {
    const ts: number[] = [];
    const vs: number[] = [];
    const row = g * steps;
    for (let i = 0; i < steps; i++) {
      if (seen[row + i] === 0) continue;
      ts.push(grid.start + i * grid.interval);
      vs.push(agg.resultAt(row + i, 0));
    }
    if (ts.length > 0) out.push({ labels: labels[g] as Labels, ts, vs, dropName: false });
  }
  return out;
}
