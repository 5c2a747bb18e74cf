/**
 * Evaluates a PromQL syntax tree over a range of steps, the way Prometheus's
 * engine does: every node yields, for each output series, one point per step
 * (an instant query is a range of one step). Range-vector arguments are
 * windows over raw samples (or subquery points) per series and step.
 *
 * Times are ms. `@` is handled directly: a selector with `@ T` looks up at T
 * (minus offset) at every step; `@ start()`/`@ end()` use the query's bounds.
 */
import type { Labels, Matcher, StoredSeries } from "../../storage/index.js";
import { getLabel, isStaleNaN, labelsEqual, METRIC_NAME } from "../../storage/index.js";
import type {
  AggregateExpr,
  AtModifier,
  BinaryExpr,
  Call,
  DurationExpr,
  Expr,
  MatrixSelector,
  SubqueryExpr,
  VectorSelector,
} from "../ast.js";
import { type Annotations, execError, QueryError, type VectorSample } from "../values.js";
import { Aggregation } from "./aggregate.js";
import { aggregateColumnar } from "./aggregate-columnar.js";
import { BinaryOperation, scalarScalar } from "./binop.js";
import { evalCall, foldRangeCallInto } from "./calls.js";
import { resolveDuration } from "./durations.js";
import type { LabelKeys } from "./label-keys.js";
import { withoutMetadataLabels } from "./signature.js";
import { exprType } from "./typeof.js";
import type { EngineOptions } from "./types.js";

/** One output series: a point per step where it has a value. */
export interface StepSeries {
  labels: Labels;
  ts: number[];
  vs: number[];
  dropName: boolean;
}

export type Evaluated =
  | { readonly kind: "matrix"; readonly series: StepSeries[] }
  | { readonly kind: "string"; readonly value: string };

/** What every evaluator of one query shares. */
export interface QueryEnv {
  readonly opts: EngineOptions;
  readonly annotations: Annotations;
  /** Storage series of each selector node, selected once per query. */
  select(sel: VectorSelector): StoredSeries[];
  /** Storage series matching ad-hoc matchers (info()), not cached. */
  selectMatchers(matchers: readonly Matcher[]): StoredSeries[];
  readonly queryStart: number;
  readonly queryEnd: number;
  /** Query step (ms), 0 for instant queries. */
  readonly queryStep: number;
  /** performance.now() past which the query fails with a timeout. */
  readonly deadline: number;
  /** performance.now() of the last turn given to the event loop. */
  lastYield: number;
  readonly keys: LabelKeys;
  samples: SampleCounter;
}

export interface SampleCounter {
  current: number;
  peak: number;
  total: number;
}

/** Longest stretch of evaluation between two turns of the event loop (ms). */
const YIELD_EVERY_MS = 10;

const TOO_MANY_SAMPLES =
  "query processing would load too many samples into memory in query execution";

export class Evaluator {
  readonly env: QueryEnv;
  readonly start: number;
  readonly end: number;
  readonly interval: number;
  readonly steps: number;

  constructor(env: QueryEnv, start: number, end: number, interval: number) {
    this.env = env;
    this.start = start;
    this.end = end;
    this.interval = Math.max(1, interval);
    this.steps = end < start ? 0 : Math.floor((end - start) / this.interval) + 1;
  }

  /** Step timestamp of step i. */
  stepTime(i: number): number {
    return this.start + i * this.interval;
  }

  async eval(e: Expr): Promise<Evaluated> {
    await this.tick();
    if (this.steps === 0) return matrix([]);
    switch (e.type) {
      case "NumberLiteral":
        return matrix([this.constantSeries(e.value)]);
      case "StringLiteral":
        return { kind: "string", value: e.value };
      case "ParenExpr":
      case "StepInvariantExpr":
        return this.eval(e.expr);
      case "UnaryExpr":
        return this.unary(e.op, e.expr);
      case "VectorSelector":
        return matrix(await this.vectorSelector(e));
      case "MatrixSelector":
        return matrix(await this.matrixSelectorRaw(e));
      case "SubqueryExpr":
        return matrix(
          (await this.subquery(e)).series.map((s) => ({
            labels: s.labels,
            ts: Array.from(s.ts),
            vs: Array.from(s.vs),
            dropName: s.dropName,
          })),
        );
      case "AggregateExpr":
        return matrix(await this.aggregate(e));
      case "BinaryExpr":
        return matrix(await this.binary(e));
      case "Call":
        return matrix(await evalCall(this, e));
    }
  }

