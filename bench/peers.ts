/**
 * The systems under test ("peers") and the control of their processes. Each
 * peer is one small definition: command line, readiness and write URLs, an
 * optional flush hook, and how its disk footprint is measured.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

/** Where a peer runs: its port, fresh data dir and a scratch dir for config files. */
export interface PeerContext {
  readonly port: number;
  readonly dataDir: string;
  readonly workDir: string;
}

/**
 * How disk usage is measured: `blocks` counts only persisted block
 * directories (with meta.json) against the samples their meta.json reports;
 * `whole` counts the whole data dir against every sample sent.
 */
export type DiskMode = "blocks" | "whole";

/** One system under test. */
export interface PeerDef {
  /** Stable id, as given to --peers. */
  readonly id: string;
  /** Name shown in the report. */
  readonly label: string;
  /** Why the peer cannot run here (missing binary, missing option), or undefined. */
  unavailable(): Promise<string | undefined>;
  /** Version string for the report. */
  version(): Promise<string>;
  /** Writes any config file and returns the command line. */
  command(ctx: PeerContext): Promise<{ cmd: string; args: string[] }>;
  readonly readyPath: string;
  readonly writePath: string;
  /** Called after ingest so buffered data reaches disk (VictoriaMetrics). */
  flush?(baseUrl: string): Promise<void>;
  readonly disk: DiskMode;
  /** Top-level entries of the data dir that hold the write-ahead log, excluded from disk figures. */
  readonly walEntries: readonly string[];
  /** Top-level entries that are caches (rebuilt on demand), excluded from the disk figure. */
  readonly cacheEntries: readonly string[];
  /**
   * The peer keeps recent data in memory for a while even after a flush and
   * writes it on a graceful stop: disk is measured after SIGTERM, then it is
   * started again before the crash test.
   */
  readonly persistOnStop: boolean;
  /** Samples the peer says it appended, from its own /metrics text. */
  samplesAppended?(metricsText: string): number | undefined;
  /** Counters of its own /metrics worth keeping in the JSON (summed over labels). */
  readonly extraMetrics?: readonly string[];
}

/** Sums the values of every line of metric `name` whose labels contain `labelMatch`. */
export function sumMetric(text: string, name: string, labelMatch = ""): number | undefined {
  let sum = 0;
  let found = false;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== " " && rest[0] !== "{") continue;
    if (labelMatch !== "" && !rest.includes(labelMatch)) continue;
    const value = Number(rest.slice(rest.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) {
      sum += value;
      found = true;
    }
  }
  return found ? sum : undefined;
}

async function firstLine(cmd: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await execFileP(cmd, args, { timeout: 10_000 });
  return `${stdout}${stderr}`.split("\n")[0].trim();
}

async function debianVersion(pkg: string): Promise<string> {
  try {
    // `dpkg-query -W pkg` prints "pkg<TAB>version".
    const line = await firstLine("dpkg-query", ["-W", pkg]);
    return line.split("\t")[1] ?? line;
  } catch (err) {
    return `unknown (${String(err)})`;
  }
}

const PROMETHEUS_BIN = "/usr/bin/prometheus";
const VICTORIA_BIN = "/usr/bin/victoria-metrics";

