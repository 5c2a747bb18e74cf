/**
 * The step-invariance check of promqltest (FORMAT.md 8a.1, upstream
 * test.go `atModifierTestCases`): every selector and subquery without an
 * explicit `@ <time>` gets `@ <eval time>`, and the rewritten query must give
 * the same answer at other evaluation times.
 */
import type { AtModifier, Expr } from "../ast.js";

/**
 * Functions whose result changes with the evaluation time even when their
 * arguments are pinned with `@` (Prometheus's AtModifierUnsafeFunctions);
 * a query calling one is not rewritten.
 */
const AT_UNSAFE = new Set([
  "days_in_month",
  "day_of_month",
  "day_of_week",
  "day_of_year",
  "end",
  "hour",
  "minute",
  "month",
  "year",
  "predict_linear",
  "range",
  "start",
  "step",
  "time",
  "timestamp",
]);

/** Times (ms) the rewritten query runs at, for an eval at `t`. */
export function atRewriteTimes(t: number): number[] {
  if (t === 0) return [-1000, 0, 1000];
  // Go's integer division truncates toward zero.
  return [-10 * t, 0, Math.trunc(t / 5), t, 10 * t];
}

/**
 * `expr` with `@ t` on every vector selector, matrix selector and subquery
 * that has no `@ <time>` (`@ start()`/`@ end()` are replaced, as upstream,
 * where a fixed timestamp wins when printing). Nothing inside a subquery is
 * touched: the subquery itself is pinned. Returns undefined when the query
 * calls an @-unsafe function outside subqueries.
 */
export function rewriteWithAt(expr: Expr, t: number): Expr | undefined {
  const at: AtModifier = { kind: "time", ms: t };
  let unsafe = false;
  const pin = (a: AtModifier | undefined): AtModifier => (a?.kind === "time" ? a : at);
  const walk = (e: Expr): Expr => {
    switch (e.type) {
      case "VectorSelector":
        return { ...e, at: pin(e.at) };
      case "MatrixSelector":
        return { ...e, vector: { ...e.vector, at: pin(e.vector.at) } };
      case "SubqueryExpr":
        return { ...e, at: pin(e.at) };
      case "Call":
        if (AT_UNSAFE.has(e.func)) unsafe = true;
        return { ...e, args: e.args.map(walk) };
      case "AggregateExpr":
        return {
          ...e,
          expr: walk(e.expr),
          param: e.param === undefined ? undefined : walk(e.param),
        };
      case "BinaryExpr":
        return { ...e, lhs: walk(e.lhs), rhs: walk(e.rhs) };
      case "ParenExpr":
      case "UnaryExpr":
      case "StepInvariantExpr":
        return { ...e, expr: walk(e.expr) };
      case "NumberLiteral":
      case "StringLiteral":
        return e;
    }
  };
  const out = walk(expr);
  return unsafe ? undefined : out;
}
