/**
 * The PromQL function table: names, argument types and return types, as in
 * Prometheus's `promql/parser/functions.go`. The parser type-checks calls
 * against it; the engine implements each entry (src/promql/engine/functions).
 */
import type { ValueType } from "./ast.js";

export interface FunctionSignature {
  readonly name: string;
  /** Types of the arguments, in order. */
  readonly argTypes: readonly ValueType[];
  /**
   * 0: exactly argTypes.length arguments. n > 0: the last n arguments are
   * optional. -1: the last argument type repeats any number of times (zero or more extra).
   */
  readonly variadic: number;
  readonly returnType: ValueType;
  /** Needs the experimental-functions switch (on in promqltest, off by default in the server? see engine options). */
  readonly experimental?: boolean;
}

const S: ValueType = "scalar";
const V: ValueType = "vector";
const M: ValueType = "matrix";
const STR: ValueType = "string";

function fn(
  name: string,
  argTypes: ValueType[],
  returnType: ValueType,
  variadic = 0,
  experimental = false,
): FunctionSignature {
  return { name, argTypes, returnType, variadic, experimental };
}

const LIST: FunctionSignature[] = [
  fn("abs", [V], V),
  fn("absent", [V], V),
  fn("absent_over_time", [M], V),
  fn("acos", [V], V),
  fn("acosh", [V], V),
  fn("asin", [V], V),
  fn("asinh", [V], V),
  fn("atan", [V], V),
  fn("atanh", [V], V),
  fn("avg_over_time", [M], V),
  fn("ceil", [V], V),
  fn("changes", [M], V),
  fn("clamp", [V, S, S], V),
  fn("clamp_max", [V, S], V),
  fn("clamp_min", [V, S], V),
  fn("cos", [V], V),
  fn("cosh", [V], V),
  fn("count_over_time", [M], V),
  fn("days_in_month", [V], V, 1),
  fn("day_of_month", [V], V, 1),
  fn("day_of_week", [V], V, 1),
  fn("day_of_year", [V], V, 1),
  fn("deg", [V], V),
  fn("delta", [M], V),
  fn("deriv", [M], V),
  fn("double_exponential_smoothing", [M, S, S], V, 0, true),
  fn("exp", [V], V),
  fn("first_over_time", [M], V),
  fn("floor", [V], V),
  fn("histogram_avg", [V], V),
  fn("histogram_count", [V], V),
  fn("histogram_fraction", [S, S, V], V),
  fn("histogram_quantile", [S, V], V),
  fn("histogram_quantiles", [V, STR, S, S], V, 9, true),
  fn("histogram_stddev", [V], V),
  fn("histogram_stdvar", [V], V),
  fn("histogram_sum", [V], V),
  // Prometheus 2.x name of double_exponential_smoothing, kept so 2.x rules and dashboards load.
  fn("holt_winters", [M, S, S], V),
  fn("hour", [V], V, 1),
  fn("idelta", [M], V),
  fn("increase", [M], V),
  fn("info", [V, V], V, 1, true),
  fn("irate", [M], V),
  fn("label_join", [V, STR, STR, STR], V, -1),
  fn("label_replace", [V, STR, STR, STR, STR], V),
  fn("last_over_time", [M], V),
  fn("ln", [V], V),
  fn("log10", [V], V),
  fn("log2", [V], V),
  fn("mad_over_time", [M], V, 0, true),
  // Scalar min/max of two scalars (Prometheus 3.12); the duration-expression spelling as a function.
  fn("max_of", [S, S], S, 0, true),
  fn("min_of", [S, S], S, 0, true),
  fn("max_over_time", [M], V),
  fn("min_over_time", [M], V),
  fn("minute", [V], V, 1),
  fn("month", [V], V, 1),
  fn("pi", [], S),
  fn("predict_linear", [M, S], V),
  fn("present_over_time", [M], V),
  fn("quantile_over_time", [S, M], V),
  fn("rad", [V], V),
  fn("rate", [M], V),
  fn("resets", [M], V),
  fn("round", [V, S], V, 1),
  fn("scalar", [V], S),
  fn("sgn", [V], V),
  fn("sin", [V], V),
  fn("sinh", [V], V),
  fn("sort", [V], V),
  fn("sort_by_label", [V, STR], V, -1, true),
  fn("sort_by_label_desc", [V, STR], V, -1, true),
  fn("sort_desc", [V], V),
  fn("sqrt", [V], V),
  fn("start_timestamp", [V], V, 0, true),
  fn("stddev_over_time", [M], V),
  fn("stdvar_over_time", [M], V),
  fn("sum_over_time", [M], V),
  fn("tan", [V], V),
  fn("tanh", [V], V),
  fn("time", [], S),
  fn("timestamp", [V], V),
  fn("ts_of_first_over_time", [M], V, 0, true),
  fn("ts_of_last_over_time", [M], V, 0, true),
  fn("ts_of_max_over_time", [M], V, 0, true),
  fn("ts_of_min_over_time", [M], V, 0, true),
  fn("vector", [S], V),
  fn("year", [V], V, 1),
  // Query-range functions (Prometheus 3.12): the query's start, end, range and step as scalars.
  fn("start", [], S, 0, true),
  fn("end", [], S, 0, true),
  fn("range", [], S, 0, true),
  fn("step", [], S, 0, true),
];

/** Signatures by function name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map(
  LIST.map((f) => [f.name, f]),
);
