import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "./db.js";
import { newMatcher } from "./index/index.js";
import { type Labels, labelsFromRecord } from "./labels.js";
import { isStaleNaN, STALE_NAN } from "./sample.js";
import { openTestDb } from "./testdata/open-test-db.js";

const H = 3_600_000;
const dirs: string[] = [];
const dbs: Db[] = [];

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), "reddot-db-"));
  dirs.push(d);
  return d;
}

async function open(dir: string, over = {}): Promise<Db> {
  const db = await openTestDb(dir, over);
  dbs.push(db);
  return db;
}

afterEach(async () => {
  for (const db of dbs.splice(0)) await db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const up = (instance: string): Labels =>
  labelsFromRecord({ __name__: "up", instance, job: "node" });

function read(db: Db, name: string, mint = -1e15, maxt = 1e15) {
  const q = db.querier(mint, maxt);
  try {
    return q.select([newMatcher("=", "__name__", name)]).map((s) => {
      const b = s.samples(mint, maxt);
      return {
        labels: s.labels,
        ts: [...b.ts.subarray(0, b.length)],
        vs: [...b.vs.subarray(0, b.length)],
      };
    });
  } finally {
    q.close();
  }
}

/** Writes `count` samples per series at `step` ms from `start`, one commit per timestamp. */
async function fill(db: Db, series: Labels[], start: number, count: number, step: number) {
  for (let i = 0; i < count; i++) {
    const app = db.appender();
    for (const l of series) app.append(0, l, start + i * step, i);
    await app.commit();
  }
}

describe("Db", () => {
  it("reads back appended samples, sorted by labels, with staleness markers intact", async () => {
    const db = await open(tmp());
    const app = db.appender();
    app.append(0, up("b"), 1000, 1);
    app.append(0, up("a"), 1000, 2);
    app.append(0, up("a"), 2000, STALE_NAN);
    expect((await app.commit()).accepted).toBe(3);
    const got = read(db, "up");
    expect(got.map((s) => s.labels.find((l) => l.name === "instance")?.value)).toEqual(["a", "b"]);
    expect(got[0].ts).toEqual([1000, 2000]);
    expect(isStaleNaN(got[0].vs[1])).toBe(true);
  });

  it("replays the WAL after a restart without close", async () => {
    const dir = tmp();
    const db = await openTestDb(dir);
    await fill(db, [up("a"), up("b")], 0, 300, 10_000);
    // Abandon without close(): what commit acknowledged must come back.
    const again = await open(dir);
    const got = read(again, "up");
    expect(got).toHaveLength(2);
    expect(got[0].ts).toHaveLength(300);
    expect(got[0].vs[299]).toBe(299);
  });

  it("reads closed chunks back at restart and replays only what they lack, out-of-order samples included", async () => {
    const dir = tmp();
    const db = await openTestDb(dir, { outOfOrderWindowMs: 3_600_000 });
    await fill(db, [up("a"), up("b")], 0, 500, 10_000);
    // Out of order, inside the range of closed chunks: must survive too.
    const late = db.appender();
    late.append(0, up("a"), 4_000_005, 42);
    expect((await late.commit()).accepted).toBe(1);
    const before = read(db, "up");
    await db.close();
    const again = await open(dir, { outOfOrderWindowMs: 3_600_000 });
    expect(again.stats().restoredChunks).toBeGreaterThanOrEqual(8);
    const after = read(again, "up");
    expect(after).toEqual(before);
    expect(after[0].ts).toContain(4_000_005);
    expect(after[0].ts).toHaveLength(501);
  });

  it("recovers everything from the WAL when the head chunk files are damaged", async () => {
    const dir = tmp();
    const db = await openTestDb(dir);
    await fill(db, [up("a")], 0, 700, 10_000);
    const before = read(db, "up");
    await db.close();
    const seg = join(dir, "chunks_head", "00000001");
    const buf = readFileSync(seg);
    buf[200] ^= 0xff;
    writeFileSync(seg, buf);
    const again = await open(dir);
    expect(read(again, "up")).toEqual(before);
  });

  it("refuses out-of-window, out-of-order and conflicting duplicates, counting each", async () => {
    const db = await open(tmp(), { outOfOrderWindowMs: 60_000 });
    const s = up("a");
    const a1 = db.appender();
    a1.append(0, s, 1_000_000, 1);
    await a1.commit();
    const a2 = db.appender();
    a2.append(0, s, 1_000_000, 1); // exact duplicate: ignored silently
    a2.append(0, s, 1_000_000, 5); // same time, other value: refused
    a2.append(0, s, 990_000, 2); // 10 s late: inside the 60 s window
    a2.append(0, s, 900_000, 3); // 100 s late: outside the window
    const r = await a2.commit();
    expect(r.accepted).toBe(1);
    expect(r.refused).toEqual({ out_of_order: 1, out_of_bounds: 1 });
    expect(read(db, "up")[0].ts).toEqual([990_000, 1_000_000]);
    expect(db.stats().refused).toMatchObject({ out_of_order: 1, out_of_bounds: 1 });
  });

  it("enforces series and label limits with counted refusals", async () => {
    const db = await open(tmp(), {
      limits: {
        maxSeries: 2,
        maxLabelsPerSeries: 3,
        maxLabelNameLength: 0,
        maxLabelValueLength: 8,
        maxSamplesPerRequest: 0,
      },
    });
    const app = db.appender();
    app.append(0, up("a"), 1, 1);
    app.append(0, up("b"), 1, 1);
    app.append(0, up("c"), 1, 1);
    app.append(0, labelsFromRecord({ __name__: "x", a: "1", b: "2", c: "3" }), 1, 1);
    app.append(0, labelsFromRecord({ __name__: "y", a: "123456789" }), 1, 1);
    const r = await app.commit();
    expect(r.accepted).toBe(2);
    expect(r.refused).toEqual({ series_limit: 1, label_limit: 1, label_length: 1 });
    expect(db.stats().refused).toMatchObject({ series_limit: 1, label_limit: 1, label_length: 1 });
  });

  it("cuts the head into a block, serves queries across both, and reloads them", async () => {
    const dir = tmp();
    const db = await openTestDb(dir);
    // 4 h of samples at 60 s: the head spans more than 1.5 blocks.
    await fill(db, [up("a"), up("b")], 0, 240, 60_000);
    await db.compact();
    const metas = db.blockMetas();
    expect(metas).toHaveLength(1);
    expect(metas[0].minTime).toBe(0);
    expect(metas[0].maxTime).toBe(2 * H);
    expect(metas[0].stats.numSamples).toBe(240);
    const got = read(db, "up");
    expect(got[0].ts).toHaveLength(240);
    expect(got[0].ts[119]).toBe(119 * 60_000);
    expect(got[0].ts[120]).toBe(120 * 60_000);
    await db.close();
    const again = await open(dir);
    expect(again.blockMetas()).toHaveLength(1);
    const back = read(again, "up");
    expect(back[0].ts).toHaveLength(240);
    expect(back[1].vs).toEqual(got[1].vs);
    // Samples before the block's end are now refused: that range is persisted.
    const late = again.appender();
    late.append(0, up("a"), 60_000 * 30 + 1, 9);
    const r = await late.commit();
    expect(r.accepted).toBe(0);
  });

  it("cuts a block by itself as soon as the head spans 1.5 block durations", async () => {
    const db = await open(tmp(), { autoCompact: true });
    // 3 h 10 min at 60 s: the commit that passes 3 h schedules the cut.
    await fill(db, [up("a")], 0, 190, 60_000);
    for (let i = 0; i < 200 && db.blockMetas().length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(db.blockMetas().map((m) => [m.minTime, m.maxTime])).toEqual([[0, 2 * H]]);
    expect(read(db, "up")[0].ts).toHaveLength(190);
  });

  it("compacts adjacent blocks and applies time retention", async () => {
    const dir = tmp();
    const db = await open(dir, { retentionMs: 0 });
    // 8 h at 5 min: head cuts 2 h blocks until it spans at most 1.5 blocks.
    await fill(db, [up("a")], 0, 96, 300_000);
    for (const b of [2, 4]) await db.persistHead(b * H);
    await db.persistHead(6 * H);
    expect(db.blockMetas().map((m) => [m.minTime, m.maxTime])).toEqual([
      [0, 2 * H],
      [2 * H, 4 * H],
      [4 * H, 6 * H],
    ]);
    await db.compact();
    const metas = db.blockMetas();
    expect(metas[0].minTime).toBe(0);
    expect(metas[0].maxTime).toBe(6 * H);
    expect(metas[0].compaction.level).toBe(2);
    expect(read(db, "up")[0].ts).toHaveLength(96);
    const names = readdirSync(dir).filter((n) => /^[0-9A-Z]{26}$/.test(n));
    expect(names).toHaveLength(metas.length);
  });

  it("deletes blocks beyond the time retention", async () => {
    const dir = tmp();
    const db = await open(dir, { retentionMs: 3 * H });
    await fill(db, [up("a")], 0, 96, 300_000);
    for (const b of [2, 4, 6]) await db.persistHead(b * H);
    await db.compact();
    // Newest block ends at 6 h: blocks ending at or before 3 h are gone.
    for (const m of db.blockMetas()) expect(m.maxTime).toBeGreaterThan(3 * H);
    const ts = read(db, "up")[0].ts;
    expect(ts[0]).toBeGreaterThanOrEqual(2 * H);
  });

  it("loses nothing acknowledged when the writer is killed with SIGKILL", async () => {
    const dir = tmp();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "testdata/db-writer.child.ts"), dir],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let acked = 0;
    let buffered = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) {
          const m = /^acked (\d+)$/.exec(line);
          if (m) acked = Number(m[1]);
        }
        if (acked >= 2000) child.kill("SIGKILL");
      });
      child.on("exit", () => resolve());
      child.on("error", reject);
    });
    expect(acked).toBeGreaterThanOrEqual(2000);
    const db = await open(dir);
    const got = read(db, "kill_test");
    expect(got).toHaveLength(50);
    for (const s of got) {
      // Every acknowledged batch is there, in order, with its value.
      expect(s.ts.length).toBeGreaterThanOrEqual(acked);
      for (let b = 1; b <= acked; b++) {
        expect(s.ts[b - 1]).toBe(b * 1000);
        expect(s.vs[b - 1]).toBe(b);
      }
    }
  });
});
