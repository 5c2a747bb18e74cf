import { Db, type DbOptions } from "../db.js";

/** Options for a store in tests: small limits off, 2 h blocks, no background timer surprises. */
export function testDbOptions(dir: string, over: Partial<DbOptions> = {}): DbOptions {
  return {
    dir,
    blockDurationMs: 2 * 3_600_000,
    retentionMs: 0,
    retentionBytes: 0,
    outOfOrderWindowMs: 30 * 60_000,
    wal: { fsync: "never", fsyncIntervalMs: 1000, segmentSizeBytes: 1 << 20 },
    limits: {
      maxSeries: 0,
      maxLabelsPerSeries: 0,
      maxLabelNameLength: 0,
      maxLabelValueLength: 0,
      maxSamplesPerRequest: 0,
    },
    compactionIntervalMs: 3_600_000,
    autoCompact: false,
    ...over,
  };
}

/** Opens a store for a test. */
export function openTestDb(dir: string, over: Partial<DbOptions> = {}): Promise<Db> {
  return Db.open(testDbOptions(dir, over));
}
