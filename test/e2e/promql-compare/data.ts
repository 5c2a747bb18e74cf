/**
 * The data set both Prometheus 2.42 and reddot receive for the PromQL
 * comparison: ~340 series over 2 h, deterministic for a seed and a start time.
 *
 * Sample timestamps are never on a whole second: each target scrapes at its
 * own phase plus 250–749 ms of jitter, while every query time ends in .123 s
 * and every subquery step is whole seconds. So no sample ever sits exactly on
 * a range boundary and the 2.x (left-closed) and 3.x (left-open) range rules
 * select the same samples (docs/promql-compat.md).
 */
import { encodeWriteRequest, type WriteSeries } from "../../../src/ingest/index.js";
import { pick, prng, randInt } from "../../../src/lib/prng.js";
import { type Labels, labelsFromRecord, STALE_NAN } from "../../../src/storage/index.js";

const MINUTE = 60_000;

/** Length of the data set. */
export const SPAN_MS = 120 * MINUTE;

/** Where the irregular targets have no samples, relative to the start (ms). */
export const GAPS: readonly (readonly [number, number])[] = [
  [30 * MINUTE, 42 * MINUTE],
  [80 * MINUTE, 95 * MINUTE],
];

/** When the "flaky" target disappears: one staleness marker per series, then nothing. */
export const STALE_AT_MS = 60 * MINUTE;

/** One generated series: labels sorted by name, samples in time order. */
export interface GeneratedSeries {
  readonly labels: Labels;
  readonly ts: readonly number[];
  /** Float64Array so that the staleness NaN keeps its bit pattern. */
  readonly vs: Float64Array;
}

export interface CompareData {
  /** Minute-aligned start (ms); the first samples come a little after it. */
  readonly start: number;
  readonly end: number;
  readonly series: readonly GeneratedSeries[];
  /** Samples that are not staleness markers (what a `[3h]` selector returns). */
  readonly realSamples: number;
}

/** One scrape target: its labels and the times it was scraped at. */
interface Target {
  readonly job: string;
  readonly instance: string;
  readonly ts: number[];
  /** Index in `ts` of the staleness marker, when the target goes away. */
  readonly staleIndex?: number;
}

const HIST_BOUNDS = ["0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"];
/** Share of observations at or below each bound (cumulative, ends at 1). */
const HIST_SHARE = [0.08, 0.2, 0.45, 0.7, 0.85, 0.95, 0.99, 1];

