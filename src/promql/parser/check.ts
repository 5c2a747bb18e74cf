/**
 * Type checks of a built tree, as Prometheus's `checkAST` (promql/parser/parse.go)
 * makes them, in the same order and with the same texts (the conformance
 * scripts compare them). It also settles each binary expression's vector
 * matching: many-to-many for set operators, none unless both sides are
 * instant vectors.
 */
import type {
  AggregateExpr,
  BinaryExpr,
  Call,
  Expr,
  PosRange,
  ValueType,
  VectorSelector,
} from "../ast.js";
import { FUNCTIONS } from "../functions.js";
import { goQuote } from "../go-format.js";
import { type BuildContext, fail, mutable } from "./context.js";
import { documentedType, exprType } from "./types.js";

const PARAM_SCALAR = new Set(["topk", "bottomk", "quantile", "limitk", "limit_ratio"]);

/** Checks `e` and completes its binary expressions' matching; throws the first problem. */
export function checkExpr(ctx: BuildContext, e: Expr): void {
  new Checker(ctx).check(e);
}

class Checker {
  /** Selectors that are `info()`'s label-only argument: they may match everything. */
  private readonly labelOnly = new Set<VectorSelector>();

  constructor(private readonly ctx: BuildContext) {}

  check(e: Expr): ValueType {
    switch (e.type) {
      case "AggregateExpr":
        this.aggregate(e);
        break;
      case "BinaryExpr":
        this.binary(e);
        break;
      case "Call":
        this.call(e);
        break;
      case "ParenExpr":
      case "StepInvariantExpr":
        this.check(e.expr);
        break;
      case "UnaryExpr": {
        const t = this.check(e.expr);
        if (t !== "scalar" && t !== "vector") {
          this.fail(
            e.pos,
            `unary expression only allowed on expressions of type scalar or instant vector, got ${goQuote(documentedType(t))}`,
          );
        }
        break;
      }
      case "SubqueryExpr": {
        const t = this.check(e.expr);
        if (t !== "vector") {
          this.fail(e.pos, `subquery is only allowed on instant vector, got ${t} instead`);
        }
        break;
      }
      case "MatrixSelector":
        this.selector(e.vector);
        break;
      case "VectorSelector":
        this.selector(e);
        break;
      case "NumberLiteral":
      case "StringLiteral":
        break;
    }
    return exprType(e);
  }

  private fail(pos: PosRange, message: string): never {
    return fail(this.ctx, pos, message);
  }

  private expectType(e: Expr, want: ValueType, context: string): void {
    const t = this.check(e);
    if (t !== want) {
      this.fail(
        e.pos,
        `expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`,
      );
    }
  }

  private aggregate(e: AggregateExpr): void {
    this.expectType(e.expr, "vector", "aggregation expression");
    if (e.param !== undefined && PARAM_SCALAR.has(e.op)) {
      this.expectType(e.param, "scalar", "aggregation parameter");
    }
    if (e.param !== undefined && e.op === "count_values") {
      this.expectType(e.param, "string", "aggregation parameter");
    }
  }

  private call(e: Call): void {
    const sig = FUNCTIONS.get(e.func);
    if (sig === undefined) this.fail(e.pos, `unknown function with name ${goQuote(e.func)}`);
    const n = e.args.length;
    const declared = sig.argTypes.length;
    const name = goQuote(sig.name);
    if (sig.variadic === 0) {
      if (n !== declared) {
        this.fail(e.pos, `expected ${declared} argument(s) in call to ${name}, got ${n}`);
      }
    } else {
      const min = declared - 1;
      if (n < min) {
        this.fail(e.pos, `expected at least ${min} argument(s) in call to ${name}, got ${n}`);
      }
      if (sig.variadic > 0 && n > min + sig.variadic) {
        this.fail(
          e.pos,
          `expected at most ${min + sig.variadic} argument(s) in call to ${name}, got ${n}`,
        );
      }
    }
    if (e.func === "info" && n > 1) this.infoLabels(e);
    for (let i = 0; i < n; i++) {
      if (i >= declared && sig.variadic === 0) break;
      const want = sig.argTypes[Math.min(i, declared - 1)];
      const arg = e.args[i];
      const t = this.check(arg);
      if (t !== want) {
        this.fail(
          arg.pos,
          `expected type ${documentedType(want)} in call to function ${name}, got ${documentedType(t)}`,
        );
      }
    }
  }

