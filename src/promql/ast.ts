/**
 * The typed PromQL syntax tree. The parser (src/promql/parser) builds it from
 * the Prometheus project's lezer grammar; the engine (src/promql/engine)
 * evaluates it; the printer turns it back into canonical text
 * (`/api/v1/format_query`, and the promqltest `@` rewriting).
 *
 * Shapes follow Prometheus's `promql/parser/ast.go` so that semantics carry over
 * one to one. Times and durations are integer milliseconds.
 */
import type { Matcher } from "../storage/index.js";

/** The four PromQL value types. */
export type ValueType = "scalar" | "string" | "vector" | "matrix";

/** Character offsets into the query text, `start` inclusive, `end` exclusive. */
export interface PosRange {
  readonly start: number;
  readonly end: number;
}

export type Expr =
  | AggregateExpr
  | BinaryExpr
  | Call
  | MatrixSelector
  | SubqueryExpr
  | NumberLiteral
  | StringLiteral
  | ParenExpr
  | UnaryExpr
  | VectorSelector
  | StepInvariantExpr;

/**
 * A duration written as an expression (Prometheus 3 "duration expressions",
 * behind the same feature switch): `[5m]`, `[26m+4m]`, `[60*30]`, `[step()]`,
 * `offset -(1m)`, `[min(step(), 1m)]`. A plain duration is `{ kind: "literal" }`.
 * Evaluated once per query (step() and range() are the query's step and end - start).
 */
export type DurationExpr =
  | { readonly kind: "literal"; readonly ms: number; readonly pos: PosRange }
  /** A bare number in a duration context means seconds (`[60*30]`). */
  | { readonly kind: "number"; readonly value: number; readonly pos: PosRange }
  | {
      readonly kind: "binary";
      readonly op: "+" | "-" | "*" | "/" | "%" | "^";
      readonly lhs: DurationExpr;
      readonly rhs: DurationExpr;
      readonly pos: PosRange;
    }
  | {
      readonly kind: "unary";
      readonly op: "+" | "-";
      readonly expr: DurationExpr;
      readonly pos: PosRange;
    }
  | { readonly kind: "paren"; readonly expr: DurationExpr; readonly pos: PosRange }
  | { readonly kind: "step"; readonly pos: PosRange }
  | { readonly kind: "range"; readonly pos: PosRange }
  | {
      readonly kind: "min" | "max";
      readonly lhs: DurationExpr;
      readonly rhs: DurationExpr;
      readonly pos: PosRange;
    };

/** `@ <time>`, `@ start()`, `@ end()`; absent when not written. */
export type AtModifier =
  | { readonly kind: "time"; readonly ms: number }
  | { readonly kind: "start" }
  | { readonly kind: "end" };

export interface VectorSelector {
  readonly type: "VectorSelector";
  /** The metric name when written outside the braces (or as `{"name"}`), else "". */
  readonly name: string;
  /** All matchers, including `__name__="<name>"` when a name was written. */
  readonly matchers: readonly Matcher[];
  /** `offset`: positive looks back in time. Absent when not written. */
  readonly offset?: DurationExpr;
  readonly at?: AtModifier;
  /** Extended range selectors (experimental): only valid inside a MatrixSelector. */
  readonly anchored?: boolean;
  readonly smoothed?: boolean;
  readonly pos: PosRange;
}

export interface MatrixSelector {
  readonly type: "MatrixSelector";
  readonly vector: VectorSelector;
  readonly range: DurationExpr;
  readonly pos: PosRange;
}

export interface SubqueryExpr {
  readonly type: "SubqueryExpr";
  readonly expr: Expr;
  readonly range: DurationExpr;
  /** Absent: the engine's default subquery step (the query step, or 1m for instant queries in tests). */
  readonly step?: DurationExpr;
  readonly offset?: DurationExpr;
  readonly at?: AtModifier;
  readonly pos: PosRange;
}

export type AggregateOp =
  | "sum"
  | "avg"
  | "count"
  | "min"
  | "max"
  | "group"
  | "stddev"
  | "stdvar"
  | "topk"
  | "bottomk"
  | "count_values"
  | "quantile"
  | "limitk"
  | "limit_ratio";

/** Every aggregation operator, in Prometheus's order. */
export const AGGREGATE_OPS: readonly AggregateOp[] = [
  "sum",
  "avg",
  "count",
  "min",
  "max",
  "group",
  "stddev",
  "stdvar",
  "topk",
  "bottomk",
  "count_values",
  "quantile",
  "limitk",
  "limit_ratio",
];

export interface AggregateExpr {
  readonly type: "AggregateExpr";
  readonly op: AggregateOp;
  readonly expr: Expr;
  /** topk/bottomk/limitk/limit_ratio/quantile/count_values parameter. */
  readonly param?: Expr;
  /** `by (...)` / `without (...)` labels, as written. */
  readonly grouping: readonly string[];
  readonly without: boolean;
  /** True when `by`/`without` was written at all (`sum by () (x)` vs `sum(x)`). */
  readonly hasGrouping: boolean;
  readonly pos: PosRange;
}

export type ArithmeticOp = "+" | "-" | "*" | "/" | "%" | "^" | "atan2";
export type ComparisonOp = "==" | "!=" | ">" | "<" | ">=" | "<=";
export type SetOp = "and" | "or" | "unless";
/** Native-histogram trim operators `</` and `>/` (parsed; floats unaffected). */
export type TrimOp = "</" | ">/";
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp | TrimOp;

export type Cardinality = "one-to-one" | "many-to-one" | "one-to-many" | "many-to-many";

export interface VectorMatching {
  readonly card: Cardinality;
  /** `on(...)` when true, `ignoring(...)` when false. */
  readonly on: boolean;
  readonly labels: readonly string[];
  /** `group_left(...)` / `group_right(...)` extra labels. */
  readonly include: readonly string[];
  /** Experimental `fill(v)`, `fill_left(v)`, `fill_right(v)`: value for a missing side. */
  readonly fillLeft?: number;
  readonly fillRight?: number;
}

export interface BinaryExpr {
  readonly type: "BinaryExpr";
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  /** Present when both sides are vectors (Prometheus sets it then, even without modifiers). */
  readonly matching?: VectorMatching;
  /** `bool` modifier on a comparison. */
  readonly returnBool: boolean;
  readonly pos: PosRange;
}

export interface Call {
  readonly type: "Call";
  /** Function name as in src/promql/functions.ts. */
  readonly func: string;
  readonly args: readonly Expr[];
  readonly pos: PosRange;
}

export interface NumberLiteral {
  readonly type: "NumberLiteral";
  readonly value: number;
  readonly pos: PosRange;
}

export interface StringLiteral {
  readonly type: "StringLiteral";
  readonly value: string;
  readonly pos: PosRange;
}

export interface ParenExpr {
  readonly type: "ParenExpr";
  readonly expr: Expr;
  readonly pos: PosRange;
}

export interface UnaryExpr {
  readonly type: "UnaryExpr";
  readonly op: "+" | "-";
  readonly expr: Expr;
  readonly pos: PosRange;
}

/**
 * Marks a subtree whose value is the same at every step (everything under it
 * has `@`, or it is a literal). The engine evaluates it once and repeats the
 * result. Inserted by the engine's preprocessing, never by the parser.
 */
export interface StepInvariantExpr {
  readonly type: "StepInvariantExpr";
  readonly expr: Expr;
  readonly pos: PosRange;
}
