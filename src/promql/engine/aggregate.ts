/**
 * PromQL aggregation operators, evaluated one step at a time for the
 * evaluator's range loop (Prometheus 3.14 `promql/engine.go` rangeEvalAgg).
 * This file checks the parameter (k, q, ratio, value label) the way
 * Prometheus does and hands each step to the aggregator of the operator's
 * family: folding (aggregate-simple.ts), selecting (aggregate-k.ts) or
 * count_values (aggregate-count-values.ts).
 *
 * Grouping: `by (l...)` keeps exactly the listed labels; `without (l...)`
 * drops them and always `__name__`. Samples marked `dropName` (delayed name
 * removal) still carry `__name__` and are grouped with it, as in Prometheus;
 * an output group is marked `dropName` when any of its inputs is.
 */
import type { AggregateExpr, Expr, PosRange } from "../ast.js";
import { formatGoG, goQuote } from "../go-format.js";
import { type Annotations, execError, type VectorSample } from "../values.js";
import { CountValuesAggregator } from "./aggregate-count-values.js";
import { SelectingAggregator } from "./aggregate-k.js";
import { SimpleAggregator } from "./aggregate-simple.js";
import { LabelProjection } from "./signature.js";

/** What an aggregation needs from the evaluator. */
export interface OperatorContext {
  readonly annotations: Annotations;
  /** Prometheus 3 delayed `__name__` removal: mark samples instead of dropping the label. */
  readonly delayedNameRemoval: boolean;
}

/** Largest and smallest int64 as float64 (2^63 and -2^63): k beyond them cannot be converted. */
const MAX_INT64 = 2 ** 63;
const MIN_INT64 = -(2 ** 63);

/** One aggregation node of a query: build once per evaluation, call `step` for every step. */
export class Aggregation {
  private readonly expr: AggregateExpr;
  private readonly annotations: Annotations;
  private readonly paramPos: PosRange | undefined;
  private readonly simple?: SimpleAggregator;
  private readonly selecting?: SelectingAggregator;
  private readonly countValues?: CountValuesAggregator;
  /** Set by `checkParams`: the whole-query checks are done and every step is empty. */
  private rangeChecked = false;
  private allEmpty = false;

  /** Throws for an invalid count_values label name, before anything is evaluated (as Prometheus). */
  constructor(expr: AggregateExpr, ctx: OperatorContext) {
    this.expr = expr;
    this.annotations = ctx.annotations;
    this.paramPos = expr.param?.pos;
    const projection = new LabelProjection(expr.grouping, !expr.without);
    switch (expr.op) {
      case "count_values": {
        const label = stringParam(expr.param);
        if (label !== undefined) checkLabelName(label);
        this.countValues = new CountValuesAggregator(label ?? "", expr.grouping, expr.without);
        break;
      }
      case "topk":
      case "bottomk":
      case "limitk":
      case "limit_ratio":
        this.selecting = new SelectingAggregator(expr.op, projection);
        break;
      default:
        this.simple = new SimpleAggregator(expr.op, projection);
    }
  }

  /**
   * Optional, for range queries: the parameter's values at all steps, before
   * the first `step`. Prometheus checks the parameter once per query (errors
   * on any NaN, warns once with the largest/smallest out-of-range value);
   * without this call the same checks run per step on that step's value,
   * which can warn once per distinct bad value instead.
   */
  checkParams(values: readonly number[]): void {
    let min = Number.MAX_VALUE;
    let max = -Number.MAX_VALUE;
    let nan = false;
    if (values.length === 0) {
      min = 0;
      max = 0;
    }
    for (const v of values) {
      // Math.min/max propagate NaN like Go's math.Min/Max, which Prometheus relies on.
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (Number.isNaN(v)) nan = true;
    }
    this.rangeChecked = true;
    this.allEmpty = this.checkRange(min, max, nan);
  }

  /**
   * Aggregates the input instant vector at time `t` (ms). `param` is the
   * parameter's value at this step: k, q or ratio as a number, count_values'
   * label name as a string; undefined for operators without one.
   */
  step(
    input: readonly VectorSample[],
    param: number | string | undefined,
    t: number,
  ): VectorSample[] {
    if (this.countValues) {
      if (typeof param === "string" && stringParam(this.expr.param) === undefined) {
        checkLabelName(param);
      }
      return this.countValues.step(input, t);
    }
    const p = typeof param === "number" ? param : 0;
    if (!this.rangeChecked && this.checkRange(p, p, Number.isNaN(p))) return [];
    if (this.allEmpty) return [];
    if (this.selecting) {
      if (this.expr.op === "limit_ratio") {
        if (p === 0) return [];
        return this.selecting.step(input, Math.max(-1, Math.min(1, p)), t);
      }
      const k = Math.trunc(p);
      if (k < 1) return [];
      return this.selecting.step(input, k, t);
    }
    return (this.simple as SimpleAggregator).step(input, p, t);
  }

  /** Prometheus's once-per-query parameter checks; true when no step can produce output. */
  private checkRange(min: number, max: number, nan: boolean): boolean {
    switch (this.expr.op) {
      case "topk":
      case "bottomk":
      case "limitk":
        if (max < 1) return true;
        if (nan) throw execError("Parameter value is NaN");
        if (min <= MIN_INT64) throw execError(`Scalar value ${formatGoG(min)} underflows int64`);
        if (max >= MAX_INT64) throw execError(`Scalar value ${formatGoG(max)} overflows int64`);
        return false;
      case "limit_ratio":
        if (max === 0 && min === 0) return true;
        if (nan) throw execError("Ratio value is NaN");
        if (max > 1) this.warnRatio(max, 1);
        if (min < -1) this.warnRatio(min, -1);
        return false;
      case "quantile":
        if (nan) this.warnQuantile(Number.NaN);
        if (max > 1) this.warnQuantile(max);
        if (min < 0) this.warnQuantile(min);
        return false;
      default:
        return false;
    }
  }

  private warnRatio(got: number, to: number): void {
    this.annotations.warn(
      `ratio value should be between -1 and 1, got ${formatGoG(got)}, capping to ${formatGoG(to)}`,
      this.paramPos,
    );
  }

  private warnQuantile(got: number): void {
    this.annotations.warn(
      `quantile value should be between 0 and 1, got ${formatGoG(got)}`,
      this.paramPos,
    );
  }
}

/** The count_values label when written as a literal (possibly in parentheses). */
function stringParam(param: Expr | undefined): string | undefined {
  let e = param;
  while (e?.type === "ParenExpr") e = e.expr;
  return e?.type === "StringLiteral" ? e.value : undefined;
}

/** Lone UTF-16 surrogates: text that is not valid Unicode (Go: invalid UTF-8). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Prometheus accepts any non-empty valid UTF-8 label name (model.UTF8Validation). */
function checkLabelName(name: string): void {
  if (name === "" || LONE_SURROGATE.test(name)) {
    throw execError(`invalid label name ${goQuote(name)}`);
  }
}
