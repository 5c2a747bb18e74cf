/**
 * The storage a promqltest script runs against: the real embedded store
 * (tsdb `Db` behind `LocalStorage`) in a temporary directory, replaced by a
 * fresh one at every `clear` and deleted at the end.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalStorage, type RefusalReason } from "../../storage/index.js";
import { Db, type DbOptions } from "../../tsdb/index.js";
import type { LoadCommand } from "./script-types.js";

/** What a load block stored. */
export interface LoadOutcome {
  readonly accepted: number;
  /** Samples the store refused, per reason; upstream fails the load on any. */
  readonly refused: Partial<Record<RefusalReason, number>>;
  /** Native-histogram values, which reddot cannot store yet. */
  readonly histogramsSkipped: number;
}

export class TestStore {
  private db: Db;
  private dir: string;
  storage: LocalStorage;

  private constructor(db: Db, dir: string) {
    this.db = db;
    this.dir = dir;
    this.storage = new LocalStorage(db);
  }

  static async open(): Promise<TestStore> {
    const { db, dir } = await openEmpty();
    return new TestStore(db, dir);
  }

  /** `clear`: drops everything by closing the store and opening an empty one. */
  async reset(): Promise<void> {
    await this.close();
    const { db, dir } = await openEmpty();
    this.db = db;
    this.dir = dir;
    this.storage = new LocalStorage(db);
  }

  /** Appends a load block in one commit: value i of a series at `i * step`. */
  async load(cmd: LoadCommand): Promise<LoadOutcome> {
    const app = this.storage.appender();
    let histogramsSkipped = 0;
    for (const s of cmd.series) {
      let ref = 0;
      for (let i = 0; i < s.values.length; i++) {
        const v = s.values[i];
        if (v.kind === "histogram") histogramsSkipped++;
        if (v.kind !== "float") continue;
        ref = app.append(ref, s.labels, i * cmd.step, v.v);
      }
    }
    const r = await app.commit();
    return { accepted: r.accepted, refused: r.refused, histogramsSkipped };
  }

  async close(): Promise<void> {
    await this.db.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function openEmpty(): Promise<{ db: Db; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "reddot-promqltest-"));
  try {
    return { db: await Db.open(storeOptions(dir)), dir };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

function storeOptions(dir: string): DbOptions {
  return {
    dir,
    blockDurationMs: 2 * 3_600_000,
    retentionMs: 0,
    retentionBytes: 0,
    // Later load blocks may add samples before earlier ones, at any distance.
    outOfOrderWindowMs: Number.MAX_SAFE_INTEGER,
    wal: { fsync: "never", fsyncIntervalMs: 60_000, segmentSizeBytes: 8 << 20 },
    limits: {
      maxSeries: 0,
      maxLabelsPerSeries: 0,
      maxLabelNameLength: 0,
      maxLabelValueLength: 0,
      maxSamplesPerRequest: 0,
    },
    // Keep everything in the head: a script's data is small and short-lived.
    autoCompact: false,
  };
}
