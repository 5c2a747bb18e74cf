/**
 * `npm run bench`: reddot side by side with Prometheus and VictoriaMetrics on
 * the same generated data, one peer at a time on this machine, over loopback.
 * Progress goes to stderr, the markdown table to stdout, every figure to JSON.
 * Exits 1 only when a peer fails (error answers, crash), never for its speed.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { AGENT_SCALES, type AgentBenchResult, runAgentBench } from "./agent.js";
import { DevopsData } from "./data.js";
import { Payload, planBatches } from "./ingest.js";
import { fmt, log } from "./log.js";
import { measurePeer, type PeerResult } from "./measure.js";
import { PEERS, PeerProcess } from "./peers.js";
import { QUERY_SCALES, type QueryBenchResult, runQueryBench } from "./query.js";
import {
  agentCaption,
  agentTable,
  caption,
  machineInfo,
  markdownTable,
  queryCaption,
  queryTable,
  type RunReport,
  rulesCaption,
  rulesTable,
  writeJson,
} from "./report.js";
import { RULE_SCALES, type RuleBenchResult, runRuleBench } from "./rules.js";

/** Preset scales; flags override their parts. */
const SCALES = {
  // CI: ~1.15 M samples per peer, the whole run well under 5 minutes.
  small: { hosts: 50, metrics: 20, hours: 3.2 },
  medium: { hosts: 200, metrics: 50, hours: 3.2 },
  full: { hosts: 1000, metrics: 100, hours: 3.2 },
} as const;

type ScaleName = keyof typeof SCALES;

interface Flags {
  scale: ScaleName;
  hosts?: number;
  metrics?: number;
  hours?: number;
  concurrency: number;
  peers: string[];
  out?: string;
  seed: number;
  batchSamples: number;
  blockWait: number;
  keep: boolean;
  strict: boolean;
  ingest: boolean;
  query: boolean;
  queryRuns: number;
  queryWarmup: number;
  rules: boolean;
  agent: boolean;
  agentSeconds?: number;
}

function positive(kind: "int" | "float") {
  return (v: string): number => {
    const n = kind === "int" ? Number.parseInt(v, 10) : Number.parseFloat(v);
    if (!Number.isFinite(n) || n <= 0 || (kind === "int" && String(n) !== v.trim())) {
      throw new InvalidArgumentError(`got ${JSON.stringify(v)}; want a positive ${kind}`);
    }
    return n;
  };
}

