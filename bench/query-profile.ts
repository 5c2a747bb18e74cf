/**
 * In-process profile harness for the query engine: loads the query
 * benchmark's data shape (100 hosts x 100 series, 24 h at 60 s) into a store
 * under $QPROF_DIR (default /tmp/reddot-query-profile, kept between runs) and
 * times the dashboard queries without HTTP. Use it with a profiler:
 *
 *   RUNS=20 node --cpu-prof --import tsx bench/query-profile.ts [query-id]
 *
 * The numbers to compare with Prometheus come from `npm run bench` (bench/query.ts).
 */
import { existsSync } from "node:fs";
import { Engine } from "../src/promql/index.js";
import { LocalStorage } from "../src/storage/index.js";
import { Db } from "../src/tsdb/index.js";
import { dashboardQueries } from "./query.js";
import { QueryData } from "./query-data.js";

const dir = process.env.QPROF_DIR ?? "/tmp/reddot-query-profile";
const fresh = !existsSync(dir);
const db = await Db.open({
  dir,
  blockDurationMs: 2 * 3_600_000,
  retentionMs: 0,
  retentionBytes: 0,
  outOfOrderWindowMs: 0,
  wal: { fsync: "never", fsyncIntervalMs: 60_000, segmentSizeBytes: 128 << 20 },
  limits: {
    maxSeries: 0,
    maxLabelsPerSeries: 0,
    maxLabelNameLength: 0,
    maxLabelValueLength: 0,
    maxSamplesPerRequest: 0,
  },
  autoCompact: true,
});
const storage = new LocalStorage(db);
const now = Date.UTC(2026, 10, 21);
const data = new QueryData({ hosts: 100, hours: 24, intervalSeconds: 60, seed: 1 }, now);
if (fresh) {
  // The bench's series and sample times, with simple rising values: same shape, cheap to make.
  const interval = 60_000;
  const n = data.series;
  const t0 = performance.now();
  for (let i = 0; i < data.samplesPerSeries; i++) {
    const app = storage.appender();
    for (let s = 0; s < n; s++)
      app.append(
        0,
        data.labels[s],
        data.start + (i + 1) * interval + 137,
        s * 10 + i * (1 + (s % 7)),
      );
    await app.commit();
  }
  console.log("loaded", n, "series in", Math.round(performance.now() - t0), "ms");
}
const engine = new Engine();
const end = data.start + data.samplesPerSeries * 60_000;
const which = process.argv[2];
for (const q of dashboardQueries()) {
  if (which && q.id !== which) continue;
  const times: number[] = [];
  let info = "";
  for (let r = 0; r < Number(process.env.RUNS ?? 5); r++) {
    const t0 = performance.now();
    const res =
      q.kind === "instant"
        ? await engine.instantQuery(storage, q.expr, end)
        : await engine.rangeQuery(storage, q.expr, end - 24 * 3600_000, end, 60_000);
    times.push(performance.now() - t0);
    const v = res.value;
    info =
      v.type === "vector"
        ? `${v.samples.length} samples`
        : v.type === "matrix"
          ? `${v.series.length} series`
          : v.type;
  }
  times.sort((a, b) => a - b);
  console.log(
    q.id.padEnd(22),
    "median",
    times[Math.floor(times.length / 2)].toFixed(1),
    "ms  min",
    times[0].toFixed(1),
    info,
  );
}
await db.close();
