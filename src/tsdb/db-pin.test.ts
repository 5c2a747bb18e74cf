import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Db, DbOptions } from "./db.js";
import type { SeriesView } from "./db-querier.js";
import { newMatcher } from "./index/index.js";
import { type Labels, labelsFromRecord } from "./labels.js";
import { openTestDb } from "./testdata/open-test-db.js";

// A querier pins the blocks and head chunk files it reads until it is closed:
// compaction, retention and head cuts defer deleting them meanwhile.

const H = 3_600_000;
const dirs: string[] = [];
const dbs: Db[] = [];

async function open(over: Partial<DbOptions> = {}): Promise<{ db: Db; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "reddot-db-pin-"));
  dirs.push(dir);
  const db = await openTestDb(dir, over);
  dbs.push(db);
  return { db, dir };
}

afterEach(async () => {
  for (const db of dbs.splice(0)) await db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const up = (instance: string): Labels =>
  labelsFromRecord({ __name__: "up", instance, job: "node" });

/**
 * `count` samples per series at `step` ms from 0, one commit per timestamp;
 * values that compress poorly, so head chunk files fill up.
 */
async function fill(db: Db, series: Labels[], count: number, step: number) {
  for (let i = 0; i < count; i++) {
    const app = db.appender();
    for (const l of series) app.append(0, l, i * step, Math.sin(i * 1.7 + series.indexOf(l)));
    await app.commit();
  }
}

function times(s: SeriesView): number[] {
  const b = s.samples(-1e15, 1e15);
  return [...b.ts.subarray(0, b.length)];
}

const blockDirs = (db: Db, dir: string) => db.blockMetas().map((m) => join(dir, m.ulid));

/** Three 2 h blocks (0-6 h) and 2 h of head, 5 min apart. */
async function threeBlocks(db: Db): Promise<void> {
  await fill(db, [up("a")], 96, 300_000);
  for (const b of [2, 4, 6]) await db.persistHead(b * H);
}

describe("Db querier pinning", () => {
  it("keeps blocks a compaction replaced until the queriers reading them close", async () => {
    const { db, dir } = await open();
    await threeBlocks(db);
    const old = blockDirs(db, dir);
    expect(old).toHaveLength(3);
    const q = db.querier(-1e15, 1e15);
    const [s] = q.select([newMatcher("=", "__name__", "up")]);
    await db.compact();
    expect(db.blockMetas().map((m) => [m.minTime, m.maxTime])).toEqual([[0, 6 * H]]);
    for (const d of old) expect(existsSync(d)).toBe(true);
    expect(times(s)).toHaveLength(96);
    q.close();
    await vi.waitFor(() => {
      for (const d of old) expect(existsSync(d)).toBe(false);
    });
    expect(blockDirs(db, dir).every((d) => existsSync(d))).toBe(true);
  });

  it("keeps blocks beyond retention until the queriers reading them close", async () => {
    const { db, dir } = await open({ retentionMs: 3 * H });
    await threeBlocks(db);
    const first = blockDirs(db, dir)[0];
    const q = db.querier(-1e15, 1e15);
    const [s] = q.select([newMatcher("=", "__name__", "up")]);
    await db.compact();
    expect(db.stats().retentionDeletions).toBe(1);
    expect(existsSync(first)).toBe(true);
    const ts = times(s);
    expect(ts).toHaveLength(96);
    expect(ts[0]).toBe(0);
    q.close();
    await vi.waitFor(() => expect(existsSync(first)).toBe(false));
  });

  it("waits only for queriers opened before the retirement", async () => {
    const { db, dir } = await open();
    await threeBlocks(db);
    const old = blockDirs(db, dir);
    const before = db.querier(0, 1e15);
    await db.compact();
    // Opened after the swap: sees the merged block only, pins nothing old.
    const after = db.querier(0, 1e15);
    expect(times(after.select([newMatcher("=", "__name__", "up")])[0])).toHaveLength(96);
    before.close();
    await vi.waitFor(() => {
      for (const d of old) expect(existsSync(d)).toBe(false);
    });
    after.close();
  });

  it("deletes retired blocks at close even while a querier is open", async () => {
    const { db, dir } = await open();
    await threeBlocks(db);
    const old = blockDirs(db, dir);
    db.querier(0, 1e15); // never closed
    await db.compact();
    for (const d of old) expect(existsSync(d)).toBe(true);
    await db.close();
    for (const d of old) expect(existsSync(d)).toBe(false);
  });

  it("keeps head chunk files a cut would delete, and the cut samples, for older queriers", async () => {
    const { db, dir } = await open({ headChunkSegmentBytes: 4096 });
    const series = Array.from({ length: 20 }, (_, i) => up(`i${i}`));
    // 3 h at 1 min: closed chunks of 120 samples, several small chunk files.
    await fill(db, series, 180, 60_000);
    const chunksDir = join(dir, "chunks_head");
    const filesBefore = readdirSync(chunksDir);
    expect(filesBefore.length).toBeGreaterThan(2);
    const q = db.querier(-1e15, 1e15);
    const views = q.select([newMatcher("=", "__name__", "up")]);
    expect(views).toHaveLength(20);
    await db.persistHead(2 * H);
    // The cut is deferred: nothing deleted, and the old querier reads the
    // samples the cut moved out of the head as well as those left in it.
    expect(readdirSync(chunksDir)).toEqual(filesBefore);
    for (const v of views) expect(times(v)).toHaveLength(180);
    // Selected after the cut, through the same querier: the same answer.
    const again = q.select([newMatcher("=", "__name__", "up")]);
    for (const v of again) expect(times(v)).toHaveLength(180);
    q.close();
    await vi.waitFor(() => expect(readdirSync(chunksDir).length).toBeLessThan(filesBefore.length));
    // A new querier reads the cut samples from the new block.
    const fresh = db.querier(-1e15, 1e15);
    for (const v of fresh.select([newMatcher("=", "__name__", "up")]))
      expect(times(v)).toHaveLength(180);
    fresh.close();
  });

  it("deletes head chunk files at once when no querier is open", async () => {
    const { db, dir } = await open({ headChunkSegmentBytes: 4096 });
    await fill(
      db,
      Array.from({ length: 20 }, (_, i) => up(`i${i}`)),
      180,
      60_000,
    );
    const chunksDir = join(dir, "chunks_head");
    const n = readdirSync(chunksDir).length;
    await db.persistHead(2 * H);
    expect(readdirSync(chunksDir).length).toBeLessThan(n);
  });
});
