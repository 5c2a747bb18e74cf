/**
 * Query latency: reddot and Prometheus each get the same data (query-data.ts),
 * one at a time on a fresh data dir, then a fixed dashboard query set runs
 * through the HTTP API, each query warmed up and then repeated; the median
 * and p90 of the wall time of each request (sent to last byte received) are
 * reported, with reddot's median over Prometheus's.
 */

import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { post } from "./ingest.js";
import { fmt, log } from "./log.js";
import { freePort, httpGet, type PeerDef, PeerProcess, sleep } from "./peers.js";
import { readCpuSeconds } from "./proc.js";
import { QueryData, type QueryDataShape } from "./query-data.js";

/** Query-benchmark sizes per --scale: 100 series per host, one sample a minute. */
export const QUERY_SCALES = {
  small: { hosts: 10, hours: 6 },
  medium: { hosts: 30, hours: 24 },
  full: { hosts: 100, hours: 24 },
} as const;

/** Peers whose query API the benchmark times: PromQL with Prometheus's semantics. */
export const QUERY_PEER_IDS: readonly string[] = ["reddot", "prometheus"];

/** One dashboard query. */
export interface DashboardQuery {
  readonly id: string;
  readonly expr: string;
  readonly kind: "instant" | "range";
}

/** Timings of one query on one peer, in milliseconds. */
export interface QueryTiming {
  readonly id: string;
  readonly medianMs?: number;
  readonly p90Ms?: number;
  readonly minMs?: number;
  readonly runs: number;
  /** Series in the answer, and points over all of them (to check both answered alike). */
  readonly resultSeries?: number;
  readonly resultPoints?: number;
  readonly error?: string;
}

export interface QueryPeerResult {
  readonly id: string;
  readonly label: string;
  status: "ok" | "skipped" | "failed";
  notes: string[];
  version?: string;
  /** Seconds to send the whole data set (not the point of this benchmark; for orientation). */
  loadSeconds?: number;
  timings: QueryTiming[];
}

export interface QueryBenchResult {
  readonly shape: QueryDataShape & { series: number; samples: number; start: string; end: string };
  readonly warmup: number;
  readonly runs: number;
  /** Evaluation time of instant queries, and the range of range queries (ISO). */
  readonly instantTime: string;
  readonly rangeStep: number;
  readonly queries: readonly DashboardQuery[];
  readonly peers: QueryPeerResult[];
}

export interface QueryBenchOptions {
  readonly hosts: number;
  readonly hours: number;
  readonly seed: number;
  readonly warmup: number;
  readonly runs: number;
  readonly concurrency: number;
  readonly keep: boolean;
}

const INTERVAL_SECONDS = 60;
const RANGE_STEP_SECONDS = 60;

/** The dashboard: what a fleet overview page asks of its data source. */
export function dashboardQueries(): DashboardQuery[] {
  const rate = "rate(http_requests_total[5m])";
  const p99 =
    "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))";
  return [
    {
      id: "rate-all",
      // Every series but _sum/_count, which would collide once rate() drops the name.
      expr: 'rate({job="bench", __name__!~".*_(sum|count)"}[5m])',
      kind: "instant",
    },
    { id: "sum-by-host", expr: `sum by (host) (${rate})`, kind: "instant" },
    { id: "p99-histogram", expr: p99, kind: "instant" },
    { id: "topk", expr: `topk(10, ${rate})`, kind: "instant" },
    { id: "range-sum-by-host", expr: `sum by (host) (${rate})`, kind: "range" },
    { id: "range-p99-histogram", expr: p99, kind: "range" },
  ];
}

/** Runs the query benchmark on every peer of `defs` that serves PromQL (others are left out). */
export async function runQueryBench(
  defs: readonly PeerDef[],
  opts: QueryBenchOptions,
): Promise<QueryBenchResult> {
  const shape = {
    hosts: opts.hosts,
    hours: opts.hours,
    intervalSeconds: INTERVAL_SECONDS,
    seed: opts.seed,
  };
  const data = new QueryData(shape, Date.now());
  const queries = dashboardQueries();
  const instantAt = data.end - 30_000 + 123;
  log(
    "query",
    `${fmt(data.series)} series × ${data.samplesPerSeries} samples at ${INTERVAL_SECONDS} s ` +
      `(${fmt(data.totalSamples)}), ${opts.warmup} warm-up + ${opts.runs} timed runs per query`,
  );
  const result: QueryBenchResult = {
    shape: {
      ...shape,
      series: data.series,
      samples: data.totalSamples,
      start: new Date(data.start).toISOString(),
      end: new Date(data.end).toISOString(),
    },
    warmup: opts.warmup,
    runs: opts.runs,
    instantTime: new Date(instantAt).toISOString(),
    rangeStep: RANGE_STEP_SECONDS,
    queries,
    peers: [],
  };
  for (const def of defs.filter((d) => QUERY_PEER_IDS.includes(d.id))) {
    result.peers.push(await benchPeer(def, data, queries, instantAt, opts));
  }
  noteDisagreements(result);
  return result;
}