  /** Evaluates an expression known to yield series (scalar or vector). */
  async evalSeries(e: Expr): Promise<StepSeries[]> {
    const r = await this.eval(e);
    if (r.kind !== "matrix") throw execError(`expected a vector or scalar, got a string`);
    return r.series;
  }

  /** The per-step values of a scalar expression (NaN where it has none). */
  async evalScalar(e: Expr): Promise<Float64Array> {
    const out = new Float64Array(this.steps).fill(Number.NaN);
    const series = await this.evalSeries(e);
    const s = series[0];
    if (s)
      for (let i = 0; i < s.ts.length; i++)
        out[this.stepIndex(s.ts[i] as number)] = s.vs[i] as number;
    return out;
  }

  stepIndex(t: number): number {
    return Math.round((t - this.start) / this.interval);
  }

  constantSeries(v: number): StepSeries {
    // Counted before allocating: `vector(1)[1000d:1s]` would otherwise build
    // 86 M-point arrays before any limit is checked.
    this.addSamples(this.steps);
    const ts: number[] = new Array(this.steps);
    const vs: number[] = new Array(this.steps);
    for (let i = 0; i < this.steps; i++) {
      ts[i] = this.stepTime(i);
      vs[i] = v;
    }
    return { labels: [], ts, vs, dropName: false };
  }

  duration(d: DurationExpr | undefined, allowNegative: boolean): number {
    if (!d) return 0;
    return resolveDuration(
      d,
      { step: this.env.queryStep, range: this.env.queryEnd - this.env.queryStart },
      allowNegative,
    );
  }

  atTime(at: AtModifier | undefined): number | undefined {
    if (!at) return undefined;
    if (at.kind === "time") return at.ms;
    return at.kind === "start" ? this.env.queryStart : this.env.queryEnd;
  }

  /**
   * Whether the i-th series of a loop should call tick(): every series when
   * each is long (many steps), every 16th when each is a few samples, so
   * instant queries over 10k series do not pay 10k awaits.
   */
  tickDue(i: number): boolean {
    return this.steps > 64 || (i & 15) === 0;
  }

  /**
   * Called between units of work: fails the query past its deadline, and
   * gives the event loop a turn every few milliseconds so that a long query
   * never stalls ingestion, scrapes or other requests.
   */
  async tick(): Promise<void> {
    const now = performance.now();
    if (now - this.env.lastYield >= YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.env.lastYield = performance.now();
    }
    if (performance.now() > this.env.deadline) {
      throw new QueryError(
        "RD_QUERY_TIMEOUT",
        "timeout",
        "query timed out in expression evaluation",
      );
    }
  }

  addSamples(n: number): void {
    const c = this.env.samples;
    c.current += n;
    c.total += n;
    if (c.current > c.peak) c.peak = c.current;
    if (c.current > this.env.opts.maxSamples) {
      throw new QueryError("RD_QUERY_TOO_MANY_SAMPLES", "execution", TOO_MANY_SAMPLES);
    }
  }

  releaseSamples(n: number): void {
    this.env.samples.current -= n;
  }

  // --- selectors -----------------------------------------------------------

  /**
   * An instant selector over the steps: per series, the latest sample within
   * the lookback delta at each step (its value, or with `timestamps` its time
   * in seconds, for timestamp()).
   */
  async vectorSelector(e: VectorSelector, timestamps = false): Promise<StepSeries[]> {
    const offset = this.duration(e.offset, true);
    const at = this.atTime(e.at);
    const lookback = this.env.opts.lookbackDelta;
    const firstRef = (at ?? this.start) - offset;
    const lastRef = (at ?? this.stepTime(this.steps - 1)) - offset;
    const out: StepSeries[] = [];
    let k = 0;
    for (const s of this.env.select(e)) {
      if (this.tickDue(k++)) await this.tick();
      const extra = e.smoothed ? lookback : 0;
      const buf = s.samples(firstRef - lookback + 1, lastRef + extra);
      if (buf.length === 0) continue;
      const ts: number[] = [];
      const vs: number[] = [];
      if (e.smoothed && !timestamps) {
        smoothedPoints(this, buf.ts, buf.vs, buf.length, at, offset, lookback, ts, vs);
      } else {
        let j = -1;
        for (let i = 0; i < this.steps; i++) {
          const t = this.stepTime(i);
          const ref = (at ?? t) - offset;
          while (j + 1 < buf.length && (buf.ts[j + 1] as number) <= ref) j++;
          if (j < 0 || (buf.ts[j] as number) <= ref - lookback) continue;
          const v = buf.vs[j] as number;
          if (isStaleNaN(v)) continue;
          ts.push(t);
          vs.push(timestamps ? (buf.ts[j] as number) / 1000 : v);
        }
      }
      if (ts.length === 0) continue;
      this.addSamples(ts.length);
      out.push({ labels: s.labels, ts, vs, dropName: timestamps });
    }
    return out;
  }

