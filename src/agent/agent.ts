/**
 * The agent loop: fetches its check list from the server, collects host
 * metrics every interval and builds one report from them, the check results
 * finished since the previous report and the facts (all of them in the first
 * report, the changes afterwards), spools each report and delivers the spool
 * to the server. A failing collector or check is logged and never stops it;
 * the token is never logged.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { packageVersion } from "../lib/version.js";
import { fetchChecks } from "./checks-client.js";
import { collectFacts, diffFacts } from "./facts/index.js";
import { collectHostMetrics } from "./host/collect.js";
import { type AgentReport, REPORT_VERSION } from "./report.js";
import { type AgentLog, CheckScheduler } from "./scheduler.js";
import { Backoff, type BackoffOptions } from "./transport/backoff.js";
import { Sender } from "./transport/sender.js";
import { Spool } from "./transport/spool.js";
import { agentFetch, type TlsFetchOptions } from "./transport/tls-fetch.js";
import type { AgentSample, Facts } from "./types.js";

export type { AgentLog } from "./scheduler.js";

export interface RunAgentOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:9190`. */
  readonly server: string;
  readonly token: string;
  /** Default `os.hostname()`. */
  readonly host?: string;
  readonly spoolDir: string;
  readonly pluginDirs: readonly string[];
  /** Host metrics and report interval; default 10 s, at least 1 s. */
  readonly intervalMs?: number;
  /** Facts re-collection interval; default 1 h. */
  readonly factsIntervalMs?: number;
  readonly customFactDirs?: readonly string[];
  /** Check list refresh; default 60 s. */
  readonly checksRefreshMs?: number;
  /** Spool bound; default 256 MiB. */
  readonly spoolMaxBytes?: number;
  readonly signal: AbortSignal;
  readonly log?: AgentLog;
  /** Stand-ins for /proc and /sys (tests). */
  readonly procRoot?: string;
  readonly sysRoot?: string;
  /** Trust for an https: server the system CAs do not vouch for (see tlsFetch). */
  readonly tls?: TlsFetchOptions;
  /** Delivery retry delays; 1 s doubling up to 30 s by default. */
  readonly sendBackoff?: BackoffOptions;
}

export const DEFAULT_SPOOL_DIR = "/var/lib/reddot-agent/spool";
export const DEFAULT_PLUGIN_DIRS: readonly string[] = [
  "/usr/lib/nagios/plugins",
  "/usr/local/lib/reddot/plugins",
];
export const DEFAULT_INTERVAL_MS = 10_000;
export const MIN_INTERVAL_MS = 1000;
export const DEFAULT_FACTS_INTERVAL_MS = 3_600_000;
export const DEFAULT_CHECKS_REFRESH_MS = 60_000;
export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;
/** Largest report (JSON bytes, before gzip). */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;
/** How long the first report waits for the first facts; later reports carry them otherwise. */
const FIRST_FACTS_WAIT_MS = 60_000;

