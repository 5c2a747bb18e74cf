/**
 * Evaluation of function calls: range-vector functions run per series over
 * sliding windows; the rest run per step over instant vectors. The
 * implementations live in ./functions; the calls that need the syntax tree
 * or the evaluator (absent, timestamp, scalar, vector, time, sort) are here.
 */
import type { Labels } from "../../storage/index.js";
import { getLabel, labelsFromPairs, METRIC_NAME } from "../../storage/index.js";
import type {
  AggregateExpr,
  Call,
  Expr,
  MatrixSelector,
  SubqueryExpr,
  VectorSelector,
} from "../ast.js";
import { FUNCTIONS } from "../functions.js";
import { execError, type VectorSample } from "../values.js";
import { ColumnarTable, type StepGrid } from "./aggregate-columnar.js";
import type { Evaluator, RangeSource, SourceSeries, StepSeries } from "./evaluator.js";
import {
  ANCHORED_SAFE_FUNCTIONS,
  ELEMENT_FUNCTIONS,
  KEEPS_METRIC_NAME,
  RANGE_FUNCTIONS,
  SMOOTHED_SAFE_FUNCTIONS,
  VECTOR_FUNCTIONS,
} from "./functions/index.js";
import { evalInfo } from "./info.js";
import { exprType } from "./typeof.js";
import type { FunctionContext, RangeFunction, RangeWindow } from "./types.js";

const DATE_FUNCTIONS = new Set([
  "day_of_month",
  "day_of_week",
  "day_of_year",
  "days_in_month",
  "hour",
  "minute",
  "month",
  "year",
]);