  /** A range selector as a value (instant queries only): raw samples in the window. */
  private async matrixSelectorRaw(e: MatrixSelector): Promise<StepSeries[]> {
    if (this.steps !== 1) throw execError("cannot do range evaluation of matrix selector");
    const src = await this.rangeSource(e);
    const out: StepSeries[] = [];
    const ref = (src.at ?? this.start) - src.offset;
    for (const s of src.series) {
      const ts: number[] = [];
      const vs: number[] = [];
      for (let i = 0; i < s.ts.length; i++) {
        const t = s.ts[i] as number;
        if (t > ref - src.range && t <= ref) {
          ts.push(t);
          vs.push(s.vs[i] as number);
        }
      }
      if (ts.length > 0) out.push({ labels: s.labels, ts, vs, dropName: s.dropName });
    }
    return out;
  }

  /**
   * The series a range function reads: raw samples (staleness markers
   * removed) of a range selector, or the points of a subquery, with the
   * window geometry.
   */
  async rangeSource(e: MatrixSelector | SubqueryExpr): Promise<RangeSource> {
    if (e.type === "SubqueryExpr") return this.subquery(e);
    const vs = e.vector;
    const offset = this.duration(vs.offset, true);
    const range = this.duration(e.range, false);
    const at = this.atTime(vs.at);
    const lookback = this.env.opts.lookbackDelta;
    const before = vs.anchored || vs.smoothed ? lookback : 0;
    const after = vs.smoothed ? lookback : 0;
    const firstRef = (at ?? this.start) - offset;
    const lastRef = (at ?? this.stepTime(this.steps - 1)) - offset;
    const series: SourceSeries[] = [];
    let k = 0;
    for (const s of this.env.select(vs)) {
      if (this.tickDue(k++)) await this.tick();
      const buf = s.samples(firstRef - range - before + 1, lastRef + after);
      if (buf.length === 0) continue;
      let stale = 0;
      for (let i = 0; i < buf.length; i++) if (isStaleNaN(buf.vs[i] as number)) stale++;
      if (stale === 0) {
        series.push({
          labels: s.labels,
          ts: buf.ts,
          vs: buf.vs,
          length: buf.length,
          dropName: false,
        });
        continue;
      }
      const ts = new Float64Array(buf.length - stale);
      const vals = new Float64Array(buf.length - stale);
      let n = 0;
      for (let i = 0; i < buf.length; i++) {
        const v = buf.vs[i] as number;
        if (isStaleNaN(v)) continue;
        ts[n] = buf.ts[i] as number;
        vals[n++] = v;
      }
      if (n > 0) series.push({ labels: s.labels, ts, vs: vals, length: n, dropName: false });
    }
    let loaded = 0;
    for (const s of series) loaded += s.length;
    this.addSamples(loaded);
    return {
      series,
      loaded,
      offset,
      range,
      at,
      anchored: vs.anchored === true,
      smoothed: vs.smoothed === true,
      fromSubquery: false,
    };
  }

