/**
 * `prettyPrint`: Prometheus's `Prettify` (promql/parser/prettier.go), used by
 * `/api/v1/format_query`. A node whose one-line text exceeds 100 bytes is
 * split: its children go on their own lines, indented two spaces per level.
 * Quirks are kept on purpose (a short subquery is not indented), because
 * clients compare the output with Prometheus's.
 */
import type { Expr } from "../ast.js";
import { aggregateHead, binaryOperator, exprToString, subquerySuffix } from "./printer.js";

/** Prometheus's line width. */
export const PRETTY_LINE_BYTES = 100;

/** The expression formatted over several lines where it is longer than `maxLineBytes`. */
export function prettyPrint(e: Expr, maxLineBytes = PRETTY_LINE_BYTES): string {
  return new Prettier(maxLineBytes).pretty(e, 0);
}

function indent(level: number): string {
  return "  ".repeat(level);
}

class Prettier {
  constructor(private readonly maxLineBytes: number) {}

  private needsSplit(e: Expr): boolean {
    return Buffer.byteLength(exprToString(e), "utf8") > this.maxLineBytes;
  }

  pretty(e: Expr, level: number): string {
    const pad = indent(level);
    switch (e.type) {
      case "AggregateExpr": {
        if (!this.needsSplit(e)) return pad + exprToString(e);
        const param = e.param !== undefined ? `${this.pretty(e.param, level + 1)},\n` : "";
        return `${pad}${aggregateHead(e)}(\n${param}${this.pretty(e.expr, level + 1)}\n${pad})`;
      }
      case "BinaryExpr":
        if (!this.needsSplit(e)) return pad + exprToString(e);
        return `${this.pretty(e.lhs, level + 1)}\n${pad}${binaryOperator(e)}\n${this.pretty(e.rhs, level + 1)}`;
      case "Call": {
        if (!this.needsSplit(e)) return pad + exprToString(e);
        const args = e.args.map((a) => this.pretty(a, level + 1)).join(",\n");
        return `${pad}${e.func}(\n${args}\n${pad})`;
      }
      case "ParenExpr":
        if (!this.needsSplit(e)) return pad + exprToString(e);
        return `${pad}(\n${this.pretty(e.expr, level + 1)}\n${pad})`;
      case "SubqueryExpr":
        if (!this.needsSplit(e)) return exprToString(e);
        return this.pretty(e.expr, level) + subquerySuffix(e);
      case "UnaryExpr":
        return `${pad}${e.op}${this.pretty(e.expr, level).trim()}`;
      case "StepInvariantExpr":
        return this.pretty(e.expr, level);
      default:
        return pad + exprToString(e);
    }
  }
}
