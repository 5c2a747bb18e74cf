/**
 * Agent footprint: real `reddot agent`s side by side on one reddot server —
 * one with 20 checks at 10 s (10 builtins, 10 Nagios plugins), one with no
 * checks (host metrics and the report every 10 s: node_exporter's job, the
 * like-for-like CPU comparison) — started with the unit file's Node flags,
 * next to a real prometheus-node-exporter scraped every 10 s, over the same
 * window. Each process's CPU time (utime + stime; for an agent also its reaped
 * children, the plugins) and RSS (sampled every second) are compared; issue
 * 4's targets are CPU ≤ node_exporter's and RSS ≤ 60 MB. The run fails unless
 * the server received every agent's reports and exactly its checks. */
import { type ChildProcess, execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { writeAgentBenchConfig } from "./agent-config.js";
import { log } from "./log.js";
import { freePort, httpGet, projectRoot, sleep, spawnLogged } from "./peers.js";
import { readCpuTimes, readMemory } from "./proc.js";

const execFileP = promisify(execFile);

/** Warm-up and measured window per --scale, in seconds. */
export const AGENT_SCALES = {
  small: { warmupSeconds: 10, measureSeconds: 60 },
  medium: { warmupSeconds: 30, measureSeconds: 180 },
  full: { warmupSeconds: 30, measureSeconds: 600 },
} as const;

/** Report and scrape interval: issue 4 compares both at 10 s. */
export const AGENT_INTERVAL_SECONDS = 10;
/** Issue 4's RSS target for the agent. */
export const AGENT_RSS_TARGET_BYTES = 60 * 1024 * 1024;
export const NODE_EXPORTER_BIN = "/usr/bin/prometheus-node-exporter";
const HOST = "bench-agent";

/** CPU and memory of one process over the measured window. */
export interface ProcessFigures {
  readonly version: string;
  /** utime + stime of the process itself. */
  readonly cpuSeconds: number;
  /** cutime + cstime: children it ran and reaped (plugins) during the window. */
  readonly childCpuSeconds: number;
  /** cpuSeconds over the window, in % of one core. */
  readonly cpuPercent: number;
  /** (cpuSeconds + childCpuSeconds) over the window, in % of one core. */
  readonly cpuPercentWithChildren: number;
  readonly rssMeanBytes: number;
  readonly rssMaxBytes: number;
  readonly rssSamples: number;
}

/**
 * V8 flags the agent runs with, here and in examples/systemd/reddot-agent.service
 * (docs/agent.md, "Footprint"): a 1 MB semi-space keeps the young generation
 * small (~3 MB of RSS), and no JIT saves ~7 MB of code and compiler memory; the
 * agent's JavaScript is light, so neither costs measurable CPU.
 */
export const AGENT_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=1", "--jitless"];

/** One agent process of the run. */
export interface AgentVariant {
  /** Row label in the table. */
  readonly label: string;
  /** Its --host. */
  readonly host: string;
  /** Runs the 20 checks (else: host metrics and the report only, node_exporter's job). */
  readonly checks: boolean;
  /** Node flags before the script. */
  readonly nodeFlags: readonly string[];
}

/** The default run: the agent with the 20 checks, and one with none (apples to apples). */
export function defaultAgentVariants(nodeFlags = AGENT_NODE_FLAGS): AgentVariant[] {
  return [
    { label: "20 checks", host: HOST, checks: true, nodeFlags },
    { label: "no checks", host: `${HOST}-bare`, checks: false, nodeFlags },
  ];
}

/** An agent's figures, what the server holds of it and issue 4's targets for it. */
export interface AgentFigures extends ProcessFigures {
  readonly variant: AgentVariant;
  /** Check series and report counters of its host on the server at the end. */
  delivered?: { checkSeries: number; reportsTotal: number; reportsDelivered: number };
  /**
   * Issue 4's targets: the agent process's CPU ≤ node_exporter's (and the
   * same with the plugins it ran added), its max RSS ≤ 60 MB; a CPU verdict is
   * undefined without node_exporter.
   */
  targets?: { cpuMet?: boolean; cpuMetWithPlugins?: boolean; rssMet: boolean };
}

export interface AgentBenchResult {
  status: "ok" | "failed";
  notes: string[];
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
  readonly intervalSeconds: number;
  readonly checks: { builtin: number; plugin: number };
  /** Wall seconds of the measured window. */
  windowSeconds?: number;
  /** One per agent process, side by side on the same server, in the variants' order. */
  agents: AgentFigures[];
  nodeExporter?: ProcessFigures & {
    readonly scrapes: number;
    readonly scrapeErrors: number;
    readonly meanBodyBytes: number;
  };
}

export interface AgentBenchOptions {
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
  readonly keep: boolean;
  /** The agents to run side by side (default: defaultAgentVariants()). */
  readonly variants?: readonly AgentVariant[];
}

/** A child process of the benchmark with its output in a log file. */
class Child {
  private child: ChildProcess | undefined;
  private exitInfo: string | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly logFile: string,
  ) {}

  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined || this.exitInfo !== undefined) {
      throw new Error(`${this.name} is not running${this.exitInfo ? ` (${this.exitInfo})` : ""}`);
    }
    return pid;
  }

  /** Why it ended, when it did. */
  get ended(): string | undefined {
    return this.exitInfo;
  }

  start(cmd: string, args: string[]): void {
    const started = spawnLogged(cmd, args, this.logFile, (info) => {
      this.exitInfo = info;
    });
    this.child = started.child;
    this.exited = started.exited;
  }

  /** SIGTERM, SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    const child = this.child;
    if (child === undefined || this.exitInfo !== undefined) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The last `lines` lines of its log, for a failure note. */
  tail(lines = 5): string {
    try {
      return readFileSync(this.logFile, "utf8").trim().split("\n").slice(-lines).join(" ⏎ ");
    } catch {
      return "";
    }
  }
}

