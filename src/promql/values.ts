/**
 * PromQL runtime values, query results, annotations and errors, shared by the
 * engine, the HTTP API, the CLI and the promqltest runner.
 */
import { ReddotError } from "../lib/errors.js";
import type { Labels } from "../storage/index.js";
import type { PosRange } from "./ast.js";

/** One element of an instant vector. */
export interface VectorSample {
  readonly labels: Labels;
  /** Evaluation time (ms), or the sample's own time for range-vector literals. */
  readonly t: number;
  readonly v: number;
  /**
   * Delayed name removal (Prometheus 3): the function/operator that produced
   * this sample drops `__name__`, but only when the query finishes (or before a
   * step that needs it gone), so `label_replace` etc. can still read it.
   */
  readonly dropName?: boolean;
}

/** One series of a range vector (matrix): points sorted by time. */
export interface Series {
  readonly labels: Labels;
  readonly ts: number[];
  readonly vs: number[];
  readonly dropName?: boolean;
}

export type Value =
  | { readonly type: "scalar"; readonly t: number; readonly v: number }
  | { readonly type: "string"; readonly t: number; readonly v: string }
  | { readonly type: "vector"; readonly samples: readonly VectorSample[] }
  | { readonly type: "matrix"; readonly series: readonly Series[] };

/** What a query returns: its value and the annotations raised while evaluating. */
export interface QueryResult {
  readonly value: Value;
  /** Rendered as Prometheus does: `PromQL warning: <text> (<line>:<col>)`. */
  readonly warnings: readonly string[];
  /** Rendered as `PromQL info: <text> (<line>:<col>)`. */
  readonly infos: readonly string[];
  readonly stats: QueryStats;
}

export interface QueryStats {
  /** Samples loaded from storage (and points produced by subqueries), as Prometheus counts them. */
  readonly totalSamples: number;
  /** Largest number of samples held at once. */
  readonly peakSamples: number;
  /** Wall time of parsing and evaluation, ms. */
  readonly evalMs: number;
}

/**
 * Warnings and infos raised during one query. Prometheus dedupes them by text,
 * so the same problem on 1,000 series is reported once.
 */
export class Annotations {
  private readonly query: string;
  private readonly warningSet = new Set<string>();
  private readonly infoSet = new Set<string>();
  private readonly mergedInfos = new Map<string, string>();

  constructor(query: string) {
    this.query = query;
  }

  warn(text: string, pos?: PosRange): void {
    this.warningSet.add(`PromQL warning: ${text}${this.where(pos)}`);
  }

  info(text: string, pos?: PosRange): void {
    this.infoSet.add(`PromQL info: ${text}${this.where(pos)}`);
  }

  /**
   * An info that Prometheus merges across occurrences instead of deduping by
   * text (histogram_quantile's monotonicity repair sums up buckets, diffs and
   * times of all of them): one entry per `key`, the latest text replaces the
   * previous one.
   */
  setMergedInfo(key: string, text: string, pos?: PosRange): void {
    this.mergedInfos.set(key, `PromQL info: ${text}${this.where(pos)}`);
  }

  get warnings(): string[] {
    return [...this.warningSet];
  }

  get infos(): string[] {
    return [...this.infoSet, ...this.mergedInfos.values()];
  }

  private where(pos: PosRange | undefined): string {
    if (!pos) return "";
    const { line, col } = lineCol(this.query, pos.start);
    return ` (${line}:${col})`;
  }
}

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

/** Prometheus API error types, which clients (Grafana) switch on. */
export type PromErrorType = "bad_data" | "execution" | "timeout" | "canceled" | "internal";

/**
 * A query that cannot run. `promType` and `status` follow Prometheus's API:
 * parse and type errors 400 bad_data, evaluation errors 422 execution,
 * timeouts 503 timeout.
 */
export class QueryError extends ReddotError {
  readonly promType: PromErrorType;

  constructor(
    code: string,
    promType: PromErrorType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, statusOf(promType), message, options);
    this.name = "QueryError";
    this.promType = promType;
  }
}

function statusOf(t: PromErrorType): number {
  switch (t) {
    case "bad_data":
      return 400;
    case "execution":
      return 422;
    case "timeout":
    case "canceled":
      return 503;
    case "internal":
      return 500;
  }
}

/**
 * A syntax or type error, with the offending position. `message` is the
 * Prometheus-style text without position (what promqltest's `expect fail msg:`
 * compares); `toString()`/`detail` carry `<line>:<col>` for users.
 */
export class ParseError extends QueryError {
  readonly pos: PosRange;
  readonly line: number;
  readonly col: number;

  constructor(query: string, pos: PosRange, message: string) {
    const { line, col } = lineCol(query, pos.start);
    super("RD_PROMQL_PARSE", "bad_data", message);
    this.name = "ParseError";
    this.pos = pos;
    this.line = line;
    this.col = col;
  }

  /** Message with position, as Prometheus's API prints it: `1:5: parse error: ...`. */
  get detail(): string {
    return `${this.line}:${this.col}: parse error: ${this.message}`;
  }
}

/** An error raised while evaluating (`execution`, HTTP 422). */
export function execError(message: string): QueryError {
  return new QueryError("RD_PROMQL_EXEC", "execution", message);
}
