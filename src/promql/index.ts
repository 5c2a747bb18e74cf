/** PromQL. For now: the series-selector parser used by the read API. */

export {
  exprToString,
  exprType,
  type ParseOptions,
  parseExpr,
  prettyPrint,
} from "./parser/index.js";
export {
  type EvalReport,
  type FileReport,
  runScriptFile,
  runScriptText,
} from "./promqltest/index.js";
export { parseSeriesSelector } from "./selector.js";