function parseFlags(argv: string[]): Flags {
  const known = PEERS.map((p) => p.id);
  const program = new Command("bench")
    .description(
      "Ingest, memory, disk and replay benchmark: reddot vs Prometheus vs VictoriaMetrics",
    )
    .addOption(
      new Option("--scale <name>", "preset size").choices(Object.keys(SCALES)).default("small"),
    )
    .option("--hosts <n>", "hosts (overrides the scale)", positive("int"))
    .option("--metrics <n>", "metrics per host (overrides the scale)", positive("int"))
    .option(
      "--hours <h>",
      "hours of samples at 10 s (≥ 3.2 for a block to be cut)",
      positive("float"),
    )
    .option("--concurrency <n>", "requests in flight", positive("int"), 4)
    .option(
      "--peers <list>",
      `comma-separated, in run order (known: ${known.join(", ")})`,
      (v: string) => {
        const ids = v
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "");
        const bad = ids.filter((id) => !known.includes(id));
        if (bad.length > 0) {
          throw new InvalidArgumentError(`unknown ${bad.join(", ")}; known: ${known.join(", ")}`);
        }
        return ids;
      },
      known,
    )
    .option("--out <file>", "JSON report path (default bench/results/<ISO date>.json)")
    .option("--seed <n>", "data generator seed", positive("int"), 42)
    .option("--batch-samples <n>", "target samples per request", positive("int"), 10_000)
    .option("--block-wait <s>", "seconds to wait for a block to be cut", positive("int"), 120)
    .option("--keep", "keep each peer's temp dir (data, peer.log)", false)
    .option("--strict", "a peer that fails to start fails the run (default: skipped)", false)
    .option("--no-ingest", "skip the ingest/memory/disk/replay benchmark")
    .option("--no-query", "skip the query latency benchmark (reddot and prometheus only)")
    .option("--query-runs <n>", "timed runs per query", positive("int"), 10)
    .option("--query-warmup <n>", "untimed runs per query before those", positive("int"), 2)
    .option("--no-rules", "skip the rule evaluation benchmark (reddot and prometheus only)")
    .option("--no-agent", "skip the agent CPU/RSS benchmark (vs prometheus-node-exporter)")
    .option(
      "--agent-seconds <s>",
      "measured seconds of the agent benchmark (overrides the scale: 60, 180, 600)",
      positive("int"),
    );
  program.parse(argv);
  return program.opts<Flags>();
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv);
  const preset = SCALES[flags.scale];
  const shape = {
    hosts: flags.hosts ?? preset.hosts,
    metrics: flags.metrics ?? preset.metrics,
    hours: flags.hours ?? preset.hours,
    seed: flags.seed,
  };
  // One clock reading for the whole run: every peer gets identical timestamps.
  const now = Date.now();
  const probe = new DevopsData(shape, now);
  const plan = planBatches(probe.series, flags.concurrency, flags.batchSamples);
  const payload = new Payload(() => new DevopsData(shape, now), plan, {
    segmentBytes: 512 * 1024 * 1024,
    cacheBytes: 4 * 1024 * 1024 * 1024,
  });
  log(
    "bench",
    `${shape.hosts} hosts × ${shape.metrics} metrics = ${fmt(probe.series)} series, ` +
      `${probe.samplesPerSeries} samples each (${fmt(probe.totalSamples)} total) from ` +
      `${new Date(probe.start).toISOString()}; ${plan.slices} requests of ≤ ${fmt(plan.samplesPerBatch)} samples per 2 min window`,
  );

  if (flags.ingest) {
    const cached = payload.prepare();
    log(
      "bench",
      cached
        ? `encoded ${(payload.encodedBytes / 2 ** 20).toFixed(1)} MiB of requests in ${payload.encodeSeconds.toFixed(1)} s (kept for every peer)`
        : "payload too big to keep: encoding segment by segment between sends, per peer",
    );
  }

  const results: PeerResult[] = [];
  for (const id of flags.ingest ? flags.peers : []) {
    const def = PEERS.find((p) => p.id === id)!;
    results.push(
      await measurePeer(def, payload, {
        concurrency: flags.concurrency,
        series: probe.series,
        totalSamples: probe.totalSamples,
        blockWaitSeconds: flags.blockWait,
        keep: flags.keep,
        strict: flags.strict,
      }),
    );
  }

  let query: QueryBenchResult | undefined;
  if (flags.query) {
    query = await runQueryBench(
      flags.peers.map((id) => PEERS.find((p) => p.id === id)!),
      {
        ...QUERY_SCALES[flags.scale],
        seed: flags.seed,
        warmup: flags.queryWarmup,
        runs: flags.queryRuns,
        concurrency: flags.concurrency,
        keep: flags.keep,
      },
    );
  }

  let rules: RuleBenchResult | undefined;
  if (flags.rules) {
    rules = await runRuleBench(
      flags.peers.map((id) => PEERS.find((p) => p.id === id)!),
      { ...RULE_SCALES[flags.scale], concurrency: flags.concurrency, keep: flags.keep },
    );
  }

  let agent: AgentBenchResult | undefined;
  if (flags.agent) {
    const scale = AGENT_SCALES[flags.scale];
    agent = await runAgentBench({
      warmupSeconds: scale.warmupSeconds,
      measureSeconds: flags.agentSeconds ?? scale.measureSeconds,
      keep: flags.keep,
    });
  }

  const date = new Date().toISOString();
  const report: RunReport = {
    date,
    command: process.argv.slice(2).join(" "),
    machine: machineInfo(),
    scale: {
      name: flags.scale,
      hosts: shape.hosts,
      metrics: shape.metrics,
      series: probe.series,
      hours: shape.hours,
      intervalSeconds: 10,
      samplesPerSeries: probe.samplesPerSeries,
      totalSamples: probe.totalSamples,
      start: new Date(probe.start).toISOString(),
      end: new Date(probe.end).toISOString(),
      seed: shape.seed,
      concurrency: flags.concurrency,
      samplesPerBatch: plan.samplesPerBatch,
      requestsPerWindow: plan.slices,
    },
    encode: {
      seconds: payload.encodeSeconds,
      bytes: payload.encodedBytes,
      samplesPerSecond: payload.encodeSeconds > 0 ? probe.totalSamples / payload.encodeSeconds : 0,
    },
    peers: results,
    query,
    rules,
    agent,
  };
  const out = flags.out ?? `bench/results/${date.replaceAll(":", "-")}.json`;
  await writeJson(out, report);
  log("bench", `wrote ${out}`);
  if (flags.ingest) console.log(`${caption(report)}\n\n${markdownTable(report)}`);
  if (query !== undefined) console.log(`\n${queryCaption(query)}\n\n${queryTable(query)}`);
  if (rules !== undefined) console.log(`\n${rulesCaption(rules)}\n\n${rulesTable(rules)}`);
  if (agent !== undefined) console.log(`\n${agentCaption(agent)}\n\n${agentTable(agent)}`);
  const queryFailed = query?.peers.some((p) => p.status === "failed") ?? false;
  const agentFailed = agent?.status === "failed";
  const rulesFailed = rules?.peers.some((p) => p.status === "failed") ?? false;
  return results.some((r) => r.status === "failed") || queryFailed || agentFailed || rulesFailed
    ? 1
    : 0;
}

// Interrupted (Ctrl-C, CI timeout): take the running peer down with us.
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    for (const child of PeerProcess.live) child.kill("SIGKILL");
    process.exit(130);
  });
}

process.exitCode = await main();