async function benchPeer(
  def: PeerDef,
  data: QueryData,
  queries: readonly DashboardQuery[],
  instantAt: number,
  opts: QueryBenchOptions,
): Promise<QueryPeerResult> {
  const id = `query/${def.id}`;
  const out: QueryPeerResult = {
    id: def.id,
    label: def.label,
    status: "ok",
    notes: [],
    timings: [],
  };
  const why = await def.unavailable();
  if (why !== undefined) {
    out.status = "skipped";
    out.notes.push(why);
    log(id, `skipped: ${why}`);
    return out;
  }
  const root = await mkdtemp(join(tmpdir(), `reddot-bench-query-${def.id}-`));
  const proc = new PeerProcess(
    def,
    { port: await freePort(), dataDir: join(root, "data"), workDir: root },
    join(root, "peer.log"),
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  try {
    out.version = await def.version();
    const t0 = performance.now();
    await proc.start();
    await proc.waitReady(t0, 60_000);
    const t1 = performance.now();
    await load(proc, data, agent, opts.concurrency);
    out.loadSeconds = (performance.now() - t1) / 1000;
    log(id, `loaded ${fmt(data.totalSamples)} samples in ${out.loadSeconds.toFixed(1)} s`);
    await waitQuiet(proc.pid, id);
    for (const q of queries) {
      const params: Record<string, string> =
        q.kind === "instant"
          ? { query: q.expr, time: seconds(instantAt) }
          : {
              query: q.expr,
              start: seconds(data.start + 123),
              end: seconds(data.end + 123),
              step: String(RANGE_STEP_SECONDS),
            };
      const path = q.kind === "instant" ? "query" : "query_range";
      const url = `${proc.baseUrl}/api/v1/${path}?${new URLSearchParams(params)}`;
      const timing = await timeQuery(q.id, url, agent, opts);
      out.timings.push(timing);
      log(
        id,
        timing.error !== undefined
          ? `${q.id}: ${timing.error}`
          : `${q.id}: median ${timing.medianMs?.toFixed(1)} ms, p90 ${timing.p90Ms?.toFixed(1)} ms (${timing.resultSeries} series)`,
      );
      if (proc.crashed !== undefined) throw new Error(`${def.id} ${proc.crashed}`);
    }
    if (out.timings.some((t) => t.error !== undefined)) {
      out.status = "failed";
      out.notes.push("some queries failed (see timings)");
    }
  } catch (err) {
    out.status = "failed";
    out.notes.push(err instanceof Error ? err.message : String(err));
    log(id, `FAILED: ${out.notes.at(-1)}`);
  } finally {
    agent.destroy();
    await proc.stop();
    if (opts.keep) log(id, `kept ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
  return out;
}

/** Sends every window in time order; the slices of one window go `concurrency` at a time. */
async function load(
  proc: PeerProcess,
  data: QueryData,
  agent: http.Agent,
  concurrency: number,
): Promise<void> {
  const url = `${proc.baseUrl}${proc.def.writePath}`;
  for (const bodies of data.windows()) {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < bodies.length) await post(agent, url, bodies[next++]);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (proc.crashed !== undefined) throw new Error(`${proc.def.id} ${proc.crashed} while loading`);
  }
}

/**
 * Waits until the peer has used under 5% of a core for 2 s running (head
 * compaction after loading 24 h would otherwise be timed with the queries),
 * at most 3 minutes.
 */
async function waitQuiet(pid: number, id: string): Promise<void> {
  const deadline = performance.now() + 180_000;
  let quietFor = 0;
  let last = readCpuSeconds(pid) ?? 0;
  while (quietFor < 2 && performance.now() < deadline) {
    await sleep(1_000);
    const now = readCpuSeconds(pid) ?? last;
    quietFor = now - last < 0.05 ? quietFor + 1 : 0;
    last = now;
  }
  if (quietFor < 2) log(id, "still busy after 3 minutes; timing anyway");
}

async function timeQuery(
  id: string,
  url: string,
  agent: http.Agent,
  opts: QueryBenchOptions,
): Promise<QueryTiming> {
  const times: number[] = [];
  let shape: { series: number; points: number } | undefined;
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    const t0 = performance.now();
    const res = await httpGet(url, 300_000, agent);
    const ms = performance.now() - t0;
    if (res.status !== 200) {
      return { id, runs: times.length, error: `HTTP ${res.status}: ${res.body.slice(0, 300)}` };
    }
    if (i >= opts.warmup) times.push(ms);
    shape ??= answerShape(res.body);
  }
  times.sort((a, b) => a - b);
  return {
    id,
    runs: times.length,
    medianMs: percentile(times, 0.5),
    p90Ms: percentile(times, 0.9),
    minMs: times[0],
    resultSeries: shape?.series,
    resultPoints: shape?.points,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function answerShape(body: string): { series: number; points: number } {
  const parsed = JSON.parse(body) as {
    data: { result: { value?: unknown; values?: unknown[] }[] };
  };
  const result = parsed.data.result;
  return {
    series: result.length,
    points: result.reduce((n, s) => n + (s.values?.length ?? 1), 0),
  };
}

/** Adds a note when two peers answered a query with different numbers of series or points. */
function noteDisagreements(result: QueryBenchResult): void {
  const ok = result.peers.filter((p) => p.status !== "skipped");
  if (ok.length < 2) return;
  for (const q of result.queries) {
    const shapes = ok.map((p) => {
      const t = p.timings.find((x) => x.id === q.id);
      return `${p.id}: ${t?.resultSeries ?? "–"} series / ${t?.resultPoints ?? "–"} points`;
    });
    if (new Set(shapes.map((s) => s.slice(s.indexOf(":")))).size > 1) {
      for (const p of ok) p.notes.push(`${q.id} answers differ (${shapes.join(", ")})`);
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
