/** The benchmark's outputs: a markdown table for people, a JSON file with every figure. */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, release, totalmem } from "node:os";
import { dirname } from "node:path";
import type { AgentBenchResult } from "./agent.js";
import type { PeerResult } from "./measure.js";
import type { QueryBenchResult } from "./query.js";
import type { RuleBenchResult } from "./rules.js";

/** The machine the run happened on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly kernel: string;
  readonly node: string;
}

/** Reads the machine description from /proc/cpuinfo and the OS. */
export function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? "unknown";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) cpuModel = m[1].trim();
  } catch (err) {
    console.error(`cannot read /proc/cpuinfo: ${String(err)}`);
  }
  return {
    cpuModel,
    cores: cpus().length,
    memoryBytes: totalmem(),
    kernel: release(),
    node: process.version,
  };
}

/** Everything a run produced, as written to the JSON file. */
export interface RunReport {
  readonly date: string;
  readonly command: string;
  readonly machine: MachineInfo;
  readonly scale: Readonly<Record<string, number | string>>;
  readonly encode: { seconds: number; bytes: number; samplesPerSecond: number };
  readonly peers: readonly PeerResult[];
  /** The query latency benchmark, when it ran. */
  readonly query?: QueryBenchResult;
  /** The rule evaluation benchmark, when it ran. */
  readonly rules?: RuleBenchResult;
  /** The agent footprint benchmark, when it ran. */
  readonly agent?: AgentBenchResult;
}

const MB = 1024 * 1024;

function num(n: number | undefined, digits: number): string {
  return n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(digits);
}

/** Thousands separators for big integers (samples/s). */
function big(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? "–" : Math.round(n).toLocaleString("en-US");
}

/** The results as a markdown table, ingest rates relative to Prometheus. */
export function markdownTable(report: RunReport): string {
  const base = report.peers.find((p) => p.id === "prometheus" && p.status === "ok")?.ingest;
  const rows = [
    "| system | samples/s | ratio vs Prometheus | peak RSS MB | RSS bytes/series | disk bytes/sample | replay s | CPU s | notes |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const p of report.peers) {
    const rate = p.ingest?.samplesPerSecond;
    const ratio = base && rate !== undefined ? rate / base.samplesPerSecond : undefined;
    const notes = [p.status === "ok" ? "" : p.status.toUpperCase(), ...p.notes]
      .filter((s) => s !== "")
      .join("; ")
      .replaceAll("|", "\\|")
      .replaceAll("\n", " ");
    rows.push(
      `| ${p.label}${p.version ? ` ${p.version}` : ""} | ${big(rate)} | ${num(ratio, 2)} | ${num(
        p.memory ? p.memory.peakRss / MB : undefined,
        0,
      )} | ${big(p.memory?.rssBytesPerSeries)} | ${num(p.disk?.bytesPerSample, 2)} | ${num(
        p.replaySeconds,
        2,
      )} | ${num(p.cpu?.ingestSeconds, 1)} | ${notes} |`,
    );
  }
  return rows.join("\n");
}

/** A one-line description of the run for the table's caption. */
export function caption(report: RunReport): string {
  const m = report.machine;
  const s = report.scale;
  return [
    `${report.date} — ${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 1024 ** 3).toFixed(0)} GiB, Linux ${m.kernel}, Node ${m.node}`,
    `${s.hosts} hosts × ${s.metrics} metrics = ${s.series} series, ${s.hours} h at 10 s = ${s.samplesPerSeries} samples/series, ${s.totalSamples} samples; concurrency ${s.concurrency}, ${s.samplesPerBatch} samples/request`,
    `encoding (not timed): ${report.encode.seconds.toFixed(1)} s, ${(report.encode.bytes / MB).toFixed(1)} MB of request bodies`,
  ].join("\n");
}

/** Writes the JSON report, creating its directory. */
export async function writeJson(path: string, report: RunReport): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * The query benchmark as a markdown table: one row per query, median and p90
 * per peer, and reddot's median over Prometheus's (below 1: reddot faster).
 */
