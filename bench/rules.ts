/**
 * Rule evaluation: reddot and Prometheus each load the same 10k series
 * (100 metrics × 100 series, the last ~hour at 15 s, then one fresh sample
 * per series every 15 s while rules run) and the same rule file of 1,000
 * alerting rules in 10 groups of 100, evaluated every 15 s. Each rule selects
 * one metric with a threshold that a tenth of its series exceed, with a
 * `for`, labels and two templated annotations, so every evaluation also
 * expands ~10,000 alerts' annotations. After N intervals the per-group
 * `evaluationTime` that both report in `/api/v1/rules` (polled every 5 s,
 * one sample per group per `lastEvaluation`) is summed over the groups for
 * each interval; the median and max of those sums are reported as a share of
 * the 15 s interval, as are the firing alerts each ends with (they must match).
 */

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeWriteRequest, type WriteSeries } from "../src/ingest/index.js";
import { type Labels, labelsFromRecord } from "../src/storage/index.js";
import { post } from "./ingest.js";
import { fmt, log } from "./log.js";
import { freePort, httpGet, type PeerDef, PeerProcess, sleep } from "./peers.js";
import { readCpuSeconds } from "./proc.js";

/** Intervals evaluated and measured per --scale, and the history loaded first. */
export const RULE_SCALES = {
  small: { intervals: 4, historyMinutes: 15 },
  medium: { intervals: 8, historyMinutes: 60 },
  full: { intervals: 20, historyMinutes: 60 },
} as const;

/** Peers compared: both evaluate Prometheus rule files and serve /api/v1/rules. */
export const RULE_PEER_IDS: readonly string[] = ["reddot", "prometheus"];

const METRICS = 100;
const SERIES_PER_METRIC = 100;
const RULES = 1_000;
const GROUPS = 10;
const INTERVAL_S = 15;
const FOR_S = 30;
const POLL_MS = 5_000;
/** Alerting series sit in [93, 97], the others in [0, 78]; thresholds are 80 to 89. */
const ALERT_SHARE = 10;

export interface RulePeerResult {
  readonly id: string;
  readonly label: string;
  status: "ok" | "skipped" | "failed";
  notes: string[];
  version?: string;
  loadSeconds?: number;
  /**
   * Per interval: the seconds during which at least one group was evaluating
   * (the union of the groups' [lastEvaluation, + evaluationTime]). Groups that
   * run concurrently on one event loop (reddot) each report the wall time of
   * all of them, so their plain sum over-counts; the union does not.
   */
  intervalSeconds: number[];
  /** Per interval: the groups' evaluationTime summed (Prometheus's own view of the cost). */
  sumSeconds: number[];
  medianSeconds?: number;
  maxSeconds?: number;
  medianSumSeconds?: number;
  /** CPU seconds of the peer process per interval over the measured window (includes ingest and polling). */
  cpuSecondsPerInterval?: number;
  /** Median and max as % of the 15 s interval. */
  medianPercent?: number;
  maxPercent?: number;
  /** Slowest single group evaluation seen, seconds. */
  maxGroupSeconds?: number;
  /** Alerts of the benchmark's rules at the end, by state. */
  firing?: number;
  pending?: number;
}

export interface RuleBenchResult {
  readonly series: number;
  readonly rules: number;
  readonly groups: number;
  readonly intervalSeconds: number;
  readonly intervals: number;
  readonly historyMinutes: number;
  readonly forSeconds: number;
  /** Alerts expected to fire: each rule matches a tenth of its metric's series. */
  readonly expectedAlerts: number;
  readonly peers: RulePeerResult[];
}

export interface RuleBenchOptions {
  readonly intervals: number;
  readonly historyMinutes: number;
  readonly concurrency: number;
  readonly keep: boolean;
}

const metricName = (m: number) => `rule_bench_m${String(m).padStart(3, "0")}`;
const instance = (s: number) => `host-${String(s).padStart(3, "0")}`;

/** The value of series s of metric m at time t: alerting series stay above every threshold. */
function value(m: number, s: number, t: number): number {
  const wobble = 2 * Math.sin(t / 60_000 + s + m);
  return s % ALERT_SHARE === m % ALERT_SHARE ? 95 + wobble : ((s * 7 + m * 13) % 75) + 1 + wobble;
}

