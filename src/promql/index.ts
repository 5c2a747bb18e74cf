/** PromQL. For now: the series-selector parser used by the read API. */

export {
  type EvalReport,
  type FileReport,
  runScriptFile,
  runScriptText,
} from "./promqltest/index.js";
export { parseSeriesSelector } from "./selector.js";
