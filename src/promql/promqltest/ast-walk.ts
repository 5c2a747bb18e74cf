/** Small helpers to walk the typed PromQL AST (src/promql/ast.ts). */
import type { Expr, VectorSelector } from "../ast.js";

/** The direct sub-expressions of a node, in source order. */
export function exprChildren(e: Expr): Expr[] {
  switch (e.type) {
    case "AggregateExpr":
      return e.param === undefined ? [e.expr] : [e.param, e.expr];
    case "BinaryExpr":
      return [e.lhs, e.rhs];
    case "Call":
      return [...e.args];
    case "MatrixSelector":
      return [e.vector];
    case "SubqueryExpr":
    case "ParenExpr":
    case "UnaryExpr":
    case "StepInvariantExpr":
      return [e.expr];
    case "VectorSelector":
    case "NumberLiteral":
    case "StringLiteral":
      return [];
  }
}

/** Every vector selector in the tree, including those inside matrix selectors and subqueries. */
export function vectorSelectors(e: Expr, out: VectorSelector[] = []): VectorSelector[] {
  if (e.type === "VectorSelector") out.push(e);
  for (const c of exprChildren(e)) vectorSelectors(c, out);
  return out;
}
