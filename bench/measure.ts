/**
 * One peer through every phase, on a fresh data dir: start, ingest, memory
 * and CPU, disk once data is persisted, then crash (SIGKILL) and time the
 * restart until ready (WAL replay). The process is always stopped afterwards.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DiskResult, measureDisk } from "./disk.js";
import { type IngestResult, type Payload, sendPayload } from "./ingest.js";
import { fmt, log } from "./log.js";
import { freePort, httpGet, type PeerDef, PeerProcess, sumMetric } from "./peers.js";
import { RssSampler, readCpuSeconds, readMemory, readSystemBusySeconds } from "./proc.js";

/** Options shared by every peer's run. */
export interface MeasureOptions {
  readonly concurrency: number;
  /** Active series (for RSS per series). */
  readonly series: number;
  /** Samples in the payload (for the progress percentage). */
  readonly totalSamples: number;
  /** How long to wait for a block to be cut, in seconds. */
  readonly blockWaitSeconds: number;
  /** Keep the temp dir (data and peer.log) for inspection. */
  readonly keep: boolean;
  /** Count a peer that never becomes ready as failed rather than skipped. */
  readonly strict: boolean;
}

/** Everything measured for one peer; figures absent when the phase did not run. */
export interface PeerResult {
  readonly id: string;
  readonly label: string;
  status: "ok" | "skipped" | "failed";
  notes: string[];
  version?: string;
  startupSeconds?: number;
  ingest?: IngestResult;
  /** Samples the peer reports having appended (its own /metrics), if it exposes such a counter. */
  samplesAppended?: number;
  /** Selected counters of the peer's own /metrics after ingest (WAL fsyncs, series, …). */
  peerMetrics?: Record<string, number>;
  /** Bytes. `idleRss` when ready with no data; `peakRss` is VmHWM at the end of the run. */
  memory?: {
    idleRss: number;
    peakRssDuringIngest: number;
    rssAfterIngest: number;
    peakRss: number;
    /** (rssAfterIngest − idleRss) / series. */
    rssBytesPerSeries: number;
  };
  /** CPU seconds of the peer process: during ingest, and from ready to the disk figure. */
  cpu?: { ingestSeconds: number; totalSeconds: number };
  /** CPU seconds used by other processes on the machine during ingest (noise). */
  otherCpuSeconds?: number;
  disk?: DiskResult;
  /** From SIGKILL'd-and-restarted until ready again, in seconds (WAL replay). */
  replaySeconds?: number;
  /** Peers measured after a graceful stop: seconds from start until ready on the same data. */
  restartSeconds?: number;
}

/** The peer never became ready on an empty data dir (as opposed to failing later). */
class StartError extends Error {}

