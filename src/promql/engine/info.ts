/**
 * info(): enriches series with the labels of matching info series
 * (target_info by default), Prometheus 3's experimental function.
 */
import type { Call, Expr } from "../ast.js";
import { execError } from "../values.js";
import type { Evaluator, StepSeries } from "./evaluator.js";

export function evalInfo(_ev: Evaluator, _e: Call, _args: Expr[]): StepSeries[] {
  throw execError("info() is not supported yet");
}
