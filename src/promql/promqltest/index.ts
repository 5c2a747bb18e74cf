/** promqltest: Prometheus's PromQL conformance scripts, parsed and run against reddot. */

export { almostEqual } from "./compare.js";
export type { EvalFailure } from "./run-eval.js";
export {
  conformanceEngine,
  type EvalReport,
  type FileReport,
  type Outcome,
  type RunOptions,
  runCommands,
  runScriptFile,
  runScriptText,
} from "./runner.js";
export { parseScript, ScriptError } from "./script.js";
export type * from "./script-types.js";
export { parseSeriesDesc, SeriesDescError } from "./series-desc.js";
export { TestStore } from "./test-store.js";
