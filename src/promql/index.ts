/** PromQL: parser, engine, value types, and the promqltest conformance runner. */

export type { Expr, ValueType } from "./ast.js";
export { Engine } from "./engine/engine.js";
export { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from "./engine/types.js";
export { formatFloatF } from "./go-format.js";
export {
  exprToString,
  exprType,
  type ParseOptions,
  parseExpr,
  prettyPrint,
} from "./parser/index.js";
export {
  almostEqual,
  type EvalReport,
  type FileReport,
  parseSeriesDesc,
  runScriptFile,
  runScriptText,
  SeriesDescError,
  TestStore,
} from "./promqltest/index.js";
export { parseSeriesSelector } from "./selector.js";
export {
  Annotations,
  execError,
  ParseError,
  type PromErrorType,
  QueryError,
  type QueryResult,
  type QueryStats,
  type Series,
  type Value,
  type VectorSample,
} from "./values.js";
