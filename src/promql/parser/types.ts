/** The value type of an expression, as Prometheus's `Expr.Type()` gives it. */
import type { Expr, ValueType } from "../ast.js";
import { FUNCTIONS } from "../functions.js";

/** The type an expression evaluates to. */
export function exprType(e: Expr): ValueType {
  switch (e.type) {
    case "AggregateExpr":
    case "VectorSelector":
      return "vector";
    case "Call":
      return FUNCTIONS.get(e.func)?.returnType ?? "vector";
    case "MatrixSelector":
    case "SubqueryExpr":
      return "matrix";
    case "NumberLiteral":
      return "scalar";
    case "StringLiteral":
      return "string";
    case "ParenExpr":
    case "UnaryExpr":
    case "StepInvariantExpr":
      return exprType(e.expr);
    case "BinaryExpr":
      return exprType(e.lhs) === "scalar" && exprType(e.rhs) === "scalar" ? "scalar" : "vector";
  }
}

/** How Prometheus names a type in error messages ("instant vector", "range vector"). */
export function documentedType(t: ValueType): string {
  switch (t) {
    case "vector":
      return "instant vector";
    case "matrix":
      return "range vector";
    default:
      return t;
  }
}
