/**
 * The composition root: builds the store, the scrape manager and the API from
 * the config and wires them together. Nothing else in the codebase starts
 * anything; every other module only exports.
 */

import { createHash, randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import type { Server as TlsServer } from "node:tls";
import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { DEFAULT_PLUGIN_DIRS, runAgent } from "./agent/index.js";
import { type BuildInfo, buildServer, type QueryLimits, readTlsFiles } from "./api/index.js";
import {
  checksForHost,
  defaultServerConfig,
  formatListenAddress,
  type HostChecksConfig,
  type LoadedConfig,
  loadConfigDir,
  parseListenAddress,
  type QueryConfig,
  type ServerConfig,
} from "./config/index.js";
import { FleetState } from "./fleet/index.js";
import { DEFAULT_REMOTE_WRITE_LIMITS } from "./ingest/index.js";
import { ReddotError } from "./lib/errors.js";
import { prettyLogStream } from "./lib/pretty-log.js";
import { packageVersion } from "./lib/version.js";
import { openAlerting } from "./main-alerting.js";
import { Engine } from "./promql/index.js";
import { type ScrapeConfig, ScrapeManager, scrapeJob } from "./scrape/index.js";
import {
  createSelfMetrics,
  registerAlertingMetrics,
  registerDataDirMetrics,
} from "./self/index.js";
import { LocalStorage, type Storage } from "./storage/index.js";
import { Db } from "./tsdb/index.js";

/** Command-line overrides of reddot.yaml. */
export interface ServerFlags {
  configDir?: string;
  listen?: string;
  dataDir?: string;
  /** Start the local agent (the agent lands with issue 4; accepted now so scripts keep working). */
  agent: boolean;
  /** Where progress and the greeting go (stderr by default). */
  out?: NodeJS.WritableStream;
  /** Logger override (tests pass a silent one). */
  logger?: Logger;
}

/** A started server. */
export interface RunningServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly db: Db;
  readonly config: ServerConfig;
  /**
   * Reloads the config repo: scrape jobs are swapped in (unchanged targets keep
   * running); settings that need a restart (listen, storage) are reported.
   * A config with errors throws ConfigError and changes nothing.
   */
  reload(): Promise<{ restartNeeded: string[] }>;
  close(): Promise<void>;
}

/** What the server runs from: the config repo, or the embedded defaults (no `dir`). */
export type ResolvedConfig = Omit<LoadedConfig, "dir" | "files"> & { readonly dir?: string };

/** Loads the config (or the embedded defaults) and applies the flags. */
export async function resolveConfig(flags: ServerFlags): Promise<ResolvedConfig> {
  const loaded: ResolvedConfig =
    flags.configDir !== undefined
      ? await loadConfigDir(flags.configDir)
      : {
          server: defaultServerConfig(),
          scrape: [],
          checks: [],
          roles: [],
          hosts: [],
          rules: [],
          maintenance: [],
          heartbeats: [],
        };
  let server = loaded.server;
  if (flags.listen !== undefined)
    server = { ...server, listen: parseListenAddress(flags.listen, "--listen") };
  if (flags.dataDir !== undefined) server = { ...server, dataDir: resolve(flags.dataDir) };
  return { ...loaded, server };
}

