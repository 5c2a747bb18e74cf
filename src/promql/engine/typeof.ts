/** The static value type of an expression, as Prometheus's `Expr.Type()`. */
import type { Expr, ValueType } from "../ast.js";
import { FUNCTIONS } from "../functions.js";

export function exprType(e: Expr): ValueType {
  switch (e.type) {
    case "NumberLiteral":
      return "scalar";
    case "StringLiteral":
      return "string";
    case "VectorSelector":
    case "AggregateExpr":
      return "vector";
    case "MatrixSelector":
    case "SubqueryExpr":
      return "matrix";
    case "Call":
      return FUNCTIONS.get(e.func)?.returnType ?? "vector";
    case "BinaryExpr":
      return exprType(e.lhs) === "scalar" && exprType(e.rhs) === "scalar" ? "scalar" : "vector";
    case "ParenExpr":
    case "UnaryExpr":
    case "StepInvariantExpr":
      return exprType(e.expr);
  }
}