/** Own and reaped children's CPU seconds of a process that must still run. */
function readCpu(pid: number): { own: number; children: number } {
  const t = readCpuTimes(pid);
  if (t === undefined) throw new Error(`process ${pid} is gone`);
  return t;
}

/** Polls `url` until it answers 200. */
async function waitHttp(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.ended !== undefined) {
      throw new Error(`${child.name} ${child.ended}: ${child.tail()}`);
    }
    try {
      if ((await httpGet(url, 5_000)).status === 200) return;
    } catch (err) {
      if (performance.now() > deadline) throw err;
    }
    if (performance.now() > deadline) throw new Error(`${url} not ready in ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Value of an instant query whose answer is one sample (undefined: empty answer). */
async function queryScalar(base: string, expr: string): Promise<number | undefined> {
  const res = await httpGet(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`, 30_000);
  if (res.status !== 200) throw new Error(`query ${expr} answered ${res.status}: ${res.body}`);
  const body = JSON.parse(res.body) as {
    data: { result: { value: [number, string] }[] };
  };
  const first = body.data.result[0];
  return first === undefined ? undefined : Number(first.value[1]);
}

async function versionOf(cmd: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await execFileP(cmd, args, { timeout: 10_000 });
    const line = `${stdout}${stderr}`.split("\n")[0].trim();
    return /version (\S+)/.exec(line)?.[1] ?? line;
  } catch (err) {
    return `unknown (${String(err)})`;
  }
}

