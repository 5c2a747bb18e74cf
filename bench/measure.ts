/**
 * One peer through every phase, on a fresh data dir: start, ingest, memory
 * and CPU, disk once data is persisted, then crash (SIGKILL) and time the
 * restart until ready (WAL replay). The process is always stopped afterwards.
 */
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type IngestResult, type Payload, sendPayload } from "./ingest.js";
import { freePort, httpGet, type PeerDef, PeerProcess, sleep, sumMetric } from "./peers.js";
import {
  diskUsage,
  RssSampler,
  readCpuSeconds,
  readMemory,
  readSystemBusySeconds,
} from "./proc.js";

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

/** Disk figures of a peer after ingest. */
export interface DiskResult {
  readonly mode: "blocks" | "whole";
  /** Bytes counted: block dirs, or the data dir less its WAL and caches. */
  readonly bytes: number;
  /** Samples those bytes hold (from meta.json, or every sample sent). */
  readonly samples: number;
  readonly bytesPerSample: number;
  readonly blocks: number;
  /** Seconds from the end of ingest until the figure was taken. */
  readonly waitSeconds: number;
  /** Whole data dir, and its write-ahead log part, at that moment. */
  readonly dataDirBytes: number;
  readonly walBytes: number;
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

/**
 * `blocks`: waits (up to `waitSeconds`) for a block directory with meta.json,
 * then counts the block dirs' bytes against their meta.json sample counts.
 * `whole`: the data dir (less WAL and caches) against every sample sent. Either way the
 * figure is taken once the size has stopped changing (background merges).
 */
async function measureDisk(
  proc: PeerProcess,
  sent: number,
  waitSeconds: number,
  notes: string[],
): Promise<DiskResult | undefined> {
  const { def, ctx } = proc;
  const t0 = performance.now();
  const elapsed = (): number => (performance.now() - t0) / 1000;
  let blocks: BlockInfo[] = [];
  if (def.disk === "blocks") {
    log(def.id, `waiting up to ${waitSeconds} s for a block`);
    for (;;) {
      blocks = await findBlocks(ctx.dataDir, def.walEntries);
      if (blocks.length > 0 || elapsed() > waitSeconds) break;
      if (proc.crashed !== undefined) throw new Error(`${def.id} ${proc.crashed}`);
      await sleep(1_000);
    }
    if (blocks.length === 0) {
      notes.push(`no block cut within ${waitSeconds} s: disk figure omitted`);
      return undefined;
    }
  }
  await waitStable(ctx.dataDir, 30);
  if (def.disk === "blocks") blocks = await findBlocks(ctx.dataDir, def.walEntries);
  const whole = await diskUsage(ctx.dataDir);
  const wal = await diskUsage(ctx.dataDir, (rel) => !def.walEntries.some((w) => isUnder(rel, w)));
  const data = await diskUsage(ctx.dataDir, (rel) =>
    [...def.walEntries, ...def.cacheEntries].some((w) => isUnder(rel, w)),
  );
  let bytes = data.bytes;
  let samples = sent;
  if (def.disk === "blocks") {
    bytes = 0;
    samples = 0;
    for (const b of blocks) {
      bytes += (await diskUsage(join(ctx.dataDir, b.path))).bytes;
      if (b.samples === undefined) notes.push(`${b.path}/meta.json has no stats.numSamples`);
      samples += b.samples ?? 0;
    }
  }
  const result: DiskResult = {
    mode: def.disk,
    bytes,
    samples,
    bytesPerSample: samples > 0 ? bytes / samples : Number.NaN,
    blocks: blocks.length,
    waitSeconds: elapsed(),
    dataDirBytes: whole.bytes,
    walBytes: wal.bytes,
  };
  log(
    def.id,
    `disk: ${fmt(bytes)} bytes for ${fmt(samples)} samples (${result.bytesPerSample.toFixed(3)} B/sample, ${blocks.length} blocks)`,
  );
  return result;
}

interface BlockInfo {
  /** Relative to the data dir. */
  readonly path: string;
  readonly samples: number | undefined;
}

function isUnder(rel: string, top: string): boolean {
  return rel === top || rel.startsWith(`${top}/`);
}

/** Directories (depth ≤ 3) holding a meta.json, skipping the WAL and temp dirs being written. */
async function findBlocks(dataDir: string, skip: readonly string[]): Promise<BlockInfo[]> {
  const out: BlockInfo[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    const dir = rel === "" ? dataDir : join(dataDir, rel);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (err instanceof Error && "code" in err && err.code === "ENOENT") return;
      throw err;
    }
    if (rel !== "" && names.includes("meta.json")) {
      out.push({ path: rel, samples: await metaSamples(join(dir, "meta.json")) });
      return;
    }
    if (depth >= 3) return;
    for (const name of names) {
      const child = rel === "" ? name : `${rel}/${name}`;
      if (name.includes(".tmp") || skip.some((s) => isUnder(child, s))) continue;
      const st = await stat(join(dir, name)).catch((err: unknown) => {
        if (err instanceof Error && "code" in err && err.code === "ENOENT") return undefined;
        throw err;
      });
      if (st?.isDirectory()) await walk(child, depth + 1);
    }
  };
  await walk("", 0);
  return out;
}

/** stats.numSamples of a Prometheus-style meta.json (reddot keeps the same field). */
async function metaSamples(path: string): Promise<number | undefined> {
  const meta = JSON.parse(await readFile(path, "utf8")) as {
    stats?: { numSamples?: number };
    numSamples?: number;
  };
  return meta.stats?.numSamples ?? meta.numSamples;
}

/** Waits until the dir's size is the same on two polls 1 s apart (at most `maxSeconds`). */
async function waitStable(dir: string, maxSeconds: number): Promise<void> {
  const t0 = performance.now();
  let prev = -1;
  for (;;) {
    const { bytes } = await diskUsage(dir);
    if (bytes === prev || performance.now() - t0 > maxSeconds * 1000) return;
    prev = bytes;
    await sleep(1_000);
  }
}

async function logTail(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).split("\n").slice(-15).join("\n").trim();
  } catch (err) {
    return `(no log: ${String(err)})`;
  }
}

/** Progress line on stderr, prefixed by the peer id. */
export function log(id: string, msg: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${id}: ${msg}`);
}

/** 1234567 → "1.23M": compact numbers for progress lines. */
export function fmt(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}
