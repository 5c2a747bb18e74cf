/**
 * Resolves duration expressions (`[26m+4m]`, `offset -(1m)`, `[step()]`) to
 * milliseconds once per query. As in Prometheus, arithmetic is done in
 * seconds: a bare number means seconds, `5m` is 300.
 */
import type { DurationExpr } from "../ast.js";
import { execError } from "../values.js";

export interface DurationContext {
  /** Query step (ms); 0 for instant queries. */
  readonly step: number;
  /** Query end - start (ms). */
  readonly range: number;
}

/** Milliseconds of `d`; ranges and steps must be positive, offsets may be negative. */
export function resolveDuration(
  d: DurationExpr,
  ctx: DurationContext,
  allowNegative: boolean,
): number {
  if (d.kind === "literal") return d.ms;
  const seconds = evalSeconds(d, ctx);
  const where = `${d.pos.start}:${d.pos.end}`;
  if (!Number.isFinite(seconds)) throw execError(`${where}: duration is NaN or infinite`);
  if (seconds <= 0 && !allowNegative) throw execError(`${where}: duration must be greater than 0`);
  if (Math.abs(seconds) > 2 ** 63 / 1e9) throw execError(`${where}: duration is out of range`);
  return Math.trunc(seconds * 1000);
}

function evalSeconds(d: DurationExpr, ctx: DurationContext): number {
  switch (d.kind) {
    case "literal":
      return d.ms / 1000;
    case "number":
      return d.value;
    case "paren":
      return evalSeconds(d.expr, ctx);
    case "unary":
      return d.op === "-" ? -evalSeconds(d.expr, ctx) : evalSeconds(d.expr, ctx);
    case "step":
      return ctx.step / 1000;
    case "range":
      return ctx.range / 1000;
    case "min":
      return Math.min(evalSeconds(d.lhs, ctx), evalSeconds(d.rhs, ctx));
    case "max":
      return Math.max(evalSeconds(d.lhs, ctx), evalSeconds(d.rhs, ctx));
    case "binary": {
      const a = evalSeconds(d.lhs, ctx);
      const b = evalSeconds(d.rhs, ctx);
      switch (d.op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          if (b === 0) throw execError(`${d.pos.start}:${d.pos.end}: division by zero`);
          return a / b;
        case "%":
          if (b === 0) throw execError(`${d.pos.start}:${d.pos.end}: modulo by zero`);
          return a % b;
        case "^":
          return a ** b;
      }
    }
  }
}
