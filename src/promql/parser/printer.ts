/**
 * `exprToString`: the canonical one-line text of an expression, exactly as
 * Prometheus's `Expr.String()` prints it (promql/parser/printer.go), e.g.
 * `sum by (job) (rate(http_requests_total{job="api"}[5m]))`,
 * `a + on (x) group_left () b`, `foo offset 5m @ 100.000`. Parsing the output
 * gives the same tree back.
 */
import { formatDuration } from "../../lib/duration.js";
import type {
  AggregateExpr,
  AtModifier,
  BinaryExpr,
  DurationExpr,
  Expr,
  MatrixSelector,
  SubqueryExpr,
  VectorSelector,
} from "../ast.js";
import { formatFloatF, formatFloatV, goQuote } from "../go-format.js";

/** The canonical text of an expression. */
export function exprToString(e: Expr): string {
  switch (e.type) {
    case "AggregateExpr":
      return `${aggregateHead(e)}(${e.param !== undefined ? `${exprToString(e.param)}, ` : ""}${exprToString(e.expr)})`;
    case "BinaryExpr":
      return `${exprToString(e.lhs)} ${binaryOperator(e)} ${exprToString(e.rhs)}`;
    case "Call":
      return `${e.func}(${e.args.map(exprToString).join(", ")})`;
    case "MatrixSelector":
      return matrixToString(e);
    case "SubqueryExpr":
      return `${exprToString(e.expr)}${subquerySuffix(e)}`;
    case "NumberLiteral":
      return formatFloatF(e.value);
    case "StringLiteral":
      return goQuote(e.value);
    case "ParenExpr":
      return `(${exprToString(e.expr)})`;
    case "UnaryExpr":
      return `${e.op}${exprToString(e.expr)}`;
    case "VectorSelector":
      return vectorToString(e);
    case "StepInvariantExpr":
      return exprToString(e.expr);
  }
}

/** `sum by (job) `, `topk without (a) `, or just the operator: what precedes the arguments. */
export function aggregateHead(e: AggregateExpr): string {
  if (e.without) return `${e.op} without (${labelList(e.grouping)}) `;
  if (e.grouping.length > 0) return `${e.op} by (${labelList(e.grouping)}) `;
  return e.op;
}

const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function labelList(labels: readonly string[]): string {
  return labels.map((l) => (LEGACY_LABEL.test(l) ? l : goQuote(l))).join(", ");
}

/** The operator with `bool`, `on`/`ignoring`, `group_x` and `fill` modifiers. */
export function binaryOperator(e: BinaryExpr): string {
  let s = e.op + (e.returnBool ? " bool" : "");
  const m = e.matching;
  if (m === undefined) return s;
  const grouped = m.card === "many-to-one" || m.card === "one-to-many";
  if (m.labels.length > 0 || m.on || grouped) {
    s += ` ${m.on ? "on" : "ignoring"} (${labelList(m.labels)})`;
  }
  if (grouped) {
    s += ` group_${m.card === "many-to-one" ? "left" : "right"} (${labelList(m.include)})`;
  }
  const { fillLeft, fillRight } = m;
  if (fillLeft !== undefined && fillRight !== undefined && Object.is(fillLeft, fillRight)) {
    s += ` fill (${formatFloatV(fillLeft)})`;
  } else {
    if (fillLeft !== undefined) s += ` fill_left (${formatFloatV(fillLeft)})`;
    if (fillRight !== undefined) s += ` fill_right (${formatFloatV(fillRight)})`;
  }
  return s;
}

function matcherToString(name: string, type: string, value: string): string {
  const plain = /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
  return `${plain ? name : goQuote(name)}${type}${goQuote(value)}`;
}

/** The selector without its modifiers: `foo{a="b"}`. */
function selectorBody(e: VectorSelector): string {
  const parts: string[] = [];
  for (const m of e.matchers) {
    if (m.name === "__name__" && m.type === "=" && m.value === e.name && m.value !== "") continue;
    parts.push(matcherToString(m.name, m.type, m.value));
  }
  parts.sort(byCodeUnits);
  return parts.length > 0 ? `${e.name}{${parts.join(",")}}` : e.name;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function vectorToString(e: VectorSelector): string {
  let s = selectorBody(e) + atSuffix(e.at);
  if (e.anchored === true) s += " anchored";
  else if (e.smoothed === true) s += " smoothed";
  return s + offsetSuffix(e.offset);
}

function matrixToString(e: MatrixSelector): string {
  const vs = e.vector;
  const extended = vs.anchored === true ? " anchored" : vs.smoothed === true ? " smoothed" : "";
  return `${selectorBody(vs)}[${durationToString(e.range)}]${extended}${atSuffix(vs.at)}${offsetSuffix(vs.offset)}`;
}

/** `[5m:1m] @ 100.000 offset 5m`: what follows a subquery's expression. */
export function subquerySuffix(e: SubqueryExpr): string {
  const step = e.step === undefined ? "" : durationToString(e.step);
  return `[${durationToString(e.range)}:${step}]${atSuffix(e.at)}${offsetSuffix(e.offset)}`;
}

function atSuffix(at: AtModifier | undefined): string {
  if (at === undefined) return "";
  if (at.kind === "start") return " @ start()";
  if (at.kind === "end") return " @ end()";
  return ` @ ${(at.ms / 1000).toFixed(3)}`;
}

function offsetSuffix(d: DurationExpr | undefined): string {
  if (d === undefined) return "";
  if (d.kind === "literal") return d.ms === 0 ? "" : ` offset ${durationToString(d)}`;
  // An offset takes only a signed primary; anything wider must keep its parentheses.
  const bare = d.kind === "binary" ? `(${durationToString(d)})` : durationToString(d);
  return ` offset ${bare}`;
}

/** A duration or duration expression as Prometheus prints it (`1h30m`, `step() + 1m`). */
export function durationToString(d: DurationExpr): string {
  switch (d.kind) {
    case "literal":
      return d.ms < 0 ? `-${formatDuration(-d.ms)}` : formatDuration(d.ms);
    case "number":
      return formatFloatF(d.value);
    case "binary":
      return `${durationToString(d.lhs)} ${d.op} ${durationToString(d.rhs)}`;
    case "unary":
      return d.op === "-" ? `-${durationToString(d.expr)}` : durationToString(d.expr);
    case "paren":
      return `(${durationToString(d.expr)})`;
    case "step":
      return "step()";
    case "range":
      return "range()";
    case "min":
    case "max":
      return `${d.kind}_of(${durationToString(d.lhs)}, ${durationToString(d.rhs)})`;
  }
}