  async subquery(e: SubqueryExpr): Promise<RangeSource> {
    const offset = this.duration(e.offset, true);
    const range = this.duration(e.range, false);
    const step = e.step ? this.duration(e.step, false) : this.env.opts.defaultSubqueryStep;
    const at = this.atTime(e.at);
    const parentStart = at ?? this.start;
    const parentEnd = at ?? this.stepTime(this.steps - 1);
    const from = parentStart - offset - range;
    let subStart = step * Math.trunc(from / step);
    if (subStart <= from) subStart += step;
    const sub = new Evaluator(this.env, subStart, parentEnd - offset, step);
    const series: SourceSeries[] = (await sub.evalSeries(e.expr)).map((s) => ({
      labels: s.labels,
      ts: s.ts,
      vs: s.vs,
      length: s.ts.length,
      dropName: s.dropName,
    }));
    let loaded = 0;
    for (const s of series) loaded += s.length;
    return {
      series,
      loaded,
      offset,
      range,
      at,
      anchored: false,
      smoothed: false,
      fromSubquery: true,
    };
  }

  // --- operators -----------------------------------------------------------

  private async unary(op: "+" | "-", e: Expr): Promise<Evaluated> {
    const r = await this.eval(e);
    if (op === "+" || r.kind !== "matrix") return r;
    const isScalar = exprType(e) === "scalar";
    const series = r.series.map((s) => {
      const out: StepSeries = {
        labels: s.labels,
        ts: s.ts,
        vs: s.vs.map((v) => -v),
        dropName: !isScalar,
      };
      return out;
    });
    return matrix(this.settleNames(series));
  }

  private async aggregate(e: AggregateExpr): Promise<StepSeries[]> {
    const agg = new Aggregation(e, {
      annotations: this.env.annotations,
      delayedNameRemoval: this.env.opts.delayedNameRemoval,
    });
    let paramAt: (i: number) => number | string | undefined = () => undefined;
    if (e.param) {
      const p = e.param;
      if (e.op === "count_values") {
        const r = await this.eval(p);
        const label = r.kind === "string" ? r.value : "";
        paramAt = () => label;
      } else {
        const values = await this.evalScalar(p);
        agg.checkParams(Array.from(values));
        paramAt = (i) => values[i];
      }
    }
    const grid = { start: this.start, interval: this.interval, steps: this.steps };
    if (!e.param) {
      const folded = await foldRangeCallInto(this, e, grid);
      if (folded) return folded;
    }
    const input = await this.evalSeries(e.expr);
    if (!e.param) {
      const out = aggregateColumnar(e, input, grid);
      if (out) {
        let points = 0;
        for (const s of out) points += s.ts.length;
        this.addSamples(points);
        return out;
      }
    }
    return this.rangeEval([input], (vectors, t, i) => agg.step(vectors[0] ?? [], paramAt(i), t));
  }

  private async binary(e: BinaryExpr): Promise<StepSeries[]> {
    const lt = exprType(e.lhs);
    const rt = exprType(e.rhs);
    const lhs = await this.evalSeries(e.lhs);
    const rhs = await this.evalSeries(e.rhs);
    if (lt === "scalar" && rt === "scalar") {
      const a = this.evalScalarFrom(lhs);
      const b = this.evalScalarFrom(rhs);
      const s = this.constantSeries(0);
      for (let i = 0; i < this.steps; i++)
        s.vs[i] = scalarScalar(e.op, a[i] as number, b[i] as number);
      return [s];
    }
    const op = new BinaryOperation(e, {
      annotations: this.env.annotations,
      delayedNameRemoval: this.env.opts.delayedNameRemoval,
    });
    if (lt === "vector" && rt === "vector") {
      return this.rangeEval([lhs, rhs], (v, t) => op.vectorVector(v[0] ?? [], v[1] ?? [], t));
    }
    const scalarOnLeft = lt === "scalar";
    const scalars = this.evalScalarFrom(scalarOnLeft ? lhs : rhs);
    const vec = scalarOnLeft ? rhs : lhs;
    return this.rangeEval([vec], (v, t, i) =>
      op.vectorScalar(v[0] ?? [], scalars[i] as number, scalarOnLeft, t),
    );
  }

  evalScalarFrom(series: StepSeries[]): Float64Array {
    const out = new Float64Array(this.steps).fill(Number.NaN);
    const s = series[0];
    if (s)
      for (let i = 0; i < s.ts.length; i++)
        out[this.stepIndex(s.ts[i] as number)] = s.vs[i] as number;
    return out;
  }