function reddotVersion(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** RSS of each watched process, sampled every second. */
class RssStats {
  private readonly sums = new Map<number, { sum: number; max: number; n: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: readonly number[]) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  of(pid: number): { mean: number; max: number; n: number } {
    const s = this.sums.get(pid) ?? { sum: 0, max: 0, n: 0 };
    return { mean: s.n > 0 ? s.sum / s.n : 0, max: s.max, n: s.n };
  }

  private sample(): void {
    for (const pid of this.pids) {
      const m = readMemory(pid);
      if (m === undefined) continue;
      const s = this.sums.get(pid) ?? { sum: 0, max: 0, n: 0 };
      s.sum += m.rss;
      s.n++;
      if (m.rss > s.max) s.max = m.rss;
      this.sums.set(pid, s);
    }
  }
}

/**
 * Scrapes node_exporter's /metrics every interval, reading every byte, as
 * Prometheus does (a new connection each time; what it costs node_exporter is
 * the same). A scrape still in flight at stop() is not counted.
 */
class Scraper {
  scrapes = 0;
  errors = 0;
  bytes = 0;
  lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly url: string) {}

  start(intervalMs: number): void {
    void this.scrape();
    this.timer = setInterval(() => void this.scrape(), intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.stopped = true;
  }

  /** Counts from now on (the warm-up's scrapes are not measured). */
  reset(): void {
    this.scrapes = 0;
    this.errors = 0;
    this.bytes = 0;
  }

  private async scrape(): Promise<void> {
    try {
      const res = await httpGet(this.url, 10_000);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      if (this.stopped) return;
      this.scrapes++;
      this.bytes += Buffer.byteLength(res.body);
    } catch (err) {
      if (this.stopped) return;
      this.errors++;
      this.lastError = String(err);
    }
  }
}

/**
 * Runs the agent benchmark. Never throws for a broken part: the result is
 * `failed` with the reason in its notes (the caller exits 1).
 */
export async function runAgentBench(opts: AgentBenchOptions): Promise<AgentBenchResult> {
  const result: AgentBenchResult = {
    status: "ok",
    notes: [],
    warmupSeconds: opts.warmupSeconds,
    measureSeconds: opts.measureSeconds,
    intervalSeconds: AGENT_INTERVAL_SECONDS,
    checks: { builtin: 0, plugin: 0 },
    agents: [],
  };
  const main = join(projectRoot(), "dist/src/cli/main.js");
  if (!existsSync(main)) {
    result.status = "failed";
    result.notes.push(`${main} missing (run npm run build)`);
    return result;
  }
  const variants = opts.variants ?? defaultAgentVariants();
  const dir = await mkdtemp(join(tmpdir(), "reddot-bench-agent-"));
  const server = new Child("reddot server", join(dir, "server.log"));
  const agents = variants.map(
    (v, i) => new Child(`reddot agent (${v.label})`, join(dir, `agent-${i}.log`)),
  );
  const exporter = new Child("node_exporter", join(dir, "node_exporter.log"));
  let scraper: Scraper | undefined;
  try {
    const serverPort = await freePort();
    const ageFile = join(dir, "stamp");
    await writeFile(ageFile, "reddot agent benchmark\n");
    const config = await writeAgentBenchConfig(
      dir,
      { serverPort, ageFile },
      variants.filter((v) => !v.checks).map((v) => v.host),
    );
    result.checks.builtin = config.checks.filter((c) => c.builtin !== undefined).length;
    result.checks.plugin = config.checks.filter((c) => c.command !== undefined).length;
    const base = `http://127.0.0.1:${serverPort}`;

    log("agent", `starting reddot server on ${base} (config ${config.configDir})`);
    await mkdir(join(dir, "data"));
    server.start(process.execPath, [
      main,
      "server",
      "--config",
      config.configDir,
      "--data",
      join(dir, "data"),
      "--listen",
      `127.0.0.1:${serverPort}`,
      "--no-agent",
    ]);
    await waitHttp(`${base}/-/ready`, server, 60_000);

    let exporterUrl: string | undefined;
    if (existsSync(NODE_EXPORTER_BIN)) {
      const port = await freePort();
      exporter.start(NODE_EXPORTER_BIN, [`--web.listen-address=127.0.0.1:${port}`]);
      exporterUrl = `http://127.0.0.1:${port}/metrics`;
      await waitHttp(exporterUrl, exporter, 30_000);
      log("agent", `node_exporter listening on 127.0.0.1:${port}, scraped every 10 s`);
    } else {
      log("agent", `${NODE_EXPORTER_BIN} not found: measuring the agent alone`);
      result.notes.push(`${NODE_EXPORTER_BIN} not found (Debian package prometheus-node-exporter)`);
    }

    variants.forEach((v, i) => {
      log(
        "agent",
        `starting reddot agent --host ${v.host} --interval 10s (${v.label}), node ${v.nodeFlags.join(" ") || "(no flags)"}`,
      );
      agents[i].start(process.execPath, [
        ...v.nodeFlags,
        main,
        "agent",
        "--server",
        base,
        "--token-file",
        config.tokenFile,
        "--host",
        v.host,
        "--spool",
        join(dir, `spool-${i}`),
        "--interval",
        `${AGENT_INTERVAL_SECONDS}s`,
      ]);
    });
    if (exporterUrl !== undefined) {
      scraper = new Scraper(exporterUrl);
      scraper.start(AGENT_INTERVAL_SECONDS * 1000);
    }

    log("agent", `warm-up ${opts.warmupSeconds} s`);
    await sleep(opts.warmupSeconds * 1000);
    const agentPids = agents.map((c) => c.pid);
    const exporterPid = exporterUrl !== undefined ? exporter.pid : undefined;
    const pids = exporterPid !== undefined ? [...agentPids, exporterPid] : agentPids;
    const rss = new RssStats(pids);
    const before = pids.map((pid) => readCpu(pid));
    const t0 = performance.now();
    scraper?.reset();
    rss.start();
    log("agent", `measuring for ${opts.measureSeconds} s`);
    for (let left = opts.measureSeconds; left > 0; ) {
      const step = Math.min(left, 60);
      await sleep(step * 1000);
      left -= step;
      for (const c of [...agents, exporterUrl !== undefined ? exporter : undefined]) {
        if (c?.ended !== undefined) throw new Error(`${c.name} ${c.ended}: ${c.tail()}`);
      }
      if (left > 0) {
        agentPids.forEach((pid, i) => {
          const cpu = readCpu(pid);
          log(
            "agent",
            `${opts.measureSeconds - left} s: ${variants[i].label}: ${(cpu.own - before[i].own).toFixed(2)} CPU s, ` +
              `children ${(cpu.children - before[i].children).toFixed(2)} s, ` +
              `RSS ${((readMemory(pid)?.rss ?? 0) / 2 ** 20).toFixed(1)} MB`,
          );
        });
      }
    }
    const after = pids.map((pid) => readCpu(pid));
    const window = (performance.now() - t0) / 1000;
    rss.stop();
    scraper?.stop();
    result.windowSeconds = window;

    const figures = (i: number, version: string): ProcessFigures => {
      const own = after[i].own - before[i].own;
      const children = after[i].children - before[i].children;
      const r = rss.of(pids[i]);
      return {
        version,
        cpuSeconds: own,
        childCpuSeconds: children,
        cpuPercent: (100 * own) / window,
        cpuPercentWithChildren: (100 * (own + children)) / window,
        rssMeanBytes: r.mean,
        rssMaxBytes: r.max,
        rssSamples: r.n,
      };
    };
    const version = reddotVersion();
    result.agents = variants.map((variant, i) => ({ ...figures(i, version), variant }));
    if (exporterPid !== undefined && scraper !== undefined) {
      result.nodeExporter = {
        ...figures(agentPids.length, await versionOf(NODE_EXPORTER_BIN, ["--version"])),
        scrapes: scraper.scrapes,
        scrapeErrors: scraper.errors,
        meanBodyBytes: scraper.scrapes > 0 ? scraper.bytes / scraper.scrapes : 0,
      };
      if (scraper.scrapes === 0) {
        throw new Error(`no successful scrape of node_exporter: ${scraper.lastError ?? "?"}`);
      }
      if (scraper.errors > 0) {
        result.notes.push(
          `${scraper.errors} failed scrapes of node_exporter (${scraper.lastError})`,
        );
      }
    }

    // Delivery: the server must hold each agent's checks (20 or none) and report counter.
    const n = result.nodeExporter;
    for (const a of result.agents) {
      const host = JSON.stringify(a.variant.host);
      const checkSeries =
        (await queryScalar(base, `count(reddot_check_status{host=${host}})`)) ?? 0;
      const reportsTotal =
        (await queryScalar(base, `reddot_agent_reports_total{host=${host}}`)) ?? 0;
      const reportsDelivered =
        (await queryScalar(base, `reddot_agent_reports_delivered_total{host=${host}}`)) ?? 0;
      a.delivered = { checkSeries, reportsTotal, reportsDelivered };
      log(
        "agent",
        `server holds ${checkSeries} check series of ${a.variant.host}; ${reportsTotal} reports built, ${reportsDelivered} delivered`,
      );
      const wantChecks = a.variant.checks ? config.checks.length : 0;
      if (checkSeries !== wantChecks) {
        throw new Error(
          `the server holds ${checkSeries} reddot_check_status series of ${a.variant.host}, want ${wantChecks}`,
        );
      }
      const minReports = Math.floor(opts.measureSeconds / AGENT_INTERVAL_SECONDS);
      if (reportsTotal < minReports) {
        throw new Error(
          `reddot_agent_reports_total of ${a.variant.host} is ${reportsTotal}, want ≥ ${minReports}`,
        );
      }
      a.targets = {
        cpuMet: n === undefined ? undefined : a.cpuSeconds <= n.cpuSeconds,
        cpuMetWithPlugins:
          n === undefined ? undefined : a.cpuSeconds + a.childCpuSeconds <= n.cpuSeconds,
        rssMet: a.rssMaxBytes <= AGENT_RSS_TARGET_BYTES,
      };
      log(
        "agent",
        `${a.variant.label}: ${a.cpuPercent.toFixed(2)}% CPU (${a.cpuPercentWithChildren.toFixed(2)}% with plugins), ` +
          `RSS mean ${(a.rssMeanBytes / 2 ** 20).toFixed(1)} max ${(a.rssMaxBytes / 2 ** 20).toFixed(1)} MB`,
      );
    }
    if (n !== undefined) {
      log(
        "agent",
        `node_exporter ${n.cpuPercent.toFixed(2)}% CPU, RSS max ${(n.rssMaxBytes / 2 ** 20).toFixed(1)} MB`,
      );
    }
  } catch (err) {
    result.status = "failed";
    result.notes.push(err instanceof Error ? err.message : String(err));
    log("agent", `FAILED: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    scraper?.stop();
    await Promise.all(agents.map((c) => c.stop()));
    await exporter.stop();
    await server.stop();
    if (opts.keep || result.status === "failed") log("agent", `kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
  return result;
}
