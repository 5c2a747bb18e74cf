/**
 * Float semantics of PromQL's binary operators, as Prometheus 3.14 computes
 * them in Go (`promql/engine.go` scalarBinop and vectorElemBinop).
 */
import type { ArithmeticOp, BinaryOp, ComparisonOp } from "../ast.js";

/** True for the operators that change what the metric means, so the result loses `__name__`. */
export function changesMetricSchema(op: BinaryOp): boolean {
  switch (op) {
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
    case "^":
    case "atan2":
      return true;
    default:
      return false;
  }
}

export function isComparison(op: BinaryOp): op is ComparisonOp {
  switch (op) {
    case "==":
    case "!=":
    case ">":
    case "<":
    case ">=":
    case "<=":
      return true;
    default:
      return false;
  }
}

export function arithmetic(op: ArithmeticOp, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "%":
      // JS % is the truncated remainder with the dividend's sign, as Go's math.Mod (same special cases).
      return a % b;
    case "^":
      return goPow(a, b);
    case "atan2":
      return Math.atan2(a, b);
  }
}

export function compare(op: ComparisonOp, a: number, b: number): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case ">":
      return a > b;
    case "<":
      return a < b;
    case ">=":
      return a >= b;
    case "<=":
      return a <= b;
  }
}

/**
 * Go's math.Pow where it differs from JS `**`: `1 ^ y` and `x ^ 0` are 1 even
 * for NaN, `(-1) ^ ±Inf` is 1, and `x ^ ±0.5` is a square root.
 */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (y === 1) return x;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY)) return 1;
  if (x !== 0 && Number.isFinite(x)) {
    if (y === 0.5) return Math.sqrt(x);
    if (y === -0.5) return 1 / Math.sqrt(x);
  }
  return x ** y;
}

/**
 * A binary operation between two scalars (comparisons need `bool` and give
 * 1 or 0). Throws for set and trim operators, which the parser only allows
 * between vectors.
 */
export function scalarScalar(op: BinaryOp, a: number, b: number): number {
  if (isComparison(op)) return compare(op, a, b) ? 1 : 0;
  switch (op) {
    case "and":
    case "or":
    case "unless":
    case "</":
    case ">/":
      throw new Error(`BUG: operator ${op} not allowed for scalar operations`);
    default:
      return arithmetic(op, a, b);
  }
}
