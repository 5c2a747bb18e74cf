/**
 * Postfix parts of a selector: `[range]`, `[range:step]`, `offset`, `@`,
 * `anchored`, `smoothed`, with the checks of Prometheus's parser
 * (parse.go addOffset, setTimestamp, setAnchored, and the matrix_selector
 * action) and their texts.
 */
import type {
  AtModifier,
  DurationExpr,
  Expr,
  MatrixSelector,
  PosRange,
  SubqueryExpr,
  VectorSelector,
} from "../ast.js";
import { goRound } from "../go-format.js";
import { type BuildContext, fail } from "./context.js";

/**
 * Applies a postfix to the operand it binds to in Prometheus's grammar: the
 * right-most operand of a binary or unary expression (postfixes bind tighter
 * than every operator there, while the lezer grammar puts them around the
 * whole expression before them).
 */
export function onNearestOperand(operand: Expr, end: number, apply: (e: Expr) => Expr): Expr {
  if (operand.type === "BinaryExpr") {
    const rhs = onNearestOperand(operand.rhs, end, apply);
    return { ...operand, rhs, pos: { start: operand.pos.start, end: rhs.pos.end } };
  }
  if (operand.type === "UnaryExpr") {
    const inner = onNearestOperand(operand.expr, end, apply);
    return { ...operand, expr: inner, pos: { start: operand.pos.start, end: inner.pos.end } };
  }
  return apply(operand);
}

/** `e[range]`; `where` is the bracket part, where Prometheus reports its errors. */
export function toMatrix(
  ctx: BuildContext,
  e: Expr,
  range: DurationExpr,
  where: PosRange,
): MatrixSelector {
  if (e.type !== "VectorSelector") fail(ctx, where, "ranges only allowed for vector selectors");
  if (e.offset !== undefined) fail(ctx, where, "no offset modifiers allowed before range");
  if (e.at !== undefined) fail(ctx, where, "no @ modifiers allowed before range");
  return { type: "MatrixSelector", vector: e, range, pos: { start: e.pos.start, end: where.end } };
}

/** `e[range:step]`. Whether `e` is an instant vector is checked with the types, later. */
export function toSubquery(
  e: Expr,
  range: DurationExpr,
  step: DurationExpr | undefined,
  end: number,
): SubqueryExpr {
  return {
    type: "SubqueryExpr",
    expr: e,
    range,
    ...(step !== undefined ? { step } : {}),
    pos: { start: e.pos.start, end },
  };
}

type Target = VectorSelector | MatrixSelector | SubqueryExpr;

/** The selector or subquery that holds the modifiers of `e`, or a failure naming `what`. */
function modifierHolder(ctx: BuildContext, e: Expr, what: string): VectorSelector | SubqueryExpr {
  switch (e.type) {
    case "VectorSelector":
      return e;
    case "MatrixSelector":
      return e.vector;
    case "SubqueryExpr":
      return e;
    default:
      return fail(
        ctx,
        e.pos,
        `${what} must be preceded by an instant vector selector or range vector selector or a subquery`,
      );
  }
}

/** Rebuilds `e` with its modifier holder replaced and its end moved to `end`. */
function withHolder(e: Target, holder: VectorSelector | SubqueryExpr, end: number): Target {
  const pos = { start: e.pos.start, end: Math.max(e.pos.end, end) };
  if (e.type === "MatrixSelector") return { ...e, vector: holder as VectorSelector, pos };
  return { ...holder, pos };
}

/** `e offset d`. A zero offset counts as not set, as in Prometheus. */
export function applyOffset(ctx: BuildContext, e: Expr, d: DurationExpr, end: number): Expr {
  const holder = modifierHolder(ctx, e, "offset modifier");
  const prev = holder.offset;
  if (prev !== undefined && !(prev.kind === "literal" && prev.ms === 0)) {
    fail(ctx, e.pos, "offset may not be set multiple times");
  }
  if (d.kind === "literal" && d.ms === 0) {
    const { offset: _, ...rest } = holder;
    return withHolder(e as Target, rest, end);
  }
  return withHolder(e as Target, { ...holder, offset: d }, end);
}

/** What follows `@`: a time in seconds, or `start()`/`end()`. */
export type AtWritten = { kind: "start" | "end" } | { ts: number };

/** `e @ t`. */
export function applyAt(ctx: BuildContext, e: Expr, at: AtWritten, end: number): Expr {
  let modifier: AtModifier;
  if ("ts" in at) {
    if (!(Math.abs(at.ts) < 2 ** 63)) {
      fail(ctx, e.pos, `timestamp out of bounds for @ modifier: ${goPercentF(at.ts)}`);
    }
    modifier = { kind: "time", ms: goRound(at.ts * 1000) };
  } else {
    modifier = { kind: at.kind };
  }
  const holder = modifierHolder(ctx, e, "@ modifier");
  if (holder.at !== undefined) fail(ctx, e.pos, "@ <timestamp> may not be set multiple times");
  return withHolder(e as Target, { ...holder, at: modifier }, end);
}

function goPercentF(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  return v.toFixed(6);
}

/** `e anchored` (experimental). */
export function applyAnchored(ctx: BuildContext, e: Expr, end: number): Expr {
  return applyExtended(ctx, e, "anchored", end);
}

/** `e smoothed` (experimental). */
export function applySmoothed(ctx: BuildContext, e: Expr, end: number): Expr {
  return applyExtended(ctx, e, "smoothed", end);
}

function applyExtended(
  ctx: BuildContext,
  e: Expr,
  which: "anchored" | "smoothed",
  end: number,
): Expr {
  if (!ctx.experimental) fail(ctx, e.pos, `${which} modifier is experimental and not enabled`);
  if (e.type === "SubqueryExpr")
    fail(ctx, e.pos, `${which} modifier is not supported for subqueries`);
  if (e.type !== "VectorSelector" && e.type !== "MatrixSelector") {
    fail(ctx, e.pos, `${which} modifier not implemented`);
  }
  const vs = e.type === "MatrixSelector" ? e.vector : e;
  const other = which === "anchored" ? vs.smoothed : vs.anchored;
  if (other === true) fail(ctx, e.pos, "anchored and smoothed modifiers cannot be used together");
  return withHolder(e, { ...vs, [which]: true }, end);
}