/** Starts the server: listens at once (answering 503 on /-/ready), then opens the store. */
export async function startServer(flags: ServerFlags): Promise<RunningServer> {
  const first = await resolveConfig(flags);
  const { server: config, scrape } = first;
  // Swapped whole on reload, like the engine.
  let hostChecks: HostChecksConfig = first;
  // The local agent's token: made up at start, never stored or shown; accepted beside the configured ones.
  const localToken = randomBytes(32).toString("base64url");
  const localTokenHash = createHash("sha256").update(localToken).digest("hex");
  let fleetState: FleetState | null = null;
  const out = flags.out ?? process.stderr;
  const version = packageVersion();
  const logger =
    flags.logger ??
    pino(
      { level: config.log.level, base: { service: "reddot" } },
      config.log.format === "pretty" ? prettyLogStream(process.stderr) : pino.destination(2),
    );
  let reload: RunningServer["reload"] = async () => {
    throw new ReddotError("RD_NOT_READY", 503, "starting up: reload after the store is open");
  };
  let storage: Storage | null = null;
  let db: Db | null = null;
  const tls = config.tls === undefined ? undefined : readTlsFiles(config.tls);
  // Known once listening (the port may be 0); links in notifications use it.
  let url = "";
  const configuredTokenHashes = () => new Set(hostChecks.server.agents.tokens.map((t) => t.sha256));
  const tokenHashes = () =>
    new Set([...configuredTokenHashes(), ...(flags.agent ? [localTokenHash] : [])]);
  const alerting = await openAlerting({
    config: first,
    externalURL: () => config.externalURL ?? url,
    logger,
  });
  const lazyStorage: Storage = {
    appender: () => requireOpen(storage).appender(),
    querier: (mint, maxt) => requireOpen(storage).querier(mint, maxt),
  };
  const selfMetrics = createSelfMetrics({ stats: () => requireOpen(db).stats() }, version);
  registerAlertingMetrics(selfMetrics.registry, {
    rules: () => alerting.ruleCounters(),
    notifier: () => alerting.notifier.stats(),
  });
  registerDataDirMetrics(selfMetrics.registry, config.dataDir);
  const rw = config.ingest.remoteWrite;
  const limits = config.storage.limits;
  // Swapped whole on reload: a query under way keeps the engine it started with.
  let engine = queryEngine(config.query);
  let queryLimits: QueryLimits = { maxPointsPerSeries: config.query.maxPointsPerSeries };
  const scrapeManager = new ScrapeManager(lazyStorage, {
    onError: (target, err) => logger.debug({ target, err: err.message }, "scrape failed"),
  });
  const app = buildServer({
    storage: lazyStorage,
    ready: () => storage !== null,
    registry: selfMetrics.registry,
    remoteWriteLimits: {
      ...DEFAULT_REMOTE_WRITE_LIMITS,
      maxBodyBytes: rw.maxBodySizeBytes,
      maxDecompressedBytes: rw.maxDecompressedSizeBytes,
      maxSamples:
        limits.maxSamplesPerRequest > 0 ? limits.maxSamplesPerRequest : Number.MAX_SAFE_INTEGER,
      maxLabels:
        limits.maxLabelsPerSeries > 0 ? limits.maxLabelsPerSeries : Number.MAX_SAFE_INTEGER,
      maxLabelLength:
        Math.max(limits.maxLabelNameLength, limits.maxLabelValueLength) || Number.MAX_SAFE_INTEGER,
    },
    buildInfo: buildInfo(version),
    engine: () => engine,
    queryLimits: () => queryLimits,
    metadata: () => scrapeManager.metadata(),
    targets: () => {
      const t = scrapeManager.targets();
      return { activeTargets: t.active, droppedTargets: t.dropped };
    },
    onRemoteWrite: (o) => selfMetrics.remoteWrite(o.status, o.samples),
    fleet: {
      checksFor: (host) => ({ host, ...checksForHost(hostChecks, host) }),
      tokenHashes,
      maxReportBytes: () => hostChecks.server.agents.maxReportBytes,
      get state() {
        return requireOpen(fleetState);
      },
    },
    reload: () => reload().then(() => undefined),
    rules: alerting.rulesApi,
    notifier: alerting.notifier,
    silences: alerting.silences,
    writeTokenHashes: configuredTokenHashes,
    heartbeats: alerting.heartbeatDeps(configuredTokenHashes),
    logger,
    ...(tls === undefined ? {} : { https: tls }),
  });
  try {
    await app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (e) {
    await alerting.stop();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.listen.port;
  const scheme = tls === undefined ? "http" : "https";
  url = `${scheme}://${formatListenAddress({ host: config.listen.host, port })}`;
  try {
    const tty = "isTTY" in out && out.isTTY === true;
    db = await Db.open({
      dir: config.dataDir,
      blockDurationMs: config.storage.blockDurationMs,
      retentionMs: config.storage.retentionMs,
      retentionBytes: config.storage.retentionBytes,
      outOfOrderWindowMs: config.storage.outOfOrderWindowMs,
      wal: config.storage.wal,
      limits: config.storage.limits,
      onProgress: (line, done) => {
        // On a terminal the progress line rewrites itself; elsewhere one line per step.
        if (tty) out.write(`\r\x1b[K${line}${done ? "\n" : ""}`);
        else if (done) out.write(`${line}\n`);
      },
      onError: (err) => logger.error({ err }, "background compaction failed"),
    });
  } catch (e) {
    await app.close();
    await alerting.stop();
    throw e;
  }
  fleetState = await FleetState.open(config.dataDir);
  storage = new LocalStorage(db);
  await alerting.startRules(storage, engine);
  const jobsFor = (list: ScrapeConfig[], cfg: ServerConfig) =>
    cfg.scrape.self.enabled ? [...list, selfScrapeJob(port, cfg)] : [...list];
  scrapeManager.apply(jobsFor(scrape, config));
  reload = async () => {
    const next = await resolveConfig(flags);
    // First, as it can still refuse the config (notification template files).
    await alerting.reload(next);
    const restartNeeded: string[] = [];
    if (JSON.stringify(next.server.storage) !== JSON.stringify(config.storage))
      restartNeeded.push("storage");
    if (next.server.dataDir !== config.dataDir) restartNeeded.push("data_dir");
    if (JSON.stringify(next.server.listen) !== JSON.stringify(config.listen))
      restartNeeded.push("listen");
    if ((next.server.tls === undefined) !== (config.tls === undefined)) restartNeeded.push("tls");
    else if (next.server.tls !== undefined) {
      // A renewed certificate takes effect for new connections, without a restart.
      (app.server as unknown as TlsServer).setSecureContext(readTlsFiles(next.server.tls));
    }
    scrapeManager.apply(jobsFor(next.scrape, next.server));
    hostChecks = next;
    engine = queryEngine(next.server.query);
    queryLimits = { maxPointsPerSeries: next.server.query.maxPointsPerSeries };
    logger.info({ jobs: next.scrape.length, restartNeeded }, "config reloaded");
    return { restartNeeded };
  };
  out.write(`reddot ${version} is ready at ${url} (data in ${config.dataDir})\n`);
  if (!isLoopback(config.listen.host)) {
    // Auth (tokens, users) is not built yet: say so rather than expose silently.
    out.write(
      `reddot: WARNING: listening on ${config.listen.host}, beyond loopback, and the API has no authentication yet; ` +
        "anyone who can reach this port can write and read data. Listen on 127.0.0.1 or put a proxy with auth in front.\n",
    );
  }
  const opened = db;
  // The quickstart's own host: an agent in this process, reporting over HTTP
  // like any other, so a new user sees this machine's metrics and checks.
  const agentStop = new AbortController();
  const localAgent = flags.agent
    ? runAgent({
        server: url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:"),
        token: localToken,
        // Over loopback to the socket this process listens on: no one to verify against.
        ...(tls === undefined ? {} : { tls: { insecureSkipVerify: true } }),
        spoolDir: join(config.dataDir, "agent-spool"),
        pluginDirs: DEFAULT_PLUGIN_DIRS,
        signal: agentStop.signal,
        log: (level, msg, fields) =>
          logger[level === "error" ? "error" : level === "warn" ? "warn" : "debug"](
            { ...fields, agent: "local" },
            msg,
          ),
      }).catch((err) => logger.error({ err }, "local agent stopped"))
    : Promise.resolve();
  return {
    url,
    app,
    db: opened,
    config,
    reload: () => reload(),
    close: async () => {
      agentStop.abort();
      await localAgent;
      await scrapeManager.stop();
      await alerting.stop();
      await app.close();
      await opened.close();
    },
  };
}

/** The PromQL engine for the `query` settings of reddot.yaml. */
function queryEngine(q: QueryConfig): Engine {
  return new Engine({
    lookbackDelta: q.lookbackDeltaMs,
    timeoutMs: q.timeoutMs,
    maxSamples: q.maxSamples,
    experimental: q.experimentalFeatures,
  });
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

function requireOpen<T>(x: T | null): T {
  if (x === null)
    throw new ReddotError("RD_NOT_READY", 503, "starting up: the store is still replaying its WAL");
  return x;
}

/** The job that scrapes the server's own /metrics. */
function selfScrapeJob(port: number, config: ServerConfig): ScrapeConfig {
  const host =
    config.listen.host === "0.0.0.0" || config.listen.host === ""
      ? "127.0.0.1"
      : config.listen.host;
  const interval = config.scrape.self.intervalMs;
  return scrapeJob({
    jobName: "reddot",
    // Its own socket over loopback when it serves HTTPS: the certificate names a public host.
    ...(config.tls === undefined ? {} : { scheme: "https", insecureSkipVerify: true }),
    scrapeInterval: interval,
    scrapeTimeout: Math.min(interval, config.scrape.timeoutMs),
    staticConfigs: [
      { targets: [formatListenAddress({ host: host === "::" ? "::1" : host, port })], labels: {} },
    ],
  });
}

function buildInfo(version: string): BuildInfo {
  return {
    version,
    revision: "",
    branch: "",
    buildUser: "",
    buildDate: "",
    goVersion: `node ${process.version}`,
  };
}
