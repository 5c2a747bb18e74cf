/** promqltest: Prometheus's PromQL conformance scripts, parsed and run against reddot. */
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
