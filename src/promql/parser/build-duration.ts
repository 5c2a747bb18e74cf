/**
 * Durations of ranges, subquery steps and offsets: plain literals (`5m`,
 * `300`) and, behind the experimental switch, duration expressions
 * (`[26m+4m]`, `[step()]`, `offset -min_of(step(), 1s)`), following the
 * `duration_expr`/`offset_duration_expr` actions of Prometheus's grammar.
 */
import type { SyntaxNode } from "@lezer/common";
import type { DurationExpr, PosRange } from "../ast.js";
import { goRound } from "../go-format.js";
import { type BuildContext, fail, kids, span, textOf } from "./context.js";
import { LiteralError, parseDurationMs, parseNumber } from "./literals.js";

/** Prometheus keeps durations in int64 nanoseconds; a literal beyond that (in seconds) is refused. */
const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;

const DURATION_TOKEN = /^\d+(?:ms|[smhdwy])/;

/** Where a duration stands; ranges and steps must be positive, offsets may be negative. */
export type DurationPlace = "range" | "step" | "offset";

/**
 * Builds a complete duration (the node inside `[...]`, after `:` or after
 * `offset`). A lone number becomes a literal in milliseconds, as Prometheus
 * stores it in a time.Duration; anything else needs the experimental switch.
 */
export function buildDuration(
  ctx: BuildContext,
  node: SyntaxNode,
  place: DurationPlace,
): DurationExpr {
  const d = durationNode(ctx, node);
  if (d.kind === "literal" || d.kind === "number") {
    const seconds = d.kind === "literal" ? d.ms / 1000 : d.value;
    if (place !== "offset" && !(seconds > 0)) {
      fail(ctx, d.pos, "duration must be greater than 0");
    }
    const ms = d.kind === "literal" ? d.ms : goRound(d.value * 1000);
    return { kind: "literal", ms, pos: d.pos };
  }
  if (!ctx.experimental) fail(ctx, d.pos, "experimental duration expression is not enabled");
  return d;
}

function durationNode(ctx: BuildContext, node: SyntaxNode): DurationExpr {
  const parts = kids(node);
  const pos = span(node);
  const first = parts[0];
  switch (first?.type.name) {
    case "NumberDurationLiteralInDurationContext":
      return durationLiteral(ctx, first);
    case "UnaryOp":
      return unary(ctx, textOf(ctx, first) as "+" | "-", durationNode(ctx, parts[1]), pos);
    case "DurationStep":
      return { kind: "step", pos };
    case "DurationRange":
      return { kind: "range", pos };
    case "DurationMinOf":
    case "DurationMaxOf": {
      const [lhs, rhs] = parts.filter((p) => p.type.name === "DurationExpr");
      const kind = first.type.name === "DurationMinOf" ? "min" : "max";
      return { kind, lhs: durationNode(ctx, lhs), rhs: durationNode(ctx, rhs), pos };
    }
    case "DurationExpr":
      if (parts.length === 1) return { kind: "paren", expr: durationNode(ctx, first), pos };
      return binary(ctx, parts, pos);
    default:
      return fail(ctx, pos, `unexpected ${JSON.stringify(textOf(ctx, node))} in duration`);
  }
}

const BINARY_OPS: Readonly<Record<string, "+" | "-" | "*" | "/" | "%" | "^">> = {
  Add: "+",
  Sub: "-",
  Mul: "*",
  Div: "/",
  Mod: "%",
  Pow: "^",
};

function binary(ctx: BuildContext, parts: SyntaxNode[], pos: PosRange): DurationExpr {
  const [lhsNode, opNode, rhsNode] = parts;
  const op = BINARY_OPS[opNode.type.name];
  const lhs = durationNode(ctx, lhsNode);
  const rhs = durationNode(ctx, rhsNode);
  const rhsZero =
    (rhs.kind === "number" && rhs.value === 0) || (rhs.kind === "literal" && rhs.ms === 0);
  if (op === "/" && rhsZero) fail(ctx, span(opNode), "division by zero");
  if (op === "%" && rhsZero) fail(ctx, span(opNode), "modulo by zero");
  return { kind: "binary", op, lhs, rhs, pos };
}

/** A sign folds into a literal, and a `+` disappears, as Prometheus's grammar actions do. */
function unary(ctx: BuildContext, op: "+" | "-", inner: DurationExpr, pos: PosRange): DurationExpr {
  if (inner.kind === "literal") {
    return { kind: "literal", ms: op === "-" ? -inner.ms : inner.ms, pos };
  }
  if (inner.kind === "number") {
    const value = op === "-" ? -inner.value : inner.value;
    checkRange(ctx, value, pos);
    return { kind: "number", value, pos };
  }
  return op === "-" ? { kind: "unary", op, expr: inner, pos } : inner;
}

function durationLiteral(ctx: BuildContext, node: SyntaxNode): DurationExpr {
  const text = textOf(ctx, node);
  const pos = span(node);
  try {
    if (DURATION_TOKEN.test(text)) return { kind: "literal", ms: parseDurationMs(text), pos };
    const value = parseNumber(text);
    checkRange(ctx, value, pos);
    return { kind: "number", value, pos };
  } catch (e) {
    if (e instanceof LiteralError) fail(ctx, pos, e.message);
    throw e;
  }
}

function checkRange(ctx: BuildContext, seconds: number, pos: PosRange): void {
  if (!(Math.abs(seconds) <= MAX_DURATION_SECONDS)) {
    fail(ctx, pos, "duration out of range");
  }
}
