/**
 * PromQL function implementations (Prometheus 3.14 semantics, float samples),
 * looked up by name by the evaluator through the contracts in ../types.ts.
 */
export { ELEMENT_FUNCTIONS } from "./elementwise.js";
export { RANGE_FUNCTIONS } from "./range.js";
export { VECTOR_FUNCTIONS } from "./vector.js";

/**
 * Functions whose output keeps `__name__` (Prometheus 3 drops it for every
 * other function, under delayed name removal only when the query ends):
 * first/last_over_time act like an offset; sort* and label_* reorder or
 * relabel without changing values (label_* also restore it when they write
 * `__name__`, which they mark on the sample themselves); info adds labels.
 */
export const KEEPS_METRIC_NAME: ReadonlySet<string> = new Set([
  "first_over_time",
  "last_over_time",
  "sort",
  "sort_desc",
  "sort_by_label",
  "sort_by_label_desc",
  "label_replace",
  "label_join",
  "info",
]);

/**
 * Range functions that accept the `anchored` / `smoothed` selector modifiers
 * (Prometheus's AnchoredSafeFunctions / SmoothedSafeFunctions), in the sorted
 * order its error message lists them.
 */
export const ANCHORED_SAFE_FUNCTIONS: readonly string[] = [
  "changes",
  "delta",
  "increase",
  "rate",
  "resets",
];
export const SMOOTHED_SAFE_FUNCTIONS: readonly string[] = ["delta", "increase", "rate"];