  /**
   * Calls `fn` once per step with the input vectors at that step and gathers
   * its outputs into series (Prometheus's rangeEval). Two outputs with the
   * same labels at one step are an error.
   */
  async rangeEval(
    inputs: readonly StepSeries[][],
    fn: (vectors: VectorSample[][], t: number, step: number) => VectorSample[],
  ): Promise<StepSeries[]> {
    const cursors = inputs.map((m) => new Int32Array(m.length));
    const vectors: VectorSample[][] = inputs.map(() => []);
    // One sample object per input series, refilled at every step: callers
    // consume a step's vectors before the next (outputs are copied out
    // below), and 10k series × 1,440 steps would otherwise be 14 M objects.
    const samples: MutableSample[][] = inputs.map((m) =>
      m.map((s) => ({ labels: s.labels, t: 0, v: 0, dropName: s.dropName })),
    );
    const keys = this.env.keys;
    const outByKey = new Map<string, StepSeries>();
    // Outputs usually reuse one Labels object per series across steps.
    const outByLabels = new Map<Labels, StepSeries>();
    const out: StepSeries[] = [];
    const base = this.env.samples.current;
    let produced = 0;
    for (let step = 0; step < this.steps; step++) {
      if ((step & 63) === 0) await this.tick();
      const t = this.stepTime(step);
      for (let k = 0; k < inputs.length; k++) {
        const m = inputs[k] as StepSeries[];
        const cur = cursors[k] as Int32Array;
        const pool = samples[k] as MutableSample[];
        const vec: VectorSample[] = [];
        for (let si = 0; si < m.length; si++) {
          const s = m[si] as StepSeries;
          const c = cur[si] as number;
          if (c < s.ts.length && s.ts[c] === t) {
            const smp = pool[si] as MutableSample;
            smp.t = t;
            smp.v = s.vs[c] as number;
            vec.push(smp);
            cur[si] = c + 1;
          }
        }
        vectors[k] = vec;
      }
      const result = fn(vectors, t, step);
      produced += result.length;
      this.env.samples.current = base + produced;
      this.addSamples(0);
      if (this.steps === 1) {
        if (!this.env.opts.delayedNameRemoval) checkNoDuplicates(result, keys);
        return result.map((r) => ({
          labels: r.labels,
          ts: [t],
          vs: [r.v],
          dropName: r.dropName === true,
        }));
      }
      for (const r of result) {
        let s = outByLabels.get(r.labels);
        if (!s) {
          const key = keys.of(r.labels);
          s = outByKey.get(key);
          if (!s) {
            s = { labels: r.labels, ts: [], vs: [], dropName: r.dropName === true };
            outByKey.set(key, s);
            out.push(s);
          }
          outByLabels.set(r.labels, s);
        }
        if (s.ts[s.ts.length - 1] === t) {
          throw execError("vector cannot contain metrics with the same labelset");
        }
        s.ts.push(t);
        s.vs.push(r.v);
      }
    }
    return out;
  }

  /** Without delayed name removal, names marked for dropping go right away. */
  settleNames(series: StepSeries[]): StepSeries[] {
    if (this.env.opts.delayedNameRemoval) return series;
    // Series can only collide once their names are gone if they had different names.
    let firstName: string | undefined;
    let severalNames = false;
    let unnamedKept = false;
    for (const s of series) {
      if (!s.dropName && getLabel(s.labels, METRIC_NAME) === "") unnamedKept = true;
      if (s.dropName) {
        const name = getLabel(s.labels, METRIC_NAME);
        if (firstName === undefined) firstName = name;
        else if (name !== firstName) severalNames = true;
        s.labels = dropMetricName(s.labels);
        s.dropName = false;
      }
    }
    const mayCollide = severalNames || (unnamedKept && firstName !== undefined);
    return mayCollide ? mergeSameLabels(series) : series;
  }

  settleSamples(samples: VectorSample[]): VectorSample[] {
    if (this.env.opts.delayedNameRemoval) return samples;
    return samples.map((s) =>
      s.dropName ? { labels: dropMetricName(s.labels), t: s.t, v: s.v } : s,
    );
  }
}

interface MutableSample {
  labels: Labels;
  t: number;
  v: number;
  dropName: boolean;
}

export interface SourceSeries {
  readonly labels: Labels;
  readonly ts: ArrayLike<number>;
  readonly vs: ArrayLike<number>;
  readonly length: number;
  readonly dropName: boolean;
}

