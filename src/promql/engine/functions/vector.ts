/** The functions that need a whole instant vector at a step, by name. */
import type { VectorFunction } from "../types.js";
import {
  histogramFraction,
  histogramQuantile,
  histogramQuantiles,
  nativeHistogramOnly,
} from "./histogram.js";
import { labelJoin, labelReplace } from "./label-functions.js";
import { sortByLabel, sortByLabelDesc } from "./sort-by-label.js";

export const VECTOR_FUNCTIONS: ReadonlyMap<string, VectorFunction> = new Map<
  string,
  VectorFunction
>([
  ["histogram_quantile", histogramQuantile],
  ["histogram_quantiles", histogramQuantiles],
  ["histogram_fraction", histogramFraction],
  ["histogram_count", nativeHistogramOnly],
  ["histogram_sum", nativeHistogramOnly],
  ["histogram_avg", nativeHistogramOnly],
  ["histogram_stddev", nativeHistogramOnly],
  ["histogram_stdvar", nativeHistogramOnly],
  ["label_replace", labelReplace],
  ["label_join", labelJoin],
  ["sort_by_label", sortByLabel],
  ["sort_by_label_desc", sortByLabelDesc],
]);