  /** `info(v, {k="v"})`: the second argument selects info series by labels only. */
  private infoLabels(e: Call): void {
    const arg = e.args[1];
    const t = exprType(arg);
    if (t !== "vector") {
      this.fail(
        e.pos,
        `expected type instant vector in call to function "info", got ${documentedType(t)}`,
      );
    }
    if (arg.type !== "VectorSelector") this.fail(arg.pos, "expected label selectors only");
    if (arg.name !== "") {
      this.fail(arg.pos, "expected label selectors only, got vector selector instead");
    }
    this.labelOnly.add(arg);
  }

  private binary(e: BinaryExpr): void {
    const lt = this.check(e.lhs);
    const rt = this.check(e.rhs);
    const m = e.matching;
    const opRange = (): PosRange => this.operatorRange(e);
    const comparison = ["==", "!=", ">", "<", ">=", "<="].includes(e.op);
    const setOp = e.op === "and" || e.op === "or" || e.op === "unless";
    if (e.returnBool && !comparison) {
      this.fail(opRange(), "bool modifier can only be used on comparison operators");
    }
    if (comparison && !e.returnBool && lt === "scalar" && rt === "scalar") {
      this.fail(opRange(), "comparisons between scalars must use BOOL modifier");
    }
    if (m?.on) {
      const both = m.labels.find((l) => m.include.includes(l));
      if (both !== undefined) {
        this.fail(
          opRange(),
          `label ${goQuote(both)} must not occur in ON and GROUP clause at once`,
        );
      }
    }
    const message = "binary expression must contain only scalar and instant vector types";
    if (lt !== "scalar" && lt !== "vector") this.fail(e.lhs.pos, message);
    if (rt !== "scalar" && rt !== "vector") this.fail(e.rhs.pos, message);
    const filled = m !== undefined && (m.fillLeft !== undefined || m.fillRight !== undefined);
    if (lt !== "vector" || rt !== "vector") {
      if (m !== undefined && m.labels.length > 0) {
        this.fail(e.pos, "vector matching only allowed between instant vectors");
      }
      if (filled)
        this.fail(e.pos, "filling in missing series only allowed between instant vectors");
      mutable(e).matching = undefined;
    } else if (setOp && m !== undefined) {
      if (m.card === "one-to-many" || m.card === "many-to-one") {
        this.fail(e.pos, `no grouping allowed for ${goQuote(e.op)} operation`);
      }
      if (filled) this.fail(e.pos, "filling in missing series not allowed for set operators");
      mutable(e).matching = { ...m, card: "many-to-many" };
    }
    if ((lt === "scalar" || rt === "scalar") && setOp) {
      this.fail(e.pos, `set operator ${goQuote(e.op)} not allowed in binary scalar expression`);
    }
  }

  /** The operator and its modifiers, between the two operands, trimmed of space. */
  private operatorRange(e: BinaryExpr): PosRange {
    const text = this.ctx.text;
    let start = e.lhs.pos.end;
    let end = e.rhs.pos.start;
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    return { start, end };
  }

  private selector(vs: VectorSelector): void {
    if (vs.name !== "") {
      const others = vs.matchers.slice(0, -1);
      const dup = others.find((m) => m.name === "__name__");
      if (dup !== undefined) {
        this.fail(
          vs.pos,
          `metric name must not be set twice: ${goQuote(vs.name)} or ${goQuote(dup.value)}`,
        );
      }
      return;
    }
    if (this.labelOnly.has(vs)) return;
    if (!vs.matchers.some((m) => !m.matches(""))) {
      this.fail(vs.pos, "vector selector must contain at least one non-empty matcher");
    }
  }
}
