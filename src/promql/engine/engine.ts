/**
 * The PromQL engine: parses a query, opens one querier over exactly the time
 * range the query can read, evaluates, and shapes the result as Prometheus
 * does (delayed `__name__` removal applied, range results sorted by labels).
 */
import type { Querier, Queryable, StoredSeries } from "../../storage/index.js";
import { compareLabels } from "../../storage/index.js";
import type { Expr, VectorSelector } from "../ast.js";
import { parseExpr } from "../parser/index.js";
import {
  Annotations,
  QueryError,
  type QueryResult,
  type Value,
  type VectorSample,
} from "../values.js";
import { resolveDuration } from "./durations.js";
import {
  dropMetricName,
  Evaluator,
  mergeSameLabels,
  type QueryEnv,
  type StepSeries,
} from "./evaluator.js";
import { LabelKeys } from "./label-keys.js";
import { exprType } from "./typeof.js";
import { DEFAULT_ENGINE_OPTIONS, type EngineOptions } from "./types.js";

export class Engine {
  readonly options: EngineOptions;

  constructor(opts: Partial<EngineOptions> = {}) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...opts };
  }

  /** Parses with this engine's feature switches (throws ParseError). */
  parse(query: string): Expr {
    return parseExpr(query, { experimental: this.options.experimental });
  }

  async instantQuery(storage: Queryable, query: string, t: number): Promise<QueryResult> {
    return this.exec(storage, this.parse(query), query, t, t, 0);
  }

  async rangeQuery(
    storage: Queryable,
    query: string,
    start: number,
    end: number,
    step: number,
  ): Promise<QueryResult> {
    const expr = this.parse(query);
    const type = exprType(expr);
    if (type !== "scalar" && type !== "vector") {
      throw new QueryError(
        "RD_PROMQL_EXEC",
        "bad_data",
        `invalid expression type "${type === "matrix" ? "range vector" : type}" for range query, must be Scalar or instant Vector`,
      );
    }
    return this.exec(storage, expr, query, start, end, step);
  }

  /**
   * Evaluates a parsed expression; `step` 0 means an instant query at `start`.
   * `query` is the text the expression came from (for annotation positions).
   */
  async exec(
    storage: Queryable,
    expr: Expr,
    query: string,
    start: number,
    end: number,
    step: number,
  ): Promise<QueryResult> {
    const began = performance.now();
    const annotations = new Annotations(query);
    const durCtx = { step, range: end - start };
    const range = timeRange(expr, start, end, this.options, durCtx);
    const querier: Querier | undefined = range
      ? storage.querier(range.mint, range.maxt)
      : undefined;
    const selected = new Map<VectorSelector, StoredSeries[]>();
    const env: QueryEnv = {
      opts: this.options,
      annotations,
      select: (sel) => {
        let s = selected.get(sel);
        if (!s) {
          s = querier ? querier.select(sel.matchers, { sorted: false }) : [];
          selected.set(sel, s);
        }
        return s;
      },
      selectMatchers: (matchers) => (querier ? querier.select(matchers, { sorted: false }) : []),
      queryStart: start,
      queryEnd: end,
      queryStep: step,
      deadline: performance.now() + this.options.timeoutMs,
      lastYield: performance.now(),
      keys: new LabelKeys(),
      samples: { current: 0, peak: 0, total: 0 },
    };
    try {
      const ev = new Evaluator(env, start, end, step === 0 ? 1 : step);
      const r = await ev.eval(expr);
      let value: Value;
      if (r.kind === "string") {
        value = { type: "string", t: start, v: r.value };
      } else {
        const type = exprType(expr);
        value = shape(r.series, type, step === 0, start, env);
      }
      return {
        value,
        warnings: annotations.warnings,
        infos: annotations.infos,
        stats: {
          totalSamples: env.samples.total,
          peakSamples: env.samples.peak,
          evalMs: performance.now() - began,
        },
      };
    } finally {
      querier?.close();
    }
  }
}

