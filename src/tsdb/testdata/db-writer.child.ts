/**
 * Child process for the kill -9 test: appends batches to a store and prints
 * "acked <batch>" after each commit resolves. The parent kills it mid-write.
 * Batch b holds series s0..s49 with one sample each at t = b * 1000, value b.
 */
import { labelsFromRecord } from "../labels.js";
import { openTestDb } from "./open-test-db.js";

const dir = process.argv[2];
const fsync = (process.argv[3] ?? "never") as "never" | "always" | "interval";
const db = await openTestDb(dir, {
  wal: { fsync, fsyncIntervalMs: 1000, segmentSizeBytes: 256 * 1024 },
});
const labels = Array.from({ length: 50 }, (_, i) =>
  labelsFromRecord({ __name__: "kill_test", series: `s${i}` }),
);
for (let b = 1; ; b++) {
  const app = db.appender();
  for (const l of labels) app.append(0, l, b * 1000, b);
  await app.commit();
  process.stdout.write(`acked ${b}\n`);
}
