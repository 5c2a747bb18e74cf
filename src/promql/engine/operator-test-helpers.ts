/**
 * Builders for the aggregation and binary-operator unit tests: hand-made
 * instant vectors and AST nodes, and a one-line rendering of results.
 */
import { type Labels, labelsFromRecord } from "../../storage/index.js";
import type {
  AggregateExpr,
  AggregateOp,
  BinaryExpr,
  BinaryOp,
  Expr,
  VectorMatching,
} from "../ast.js";
import { Annotations, type VectorSample } from "../values.js";
import { labelsToPromString } from "./signature.js";

const POS = { start: 0, end: 1 };

export const lbl = (r: Record<string, string>): Labels => labelsFromRecord(r);

/** A sample at t = 0. */
export const smp = (
  labels: Labels | Record<string, string>,
  v: number,
  dropName?: boolean,
): VectorSample =>
  dropName === undefined
    ? { labels: toLabels(labels), t: 0, v }
    : { labels: toLabels(labels), t: 0, v, dropName };

function toLabels(l: Labels | Record<string, string>): Labels {
  return Array.isArray(l) ? (l as Labels) : labelsFromRecord(l as Record<string, string>);
}

/** `{a="b"} 1`, plus ` drop` for samples marked for delayed name removal. */
export function show(out: readonly VectorSample[]): string[] {
  return out.map((s) => `${labelsToPromString(s.labels)} ${s.v}${s.dropName ? " drop" : ""}`);
}

const selector: Expr = { type: "VectorSelector", name: "x", matchers: [], pos: POS };

export function num(value: number): Expr {
  return { type: "NumberLiteral", value, pos: { start: 5, end: 8 } };
}

export function str(value: string): Expr {
  return { type: "StringLiteral", value, pos: { start: 5, end: 8 } };
}

export function aggExpr(
  op: AggregateOp,
  opts: { by?: string[]; without?: string[]; param?: Expr } = {},
): AggregateExpr {
  return {
    type: "AggregateExpr",
    op,
    expr: selector,
    param: opts.param,
    grouping: opts.by ?? opts.without ?? [],
    without: opts.without !== undefined,
    hasGrouping: opts.by !== undefined || opts.without !== undefined,
    pos: POS,
  };
}

export function binExpr(
  op: BinaryOp,
  matching?: Partial<VectorMatching>,
  returnBool = false,
): BinaryExpr {
  const setOp = op === "and" || op === "or" || op === "unless";
  return {
    type: "BinaryExpr",
    op,
    lhs: selector,
    rhs: selector,
    matching: {
      card: setOp ? "many-to-many" : "one-to-one",
      on: false,
      labels: [],
      include: [],
      ...matching,
    },
    returnBool,
    pos: { start: 0, end: 10 },
  };
}

export function context(delayedNameRemoval = false) {
  return { annotations: new Annotations("0123456789 query text"), delayedNameRemoval };
}