/** Prometheus with its remote-write receiver; blocks are cut once the head spans 3 h. */
export const prometheus: PeerDef = {
  id: "prometheus",
  label: "Prometheus",
  unavailable: async () => (existsSync(PROMETHEUS_BIN) ? undefined : `${PROMETHEUS_BIN} not found`),
  version: async () => {
    const line = await firstLine(PROMETHEUS_BIN, ["--version"]);
    return /version (\S+)/.exec(line)?.[1] ?? line;
  },
  command: async ({ port, dataDir, workDir }) => {
    // No scrape configs: every sample comes from the benchmark over remote write.
    const config = join(workDir, "prometheus.yml");
    await writeFile(config, "global:\n  scrape_interval: 15s\n");
    return {
      cmd: PROMETHEUS_BIN,
      args: [
        `--config.file=${config}`,
        `--storage.tsdb.path=${dataDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--web.enable-remote-write-receiver",
        "--log.level=warn",
      ],
    };
  },
  readyPath: "/-/ready",
  writePath: "/api/v1/write",
  disk: "blocks",
  walEntries: ["wal", "chunks_head"],
  cacheEntries: [],
  persistOnStop: false,
  samplesAppended: (text) => sumMetric(text, "prometheus_tsdb_head_samples_appended_total"),
  extraMetrics: [
    "prometheus_tsdb_head_series",
    "prometheus_tsdb_wal_fsync_duration_seconds_count",
    "prometheus_tsdb_compactions_total",
    "prometheus_tsdb_out_of_order_samples_total",
  ],
};

/** Single-node VictoriaMetrics: no WAL; rows are buffered in memory, then written as parts. */
export const victoriaMetrics: PeerDef = {
  id: "victoriametrics",
  label: "VictoriaMetrics",
  unavailable: async () => (existsSync(VICTORIA_BIN) ? undefined : `${VICTORIA_BIN} not found`),
  // The Debian build prints an empty -version; the package version is the next best thing.
  version: async () => {
    const line = await firstLine(VICTORIA_BIN, ["-version"]);
    return line !== "" ? line : debianVersion("victoria-metrics");
  },
  command: async ({ port, dataDir }) => ({
    cmd: VICTORIA_BIN,
    args: [
      `-storageDataPath=${dataDir}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      "-retentionPeriod=1",
      "-loggerLevel=WARN",
    ],
  }),
  readyPath: "/health",
  writePath: "/api/v1/write",
  flush: async (base) => {
    const res = await httpGet(`${base}/internal/force_flush`, 60_000);
    if (res.status !== 200) throw new Error(`force_flush answered ${res.status}: ${res.body}`);
  },
  disk: "whole",
  walEntries: [],
  // VictoriaMetrics 1.79 writes flushed rows as in-memory parts and puts them on
  // disk seconds later; a graceful stop writes them all (and saves its caches).
  cacheEntries: ["cache"],
  persistOnStop: true,
  samplesAppended: (text) => sumMetric(text, "vm_rows_inserted_total", 'type="promremotewrite"'),
  extraMetrics: ["vm_new_timeseries_created_total", "vm_rows_ignored_total"],
};

/** Finds the repository root (the directory with package.json) above this file. */
export function projectRoot(): string {
  let dir = new URL(".", import.meta.url).pathname;
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, "package.json"))) return dir;
    dir = join(dir, "..");
  }
  throw new Error(`BUG: no package.json above ${import.meta.url}`);
}

const reddotMain = (): string => join(projectRoot(), "dist/src/cli/main.js");

/**
 * reddot.yaml for the benchmark: no self-scrape (the other peers scrape
 * nothing either); the durable run fsyncs the WAL before acknowledging each
 * write (group commit), the default run on a 1 s interval.
 */
function reddotConfig(durable: boolean): string {
  const lines = ["scrape:", "  self:", "    enabled: false"];
  if (durable) lines.push("storage:", "  wal:", "    fsync: always");
  return `${lines.join("\n")}\n`;
}

function makeReddot(durable: boolean): PeerDef {
  return {
    id: durable ? "reddot-durable" : "reddot",
    label: durable ? "reddot (fsync always)" : "reddot",
    unavailable: async () =>
      existsSync(reddotMain()) ? undefined : `${reddotMain()} missing (run npm run build)`,
    version: async () => {
      const pkg = JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as {
        version: string;
      };
      let commit = "";
      try {
        commit = ` (${await firstLine("git", ["-C", projectRoot(), "rev-parse", "--short", "HEAD"])})`;
      } catch (err) {
        console.error(`git rev-parse failed: ${String(err)}`);
      }
      return `${pkg.version}${commit}`;
    },
    command: async ({ port, dataDir, workDir }) => {
      const configDir = join(workDir, "config");
      await mkdir(configDir, { recursive: true });
      await writeFile(join(configDir, "reddot.yaml"), reddotConfig(durable));
      return {
        cmd: process.execPath,
        args: [
          reddotMain(),
          "server",
          "--config",
          configDir,
          "--listen",
          `127.0.0.1:${port}`,
          "--data",
          dataDir,
          "--no-agent",
        ],
      };
    },
    readyPath: "/-/ready",
    writePath: "/api/v1/write",
    disk: "blocks",
    walEntries: ["wal"],
    cacheEntries: [],
    persistOnStop: false,
    samplesAppended: (text) => sumMetric(text, "reddot_tsdb_head_samples_appended_total"),
    extraMetrics: [
      "reddot_tsdb_head_series",
      "reddot_tsdb_wal_fsyncs_total",
      "reddot_tsdb_wal_bytes_written_total",
      "reddot_tsdb_compactions_total",
      "reddot_tsdb_refused_samples_total",
    ],
  };
}

