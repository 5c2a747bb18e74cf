import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isReddotError } from "../../lib/errors.js";
import { SEGMENT_HEADER_SIZE } from "./format.js";
import { encodeSeriesRecord } from "./records.js";
import {
  expectedKeys,
  makeRecord,
  makeTmp,
  recordKey,
  removeTmp,
  replayAll,
} from "./testdata/fixtures.js";
import { Wal } from "./wal.js";

let dir: string;
beforeEach(async () => {
  dir = await makeTmp();
});
afterEach(async () => {
  await removeTmp(dir);
});

async function segmentFiles(d: string): Promise<string[]> {
  return (await readdir(d)).filter((n) => /^\d{8}$/.test(n)).sort();
}

describe("Wal write and replay", () => {
  it("round-trips many records across several segments, in order", async () => {
    const wal = await Wal.open({ dir, fsync: "never", segmentSize: 1024 });
    for (let i = 0; i < 300; i += 3) {
      await wal.log([makeRecord(i), makeRecord(i + 1), makeRecord(i + 2)]);
    }
    expect(wal.stats.records).toBe(300);
    await wal.close();
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(5);
    expect(files[0]).toBe("00000001");
    for (const f of files) expect((await stat(join(dir, f))).size).toBeLessThanOrEqual(1024);
    const { keys, tornTailsRepaired } = await replayAll(dir);
    expect(keys).toEqual(expectedKeys(0, 300));
    expect(tornTailsRepaired).toBe(0);
  });

  it("reports replay stats and progress", async () => {
    const wal = await Wal.open({ dir, fsync: "never", segmentSize: 2048 });
    for (let i = 0; i < 100; i++) await wal.log([makeRecord(i)]);
    await wal.close();
    const reader = await Wal.open({ dir, fsync: "never" });
    const progress: { segment: number; segments: number; bytes: number; totalBytes: number }[] = [];
    const stats = await reader.replay(
      () => undefined,
      (p) => progress.push(p),
    );
    await reader.close();
    const files = await segmentFiles(dir);
    let total = 0;
    for (const f of files) total += (await stat(join(dir, f))).size;
    expect(stats).toMatchObject({ records: 100, series: 20, segments: files.length, bytes: total });
    expect(stats.samples).toBeGreaterThan(0);
    const lastP = progress.at(-1);
    expect(lastP).toEqual({
      segment: files.length,
      segments: files.length,
      bytes: total,
      totalBytes: total,
    });
  });

  it("keeps record order across concurrent calls and commits them as one batch", async () => {
    const wal = await Wal.open({ dir, fsync: "always" });
    const calls: Promise<void>[] = [];
    for (let i = 0; i < 16; i++) calls.push(wal.log([makeRecord(i)]));
    await Promise.all(calls);
    // All 16 calls were queued before the writer ran: one write, one fsync.
    expect(wal.stats.fsyncs).toBe(1);
    expect(wal.stats.records).toBe(16);
    await wal.close();
    expect((await replayAll(dir)).keys).toEqual(expectedKeys(0, 16));
  });

  it("writes new records to a new segment after the existing ones", async () => {
    const a = await Wal.open({ dir, fsync: "never" });
    await a.log([makeRecord(0)]);
    expect(a.segmentRange()).toEqual({ first: 1, last: 1 });
    await a.close();
    const b = await Wal.open({ dir, fsync: "interval", fsyncIntervalMs: 10 });
    expect(b.segmentRange()).toEqual({ first: 1, last: 1 });
    await b.replay(() => undefined);
    await b.log([makeRecord(1)]);
    expect(b.segmentRange()).toEqual({ first: 1, last: 2 });
    await b.close();
    expect(await segmentFiles(dir)).toEqual(["00000001", "00000002"]);
    expect((await replayAll(dir)).keys).toEqual(expectedKeys(0, 2));
  });

  it("cut() starts the next segment and returns its index", async () => {
    const wal = await Wal.open({ dir, fsync: "never" });
    expect(wal.segmentRange()).toEqual({ first: 1, last: 0 });
    expect(await wal.cut()).toBe(1);
    await wal.log([makeRecord(0)]);
    const [n] = await Promise.all([wal.cut(), wal.log([makeRecord(1)])]);
    expect(n).toBe(2);
    await wal.log([makeRecord(2)]);
    expect(wal.segmentRange()).toEqual({ first: 1, last: 2 });
    await wal.close();
    expect((await replayAll(dir)).keys).toEqual(expectedKeys(0, 3));
    // record 1 was queued after the cut, so it went to segment 2
    const seg1 = await readFile(join(dir, "00000001"));
    expect(seg1.length).toBe(SEGMENT_HEADER_SIZE + 9 + makeRecord(0).length - 1);
  });

  it("puts a record larger than the segment size in a segment of its own", async () => {
    const wal = await Wal.open({ dir, fsync: "never", segmentSize: 256 });
    const big = encodeSeriesRecord([{ ref: 1, labels: [{ name: "a", value: "x".repeat(1000) }] }]);
    await wal.log([makeRecord(1), big, makeRecord(2)]);
    await wal.close();
    expect(await segmentFiles(dir)).toEqual(["00000001", "00000002", "00000003"]);
    const keys = (await replayAll(dir)).keys;
    expect(keys).toHaveLength(3);
    expect(keys[1]).toContain("x".repeat(1000));
  });

  it("survives a crash: a Wal abandoned without close() loses nothing acknowledged", async () => {
    const wal = await Wal.open({
      dir,
      fsync: "interval",
      fsyncIntervalMs: 60_000,
      segmentSize: 4096,
    });
    for (let i = 0; i < 50; i++) await wal.log([makeRecord(i)]);
    // No close(): reopen as a restarted process would, while the old handle is still open.
    const again = await Wal.open({ dir, fsync: "never" });
    const keys: string[] = [];
    await again.replay((r) => keys.push(recordKey(r)));
    expect(keys).toEqual(expectedKeys(0, 50));
    await again.close();
    await wal.close();
  });

  it("counts fsyncs per policy", async () => {
    const always = await Wal.open({ dir: join(dir, "a"), fsync: "always" });
    await always.log([makeRecord(0)]);
    await always.log([makeRecord(1)]);
    expect(always.stats.fsyncs).toBe(2);
    await always.close();
    const never = await Wal.open({ dir: join(dir, "n"), fsync: "never" });
    await never.log([makeRecord(0)]);
    await never.close();
    expect(never.stats.fsyncs).toBe(0);
    const interval = await Wal.open({ dir: join(dir, "i"), fsync: "interval" });
    await interval.log([makeRecord(0)]);
    await interval.close();
    // close() syncs what the interval had not yet covered
    expect(interval.stats.fsyncs).toBe(1);
    expect(interval.stats.bytesWritten).toBe(SEGMENT_HEADER_SIZE + 9 + makeRecord(0).length - 1);
  });

  it("rejects misuse: log after close, bad records, replay after log", async () => {
    const wal = await Wal.open({ dir, fsync: "never" });
    await expect(wal.log([Uint8Array.of(0, 1, 2)])).rejects.toThrow(/BUG/);
    await wal.log([makeRecord(0)]);
    await expect(wal.replay(() => undefined)).rejects.toThrow(/BUG/);
    await wal.close();
    await wal.close();
    await expect(wal.log([makeRecord(1)])).rejects.toThrow(/BUG/);
  });

  it("validates options", async () => {
    const err = await Wal.open({ dir, fsync: "never", segmentSize: 10 }).catch((e: unknown) => e);
    expect(isReddotError(err) && err.code).toBe("RD_WAL_OPTIONS");
  });

  it("refuses a segment of an unknown format version with a clear error", async () => {
    const wal = await Wal.open({ dir, fsync: "never" });
    await wal.log([makeRecord(1)]);
    await wal.close();
    const path = join(dir, "00000001");
    const bytes = await readFile(path);
    bytes[4] = 9;
    await writeFile(path, bytes);
    const err = await replayAll(dir).catch((e: unknown) => e);
    expect(isReddotError(err) && err.code).toBe("RD_WAL_VERSION");
    expect(String(err)).toMatch(/version 9.*reads version 1/);
  });
});
