/**
 * WAL ingest benchmark: throughput of `Wal.log()` with 1000-sample records,
 * for each fsync policy with 1 and 16 concurrent loggers, plus encode and
 * replay speed. Run: `npx tsx src/tsdb/wal/wal.bench.ts [seconds per case]`.
 * Writes under the OS temp directory; fsync figures depend on that disk.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { WalOptions } from "./options.js";
import { encodeSamplesRecord } from "./records.js";
import { Wal } from "./wal.js";

const SAMPLES_PER_RECORD = 1000;
const DISTINCT_RECORDS = 64;
const SECONDS = Number(process.argv[2] ?? 2);

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Records shaped like a scrape of 1000 series: consecutive refs, one timestamp, varied values. */
function makeRecords(): Uint8Array[] {
  const recs: Uint8Array[] = [];
  const refs = new Uint32Array(SAMPLES_PER_RECORD);
  const ts = new Float64Array(SAMPLES_PER_RECORD);
  const vs = new Float64Array(SAMPLES_PER_RECORD);
  for (let r = 0; r < DISTINCT_RECORDS; r++) {
    for (let i = 0; i < SAMPLES_PER_RECORD; i++) {
      refs[i] = r * SAMPLES_PER_RECORD + i;
      ts[i] = 1_700_000_000_000 + r * 15_000 + (i % 7);
      vs[i] = i % 3 === 0 ? r * 100 + i : Math.sin(r + i) * 1e6;
    }
    recs.push(encodeSamplesRecord(refs, ts, vs, SAMPLES_PER_RECORD));
  }
  return recs;
}

async function benchLog(
  recs: Uint8Array[],
  fsync: WalOptions["fsync"],
  loggers: number,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "reddot-wal-bench-"));
  try {
    const wal = await Wal.open({ dir, fsync });
    const deadline = performance.now() + SECONDS * 1000;
    let calls = 0;
    const t0 = performance.now();
    const worker = async (w: number): Promise<void> => {
      let i = w;
      while (performance.now() < deadline) {
        await wal.log([recs[i++ % recs.length]]);
        calls++;
      }
    };
    await Promise.all(Array.from({ length: loggers }, (_, w) => worker(w)));
    const secs = (performance.now() - t0) / 1000;
    const { bytesWritten, fsyncs, records } = wal.stats;
    await wal.close();
    const mbps = bytesWritten / secs / 1e6;
    const sps = (records * SAMPLES_PER_RECORD) / secs;
    return [
      fsync.padEnd(9),
      String(loggers).padStart(7),
      mbps.toFixed(1).padStart(8),
      (sps / 1e6).toFixed(2).padStart(10),
      String(Math.round(calls / secs)).padStart(9),
      String(Math.round(fsyncs / secs)).padStart(9),
    ].join("  ");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchReplay(recs: Uint8Array[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "reddot-wal-bench-"));
  try {
    const wal = await Wal.open({ dir, fsync: "never" });
    for (let i = 0; i < 2000; i += 16) await wal.log(recs.slice(i % 48, (i % 48) + 16));
    await wal.close();
    const reader = await Wal.open({ dir, fsync: "never" });
    let samples = 0;
    const stats = await reader.replay((rec) => {
      if (rec.type === "samples") samples += rec.length;
    });
    await reader.close();
    const secs = stats.durationMs / 1000;
    return `replay: ${(stats.bytes / secs / 1e6).toFixed(0)} MB/s, ${(samples / secs / 1e6).toFixed(1)} M samples/s (${stats.records} records)`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function benchEncode(): string {
  const refs = new Uint32Array(SAMPLES_PER_RECORD).map((_, i) => i);
  const ts = new Float64Array(SAMPLES_PER_RECORD).fill(1_700_000_000_000);
  const vs = new Float64Array(SAMPLES_PER_RECORD).map((_, i) => i * 1.5);
  const n = 20_000;
  let bytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) bytes += encodeSamplesRecord(refs, ts, vs, SAMPLES_PER_RECORD).length;
  const secs = (performance.now() - t0) / 1000;
  return `encodeSamplesRecord: ${((n * SAMPLES_PER_RECORD) / secs / 1e6).toFixed(1)} M samples/s, ${(bytes / n / SAMPLES_PER_RECORD).toFixed(2)} bytes/sample`;
}

const recs = makeRecords();
out(`WAL log() with ${SAMPLES_PER_RECORD}-sample records, ${SECONDS}s per case, dir ${tmpdir()}`);
out("fsync      loggers      MB/s  M samples/s   calls/s   fsyncs/s");
for (const fsync of ["never", "interval", "always"] as const) {
  for (const loggers of [1, 16]) out(await benchLog(recs, fsync, loggers));
}
out(benchEncode());
out(await benchReplay(recs));
