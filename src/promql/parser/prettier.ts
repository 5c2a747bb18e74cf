/**
 * `prettyPrint`: Prometheus's `Prettify` (promql/parser/prettier.go), used by
 * `/api/v1/format_query`. A node whose one-line text exceeds 100 bytes is
 * split: its children go on their own lines, indented two spaces per level.
 * Quirks are kept on purpose (a short subquery is not indented), because
 * clients compare the output with Prometheus's.
 */
import type { Expr } from "../ast.js";
import { aggregateHead, binaryOperator, exprToString, subquerySuffix } from "./printer.js";

const MAX_LINE_BYTES = 100;

/** The expression formatted over several lines where it is long. */
export function prettyPrint(e: Expr): string {
  return pretty(e, 0);
}

function indent(level: number): string {
  return "  ".repeat(level);
}

function needsSplit(e: Expr): boolean {
  return Buffer.byteLength(exprToString(e), "utf8") > MAX_LINE_BYTES;
}

function pretty(e: Expr, level: number): string {
  const pad = indent(level);
  switch (e.type) {
    case "AggregateExpr": {
      if (!needsSplit(e)) return pad + exprToString(e);
      const param = e.param !== undefined ? `${pretty(e.param, level + 1)},\n` : "";
      return `${pad}${aggregateHead(e)}(\n${param}${pretty(e.expr, level + 1)}\n${pad})`;
    }
    case "BinaryExpr":
      if (!needsSplit(e)) return pad + exprToString(e);
      return `${pretty(e.lhs, level + 1)}\n${pad}${binaryOperator(e)}\n${pretty(e.rhs, level + 1)}`;
    case "Call": {
      if (!needsSplit(e)) return pad + exprToString(e);
      const args = e.args.map((a) => pretty(a, level + 1)).join(",\n");
      return `${pad}${e.func}(\n${args}\n${pad})`;
    }
    case "ParenExpr":
      if (!needsSplit(e)) return pad + exprToString(e);
      return `${pad}(\n${pretty(e.expr, level + 1)}\n${pad})`;
    case "SubqueryExpr":
      if (!needsSplit(e)) return exprToString(e);
      return pretty(e.expr, level) + subquerySuffix(e);
    case "UnaryExpr":
      return `${pad}${e.op}${pretty(e.expr, level).trim()}`;
    case "StepInvariantExpr":
      return pretty(e.expr, level);
    default:
      return pad + exprToString(e);
  }
}