/** Builds the data set. `start` should be minute-aligned (the test aligns it). */
export function generateCompareData(start: number, seed = 7): CompareData {
  const rand = prng(seed);
  const out: GeneratedSeries[] = [];
  const add = (t: Target, name: string, extra: Record<string, string>, vs: Float64Array) => {
    if (t.staleIndex !== undefined) vs[t.staleIndex] = STALE_NAN;
    const labels = labelsFromRecord({ __name__: name, job: t.job, instance: t.instance, ...extra });
    out.push({ labels, ts: t.ts, vs });
  };

  const targets = [
    ...range(6).map((i) => target(rand, start, "api", `api-${i}:8080`, 15_000)),
    ...range(4).map((i) => target(rand, start, "worker", `worker-${i}:9100`, 15_000)),
    ...range(2).map((i) => target(rand, start, "db", `db-${i}:9187`, 30_000)),
  ];
  for (const t of targets) {
    add(t, "up", {}, constant(t, 1));
    add(
      t,
      "build_info",
      { version: pick(rand, ["1.4.2", "1.5.0"]), revision: hex(rand) },
      constant(t, 1),
    );
    add(t, "node_memory_free_bytes", {}, walk(rand, t, 2e9 + rand() * 6e9, 5e7, 1e8, 1.6e10));
    for (const zone of ["a", "b"]) {
      add(t, "temperature_celsius", { zone }, walk(rand, t, rand() * 40 - 10, 0.8, -25, 45));
    }
    for (const cpu of ["0", "1"]) {
      for (const mode of ["idle", "user", "system"]) {
        const perSecond = mode === "idle" ? 0.7 : mode === "user" ? 0.2 : 0.08;
        add(t, "node_cpu_seconds_total", { cpu, mode }, counter(rand, t, perSecond, 0.3));
      }
    }
  }
  for (const t of targets.filter((x) => x.job === "api")) {
    for (const method of ["GET", "POST", "PUT"]) {
      for (const status of ["200", "404", "500"]) {
        const rps = (status === "200" ? 20 : status === "404" ? 2 : 0.5) * (1 + rand());
        add(t, "http_requests_total", { method, status }, counter(rand, t, rps, 0.5));
      }
    }
    for (const method of ["GET", "POST"]) histogram(rand, t, method, add);
  }
  for (const t of targets.filter((x) => x.job === "worker")) {
    for (const queue of ["q1", "q2", "q3"]) {
      add(t, "queue_depth", { queue }, integerWalk(rand, t, 20));
      add(t, "jobs_processed_total", { queue }, counter(rand, t, 3 * rand() + 0.5, 0.4));
    }
  }
  for (const t of targets.filter((x) => x.job === "db")) {
    for (const pool of ["read", "write"]) {
      add(t, "db_connections", { pool }, walk(rand, t, 20 + rand() * 30, 2, 0, 100));
    }
    add(t, "cache_hit_ratio", {}, walk(rand, t, 0.9, 0.01, 0.05, 0.999));
  }

  const gappy = target(rand, start, "batch", "gappy:9000", 15_000, GAPS);
  add(gappy, "up", {}, constant(gappy, 1));
  add(gappy, "gappy_gauge", {}, walk(rand, gappy, 50, 3, 0, 100));
  add(gappy, "gappy_counter_total", {}, counter(rand, gappy, 5, 0));

  const flaky = staleTarget(target(rand, start, "batch", "flaky:9000", 15_000), start);
  add(flaky, "up", {}, constant(flaky, 1));
  add(flaky, "flaky_value", {}, walk(rand, flaky, 10, 1, -100, 100));

  const realSamples = out.reduce(
    (n, s) => n + s.ts.length - (s.vs.some((v) => Number.isNaN(v)) ? 1 : 0),
    0,
  );
  return { start, end: start + SPAN_MS, series: out, realSamples };
}

/**
 * Remote-write bodies in time order: one request per `windowMs` holding every
 * series' samples of that window. Prometheus refuses samples older than its
 * head's newest minus 1 h, so a whole series must never go in one request.
 */
export function writeRequests(data: CompareData, windowMs = 10 * MINUTE): Buffer[] {
  const bodies: Buffer[] = [];
  for (let lo = data.start; lo < data.end + windowMs; lo += windowMs) {
    const batch: WriteSeries[] = [];
    for (const s of data.series) {
      const i = lowerBound(s.ts, lo);
      const j = lowerBound(s.ts, lo + windowMs);
      if (j > i) batch.push({ labels: s.labels, ts: s.ts.slice(i, j), vs: s.vs.subarray(i, j) });
    }
    if (batch.length > 0) bodies.push(encodeWriteRequest(batch));
  }
  return bodies;
}

function target(
  rand: () => number,
  start: number,
  job: string,
  instance: string,
  interval: number,
  gaps: readonly (readonly [number, number])[] = [],
): Target {
  const phase = randInt(rand, interval / 1000) * 1000;
  const ts: number[] = [];
  for (let t = start + phase; t < start + SPAN_MS; t += interval) {
    const rel = t - start;
    if (gaps.some(([a, b]) => rel >= a && rel < b)) continue;
    // 250–749 ms past the second: never on a whole second, never at .123.
    ts.push(t + 250 + randInt(rand, 500));
  }
  return { job, instance, ts };
}

/** Cuts the target at STALE_AT_MS: the first scrape after it carries the staleness marker. */
function staleTarget(t: Target, start: number): Target {
  const idx = t.ts.findIndex((x) => x >= start + STALE_AT_MS);
  return { ...t, ts: t.ts.slice(0, idx + 1), staleIndex: idx };
}