export async function evalCall(ev: Evaluator, e: Call): Promise<StepSeries[]> {
  const args = e.args.map(unwrapParens);
  const matrixIdx = args.findIndex((a) => a.type === "MatrixSelector" || a.type === "SubqueryExpr");
  if (matrixIdx >= 0) return rangeCall(ev, e, args, matrixIdx);
  const ctx = functionContext(ev, e, args[0]);
  switch (e.func) {
    case "time":
      return [stepSeries(ev, (t) => t / 1000)];
    case "pi":
      return [stepSeries(ev, () => Math.PI)];
    case "start":
      return [stepSeries(ev, () => ev.env.queryStart / 1000)];
    case "end":
      return [stepSeries(ev, () => ev.env.queryEnd / 1000)];
    case "range":
      return [stepSeries(ev, () => (ev.env.queryEnd - ev.env.queryStart) / 1000)];
    case "step":
      return [stepSeries(ev, () => ev.env.queryStep / 1000)];
    case "min_of":
    case "max_of": {
      const a = await ev.evalScalar(args[0] as Expr);
      const b = await ev.evalScalar(args[1] as Expr);
      const pick = e.func === "min_of" ? Math.min : Math.max;
      return [stepSeries(ev, (_t, i) => pick(a[i] as number, b[i] as number))];
    }
    case "vector": {
      const s = await ev.evalScalar(args[0] as Expr);
      return [stepSeries(ev, (_t, i) => s[i] as number)];
    }
    case "scalar": {
      const input = await ev.evalSeries(args[0] as Expr);
      const out = stepSeries(ev, () => Number.NaN);
      const counts = new Int32Array(ev.steps);
      for (const s of input) {
        for (let k = 0; k < s.ts.length; k++) {
          const i = ev.stepIndex(s.ts[k] as number);
          counts[i] = (counts[i] as number) + 1;
          out.vs[i] = s.vs[k] as number;
        }
      }
      for (let i = 0; i < ev.steps; i++) if (counts[i] !== 1) out.vs[i] = Number.NaN;
      return [out];
    }
    case "absent":
      return absent(ev, args[0] as Expr);
    case "timestamp":
      return timestamp(ev, args[0] as Expr);
    case "sort":
    case "sort_desc":
      return sortByValue(ev, e, args[0] as Expr);
    case "info":
      return evalInfo(ev, e, args);
  }
  if (e.func.startsWith("sort_by_label") && ev.steps > 1) {
    ev.env.annotations.warn(
      "sort is ineffective for range queries since results are always ordered by labels",
      e.pos,
    );
  }
  const element = ELEMENT_FUNCTIONS.get(e.func);
  if (element) {
    const keep = KEEPS_METRIC_NAME.has(e.func);
    let input: StepSeries[];
    let rest: Expr[];
    if (DATE_FUNCTIONS.has(e.func) && args.length === 0) {
      input = [stepSeries(ev, (t) => t / 1000)];
      rest = [];
    } else {
      input = await ev.evalSeries(args[0] as Expr);
      rest = args.slice(1);
    }
    const scalarArgs: Float64Array[] = [];
    for (const a of rest) scalarArgs.push(await ev.evalScalar(a));
    const scalars: number[] = new Array(scalarArgs.length);
    return ev.settleNames(
      await ev.rangeEval([input], (v, t, i) => {
        for (let k = 0; k < scalarArgs.length; k++)
          scalars[k] = (scalarArgs[k] as Float64Array)[i] as number;
        const out: VectorSample[] = [];
        for (const s of v[0] ?? []) {
          const r = element(s.v, scalars, ctx);
          if (r !== undefined)
            out.push({ labels: s.labels, t, v: r, dropName: s.dropName === true || !keep });
        }
        return out;
      }),
    );
  }
  const vectorFn = VECTOR_FUNCTIONS.get(e.func);
  if (!vectorFn) throw execError(`function "${e.func}" is not supported`);
  const sig = FUNCTIONS.get(e.func);
  const vectors: StepSeries[][] = [];
  const scalarArgs: Float64Array[] = [];
  const strings: string[] = [];
  for (const [i, a] of args.entries()) {
    const type = sig
      ? (sig.argTypes[Math.min(i, sig.argTypes.length - 1)] ?? exprType(a))
      : exprType(a);
    if (type === "string") {
      const r = await ev.eval(a);
      strings.push(r.kind === "string" ? r.value : "");
    } else if (type === "scalar") {
      scalarArgs.push(await ev.evalScalar(a));
    } else {
      vectors.push(await ev.evalSeries(a));
    }
  }
  const scalars: number[] = new Array(scalarArgs.length);
  return ev.settleNames(
    await ev.rangeEval(vectors, (v, t, i) => {
      for (let k = 0; k < scalarArgs.length; k++)
        scalars[k] = (scalarArgs[k] as Float64Array)[i] as number;
      return vectorFn({ vectors: v, scalars, strings, t }, ctx);
    }),
  );
}

async function rangeCall(
  ev: Evaluator,
  e: Call,
  args: Expr[],
  matrixIdx: number,
): Promise<StepSeries[]> {
  const keep = KEEPS_METRIC_NAME.has(e.func);
  const out: StepSeries[] = [];
  const src = await windowValues(ev, e, args, matrixIdx, {
    series(s, values, has, count) {
      const ts: number[] = new Array(count);
      const vs: number[] = new Array(count);
      let k = 0;
      for (let i = 0; i < has.length; i++) {
        if (has[i] === 0) continue;
        ts[k] = ev.stepTime(i);
        vs[k++] = values[i] as number;
      }
      out.push({ labels: s.labels, ts, vs, dropName: s.dropName || !keep });
    },
  });
  if (src === "absent") {
    const arg = args[matrixIdx] as MatrixSelector | SubqueryExpr;
    const source = await ev.rangeSource(arg);
    ev.releaseSamples(source.loaded);
    return absentOverTime(ev, source, arg);
  }
  const nonEmpty = out;
  let points = 0;
  for (const s of nonEmpty) points += s.ts.length;
  ev.addSamples(points);
  return ev.settleNames(nonEmpty);
}