export function queryTable(q: QueryBenchResult): string {
  const peers = q.peers.filter((p) => p.status !== "skipped");
  const reddot = peers.find((p) => p.id === "reddot");
  const prom = peers.find((p) => p.id === "prometheus");
  const head = [
    "query",
    "kind",
    ...peers.map((p) => `${p.label} median / p90 ms`),
    ...(reddot && prom ? ["reddot / Prometheus (median)"] : []),
    "answer",
  ];
  const rows = [
    `| ${head.join(" | ")} |`,
    `| ${head.map((_, i) => (i < 2 || i === head.length - 1 ? "---" : "---:")).join(" | ")} |`,
  ];
  for (const query of q.queries) {
    const cell = (p: (typeof peers)[number]) => {
      const t = p.timings.find((x) => x.id === query.id);
      if (t === undefined) return "–";
      if (t.error !== undefined) return "error";
      return `${num(t.medianMs, 1)} / ${num(t.p90Ms, 1)}`;
    };
    const ratio = () => {
      const a = reddot?.timings.find((x) => x.id === query.id)?.medianMs;
      const b = prom?.timings.find((x) => x.id === query.id)?.medianMs;
      return a !== undefined && b !== undefined && b > 0 ? num(a / b, 2) : "–";
    };
    const first = peers[0]?.timings.find((x) => x.id === query.id);
    const answer =
      first?.resultSeries === undefined
        ? "–"
        : `${first.resultSeries} series, ${first.resultPoints} points`;
    rows.push(
      `| \`${query.expr.replaceAll("|", "\\|")}\` | ${query.kind} | ${peers.map(cell).join(" | ")}${reddot && prom ? ` | ${ratio()}` : ""} | ${answer} |`,
    );
  }
  const notes = q.peers.flatMap((p) => p.notes.map((n) => `- ${p.label}: ${n}`));
  return notes.length > 0
    ? `${rows.join("\n")}\n\n${[...new Set(notes)].join("\n")}`
    : rows.join("\n");
}

/** One line describing the query benchmark's data and method. */
export function queryCaption(q: QueryBenchResult): string {
  const s = q.shape;
  const versions = q.peers.map((p) => `${p.label} ${p.version ?? "(not run)"}`).join(", ");
  return [
    `Query latency — ${s.hosts} hosts × 100 = ${s.series} series, ${s.hours} h at ${s.intervalSeconds} s (${s.samples} samples); instant queries at ${q.instantTime}, range queries over the whole span at ${q.rangeStep} s step`,
    `${q.warmup} warm-up + ${q.runs} timed runs per query, one at a time over one keep-alive connection; ${versions}`,
  ].join("\n");
}

/**
 * The agent benchmark as a markdown table: each agent (20 checks; none) and
 * node_exporter side by side (CPU s, % of one core, RSS mean/max), agent ÷
 * node_exporter, and issue 4's targets marked met or not met per agent. The
 * agent with no checks does node_exporter's job (host metrics only): that is
 * the like-for-like CPU comparison.
 */