/** The series, in (metric, series) order, labels sorted as receivers require. */
function seriesLabels(): Labels[] {
  const out: Labels[] = [];
  for (let m = 0; m < METRICS; m++) {
    for (let s = 0; s < SERIES_PER_METRIC; s++) {
      out.push(
        labelsFromRecord({
          __name__: metricName(m),
          instance: instance(s),
          job: "bench",
          zone: `z${s % 4}`,
        }),
      );
    }
  }
  return out;
}

/** Remote-write bodies holding the samples at `times` of every series, 1,000 series per body. */
function bodies(labels: readonly Labels[], times: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let lo = 0; lo < labels.length; lo += 1000) {
    const batch: WriteSeries[] = [];
    for (let i = lo; i < Math.min(labels.length, lo + 1000); i++) {
      const m = Math.floor(i / SERIES_PER_METRIC);
      const s = i % SERIES_PER_METRIC;
      batch.push({ labels: labels[i], ts: times, vs: times.map((t) => value(m, s, t)) });
    }
    out.push(encodeWriteRequest(batch));
  }
  return out;
}

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The rule file both peers load: 10 groups of 100 alerting rules. */
export function ruleFile(): string {
  const lines = ["groups:"];
  const perGroup = RULES / GROUPS;
  for (let g = 0; g < GROUPS; g++) {
    lines.push(`  - name: bench-${String(g).padStart(2, "0")}`, `    interval: ${INTERVAL_S}s`);
    lines.push("    rules:");
    for (let r = g * perGroup; r < (g + 1) * perGroup; r++) {
      const threshold = 80 + Math.floor(r / METRICS);
      lines.push(
        `      - alert: RuleBench${r}`,
        `        expr: ${metricName(r % METRICS)} > ${threshold}`,
        `        for: ${FOR_S}s`,
        "        labels:",
        "          severity: warning",
        `          team: t${r % 5}`,
        "        annotations:",
        `          summary: ${q("{{ $labels.instance }} of {{ $labels.job }} is at {{ $value | humanize }}")}`,
        `          description: ${q(`Rule ${r}: {{ $labels.__name__ }} in {{ $labels.zone }} is {{ $value | humanize }}, above ${threshold}.`)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The peer, with the rule file in its config (reddot: rules/; Prometheus: rule_files). */
function withRules(def: PeerDef, rules: string): PeerDef {
  return {
    ...def,
    command: async (ctx) => {
      if (def.id === "prometheus") {
        const cmd = await def.command(ctx);
        const file = join(ctx.workDir, "bench-rules.yaml");
        await writeFile(file, rules);
        await writeFile(
          join(ctx.workDir, "prometheus.yml"),
          `global:\n  scrape_interval: 15s\n  evaluation_interval: ${INTERVAL_S}s\nrule_files:\n  - ${file}\n`,
        );
        return cmd;
      }
      const dir = join(ctx.workDir, "config", "rules");
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "bench.yaml"), rules);
      const cmd = await def.command(ctx);
      // For profiling: REDDOT_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/rprof".
      const extra = process.env.REDDOT_BENCH_NODE_ARGS?.split(" ").filter((a) => a !== "") ?? [];
      return { ...cmd, args: [...extra, ...cmd.args] };
    },
  };
}

/** Runs the rule benchmark on reddot and Prometheus when they are among `defs`. */
export async function runRuleBench(
  defs: readonly PeerDef[],
  opts: RuleBenchOptions,
): Promise<RuleBenchResult> {
  const result: RuleBenchResult = {
    series: METRICS * SERIES_PER_METRIC,
    rules: RULES,
    groups: GROUPS,
    intervalSeconds: INTERVAL_S,
    intervals: opts.intervals,
    historyMinutes: opts.historyMinutes,
    forSeconds: FOR_S,
    expectedAlerts: RULES * (SERIES_PER_METRIC / ALERT_SHARE),
    peers: [],
  };
  log(
    "rules",
    `${RULES} alerting rules in ${GROUPS} groups over ${fmt(result.series)} series ` +
      `(${opts.historyMinutes} min of history), ${opts.intervals} intervals of ${INTERVAL_S} s per peer`,
  );
  const rules = ruleFile();
  for (const def of defs.filter((d) => RULE_PEER_IDS.includes(d.id))) {
    result.peers.push(await benchPeer(withRules(def, rules), opts, result.expectedAlerts));
  }
  const ok = result.peers.filter((p) => p.status === "ok");
  if (ok.length === 2 && ok[0].firing !== ok[1].firing) {
    for (const p of ok) {
      p.notes.push(
        `firing alerts differ: ${ok.map((x) => `${x.id} ${x.firing} (+${x.pending} pending)`).join(", ")}`,
      );
    }
  }
  return result;
}

interface ApiGroup {
  name: string;
  evaluationTime: number;
  lastEvaluation: string;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await httpGet(url, 60_000);
  if (res.status !== 200)
    throw new Error(`GET ${url} answered ${res.status}: ${res.body.slice(0, 300)}`);
  const parsed = JSON.parse(res.body) as { status: string; data: T };
  if (parsed.status !== "success") throw new Error(`GET ${url}: status ${parsed.status}`);
  return parsed.data;
}

async function benchGroups(base: string): Promise<ApiGroup[]> {
  // Only the groups' times are needed: exclude_alerts (Prometheus ≥ 2.49 and reddot) keeps the
  // 10,000 alerts (~5 MB of JSON per poll) out of the measurement; older Prometheus ignores it.
  const data = await getJson<{ groups: ApiGroup[] }>(
    `${base}/api/v1/rules?type=alert&exclude_alerts=true`,
  );
  return data.groups.filter((g) => g.name.startsWith("bench-"));
}

async function benchPeer(
  def: PeerDef,
  opts: RuleBenchOptions,
  expectedAlerts: number,
): Promise<RulePeerResult> {
  const id = `rules/${def.id}`;
  const out: RulePeerResult = {
    id: def.id,
    label: def.label,
    status: "ok",
    notes: [],
    intervalSeconds: [],
    sumSeconds: [],
  };
  const why = await def.unavailable();
  if (why !== undefined) {
    out.status = "skipped";
    out.notes.push(why);
    log(id, `skipped: ${why}`);
    return out;
  }
  const root = await mkdtemp(join(tmpdir(), `reddot-bench-rules-${def.id}-`));
  const proc = new PeerProcess(
    def,
    { port: await freePort(), dataDir: join(root, "data"), workDir: root },
    join(root, "peer.log"),
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const labels = seriesLabels();
  const url = () => `${proc.baseUrl}${def.writePath}`;
  let writer: Promise<void> | undefined;
  let stopWriter = false;
  try {
    out.version = await def.version();
    const t0 = performance.now();
    await proc.start();
    await proc.waitReady(t0, 60_000);
    // History: aligned 15 s steps up to now, 10 steps per request window, in time order.
    const step = INTERVAL_S * 1000;
    const now = Math.floor(Date.now() / step) * step;
    const steps = Math.floor((opts.historyMinutes * 60_000) / step);
    const t1 = performance.now();
    for (let w = steps; w > 0; w -= 10) {
      const times = Array.from({ length: Math.min(10, w) }, (_, i) => now - (w - 1 - i) * step);
      await Promise.all(bodies(labels, times).map((b) => post(agent, url(), b)));
      if (proc.crashed !== undefined) throw new Error(`${def.id} ${proc.crashed} while loading`);
    }
    out.loadSeconds = (performance.now() - t1) / 1000;
    log(id, `loaded ${fmt(labels.length * steps)} samples in ${out.loadSeconds.toFixed(1)} s`);
    // Live: one sample per series every 15 s, as scrapes would bring.
    writer = (async () => {
      let t = now;
      while (!stopWriter) {
        await sleep(Math.max(0, t + step - Date.now()));
        if (stopWriter) break;
        t += step;
        await Promise.all(bodies(labels, [t]).map((b) => post(agent, url(), b)));
      }
    })();
    writer.catch(() => {});
    const cpu0 = readCpuSeconds(proc.pid);
    const wall0 = performance.now();
    const samples = await collect(proc, opts.intervals, id);
    const cpu1 = readCpuSeconds(proc.pid);
    if (cpu0 !== undefined && cpu1 !== undefined) {
      const intervals = (performance.now() - wall0) / 1000 / INTERVAL_S;
      out.cpuSecondsPerInterval = (cpu1 - cpu0) / intervals;
    }
    stopWriter = true;
    await writer;
    out.intervalSeconds = samples.perInterval;
    out.sumSeconds = samples.sums;
    out.medianSumSeconds = [...samples.sums].sort((a, b) => a - b)[
      Math.ceil(samples.sums.length / 2) - 1
    ];
    out.maxGroupSeconds = samples.maxGroup;
    const sorted = [...samples.perInterval].sort((a, b) => a - b);
    out.medianSeconds = sorted[Math.ceil(sorted.length / 2) - 1];
    out.maxSeconds = sorted.at(-1);
    out.medianPercent = ((out.medianSeconds ?? 0) / INTERVAL_S) * 100;
    out.maxPercent = ((out.maxSeconds ?? 0) / INTERVAL_S) * 100;
    const alerts = await getJson<{ alerts: { labels: Record<string, string>; state: string }[] }>(
      `${proc.baseUrl}/api/v1/alerts`,
    );
    const mine = alerts.alerts.filter((a) => a.labels.alertname?.startsWith("RuleBench"));
    out.firing = mine.filter((a) => a.state === "firing").length;
    out.pending = mine.filter((a) => a.state === "pending").length;
    log(
      id,
      `per interval: median ${out.medianSeconds?.toFixed(3)} s (${out.medianPercent.toFixed(2)}% of ${INTERVAL_S} s), ` +
        `max ${out.maxSeconds?.toFixed(3)} s (${out.maxPercent.toFixed(2)}%); sum of groups median ${out.medianSumSeconds?.toFixed(3)} s; ` +
        `CPU ${out.cpuSecondsPerInterval?.toFixed(3)} s/interval; ${out.firing} firing, ${out.pending} pending`,
    );
    if (out.firing + out.pending !== expectedAlerts) {
      out.notes.push(`${out.firing + out.pending} alerts, expected ${expectedAlerts}`);
    }
    if (proc.crashed !== undefined) throw new Error(`${def.id} ${proc.crashed}`);
  } catch (err) {
    out.status = "failed";
    out.notes.push(err instanceof Error ? err.message : String(err));
    log(id, `FAILED: ${out.notes.at(-1)}`);
  } finally {
    stopWriter = true;
    await writer?.catch(() => {});
    agent.destroy();
    await proc.stop();
    if (opts.keep) log(id, `kept ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
  return out;
}

/**
 * Polls /api/v1/rules until every group has `intervals` evaluations after the
 * first one seen, keeping each (group, lastEvaluation) once; the k-th
 * evaluation of every group makes interval k.
 */
async function collect(
  proc: PeerProcess,
  intervals: number,
  id: string,
): Promise<{ perInterval: number[]; sums: number[]; maxGroup: number }> {
  const seen = new Map<string, { last: string; times: number[]; starts: number[] }>();
  const deadline = performance.now() + (intervals + 6) * INTERVAL_S * 1000;
  let logged = 0;
  for (;;) {
    if (proc.crashed !== undefined) throw new Error(`${proc.def.id} ${proc.crashed}`);
    for (const g of await benchGroups(proc.baseUrl)) {
      const entry = seen.get(g.name);
      if (entry === undefined) {
        // The evaluation in progress when we first look may have begun before the data was in.
        seen.set(g.name, { last: g.lastEvaluation, times: [], starts: [] });
      } else if (g.lastEvaluation !== entry.last) {
        entry.last = g.lastEvaluation;
        entry.times.push(g.evaluationTime);
        entry.starts.push(Date.parse(g.lastEvaluation));
      }
    }
    const counts = [...seen.values()].map((e) => e.times.length);
    const done = seen.size === GROUPS && Math.min(...counts) >= intervals;
    if (done) break;
    if (performance.now() > deadline) {
      throw new Error(
        `after ${(intervals + 6) * INTERVAL_S} s: ${seen.size} of ${GROUPS} groups, ` +
          `evaluations per group ${counts.join(",") || "none"} (want ${intervals})`,
      );
    }
    await sleep(POLL_MS);
    const min = counts.length === GROUPS ? Math.min(...counts) : 0;
    if (min > logged) log(id, `${min}/${intervals} intervals evaluated`);
    logged = Math.max(logged, min);
  }
  const groups = [...seen.values()];
  const sums = Array.from({ length: intervals }, (_, k) =>
    groups.reduce((sum, e) => sum + e.times[k], 0),
  );
  const perInterval = Array.from({ length: intervals }, (_, k) =>
    busyUnion(groups.map((e) => [e.starts[k], e.starts[k] + e.times[k] * 1000])),
  );
  const maxGroup = Math.max(...[...seen.values()].flatMap((e) => e.times.slice(0, intervals)));
  return { perInterval, sums, maxGroup };
}

/** Seconds covered by the union of [start, end] ms spans. */
export function busyUnion(spans: [number, number][]): number {
  const sorted = spans.filter(([a, b]) => Number.isFinite(a) && b >= a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curStart = Number.NEGATIVE_INFINITY;
  let curEnd = Number.NEGATIVE_INFINITY;
  for (const [a, b] of sorted) {
    if (a > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else curEnd = Math.max(curEnd, b);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total / 1000;
}