export interface RangeSource {
  readonly series: SourceSeries[];
  /** Points held, counted against max_samples until the caller releases them. */
  readonly loaded: number;
  readonly offset: number;
  readonly range: number;
  readonly at: number | undefined;
  readonly anchored: boolean;
  readonly smoothed: boolean;
  readonly fromSubquery: boolean;
}

function matrix(series: StepSeries[]): Evaluated {
  return { kind: "matrix", series };
}

/** Labels without the metric name and the metadata labels dropped with it (`__type__`, `__unit__`). */
export const dropMetricName = withoutMetadataLabels;

function checkNoDuplicates(samples: readonly VectorSample[], keys: LabelKeys): void {
  if (samples.length < 2) return;
  const seen = new Set<string>();
  for (const s of samples) {
    const k = keys.of(s.labels);
    if (seen.has(k)) throw execError("vector cannot contain metrics with the same labelset");
    seen.add(k);
  }
}

/**
 * Series whose labels became equal once names were dropped are merged, as
 * long as they never have a point at the same step (Prometheus's
 * mergeSeriesWithSameLabelset).
 */
export function mergeSameLabels(series: StepSeries[]): StepSeries[] {
  if (series.length < 2) return series;
  // Buckets by a numeric hash, compared label by label: no key strings for
  // 10k series when the usual answer is "nothing collides".
  const byHash = new Map<number, StepSeries[]>();
  const out: StepSeries[] = [];
  for (const s of series) {
    const h = labelsHash32(s.labels);
    const bucket = byHash.get(h);
    const prev = bucket?.find((x) => labelsEqual(x.labels, s.labels));
    if (!prev) {
      if (bucket) bucket.push(s);
      else byHash.set(h, [s]);
      out.push(s);
      continue;
    }
    const ts: number[] = [];
    const vs: number[] = [];
    let i = 0;
    let j = 0;
    while (i < prev.ts.length || j < s.ts.length) {
      const a = i < prev.ts.length ? (prev.ts[i] as number) : Number.POSITIVE_INFINITY;
      const b = j < s.ts.length ? (s.ts[j] as number) : Number.POSITIVE_INFINITY;
      if (a === b) throw execError("vector cannot contain metrics with the same labelset");
      if (a < b) {
        ts.push(a);
        vs.push(prev.vs[i++] as number);
      } else {
        ts.push(b);
        vs.push(s.vs[j++] as number);
      }
    }
    prev.ts = ts;
    prev.vs = vs;
  }
  return out;
}

/** FNV-1a over the label names and values (with separators), 32 bits. */
function labelsHash32(labels: Labels): number {
  let h = 0x811c9dc5;
  for (const l of labels) {
    for (let i = 0; i < l.name.length; i++) h = Math.imul(h ^ l.name.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xff, 0x01000193);
    for (let i = 0; i < l.value.length; i++) h = Math.imul(h ^ l.value.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xfe, 0x01000193);
  }
  return h >>> 0;
}

/** Points of a `smoothed` instant selector: the value interpolated at each step. */
function smoothedPoints(
  ev: Evaluator,
  bts: ArrayLike<number>,
  bvs: ArrayLike<number>,
  n: number,
  at: number | undefined,
  offset: number,
  lookback: number,
  outTs: number[],
  outVs: number[],
): void {
  for (let i = 0; i < ev.steps; i++) {
    const t = ev.stepTime(i);
    const data = (at ?? t) - offset;
    let prev = -1;
    let next = -1;
    for (let k = 0; k < n; k++) {
      const st = bts[k] as number;
      if (isStaleNaN(bvs[k] as number)) continue;
      if (st <= data - lookback || st > data + lookback) continue;
      if (st <= data) prev = k;
      else if (next < 0) next = k;
    }
    if (prev >= 0 && (bts[prev] as number) === data) {
      outTs.push(t);
      outVs.push(bvs[prev] as number);
    } else if (prev >= 0 && next >= 0) {
      const t0 = bts[prev] as number;
      const t1 = bts[next] as number;
      const v0 = bvs[prev] as number;
      const v1 = bvs[next] as number;
      outTs.push(t);
      outVs.push(v0 + ((v1 - v0) * (data - t0)) / (t1 - t0));
    } else if (prev >= 0) {
      outTs.push(t);
      outVs.push(bvs[prev] as number);
    }
  }
}

export type { Call };