function constant(t: Target, v: number): Float64Array {
  return new Float64Array(t.ts.length).fill(v);
}

/** A random walk with full-precision values (no ties between series), reflected at the bounds. */
function walk(
  rand: () => number,
  t: Target,
  v0: number,
  step: number,
  lo: number,
  hi: number,
): Float64Array {
  const vs = new Float64Array(t.ts.length);
  let v = v0;
  for (let i = 0; i < vs.length; i++) {
    v += (rand() + rand() - 1) * step;
    if (v < lo) v = 2 * lo - v;
    if (v > hi) v = 2 * hi - v;
    vs[i] = v;
  }
  return vs;
}

/** Small integers: ties on purpose (count_values, sort stability, ==). */
function integerWalk(rand: () => number, t: Target, hi: number): Float64Array {
  const vs = new Float64Array(t.ts.length);
  let v = randInt(rand, hi);
  for (let i = 0; i < vs.length; i++) {
    v = Math.min(hi, Math.max(0, v + randInt(rand, 3) - 1));
    vs[i] = v;
  }
  return vs;
}

/**
 * A counter starting high (so rate's extrapolation never reaches its zero
 * point, which 2.42 and 3.x handle in a different order) with, with
 * probability `resetChance`, one reset somewhere between 30 and 110 minutes.
 */
function counter(
  rand: () => number,
  t: Target,
  perSecond: number,
  resetChance: number,
): Float64Array {
  const vs = new Float64Array(t.ts.length);
  const resetAt = rand() < resetChance ? t.ts[0] + (30 + rand() * 80) * MINUTE : Infinity;
  let reset = false;
  let v = 1e5 + rand() * 1e7;
  for (let i = 0; i < vs.length; i++) {
    const dt = i === 0 ? 0 : (t.ts[i] - t.ts[i - 1]) / 1000;
    v += perSecond * dt * (0.5 + rand());
    if (!reset && t.ts[i] >= resetAt) {
      reset = true;
      v = perSecond * rand() * 10;
    }
    vs[i] = v;
  }
  return vs;
}

/** A classic histogram: cumulative buckets (+Inf last), _sum and _count; api-3 POST resets. */
function histogram(
  rand: () => number,
  t: Target,
  method: string,
  add: (t: Target, name: string, extra: Record<string, string>, vs: Float64Array) => void,
): void {
  const n = t.ts.length;
  const buckets = HIST_BOUNDS.map(() => new Float64Array(n));
  const sum = new Float64Array(n);
  const resetIndex = t.instance.startsWith("api-3") && method === "POST" ? Math.floor(n * 0.6) : -1;
  let counts = HIST_SHARE.map((s) => Math.round(2e5 * s));
  let total = 2e5 * (0.2 + rand() * 0.3);
  for (let i = 0; i < n; i++) {
    if (i === resetIndex) {
      counts = counts.map(() => 0);
      total = 0;
    }
    const observations = randInt(rand, 40) + 5;
    for (let k = 0; k < observations; k++) {
      const r = rand() ** (method === "POST" ? 0.7 : 1.3);
      const bucket = HIST_SHARE.findIndex((s) => r <= s);
      for (let b = bucket; b < counts.length; b++) counts[b]++;
      total += Number(HIST_BOUNDS[bucket] === "+Inf" ? "7.5" : HIST_BOUNDS[bucket]) * r;
    }
    for (let b = 0; b < buckets.length; b++) buckets[b][i] = counts[b];
    sum[i] = total;
  }
  HIST_BOUNDS.forEach((le, b) => {
    add(t, "http_request_duration_seconds_bucket", { method, le }, buckets[b]);
  });
  add(t, "http_request_duration_seconds_sum", { method }, sum);
  add(t, "http_request_duration_seconds_count", { method }, buckets[buckets.length - 1].slice());
}

function hex(rand: () => number): string {
  return Math.floor(rand() * 0xffffff)
    .toString(16)
    .padStart(6, "0");
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** First index with `ts[i] >= t`. */
function lowerBound(ts: readonly number[], t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