export function agentTable(a: AgentBenchResult): string {
  const rows = [
    "| process | CPU s | CPU % of a core | RSS mean MB | RSS max MB |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  const ne = a.nodeExporter;
  const r = (x: number, y: number) => (y > 0 ? num(x / y, 2) : "–");
  for (const ag of a.agents) {
    const name = `reddot agent ${ag.version}, ${ag.variant.label}`;
    rows.push(
      `| ${name} | ${num(ag.cpuSeconds, 2)} | ${num(ag.cpuPercent, 2)} | ${num(ag.rssMeanBytes / MB, 1)} | ${num(ag.rssMaxBytes / MB, 1)} |`,
    );
    if (ag.variant.checks) {
      rows.push(
        `| its plugins (reaped children) | ${num(ag.childCpuSeconds, 2)} | ${num(ag.cpuPercentWithChildren - ag.cpuPercent, 2)} | | |`,
        `| agent + plugins | ${num(ag.cpuSeconds + ag.childCpuSeconds, 2)} | ${num(ag.cpuPercentWithChildren, 2)} | | |`,
      );
    }
  }
  if (ne !== undefined) {
    rows.push(
      `| node_exporter ${ne.version} | ${num(ne.cpuSeconds, 2)} | ${num(ne.cpuPercent, 2)} | ${num(ne.rssMeanBytes / MB, 1)} | ${num(ne.rssMaxBytes / MB, 1)} |`,
    );
    for (const ag of a.agents) {
      const plugins = ag.variant.checks
        ? `(with plugins ${r(ag.cpuSeconds + ag.childCpuSeconds, ne.cpuSeconds)})`
        : "";
      rows.push(
        `| agent (${ag.variant.label}) / node_exporter | ${r(ag.cpuSeconds, ne.cpuSeconds)} | ${plugins} | ${r(ag.rssMeanBytes, ne.rssMeanBytes)} | ${r(ag.rssMaxBytes, ne.rssMaxBytes)} |`,
      );
    }
  }
  const verdict = (met: boolean | undefined) =>
    met === undefined ? "not compared" : met ? "met" : "NOT MET";
  const lines = [rows.join("\n")];
  const targetLines: string[] = [];
  for (const ag of a.agents) {
    if (ag.targets === undefined) continue;
    const like = ag.variant.checks ? "" : " — the like-for-like comparison (node_exporter's job)";
    targetLines.push(
      `- ${ag.variant.label}: CPU ≤ node_exporter's: ${verdict(ag.targets.cpuMet)}${like}` +
        (ag.variant.checks
          ? ` (agent process); ${verdict(ag.targets.cpuMetWithPlugins)} (agent + plugins)`
          : "") +
        `; RSS ≤ 60 MB: ${verdict(ag.targets.rssMet)} (max ${num(ag.rssMaxBytes / MB, 1)} MB)`,
    );
  }
  if (targetLines.length > 0) lines.push(targetLines.join("\n"));
  if (a.notes.length > 0)
    lines.push(a.notes.map((n) => `- ${a.status === "failed" ? "FAILED: " : ""}${n}`).join("\n"));
  return lines.join("\n\n");
}

/** What the agent benchmark ran and for how long. */
export function agentCaption(a: AgentBenchResult): string {
  const ne = a.nodeExporter;
  const flags = [...new Set(a.agents.map((ag) => ag.variant.nodeFlags.join(" ") || "none"))];
  const delivered = a.agents
    .filter((ag) => ag.delivered !== undefined)
    .map(
      (ag) =>
        `${ag.variant.label}: ${ag.delivered?.checkSeries} check series, ${ag.delivered?.reportsDelivered} reports delivered`,
    );
  return [
    `Agent footprint — agents side by side on one server, every ${a.intervalSeconds} s: ${a.agents.map((ag) => ag.variant.label).join(", ")} (the checks: ${a.checks.builtin} builtins, ${a.checks.plugin} Nagios plugins) and host metrics; node_exporter scraped every ${a.intervalSeconds} s`,
    `node flags of the agents: ${flags.join(" | ")}; warm-up ${a.warmupSeconds} s, measured ${num(a.windowSeconds, 1)} s; RSS sampled every second` +
      (ne === undefined
        ? ""
        : `; ${ne.scrapes} scrapes of ${num(ne.meanBodyBytes / 1024, 0)} KiB`) +
      (delivered.length === 0 ? "" : `; server holds ${delivered.join("; ")}`),
  ].join("\n");
}

/**
 * The rule benchmark as a markdown table: per peer, the evaluation time of
 * all groups per interval (median, max; seconds and % of the interval), the
 * slowest group, the alerts it ends with, and reddot over Prometheus.
 */
export function rulesTable(r: RuleBenchResult): string {
  const rows = [
    "| system | median s / interval | % of interval | max s / interval | % of interval | sum of groups s (median) | slowest group s | CPU s / interval | firing | pending | notes |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  const peers = r.peers.filter((p) => p.status !== "skipped");
  for (const p of peers) {
    const notes = [p.status === "ok" ? "" : p.status.toUpperCase(), ...p.notes]
      .filter((s) => s !== "")
      .join("; ")
      .replaceAll("|", "\\|")
      .replaceAll("\n", " ");
    rows.push(
      `| ${p.label}${p.version ? ` ${p.version}` : ""} | ${num(p.medianSeconds, 3)} | ${num(p.medianPercent, 2)} | ${num(p.maxSeconds, 3)} | ${num(p.maxPercent, 2)} | ${num(p.medianSumSeconds, 3)} | ${num(p.maxGroupSeconds, 3)} | ${num(p.cpuSecondsPerInterval, 3)} | ${p.firing ?? "–"} | ${p.pending ?? "–"} | ${notes} |`,
    );
  }
  const a = peers.find((p) => p.id === "reddot" && p.status === "ok");
  const b = peers.find((p) => p.id === "prometheus" && p.status === "ok");
  if (a !== undefined && b !== undefined) {
    const ratio = (x?: number, y?: number) =>
      x !== undefined && y !== undefined && y > 0 ? num(x / y, 2) : "–";
    rows.push(
      `| reddot / Prometheus | ${ratio(a.medianSeconds, b.medianSeconds)} | | ${ratio(a.maxSeconds, b.maxSeconds)} | | ${ratio(a.medianSumSeconds, b.medianSumSeconds)} | ${ratio(a.maxGroupSeconds, b.maxGroupSeconds)} | ${ratio(a.cpuSecondsPerInterval, b.cpuSecondsPerInterval)} | | | |`,
    );
  }
  const target = a?.maxPercent;
  const verdict = target === undefined ? "not measured" : target < 10 ? "met" : "NOT MET";
  return `${rows.join("\n")}\n\n- reddot under 10% of the ${r.intervalSeconds} s interval (max): ${verdict}`;
}

/** What the rule benchmark evaluated. */
export function rulesCaption(r: RuleBenchResult): string {
  const versions = r.peers.map((p) => `${p.label} ${p.version ?? "(not run)"}`).join(", ");
  return [
    `Rule evaluation — ${r.rules} alerting rules in ${r.groups} groups every ${r.intervalSeconds} s over ${r.series} series (${r.historyMinutes} min of history, one new sample per series per interval); for ${r.forSeconds} s, 2 templated annotations; ${r.expectedAlerts} alerts expected`,
    `${r.intervals} intervals per peer; evaluation time per interval = the time at least one group was evaluating (union of the groups' lastEvaluation + evaluationTime from /api/v1/rules), beside the plain sum; CPU of the peer process over the window (with ingest of 10k samples per interval and the polling); ${versions}`,
  ].join("\n");
}