/** Runs the agent until `opts.signal` aborts. Rejects only for bad options or an unusable spool. */
export async function runAgent(opts: RunAgentOptions): Promise<void> {
  const log = opts.log ?? defaultLog;
  const server = opts.server.replace(/\/+$/, "");
  const host = opts.host ?? hostname();
  const intervalMs = Math.max(MIN_INTERVAL_MS, opts.intervalMs ?? DEFAULT_INTERVAL_MS);
  const factsIntervalMs = Math.max(
    MIN_INTERVAL_MS,
    opts.factsIntervalMs ?? DEFAULT_FACTS_INTERVAL_MS,
  );
  const checksRefreshMs = Math.max(
    MIN_INTERVAL_MS,
    opts.checksRefreshMs ?? DEFAULT_CHECKS_REFRESH_MS,
  );
  const { signal } = opts;

  const spool = await Spool.open(opts.spoolDir, {
    maxBytes: opts.spoolMaxBytes ?? DEFAULT_SPOOL_MAX_BYTES,
    warn: (m) => log("warn", m),
  });
  // node:http(s) only, never fetch, Headers or Response: they load undici and compile its
  // WebAssembly HTTP parser, ~13 MB of the agent's RSS (docs/agent.md, "Footprint").
  const fetchImpl = agentFetch(opts.tls ?? {});
  const sender = new Sender({
    fetchImpl,
    url: `${server}/api/v1/agent/report`,
    token: opts.token,
    spool,
    timeoutMs: 30_000,
    maxBatchBytes: MAX_REPORT_BYTES,
    backoff: opts.sendBackoff,
    log: (m, f) => log("warn", m, f),
  });
  if (signal.aborted) return;

  const scheduler = new CheckScheduler({
    pluginDirs: opts.pluginDirs,
    procRoot: opts.procRoot,
    log,
  });
  const runId = randomUUID();
  let seq = 0;
  log("info", "agent started", { host, server, runId, spool: opts.spoolDir });

  // Facts: collected now and every factsIntervalMs; a report carries what changed.
  let currentFacts: Facts | undefined;
  let sentFacts: Facts | undefined;
  const collectFactsOnce = async () => {
    try {
      currentFacts = await collectFacts({
        procRoot: opts.procRoot,
        sysRoot: opts.sysRoot,
        customFactDirs: opts.customFactDirs,
      });
    } catch (e) {
      log("error", "facts collection failed", { error: errText(e) });
    }
  };
  const firstFacts = collectFactsOnce();
  const factsLoop = (async () => {
    await firstFacts;
    while (await sleep(factsIntervalMs, signal)) await collectFactsOnce();
  })();

  // Check list: refreshed every checksRefreshMs; the last good list is kept while the server is away.
  const checksLoop = (async () => {
    const retry = new Backoff({ baseMs: 1000, capMs: checksRefreshMs });
    while (!signal.aborted) {
      const r = await fetchChecks({
        server,
        token: opts.token,
        host,
        timeoutMs: 10_000,
        signal,
        fetchImpl,
      });
      let wait = checksRefreshMs;
      if (r.ok) {
        retry.reset();
        for (const s of r.skipped) log("warn", "check from the server skipped", { problem: s });
        scheduler.setChecks(r.checks);
      } else if (!signal.aborted) {
        wait = retry.next();
        log("warn", "cannot fetch the check list; keeping the last one", {
          error: r.error,
          retryInMs: Math.round(wait),
        });
      }
      if (!(await sleep(wait, signal))) break;
    }
  })();

  const buildReport = async (first: boolean): Promise<AgentReport> => {
    let samples: AgentSample[] = [];
    const collectStart = performance.now();
    try {
      samples = await collectHostMetrics({ procRoot: opts.procRoot, sysRoot: opts.sysRoot });
    } catch (e) {
      log("error", "host metrics collection failed", { error: errText(e) });
    }
    const collectMs = performance.now() - collectStart;
    if (first) await Promise.race([firstFacts, sleep(FIRST_FACTS_WAIT_MS, signal)]);
    let facts: AgentReport["facts"];
    if (currentFacts !== undefined && currentFacts !== sentFacts) {
      if (sentFacts === undefined) facts = { full: currentFacts };
      else {
        const changes = diffFacts(sentFacts, currentFacts);
        if (changes.length > 0) facts = { changes };
      }
      sentFacts = currentFacts;
    }
    seq++;
    samples.push(...selfSamples(Date.now(), seq, collectMs));
    return {
      version: REPORT_VERSION,
      host,
      agentVersion: packageVersion(),
      sentAt: Date.now(),
      runId,
      seq,
      samples,
      checks: scheduler.takeResults(),
      ...(facts === undefined ? {} : { facts }),
    };
  };

  // The agent's own health, in every report: a spool that grows or drops data
  // is visible (and alertable) on the server once the agent gets through.
  const selfSamples = (t: number, reports: number, collectMs: number): AgentSample[] => {
    const spooled = spool.stats();
    const sent = sender.stats();
    const cpu = process.cpuUsage();
    const s = (name: string, v: number): AgentSample => ({ name, labels: {}, t, v });
    return [
      s("reddot_agent_reports_total", reports),
      s("reddot_agent_reports_delivered_total", sent.sent),
      s("reddot_agent_delivery_failures_total", sent.failures),
      s("reddot_agent_spool_reports", spooled.files),
      s("reddot_agent_spool_bytes", spooled.bytes),
      s("reddot_agent_spool_dropped_reports_total", spooled.dropped),
      s("reddot_agent_collect_duration_seconds", collectMs / 1000),
      s("reddot_agent_process_cpu_seconds_total", (cpu.user + cpu.system) / 1e6),
      s("reddot_agent_process_resident_memory_bytes", process.memoryUsage.rss()),
    ];
  };

  const reportLoop = (async () => {
    const start = Date.now();
    for (let n = 0; !signal.aborted; n++) {
      try {
        await sender.enqueue(await buildReport(n === 0));
      } catch (e) {
        log("error", "could not spool a report; it is lost", { error: errText(e), seq });
      }
      // Stay on the start's grid; skip ticks missed by a slow collection.
      const now = Date.now();
      const next = start + Math.ceil((now - start + 1) / intervalMs) * intervalMs;
      if (!(await sleep(next - now, signal))) break;
    }
  })();

  const senderLoop = sender.run(signal);
  await Promise.allSettled([reportLoop, checksLoop, factsLoop, senderLoop]);
  await scheduler.stop(2000);
  log("info", "agent stopped", { host, runId, reports: seq });
}

/** Waits `ms`; false when aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(v);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), Math.max(0, ms));
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const defaultLog: AgentLog = (level, msg, fields) => {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`,
  );
};