/**
 * `agg(f(x[r]))` over a range query, for a range function f over one named
 * metric: the window values fold straight into the aggregation's table, with
 * no per-series arrays in between. Undefined when the shape does not fit
 * (the caller evaluates the argument as usual). One metric name means the
 * series stay distinct once f drops the name, so no collision check is lost.
 */
export async function foldRangeCallInto(
  ev: Evaluator,
  agg: AggregateExpr,
  grid: StepGrid,
): Promise<StepSeries[] | undefined> {
  const inner = unwrapParens(agg.expr);
  if (inner.type !== "Call" || !RANGE_FUNCTIONS.has(inner.func)) return undefined;
  const args = inner.args.map(unwrapParens);
  const matrixIdx = args.findIndex((a) => a.type === "MatrixSelector");
  const arg = args[matrixIdx];
  if (arg?.type !== "MatrixSelector") return undefined;
  if (!arg.vector.matchers.some((m) => m.name === METRIC_NAME && m.type === "=")) return undefined;
  const stored = ev.env.select(arg.vector);
  const table = ColumnarTable.create(
    agg,
    stored.map((s) => s.labels),
    grid,
  );
  if (!table) return undefined;
  const index = new Map<Labels, number>();
  for (const [i, s] of stored.entries()) index.set(s.labels, i);
  await windowValues(ev, inner, args, matrixIdx, {
    series(s, values, has) {
      const row = index.get(s.labels) as number;
      for (let i = 0; i < has.length; i++) if (has[i] !== 0) table.add(row, i, values[i] as number);
    },
  });
  const out = table.result();
  let points = 0;
  for (const s of out) points += s.ts.length;
  ev.addSamples(points);
  return out;
}

/**
 * Where windowValues delivers: each source series with at least one value,
 * its values per step (`has[i]` says whether step i has one; both arrays are
 * reused for the next series).
 */
export interface WindowSink {
  series(s: SourceSeries, values: Float64Array, has: Uint8Array, count: number): void;
}

/** Everything the window loop needs, fixed for one call. */
interface WindowJob {
  readonly fn: RangeFunction;
  readonly ctx: FunctionContext;
  readonly scalarArgs: readonly Float64Array[];
  readonly scalars: number[];
  readonly at: number | undefined;
  readonly offset: number;
  readonly range: number;
  readonly anchored: boolean;
  readonly smoothed: boolean;
  readonly lookback: number;
  readonly start: number;
  readonly interval: number;
  readonly steps: number;
  readonly values: Float64Array;
  readonly has: Uint8Array;
  readonly window: MutableWindow;
}

/**
 * The range function over every step's window of one series, with two
 * pointers sliding over its samples. Kept apart from the async caller so
 * that V8 optimises this loop on its own. Returns how many steps have a value.
 */
function windowsOf(s: SourceSeries, job: WindowJob): number {
  const {
    fn,
    ctx,
    scalarArgs,
    scalars,
    at,
    offset,
    range,
    lookback,
    steps,
    interval,
    values,
    has,
  } = job;
  const n = s.length;
  const sts = s.ts;
  const extended = job.anchored || job.smoothed;
  const extAfter = job.smoothed ? lookback : 0;
  // One window object per call, refilled per series.
  const w = job.window;
  w.ts = sts;
  w.vs = s.vs;
  w.metricName = getLabel(s.labels, METRIC_NAME);
  const nScalars = scalarArgs.length;
  let lo = 0;
  let hi = 0;
  let extLo = 0;
  let extHi = 0;
  let count = 0;
  let t = job.start - interval;
  for (let i = 0; i < steps; i++) {
    t += interval;
    has[i] = 0;
    const ref = (at ?? t) - offset;
    const rs = ref - range;
    while (lo < n && (sts[lo] as number) <= rs) lo++;
    while (hi < n && (sts[hi] as number) <= ref) hi++;
    if (extended) {
      // Anchored and smoothed windows also see samples up to the lookback delta outside.
      while (extLo < n && (sts[extLo] as number) <= rs - lookback) extLo++;
      while (extHi < n && (sts[extHi] as number) <= ref + extAfter) extHi++;
      if (extLo >= extHi) continue;
    } else if (lo >= hi) {
      continue;
    }
    w.first = lo;
    w.end = hi;
    w.rangeStart = rs;
    w.rangeEnd = ref;
    w.evalTime = t;
    for (let k = 0; k < nScalars; k++) scalars[k] = (scalarArgs[k] as Float64Array)[i] as number;
    const v = fn(w, scalars, ctx);
    if (v === undefined) continue;
    values[i] = v;
    has[i] = 1;
    count++;
  }
  return count;
}

