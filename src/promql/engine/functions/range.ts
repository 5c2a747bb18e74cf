/** The range-vector functions by name, as the evaluator looks them up. */
import type { RangeFunction } from "../types.js";
import { changes, resets } from "./changes.js";
import {
  avgOverTime,
  countOverTime,
  firstOverTime,
  lastOverTime,
  madOverTime,
  maxOverTime,
  minOverTime,
  presentOverTime,
  quantileOverTime,
  stddevOverTime,
  stdvarOverTime,
  sumOverTime,
  tsOfFirstOverTime,
  tsOfLastOverTime,
  tsOfMaxOverTime,
  tsOfMinOverTime,
} from "./over-time.js";
import { delta, idelta, increase, irate, rate } from "./rate.js";
import { deriv, doubleExponentialSmoothing, predictLinear } from "./regression.js";

export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFunction> = new Map<string, RangeFunction>([
  ["rate", rate],
  ["increase", increase],
  ["delta", delta],
  ["irate", irate],
  ["idelta", idelta],
  ["deriv", deriv],
  ["predict_linear", predictLinear],
  ["double_exponential_smoothing", doubleExponentialSmoothing],
  ["holt_winters", doubleExponentialSmoothing],
  ["resets", resets],
  ["changes", changes],
  ["avg_over_time", avgOverTime],
  ["sum_over_time", sumOverTime],
  ["min_over_time", minOverTime],
  ["max_over_time", maxOverTime],
  ["count_over_time", countOverTime],
  ["stddev_over_time", stddevOverTime],
  ["stdvar_over_time", stdvarOverTime],
  ["quantile_over_time", quantileOverTime],
  ["mad_over_time", madOverTime],
  ["last_over_time", lastOverTime],
  ["first_over_time", firstOverTime],
  ["present_over_time", presentOverTime],
  ["ts_of_first_over_time", tsOfFirstOverTime],
  ["ts_of_last_over_time", tsOfLastOverTime],
  ["ts_of_min_over_time", tsOfMinOverTime],
  ["ts_of_max_over_time", tsOfMaxOverTime],
]);
