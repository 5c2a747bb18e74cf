/**
 * Contracts between the evaluator (engine.ts) and the parts it calls:
 * function implementations (functions/), aggregations (aggregate.ts) and
 * binary operators (binop.ts). All are evaluated one step at a time.
 */
import type { PosRange } from "../ast.js";
import type { Annotations, VectorSample } from "../values.js";

export interface EngineOptions {
  /** How far back an instant selector looks for a sample (ms). Prometheus: 5m. */
  readonly lookbackDelta: number;
  /** Most samples one query may hold at once; beyond it the query fails (422). */
  readonly maxSamples: number;
  /** Wall-clock limit per query (ms); beyond it the query fails (503 timeout). */
  readonly timeoutMs: number;
  /** Step of a subquery written without one, in instant queries (ms). Prometheus: the global evaluation interval, 1m. */
  readonly defaultSubqueryStep: number;
  /**
   * Prometheus's experimental switches, one flag for all: experimental
   * functions, duration expressions, fill modifiers, anchored/smoothed ranges.
   */
  readonly experimental: boolean;
  /** Prometheus 3 delayed `__name__` removal. */
  readonly delayedNameRemoval: boolean;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  lookbackDelta: 5 * 60_000,
  maxSamples: 50_000_000,
  timeoutMs: 2 * 60_000,
  defaultSubqueryStep: 60_000,
  experimental: false,
  delayedNameRemoval: false,
};

/**
 * What a function implementation may use besides its arguments: where to
 * report annotations (already positioned at the call's first argument, as
 * Prometheus does) and the engine settings.
 */
export interface FunctionContext {
  readonly annotations: Annotations;
  /** Position to attach to annotations about the input series (the matrix/vector argument). */
  readonly argPos: PosRange;
  readonly lookbackDelta: number;
  /**
   * Positions of all the call's arguments, in order. Some annotations point at
   * another argument than the input series (a bad quantile at the q argument
   * of histogram_quantile and quantile_over_time). Falls back to `argPos`.
   */
  readonly argPositions?: readonly PosRange[];
  /**
   * The engine's delayed-name-removal switch: Prometheus names the metric in
   * some histogram annotations only when it is on (the name is still there).
   */
  readonly delayedNameRemoval?: boolean;
}

/**
 * The samples of one series that a range function sees at one step.
 * `ts`/`vs` is the loaded buffer of the series; the window is indices
 * `[first, end)`: samples with `rangeStart < t <= rangeEnd` (left-open, as
 * Prometheus 3), staleness markers already removed. For `anchored` and
 * `smoothed` selectors the buffer also holds samples up to `lookbackDelta`
 * before `rangeStart` and after `rangeEnd` (indices below `first` and from `end`).
 */
export interface RangeWindow {
  readonly ts: ArrayLike<number>;
  readonly vs: ArrayLike<number>;
  readonly first: number;
  readonly end: number;
  /** Exclusive lower bound (ms), evaluation time minus offset minus range. */
  readonly rangeStart: number;
  /** Inclusive upper bound (ms), evaluation time minus offset. */
  readonly rangeEnd: number;
  readonly anchored: boolean;
  readonly smoothed: boolean;
  /** `__name__` of the series, for annotations ("" when none). */
  readonly metricName: string;
  /**
   * Evaluation time of the step (ms), before offset and `@`: predict_linear
   * extrapolates from it. Falls back to `rangeEnd` when absent.
   */
  readonly evalTime?: number;
}

/**
 * A function over a range vector (rate, *_over_time, ...), called per series
 * per step. `scalars` are the scalar arguments at this step, in argument
 * order (e.g. [q] for quantile_over_time, [t] for predict_linear).
 * Returns undefined when the series yields no sample at this step.
 */
export type RangeFunction = (
  w: RangeWindow,
  scalars: readonly number[],
  ctx: FunctionContext,
) => number | undefined;

/**
 * A function applied to each sample of an instant vector (abs, clamp, round,
 * hour, ...). `scalars` are the scalar arguments at this step. Returns
 * undefined to drop the sample (clamp with min > max drops all).
 */
export type ElementFunction = (
  v: number,
  scalars: readonly number[],
  ctx: FunctionContext,
) => number | undefined;

/** Arguments of a vector-level function call at one step. */
export interface VectorCallArgs {
  /** The instant-vector arguments, in order. */
  readonly vectors: readonly (readonly VectorSample[])[];
  readonly scalars: readonly number[];
  readonly strings: readonly string[];
  /** Evaluation time (ms). */
  readonly t: number;
}

/**
 * A function that needs the whole vector at a step (histogram_quantile groups
 * buckets across series; label_replace and sort_by_label rewrite or order
 * them). Output samples carry `t` = evaluation time.
 */
export type VectorFunction = (args: VectorCallArgs, ctx: FunctionContext) => VectorSample[];