/**
 * Applies a range function to every window of its matrix argument, series by
 * series, handing each value to `sink` (rangeCall builds series from them;
 * aggregations over a range function fold them directly). Returns "absent"
 * for absent_over_time, which needs the windows' presence instead.
 */
export async function windowValues(
  ev: Evaluator,
  e: Call,
  args: readonly Expr[],
  matrixIdx: number,
  sink: WindowSink,
): Promise<"absent" | undefined> {
  const arg = args[matrixIdx] as MatrixSelector | SubqueryExpr;
  if (arg.type === "MatrixSelector") {
    if (arg.vector.anchored && !ANCHORED_SAFE_FUNCTIONS.includes(e.func)) {
      throw execError(
        `anchored modifier can only be used with: ${ANCHORED_SAFE_FUNCTIONS.join(", ")} - not with ${e.func}`,
      );
    }
    if (arg.vector.smoothed && !SMOOTHED_SAFE_FUNCTIONS.includes(e.func)) {
      throw execError(
        `smoothed modifier can only be used with: ${SMOOTHED_SAFE_FUNCTIONS.join(", ")} - not with ${e.func}`,
      );
    }
  }
  if (e.func === "absent_over_time") return "absent";
  const scalarArgs: Float64Array[] = [];
  for (const [i, a] of args.entries()) if (i !== matrixIdx) scalarArgs.push(await ev.evalScalar(a));
  const src = await ev.rangeSource(arg);
  const lookback = ev.env.opts.lookbackDelta;
  const ctx = functionContext(ev, e, arg);
  const fn = RANGE_FUNCTIONS.get(e.func);
  if (!fn) throw execError(`function "${e.func}" is not supported over range vectors`);
  const job: WindowJob = {
    fn,
    ctx,
    scalarArgs,
    scalars: new Array(scalarArgs.length),
    at: src.at,
    offset: src.offset,
    range: src.range,
    anchored: src.anchored,
    smoothed: src.smoothed,
    lookback,
    start: ev.start,
    interval: ev.interval,
    steps: ev.steps,
    values: new Float64Array(ev.steps),
    has: new Uint8Array(ev.steps),
    window: {
      ts: EMPTY_ARRAY,
      vs: EMPTY_ARRAY,
      first: 0,
      end: 0,
      rangeStart: 0,
      rangeEnd: 0,
      evalTime: 0,
      anchored: src.anchored,
      smoothed: src.smoothed,
      metricName: "",
    },
  };
  for (let si = 0; si < src.series.length; si++) {
    const s = src.series[si] as SourceSeries;
    if (ev.tickDue(si)) await ev.tick();
    const count = windowsOf(s, job);
    if (count > 0) sink.series(s, job.values, job.has, count);
  }
  ev.releaseSamples(src.loaded);
  return undefined;
}

const EMPTY_ARRAY = new Float64Array(0);

interface MutableWindow extends RangeWindow {
  ts: ArrayLike<number>;
  vs: ArrayLike<number>;
  metricName: string;
  first: number;
  end: number;
  rangeStart: number;
  rangeEnd: number;
  evalTime: number;
}