/** Every known peer, by id, in report order. */
export const PEERS: readonly PeerDef[] = [
  makeReddot(false),
  makeReddot(true),
  prometheus,
  victoriaMetrics,
];

/**
 * A minimal HTTP GET with a timeout. Keep-alive is off unless an agent is
 * given: probes must not hold sockets; timed queries reuse one connection.
 */
export function httpGet(
  url: string,
  timeoutMs: number,
  agent: http.Agent | false = false,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: timeoutMs }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url}: no answer in ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

/** A free TCP port on loopback (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a benchmark child with stdout and stderr appended to `logFile`,
 * killed with the benchmark however it ends (PeerProcess.live); `onExit`
 * gets why it ended ("exited with ...", "failed to start: ...").
 */
export function spawnLogged(
  cmd: string,
  args: string[],
  logFile: string,
  onExit: (info: string) => void,
): { child: ChildProcess; exited: Promise<void> } {
  const fd = openSync(logFile, "a");
  const child = spawn(cmd, args, { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  PeerProcess.live.add(child);
  const exited = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      PeerProcess.live.delete(child);
      onExit(`exited with ${signal ?? `code ${code}`}`);
      resolve();
    });
    child.on("error", (err) => {
      PeerProcess.live.delete(child);
      onExit(`failed to start: ${err.message}`);
      resolve();
    });
  });
  return { child, exited };
}

/** A running peer process, with its output appended to a log file. */
export class PeerProcess {
  /** Children still running, so that an interrupted benchmark leaves none behind. */
  static readonly live = new Set<ChildProcess>();
  readonly baseUrl: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private exitInfo: string | undefined;
  private expectExit = false;

  constructor(
    readonly def: PeerDef,
    readonly ctx: PeerContext,
    private readonly logFile: string,
  ) {
    this.baseUrl = `http://127.0.0.1:${ctx.port}`;
  }

  /** The process id; throws if not running. */
  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error(`${this.def.id} is not running`);
    return pid;
  }

  /** Why the process ended while it was expected to run, if it did. */
  get crashed(): string | undefined {
    return this.expectExit ? undefined : this.exitInfo;
  }

  /** Starts the process (on the same data dir every time). */
  async start(): Promise<void> {
    const { cmd, args } = await this.def.command(this.ctx);
    this.exitInfo = undefined;
    this.expectExit = false;
    const started = spawnLogged(cmd, args, this.logFile, (info) => {
      this.exitInfo = info;
    });
    this.child = started.child;
    this.exited = started.exited;
  }

  /** Polls the readiness URL every 50 ms; returns the seconds since `since`. */
  async waitReady(since: number, timeoutMs: number): Promise<number> {
    const url = `${this.baseUrl}${this.def.readyPath}`;
    const deadline = since + timeoutMs;
    for (;;) {
      if (this.exitInfo !== undefined) throw new Error(`${this.def.id} ${this.exitInfo}`);
      try {
        const res = await httpGet(url, 5_000);
        if (res.status === 200) return (performance.now() - since) / 1000;
      } catch (err) {
        // Connection refused until the server listens: expected while starting.
        if (performance.now() > deadline) throw err;
      }
      if (performance.now() > deadline) {
        throw new Error(`${this.def.id} not ready after ${timeoutMs / 1000} s`);
      }
      await sleep(50);
    }
  }

  /** SIGTERM, then SIGKILL if still alive after `graceMs`. */
  async stop(graceMs = 60_000): Promise<void> {
    await this.signal("SIGTERM", graceMs);
  }

  /** SIGKILL: the crash that WAL replay has to recover from. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL", 10_000);
  }

  private async signal(sig: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (child === undefined || this.exitInfo !== undefined) return;
    this.expectExit = true;
    child.kill(sig);
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.child = undefined;
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