/** Runs one peer through every phase; never throws (a failure is recorded in the result). */
export async function measurePeer(
  def: PeerDef,
  payload: Payload,
  opts: MeasureOptions,
): Promise<PeerResult> {
  const result: PeerResult = { id: def.id, label: def.label, status: "ok", notes: [] };
  const why = await def.unavailable();
  if (why !== undefined) {
    result.status = "skipped";
    result.notes.push(why);
    log(def.id, `skipped: ${why}`);
    return result;
  }
  const root = await mkdtemp(join(tmpdir(), `reddot-bench-${def.id}-`));
  const logFile = join(root, "peer.log");
  const ctx = { port: await freePort(), dataDir: join(root, "data"), workDir: root };
  const proc = new PeerProcess(def, ctx, logFile);
  try {
    result.version = await def.version();
    await runPhases(proc, payload, opts, result);
  } catch (err) {
    const startFailed = err instanceof StartError;
    result.status = startFailed && !opts.strict ? "skipped" : "failed";
    const msg = err instanceof Error ? err.message : String(err);
    result.notes.push(startFailed ? `failed to start: ${msg}` : msg);
    const tail = await logTail(logFile);
    log(
      def.id,
      `${result.status.toUpperCase()}: ${result.notes.at(-1)}${tail ? `\n--- peer.log (tail) ---\n${tail}` : ""}`,
    );
  } finally {
    await proc.stop();
    if (opts.keep) log(def.id, `kept ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
  return result;
}

async function runPhases(
  proc: PeerProcess,
  payload: Payload,
  opts: MeasureOptions,
  result: PeerResult,
): Promise<void> {
  const { def } = proc;
  const t0 = performance.now();
  try {
    await proc.start();
    result.startupSeconds = await proc.waitReady(t0, 60_000);
  } catch (err) {
    throw new StartError(err instanceof Error ? err.message : String(err));
  }
  log(def.id, `ready in ${result.startupSeconds.toFixed(2)} s (${result.version})`);

  const pid = proc.pid;
  const idleRss = readMemory(pid)?.rss ?? 0;
  const cpu0 = readCpuSeconds(pid) ?? 0;
  const busy0 = readSystemBusySeconds();
  const sampler = new RssSampler(pid);
  sampler.start();
  const ingest = await ingestPhase(proc, payload, opts);
  const { peak } = sampler.stop();
  result.ingest = ingest;
  const rssAfterIngest = readMemory(pid)?.rss ?? 0;
  const cpuIngest = (readCpuSeconds(pid) ?? cpu0) - cpu0;
  // The machine is shared (2 cores): CPU used by anything but the peer and
  // this process during ingest makes the rate unreliable, so it is reported.
  result.otherCpuSeconds = Math.max(
    0,
    readSystemBusySeconds() - busy0 - cpuIngest - ingest.clientCpuSeconds,
  );
  const otherCores = result.otherCpuSeconds / ingest.seconds;
  if (otherCores > 0.25) {
    result.notes.push(`other processes used ${otherCores.toFixed(2)} cores during ingest`);
  }
  await readPeerMetrics(proc, result);
  if (result.samplesAppended !== undefined && result.samplesAppended < ingest.samples) {
    result.notes.push(
      `peer reports ${result.samplesAppended} samples appended of ${ingest.samples} sent`,
    );
  }
  if (def.flush !== undefined) await def.flush(proc.baseUrl);

  // Memory and CPU are read while the process lives: before a graceful stop,
  // or after the block wait (so that compaction is in the CPU and peak figures).
  const snapshot = (): void => {
    result.memory = {
      idleRss,
      peakRssDuringIngest: peak,
      rssAfterIngest,
      peakRss: readMemory(pid)?.hwm ?? peak,
      rssBytesPerSeries: (rssAfterIngest - idleRss) / opts.series,
    };
    result.cpu = { ingestSeconds: cpuIngest, totalSeconds: (readCpuSeconds(pid) ?? cpu0) - cpu0 };
  };
  if (def.persistOnStop) {
    snapshot();
    log(def.id, "graceful stop, so that every buffered part is written");
    await proc.stop();
    result.disk = await measureDisk(proc, ingest.samples, opts.blockWaitSeconds, result.notes);
    const t1 = performance.now();
    await proc.start();
    result.restartSeconds = await proc.waitReady(t1, 600_000);
  } else {
    result.disk = await measureDisk(proc, ingest.samples, opts.blockWaitSeconds, result.notes);
    snapshot();
  }
  if (proc.crashed !== undefined) throw new Error(`${def.id} ${proc.crashed}`);

  log(def.id, "SIGKILL, restart on the same data dir");
  await proc.kill();
  const t2 = performance.now();
  await proc.start();
  result.replaySeconds = await proc.waitReady(t2, 600_000);
  log(def.id, `ready again in ${result.replaySeconds.toFixed(2)} s`);
}

/** Sends the payload with progress lines every 2 s; fails fast when the peer crashes. */
async function ingestPhase(
  proc: PeerProcess,
  payload: Payload,
  opts: MeasureOptions,
): Promise<IngestResult> {
  const { def } = proc;
  const total = opts.totalSamples;
  let lastPrint = 0;
  const ingest = await sendPayload(
    `${proc.baseUrl}${def.writePath}`,
    payload,
    opts.concurrency,
    (p) => {
      const now = performance.now();
      if (now - lastPrint < 2_000 && p.samples < total) return;
      lastPrint = now;
      const pct = ((100 * p.samples) / total).toFixed(0);
      const rate = p.seconds > 0 ? p.samples / p.seconds : 0;
      log(def.id, `ingest ${pct}% ${fmt(p.samples)} samples, ${fmt(rate)} samples/s`);
    },
    () => {
      if (proc.crashed !== undefined) throw new Error(`${def.id} ${proc.crashed} during ingest`);
    },
  );
  log(
    def.id,
    `ingested ${fmt(ingest.samples)} samples in ${ingest.seconds.toFixed(1)} s: ${fmt(ingest.samplesPerSecond)} samples/s`,
  );
  return ingest;
}

/** Reads the peer's own counters after ingest: samples appended, and the extras it lists. */
async function readPeerMetrics(proc: PeerProcess, result: PeerResult): Promise<void> {
  const { def } = proc;
  if (def.samplesAppended === undefined && def.extraMetrics === undefined) return;
  const res = await httpGet(`${proc.baseUrl}/metrics`, 10_000);
  if (res.status !== 200) {
    result.notes.push(`GET /metrics answered ${res.status}`);
    return;
  }
  result.samplesAppended = def.samplesAppended?.(res.body);
  result.peerMetrics = {};
  for (const name of def.extraMetrics ?? []) {
    const v = sumMetric(res.body, name);
    if (v !== undefined) result.peerMetrics[name] = v;
  }
}

async function logTail(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).split("\n").slice(-15).join("\n").trim();
  } catch (err) {
    return `(no log: ${String(err)})`;
  }
}