function absentOverTime(
  ev: Evaluator,
  src: RangeSource,
  arg: MatrixSelector | SubqueryExpr,
): StepSeries[] {
  const present = new Uint8Array(ev.steps);
  for (const s of src.series) {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < ev.steps; i++) {
      const ref = (src.at ?? ev.stepTime(i)) - src.offset;
      while (lo < s.length && (s.ts[lo] as number) <= ref - src.range) lo++;
      while (hi < s.length && (s.ts[hi] as number) <= ref) hi++;
      if (hi > lo) present[i] = 1;
    }
  }
  const labels = arg.type === "MatrixSelector" ? absentLabels(arg.vector) : [];
  const out: StepSeries = { labels, ts: [], vs: [], dropName: true };
  for (let i = 0; i < ev.steps; i++) {
    if (present[i]) continue;
    out.ts.push(ev.stepTime(i));
    out.vs.push(1);
  }
  return out.ts.length > 0 ? ev.settleNames([out]) : [];
}

async function absent(ev: Evaluator, arg: Expr): Promise<StepSeries[]> {
  const input = await ev.evalSeries(arg);
  const present = new Uint8Array(ev.steps);
  for (const s of input) for (const t of s.ts) present[ev.stepIndex(t)] = 1;
  const labels = arg.type === "VectorSelector" ? absentLabels(arg) : [];
  const out: StepSeries = { labels, ts: [], vs: [], dropName: false };
  for (let i = 0; i < ev.steps; i++) {
    if (present[i]) continue;
    out.ts.push(ev.stepTime(i));
    out.vs.push(1);
  }
  return out.ts.length > 0 ? [out] : [];
}

/** Labels of absent()'s output: the selector's equality matchers, except ones given twice. */
function absentLabels(sel: VectorSelector): Labels {
  const values = new Map<string, string | undefined>();
  for (const m of sel.matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === "=" && !values.has(m.name)) values.set(m.name, m.value);
    else values.set(m.name, undefined);
  }
  const pairs: { name: string; value: string }[] = [];
  for (const [name, value] of values) if (value !== undefined) pairs.push({ name, value });
  return labelsFromPairs(pairs);
}

/** timestamp(): a selector argument yields each sample's own time; anything else the step time. */
async function timestamp(ev: Evaluator, arg: Expr): Promise<StepSeries[]> {
  if (arg.type !== "VectorSelector") {
    const input = await ev.evalSeries(arg);
    return ev.settleNames(
      input.map((s) => ({
        labels: s.labels,
        ts: s.ts,
        vs: s.ts.map((t) => t / 1000),
        dropName: true,
      })),
    );
  }
  const out = await ev.vectorSelector(arg, true);
  return ev.settleNames(out);
}

/** sort/sort_desc: orders an instant query's result; NaN last either way. */
async function sortByValue(ev: Evaluator, e: Call, arg: Expr): Promise<StepSeries[]> {
  const input = await ev.evalSeries(arg);
  if (ev.steps > 1) {
    ev.env.annotations.warn(
      "sort is ineffective for range queries since results are always ordered by labels",
      e.pos,
    );
    return input;
  }
  const desc = e.func === "sort_desc";
  return [...input].sort((a, b) => {
    const x = a.vs[0] as number;
    const y = b.vs[0] as number;
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return desc ? y - x : x - y;
  });
}

function stepSeries(ev: Evaluator, f: (t: number, i: number) => number): StepSeries {
  const s = ev.constantSeries(0);
  for (let i = 0; i < ev.steps; i++) s.vs[i] = f(s.ts[i] as number, i);
  return s;
}

function functionContext(ev: Evaluator, e: Call, firstArg: Expr | undefined): FunctionContext {
  return {
    annotations: ev.env.annotations,
    argPos: firstArg?.pos ?? e.pos,
    argPositions: e.args.map((a) => a.pos),
    lookbackDelta: ev.env.opts.lookbackDelta,
    delayedNameRemoval: ev.env.opts.delayedNameRemoval,
  };
}

function unwrapParens(e: Expr): Expr {
  let x = e;
  while (x.type === "ParenExpr") x = x.expr;
  return x;
}
