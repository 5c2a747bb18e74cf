/**
 * The PromQL parser and printers: `parseExpr` (text to the typed AST, with
 * Prometheus's syntax and type errors), `exprToString` (Prometheus's one-line
 * `String()`), `prettyPrint` (its `Prettify`), and the value type of an
 * expression.
 */
export { MAX_QUERY_LENGTH, MAX_TREE_DEPTH, type ParseOptions, parseExpr } from "./parse.js";
export { prettyPrint } from "./prettier.js";
export { durationToString, exprToString } from "./printer.js";
export { documentedType, exprType } from "./types.js";