function shape(
  series: StepSeries[],
  type: string,
  instant: boolean,
  t: number,
  env: QueryEnv,
): Value {
  const delayed = env.opts.delayedNameRemoval;
  if (instant && type === "scalar") {
    return { type: "scalar", t, v: series[0]?.vs[0] ?? Number.NaN };
  }
  if (instant && type === "vector") {
    const samples: VectorSample[] = series.map((s) => ({
      labels: delayed && s.dropName ? dropMetricName(s.labels) : s.labels,
      t,
      v: s.vs[0] as number,
    }));
    if (delayed) {
      const seen = new Set<string>();
      for (const s of samples) {
        const k = env.keys.of(s.labels);
        if (seen.has(k)) {
          throw new QueryError(
            "RD_PROMQL_EXEC",
            "execution",
            "vector cannot contain metrics with the same labelset",
          );
        }
        seen.add(k);
      }
    }
    return { type: "vector", samples };
  }
  let out = series;
  if (delayed) {
    for (const s of out) {
      if (s.dropName) {
        s.labels = dropMetricName(s.labels);
        s.dropName = false;
      }
    }
    out = mergeSameLabels(out);
  }
  out.sort((a, b) => compareLabels(a.labels, b.labels));
  return { type: "matrix", series: out.map((s) => ({ labels: s.labels, ts: s.ts, vs: s.vs })) };
}

/**
 * The time range every selector in the query can read, so that one querier
 * covers the query (Prometheus's FindMinMaxTime). Undefined: no selectors.
 */
function timeRange(
  expr: Expr,
  start: number,
  end: number,
  opts: EngineOptions,
  durCtx: { step: number; range: number },
): { mint: number; maxt: number } | undefined {
  let mint = Number.POSITIVE_INFINITY;
  let maxt = Number.NEGATIVE_INFINITY;
  const lookback = opts.lookbackDelta;
  const at = (a: VectorSelector["at"]): number | undefined =>
    a === undefined ? undefined : a.kind === "time" ? a.ms : a.kind === "start" ? start : end;
  const walk = (e: Expr, lo: number, hi: number): void => {
    switch (e.type) {
      case "VectorSelector":
      case "MatrixSelector": {
        const vs = e.type === "VectorSelector" ? e : e.vector;
        const off = vs.offset ? resolveDuration(vs.offset, durCtx, true) : 0;
        const rng =
          e.type === "MatrixSelector" ? resolveDuration(e.range, durCtx, false) : lookback;
        const a = at(vs.at);
        const from = (a ?? lo) - off - rng - (vs.anchored || vs.smoothed ? lookback : 0);
        const to = (a ?? hi) - off + (vs.smoothed ? lookback : 0);
        mint = Math.min(mint, from);
        maxt = Math.max(maxt, to);
        return;
      }
      case "SubqueryExpr": {
        const off = e.offset ? resolveDuration(e.offset, durCtx, true) : 0;
        const rng = resolveDuration(e.range, durCtx, false);
        const a = at(e.at);
        walk(e.expr, (a ?? lo) - off - rng, (a ?? hi) - off);
        return;
      }
      case "AggregateExpr":
        walk(e.expr, lo, hi);
        if (e.param) walk(e.param, lo, hi);
        return;
      case "BinaryExpr":
        walk(e.lhs, lo, hi);
        walk(e.rhs, lo, hi);
        return;
      case "Call":
        for (const a of e.args) walk(a, lo, hi);
        if (e.func === "info") {
          // info() also reads the info metric over the same times.
          mint = Math.min(mint, lo - lookback);
          maxt = Math.max(maxt, hi);
        }
        return;
      case "ParenExpr":
      case "UnaryExpr":
      case "StepInvariantExpr":
        walk(e.expr, lo, hi);
        return;
      case "NumberLiteral":
      case "StringLiteral":
        return;
    }
  };
  walk(expr, start, end);
  if (mint === Number.POSITIVE_INFINITY) return undefined;
  return { mint: mint + 1, maxt };
}
