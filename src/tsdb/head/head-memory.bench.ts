/**
 * Memory per series of the head: appends N series × S samples (TSBS-like
 * labels, 10 s interval, random-walk gauges with two decimals) and prints the
 * growth of RSS, V8 heap and array buffers per series; then closes the store
 * and times reopening it (WAL replay of everything appended).
 *
 *   node --expose-gc --import tsx src/tsdb/head/head-memory.bench.ts [N] [S]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labelsFromRecord } from "../labels.js";
import { openTestDb } from "../testdata/open-test-db.js";

const N = Number(process.argv[2] ?? 20_000);
const S = Number(process.argv[3] ?? 1152);
const dir = mkdtempSync(join(tmpdir(), "reddot-headmem-"));
const db = await openTestDb(dir);
const labels = Array.from({ length: N }, (_, i) =>
  labelsFromRecord({
    __name__: `metric_${i % 100}`,
    hostname: `host_${Math.floor(i / 100)}`,
    region: `r${i % 7}`,
    datacenter: `dc${i % 13}`,
    rack: `${i % 50}`,
    os: "Ubuntu16.10",
    arch: "x64",
    team: "SF",
    service: `${i % 19}`,
    service_version: "1",
    service_environment: "production",
  }),
);
const refs = new Array<number>(N).fill(0);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
gc();
const m0 = process.memoryUsage();
const values = new Float64Array(N).map(() => Math.random() * 100);
const t0 = 1_700_000_000_000;
const started = process.hrtime.bigint();
for (let s = 0; s < S; s++) {
  const app = db.appender();
  for (let i = 0; i < N; i++) {
    values[i] += Math.round((Math.random() - 0.5) * 100) / 100;
    refs[i] = app.append(refs[i], labels[i], t0 + s * 10_000, values[i]);
  }
  await app.commit();
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
gc();
const m1 = process.memoryUsage();
const per = (k: keyof NodeJS.MemoryUsage) => ((m1[k] - m0[k]) / N).toFixed(0);
process.stdout.write(
  `${N} series × ${S} samples: ${((N * S) / seconds / 1e6).toFixed(2)} M samples/s appended; per series: ` +
    `rss ${per("rss")} B, heapUsed ${per("heapUsed")} B, arrayBuffers ${per("arrayBuffers")} B\n`,
);
await db.close();
const replayStart = process.hrtime.bigint();
const reopened = await openTestDb(dir);
const replaySeconds = Number(process.hrtime.bigint() - replayStart) / 1e9;
process.stdout.write(
  `replay: ${replaySeconds.toFixed(2)} s, ${((N * S) / replaySeconds / 1e6).toFixed(2)} M samples/s\n`,
);
await reopened.close();
if (process.env.KEEP_DIR === undefined) rmSync(dir, { recursive: true, force: true });
else process.stdout.write(`kept ${dir}\n`);
