/**
 * Runs one `eval` command and judges it as upstream promqltest does
 * (test.go execRangeEval / execInstantEval / runInstantQuery): range evals
 * once; instant evals as written, then @-rewritten at five other times, each
 * also cross-checked in range mode (FORMAT.md 8a).
 */
import { isReddotError } from "../../lib/errors.js";
import type { Queryable } from "../../storage/index.js";
import type { Expr } from "../ast.js";
import type { Engine } from "../engine/engine.js";
import { exprToString } from "../parser/index.js";
import type { QueryResult, Value } from "../values.js";
import { atRewriteTimes, rewriteWithAt } from "./at-rewrite.js";
import {
  checkAnnotations,
  checkExpectedFailure,
  checkMatrixSorted,
  compareResult,
  expectedRows,
  isFail,
  isOrdered,
  type Mismatch,
  type TimeGrid,
} from "./judge.js";
import type { EvalCommand } from "./script-types.js";

/** Why an eval failed: which run, with which query text, and what differed. */
export interface EvalFailure extends Mismatch {
  /** `range`, `instant`, `@-rewrite at t=<ms>`, `... range mode`. */
  readonly run: string;
  /** The query text of that run (rewritten runs differ from the script's). */
  readonly query: string;
}

/** Range-mode cross-check is skipped for queries that depend on the query range. */
const QUERY_CONTEXT_FUNCS = /(start|end|range|step)\(\)/;
const MINUTE = 60_000;

type Attempt = { ok: true; result: QueryResult } | { ok: false; error: string; crash: boolean };

async function attempt(run: () => Promise<QueryResult>): Promise<Attempt> {
  try {
    return { ok: true, result: await run() };
  } catch (e) {
    // Query errors are answers; anything else is a bug in the engine, never "the expected failure".
    if (isReddotError(e)) return { ok: false, error: e.message, crash: false };
    return { ok: false, error: crashText(e), crash: true };
  }
}

/** An unexpected exception with where it came from: the message and the top frames. */
export function crashText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return (e.stack ?? e.message).split("\n").slice(0, 4).join("\n");
}

export class EvalRunner {
  private readonly engine: Engine;
  private readonly storage: Queryable;

  constructor(engine: Engine, storage: Queryable) {
    this.engine = engine;
    this.storage = storage;
  }

  /** Runs the eval; undefined when it passes. `ast` is the parsed `ev.expr`. */
  async run(ev: EvalCommand, ast: Expr): Promise<EvalFailure | undefined> {
    if (ev.kind === "range") return await this.runRange(ev);
    const runs = [{ query: ev.expr, t: ev.time, run: "instant" }];
    const rewritten = rewriteWithAt(ast, ev.time);
    if (rewritten !== undefined) {
      const text = exprToString(rewritten);
      for (const t of atRewriteTimes(ev.time))
        runs.push({ query: text, t, run: `@-rewrite at t=${t}` });
    }
    for (const r of runs) {
      const failure = await this.runInstant(ev, r.query, r.t, r.run);
      if (failure !== undefined) return failure;
    }
    return undefined;
  }

  private async runRange(ev: EvalCommand): Promise<EvalFailure | undefined> {
    const fail = (m: Mismatch): EvalFailure => ({ ...m, run: "range", query: ev.expr });
    const a = await attempt(() =>
      this.engine.rangeQuery(this.storage, ev.expr, ev.start, ev.end, ev.step),
    );
    if (!a.ok) return this.failedQuery(ev, a, fail);
    if (isFail(ev)) return fail({ message: "expected an error but got none" });
    const m =
      checkAnnotations(ev, a.result.warnings, a.result.infos) ??
      compareResult(ev, a.result.value, { start: ev.start, end: ev.end, step: ev.step });
    return m === undefined ? undefined : fail(m);
  }

  private failedQuery(
    ev: EvalCommand,
    a: { error: string; crash: boolean },
    fail: (m: Mismatch) => EvalFailure,
  ): EvalFailure | undefined {
    if (a.crash) return fail({ message: `engine crashed: ${a.error}` });
    if (!isFail(ev))
      return fail({ message: `unexpected error: ${a.error}`, expected: expectedRows(ev) });
    const m = checkExpectedFailure(ev, a.error);
    return m === undefined ? undefined : fail(m);
  }

  private async runInstant(
    ev: EvalCommand,
    query: string,
    t: number,
    run: string,
  ): Promise<EvalFailure | undefined> {
    const fail = (m: Mismatch, suffix = ""): EvalFailure => ({ ...m, run: run + suffix, query });
    const a = await attempt(() => this.engine.instantQuery(this.storage, query, t));
    if (!a.ok) return this.failedQuery(ev, a, fail);
    if (isFail(ev)) return fail({ message: "expected an error but got none" });
    const grid: TimeGrid = ev.rangeVector ?? {
      start: ev.time,
      end: Number.NEGATIVE_INFINITY,
      step: 0,
    };
    const m =
      checkAnnotations(ev, a.result.warnings, a.result.infos) ??
      compareResult(ev, a.result.value, grid);
    if (m !== undefined) return fail(m);
    // Results that are not instant vectors or scalars have no range-mode form.
    if (ev.rangeVector !== undefined || ev.expectString !== undefined) return undefined;
    if (QUERY_CONTEXT_FUNCS.test(query)) return undefined;
    const rm = await this.rangeMode(ev, query, t, a.result.value);
    return rm === undefined ? undefined : fail(rm, " range mode");
  }

  /** The same query as a range query around `t`; its points at `t` must meet the same expectations. */
  private async rangeMode(
    ev: EvalCommand,
    query: string,
    t: number,
    instant: Value,
  ): Promise<Mismatch | undefined> {
    const a = await attempt(() =>
      this.engine.rangeQuery(this.storage, query, t - MINUTE, t + MINUTE, MINUTE),
    );
    if (!a.ok)
      return { message: `${a.crash ? "engine crashed" : "error"} in range mode: ${a.error}` };
    // Range results are sorted by labels, so an ordered expectation cannot hold there.
    if (isOrdered(ev)) return undefined;
    const value = a.result.value;
    if (value.type !== "matrix")
      return { message: `range query returned a ${value.type}, not a matrix` };
    const unsorted = checkMatrixSorted(value.series);
    if (unsorted !== undefined) return { message: unsorted };
    const samples = [];
    for (const s of value.series) {
      const i = s.ts.indexOf(t);
      if (i >= 0) samples.push({ labels: s.labels, t, v: s.vs[i] });
    }
    const grid: TimeGrid = { start: t, end: Number.NEGATIVE_INFINITY, step: 0 };
    if (instant.type === "scalar") {
      if (samples.length === 0)
        return { message: `range mode has no point at t=${t} for a scalar` };
      return compareResult(ev, { type: "scalar", t, v: samples[0].v }, grid);
    }
    return compareResult(ev, { type: "vector", samples }, grid);
  }
}
