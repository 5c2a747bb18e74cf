/**
 * Turns the lezer tree of a query into the typed AST (src/promql/ast.ts), with
 * the checks Prometheus's grammar actions make while parsing
 * (promql/parser/generated_parser.y): unknown and disabled functions,
 * aggregation arguments, experimental modifiers. Type checks come after, in
 * check.ts, as in Prometheus.
 *
 * Two places where the lezer grammar groups differently from Prometheus's
 * yacc grammar are corrected here: postfix modifiers (`offset`, `@`, `[..]`,
 * `anchored`) bind to the nearest operand (`a + b offset 5m` is
 * `a + (b offset 5m)`), and a signed number before `^` is a unary minus over
 * the power (`-2^2` is `-(2^2)`); see modifiers.ts and `binary` below.
 */
import type { SyntaxNode } from "@lezer/common";
import type {
  AggregateExpr,
  AggregateOp,
  BinaryExpr,
  BinaryOp,
  Call,
  Expr,
  NumberLiteral,
  UnaryExpr,
  VectorMatching,
} from "../ast.js";
import { AGGREGATE_OPS as AST_AGGREGATE_OPS } from "../ast.js";
import { FUNCTIONS } from "../functions.js";
import { goQuote } from "../go-format.js";
import { buildDuration } from "./build-duration.js";
import {
  bracketRange,
  buildGroupingLabels,
  buildStringLiteral,
  buildVectorSelector,
} from "./build-selector.js";
import { type BuildContext, fail, isExprNode, kids, span, textOf } from "./context.js";
import { LiteralError, parseDurationMs, parseNumber } from "./literals.js";
import {
  applyAnchored,
  applyAt,
  applyOffset,
  applySmoothed,
  onNearestOperand,
  toMatrix,
  toSubquery,
} from "./modifiers.js";

/** Builds the expression at a lezer node of the `Expr` group. */
export function buildExpr(ctx: BuildContext, node: SyntaxNode): Expr {
  switch (node.type.name) {
    case "AggregateExpr":
      return aggregate(ctx, node);
    case "BinaryExpr":
      return binary(ctx, node);
    case "FunctionCall":
      return call(ctx, node);
    case "NumberDurationLiteral":
      return numberLiteral(ctx, node);
    case "StringLiteral":
      return buildStringLiteral(ctx, node);
    case "VectorSelector":
      return buildVectorSelector(ctx, node);
    case "ParenExpr":
      return { type: "ParenExpr", expr: buildExpr(ctx, exprKids(node)[0]), pos: span(node) };
    case "UnaryExpr":
      return unaryExpr(ctx, node);
    default:
      return postfix(ctx, node);
  }
}

function exprKids(node: SyntaxNode): SyntaxNode[] {
  return kids(node).filter(isExprNode);
}

/** Range and subquery selectors and the `offset`/`@`/`anchored`/`smoothed` modifiers. */
function postfix(ctx: BuildContext, node: SyntaxNode): Expr {
  const operandNode = exprKids(node)[0];
  const operand = buildExpr(ctx, operandNode);
  switch (node.type.name) {
    case "MatrixSelector": {
      const range = buildDuration(ctx, node.getChild("DurationExpr") as SyntaxNode, "range");
      const where = bracketRange(ctx, node, operandNode.to);
      return onNearestOperand(operand, node.to, (e) => toMatrix(ctx, e, range, where));
    }
    case "SubqueryExpr": {
      const [rangeNode, stepNode] = node.getChildren("DurationExpr");
      const range = buildDuration(ctx, rangeNode, "range");
      const step = stepNode === undefined ? undefined : buildDuration(ctx, stepNode, "step");
      return onNearestOperand(operand, node.to, (e) => toSubquery(e, range, step, node.to));
    }
    case "OffsetExpr": {
      const d = buildDuration(ctx, node.getChild("OffsetDurationExpr") as SyntaxNode, "offset");
      return onNearestOperand(operand, node.to, (e) => applyOffset(ctx, e, d, node.to));
    }
    case "StepInvariantExpr":
      return onNearestOperand(operand, node.to, (e) => applyAt(ctx, e, atOf(ctx, node), node.to));
    case "AnchoredExpr":
      return onNearestOperand(operand, node.to, (e) => applyAnchored(ctx, e, node.to));
    case "SmoothedExpr":
      return onNearestOperand(operand, node.to, (e) => applySmoothed(ctx, e, node.to));
    default:
      return fail(ctx, span(node), `unexpected ${node.type.name}`);
  }
}

function atOf(ctx: BuildContext, node: SyntaxNode): { kind: "start" | "end" } | { ts: number } {
  const pre = node.getChild("AtModifierPreprocessors");
  if (pre !== null) return { kind: pre.getChild("AtStart") !== null ? "start" : "end" };
  const lit = node.getChild("NumberDurationLiteral") as SyntaxNode;
  return { ts: numberLiteral(ctx, lit).value };
}

const AGGREGATE_OPS = new Set<string>(AST_AGGREGATE_OPS);
const WITH_PARAM = new Set([
  "topk",
  "bottomk",
  "count_values",
  "quantile",
  "limitk",
  "limit_ratio",
]);
const EXPERIMENTAL_AGGREGATES = new Set(["limitk", "limit_ratio"]);

function aggregate(ctx: BuildContext, node: SyntaxNode): AggregateExpr {
  const op = textOf(ctx, node.getChild("AggregateOp") as SyntaxNode).toLowerCase();
  if (!AGGREGATE_OPS.has(op)) fail(ctx, span(node), `unknown aggregation ${goQuote(op)}`);
  const modifier = node.getChild("AggregateModifier");
  const grouping =
    modifier === null ? [] : buildGroupingLabels(ctx, modifier.getChild("GroupingLabels"));
  const body = node.getChild("FunctionCallBody") as SyntaxNode;
  const args = exprKids(body).map((a) => buildExpr(ctx, a));
  const pos = span(node);
  if (args.length === 0) fail(ctx, pos, "no arguments for aggregate expression provided");
  const withParam = WITH_PARAM.has(op);
  if (withParam && EXPERIMENTAL_AGGREGATES.has(op) && !ctx.experimental) {
    fail(
      ctx,
      pos,
      `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`,
    );
  }
  const want = withParam ? 2 : 1;
  if (args.length !== want) {
    fail(
      ctx,
      pos,
      `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
    );
  }
  return {
    type: "AggregateExpr",
    op: op as AggregateOp,
    expr: args[want - 1],
    ...(withParam ? { param: args[0] } : {}),
    grouping,
    without: modifier?.getChild("Without") != null,
    hasGrouping: modifier !== null,
    pos,
  };
}

function call(ctx: BuildContext, node: SyntaxNode): Call {
  const nameNode = node.getChild("FunctionIdentifier") as SyntaxNode;
  const args = exprKids(node.getChild("FunctionCallBody") as SyntaxNode).map((a) =>
    buildExpr(ctx, a),
  );
  const name = textOf(ctx, nameNode);
  const sig = FUNCTIONS.get(name);
  if (sig === undefined) fail(ctx, span(nameNode), `unknown function with name ${goQuote(name)}`);
  if (sig.experimental && !ctx.experimental) {
    fail(ctx, span(nameNode), `function ${goQuote(name)} is not enabled`);
  }
  return { type: "Call", func: name, args, pos: span(node) };
}

const BINARY_OPS: Readonly<Record<string, BinaryOp>> = {
  Pow: "^",
  Mul: "*",
  Div: "/",
  Mod: "%",
  Atan2: "atan2",
  Add: "+",
  Sub: "-",
  Eql: "==",
  Neq: "!=",
  Gtr: ">",
  Lss: "<",
  Gte: ">=",
  Lte: "<=",
  TrimUpper: "</",
  TrimLower: ">/",
  And: "and",
  Or: "or",
  Unless: "unless",
};

function binary(ctx: BuildContext, node: SyntaxNode): Expr {
  const parts = kids(node);
  const [lhsNode, rhsNode] = parts.filter(isExprNode);
  const op = BINARY_OPS[parts[1].type.name];
  const signed = op === "^" ? signOf(ctx, lhsNode) : null;
  const lhs = signed === null ? buildExpr(ctx, lhsNode) : numberLiteral(ctx, lhsNode, true);
  const matching = vectorMatching(ctx, node);
  const returnBool = node.getChild("BoolModifier") !== null;
  const rhs = buildExpr(ctx, rhsNode);
  const pos = { start: lhs.pos.start, end: rhs.pos.end };
  const expr: BinaryExpr = reassociate({
    type: "BinaryExpr",
    op,
    lhs,
    rhs,
    matching,
    returnBool,
    pos,
  });
  if ((matching.fillLeft !== undefined || matching.fillRight !== undefined) && !ctx.experimental) {
    fail(ctx, pos, "binop fill modifiers are experimental and not enabled");
  }
  if (signed === null) return expr;
  // lezer reads `-2^2` as (-2)^2; Prometheus's unary minus binds looser than `^`.
  const unary: UnaryExpr = {
    type: "UnaryExpr",
    op: signed,
    expr,
    pos: { ...pos, start: lhsNode.from },
  };
  return unary;
}

/**
 * The modifiers as written. Prometheus always attaches them; check.ts turns
 * one-to-one into many-to-many for set operators and drops the matching when
 * a side is not an instant vector.
 */
function vectorMatching(ctx: BuildContext, node: SyntaxNode): VectorMatching {
  const clause = node.getChild("MatchingModifierClause");
  let matching: VectorMatching = { card: "one-to-one", on: false, labels: [], include: [] };
  if (clause !== null) {
    const [labelsNode, includeNode] = clause.getChildren("GroupingLabels");
    const left = clause.getChild("GroupLeft") !== null;
    const right = clause.getChild("GroupRight") !== null;
    matching = {
      card: left ? "many-to-one" : right ? "one-to-many" : "one-to-one",
      on: clause.getChild("On") !== null,
      labels: buildGroupingLabels(ctx, labelsNode),
      include: buildGroupingLabels(ctx, includeNode ?? null),
    };
  }
  const fill = node.getChild("FillModifier");
  if (fill === null) return matching;
  const fillValue = (clauseName: string): number | undefined => {
    const c = fill.getChild(clauseName);
    if (c === null) return undefined;
    return numberLiteral(ctx, c.getChild("NumberDurationLiteral") as SyntaxNode).value;
  };
  const both = fillValue("FillClause");
  const fillLeft = both ?? fillValue("FillLeftClause");
  const fillRight = both ?? fillValue("FillRightClause");
  return {
    ...matching,
    ...(fillLeft !== undefined ? { fillLeft } : {}),
    ...(fillRight !== undefined ? { fillRight } : {}),
  };
}

/** The sign written before a number literal, or null. */
function signOf(ctx: BuildContext, node: SyntaxNode): "+" | "-" | null {
  if (node.type.name !== "NumberDurationLiteral") return null;
  const c = ctx.text[node.from];
  return c === "-" || c === "+" ? c : null;
}

const DURATION_TOKEN = /^\d+(?:ms|[smhdwy])/;

/**
 * A number literal, sign included (`-1`, `+Inf`, `- 2`). A duration in number
 * position means seconds (`time() - 1h`), as in Prometheus 3.
 */
function numberLiteral(ctx: BuildContext, node: SyntaxNode, dropSign = false): NumberLiteral {
  const raw = textOf(ctx, node);
  const sign = raw[0] === "-" || raw[0] === "+" ? raw[0] : "";
  const body = raw.slice(sign.length).trimStart();
  const bodyStart = node.to - body.length;
  const pos = { start: dropSign ? bodyStart : node.from, end: node.to };
  let value: number;
  try {
    value = DURATION_TOKEN.test(body) ? parseDurationMs(body) / 1000 : parseNumber(body);
  } catch (e) {
    if (e instanceof LiteralError) fail(ctx, { start: bodyStart, end: node.to }, e.message);
    throw e;
  }
  if (sign === "-" && !dropSign) value = -value;
  return { type: "NumberLiteral", value, pos };
}

function unaryExpr(ctx: BuildContext, node: SyntaxNode): Expr {
  const op = textOf(ctx, node.getChild("UnaryOp") as SyntaxNode) as "+" | "-";
  const inner = buildExpr(ctx, exprKids(node)[0]);
  const pos = { start: node.from, end: inner.pos.end };
  // Prometheus folds a sign into a number literal: `-1` is the number -1.
  if (inner.type === "NumberLiteral") {
    return { type: "NumberLiteral", value: op === "-" ? -inner.value : inner.value, pos };
  }
  return { type: "UnaryExpr", op, expr: inner, pos };
}

/** PromQL operator precedence, low to high (Prometheus's grammar). */
function precedence(op: BinaryOp): number {
  switch (op) {
    case "or":
      return 1;
    case "and":
    case "unless":
      return 2;
    case "==":
    case "!=":
    case ">":
    case "<":
    case ">=":
    case "<=":
      return 3;
    case "+":
    case "-":
      return 4;
    case "^":
      return 6;
    default:
      return 5;
  }
}

/**
 * lezer groups a postfix modifier over the whole binary expression before it
 * (`a + b @ 5 * 0` as `(a + b) @ 5 * 0`); once the modifier has moved to its
 * operand the left side can bind looser than this operator, so the tree is
 * rotated until precedence holds: `a + ((b @ 5) * 0)`.
 */
function reassociate(e: BinaryExpr): BinaryExpr {
  const lhs = e.lhs;
  if (lhs.type !== "BinaryExpr") return e;
  const pl = precedence(lhs.op);
  const pe = precedence(e.op);
  if (pl > pe || (pl === pe && e.op !== "^")) return e;
  const inner = reassociate({
    ...e,
    lhs: lhs.rhs,
    pos: { start: lhs.rhs.pos.start, end: e.pos.end },
  });
  return { ...lhs, rhs: inner, pos: { start: lhs.pos.start, end: inner.pos.end } };
}
