import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isStaleNaN, STALE_NAN } from "../sample.js";
import { WalCorruptionError } from "./errors.js";
import { encodeSamplesRecord, encodeSeriesRecord } from "./records.js";
import { makeTmp, removeTmp } from "./testdata/fixtures.js";
import { Wal } from "./wal.js";

const REFS = 10;
let dir: string;
beforeEach(async () => {
  dir = await makeTmp();
});
afterEach(async () => {
  await removeTmp(dir);
});

function seriesRecord(): Uint8Array {
  const series = [];
  for (let ref = 0; ref < REFS; ref++) {
    series.push({ ref, labels: [{ name: "__name__", value: `m${ref}` }] });
  }
  return encodeSeriesRecord(series);
}

/** One sample per series at time t; value t * 10 + ref, or a stale marker for ref 4 at t = 99. */
function samplesAt(t: number): Uint8Array {
  const refs = new Uint32Array(REFS);
  const ts = new Float64Array(REFS).fill(t);
  const vs = new Float64Array(REFS);
  for (let ref = 0; ref < REFS; ref++) {
    refs[ref] = ref;
    vs[ref] = t === 99 && ref === 4 ? STALE_NAN : t * 10 + ref;
  }
  return encodeSamplesRecord(refs, ts, vs, REFS);
}

interface State {
  series: number[];
  /** "ref@t=value" per sample, in replay order; "stale" for stale markers. */
  samples: string[];
}

async function replayState(): Promise<State> {
  const wal = await Wal.open({ dir, fsync: "never" });
  const state: State = { series: [], samples: [] };
  await wal.replay((rec) => {
    if (rec.type === "series") {
      for (const s of rec.series) state.series.push(s.ref);
      return;
    }
    for (let i = 0; i < rec.length; i++) {
      const v = isStaleNaN(rec.vs[i]) ? "stale" : String(rec.vs[i]);
      state.samples.push(`${rec.refs[i]}@${rec.ts[i]}=${v}`);
    }
  });
  await wal.close();
  return state;
}

function expectedSamples(refs: (ref: number) => boolean, from: number, to: number): string[] {
  const out: string[] = [];
  for (let t = from; t < to; t++) {
    for (let ref = 0; ref < REFS; ref++) {
      if (!refs(ref)) continue;
      out.push(`${ref}@${t}=${t === 99 && ref === 4 ? "stale" : t * 10 + ref}`);
    }
  }
  return out;
}

async function writeHistory(): Promise<Wal> {
  const wal = await Wal.open({ dir, fsync: "interval", segmentSize: 2048 });
  await wal.log([seriesRecord()]);
  for (let t = 0; t < 100; t++) await wal.log([samplesAt(t)]);
  return wal;
}

const even = (ref: number) => ref % 2 === 0;

describe("Wal.checkpoint", () => {
  it("keeps only the selected series and recent samples, and deletes folded segments", async () => {
    const wal = await writeHistory();
    const before = wal.segmentRange();
    expect(before.last - before.first).toBeGreaterThan(3);
    const n = await wal.cut();
    await wal.checkpoint(n, even, 50);
    expect(wal.segmentRange()).toEqual({ first: n, last: n });
    const names = (await readdir(dir)).sort();
    const cp = `checkpoint.${String(n - 1).padStart(8, "0")}`;
    expect(names).toEqual([String(n).padStart(8, "0"), cp]);
    expect(await readdir(join(dir, cp))).toContain("00000000");
    await wal.log([samplesAt(100)]);
    await wal.close();

    const state = await replayState();
    expect(state.series).toEqual([0, 2, 4, 6, 8]);
    expect(state.samples).toEqual([
      ...expectedSamples(even, 50, 100),
      ...expectedSamples(() => true, 100, 101),
    ]);
  });

  it("keeps out-of-order batches apart from in-order ones, in order", async () => {
    const wal = await Wal.open({ dir, fsync: "never", segmentSize: 2048 });
    await wal.log([seriesRecord()]);
    const one = (t: number, ooo: boolean) =>
      encodeSamplesRecord(Uint32Array.of(2), Float64Array.of(t), Float64Array.of(t), 1, ooo);
    await wal.log([one(60, false), one(61, false), one(55, true), one(62, false), one(40, true)]);
    const n = await wal.cut();
    await wal.checkpoint(n, () => true, 50);
    await wal.close();
    const again = await Wal.open({ dir, fsync: "never" });
    const seen: string[] = [];
    await again.replay((rec) => {
      if (rec.type !== "samples") return;
      for (let i = 0; i < rec.length; i++) seen.push(`${rec.ts[i]}${rec.ooo ? " ooo" : ""}`);
    });
    await again.close();
    // 40 is before minTime: dropped; the kinds survive the fold.
    expect(seen).toEqual(["60", "61", "55 ooo", "62"]);
  });

  it("folds the previous checkpoint into the next one and deletes it", async () => {
    const wal = await writeHistory();
    const n = await wal.cut();
    await wal.checkpoint(n, even, 50);
    await wal.log([samplesAt(100)]);
    const m = await wal.cut();
    await wal.log([samplesAt(101)]);
    await wal.checkpoint(m, (ref) => ref === 0, 100);
    await wal.close();
    const names = (await readdir(dir)).sort();
    expect(names).toEqual([
      String(m).padStart(8, "0"),
      `checkpoint.${String(m - 1).padStart(8, "0")}`,
    ]);
    const state = await replayState();
    expect(state.series).toEqual([0]);
    expect(state.samples).toEqual(["0@100=1000", ...expectedSamples(() => true, 101, 102)]);
  });

  it("survives reopening: a checkpoint written before a restart is replayed first", async () => {
    const wal = await writeHistory();
    await wal.close();
    const again = await Wal.open({ dir, fsync: "never", segmentSize: 2048 });
    await again.replay(() => undefined);
    const { last } = again.segmentRange();
    await again.checkpoint(last + 1, even, 90);
    await again.log([samplesAt(100)]);
    await again.close();
    const state = await replayState();
    expect(state.series).toEqual([0, 2, 4, 6, 8]);
    expect(state.samples).toEqual([
      ...expectedSamples(even, 90, 100),
      ...expectedSamples(() => true, 100, 101),
    ]);
  });

  it("does nothing when no segment is left to fold", async () => {
    const wal = await writeHistory();
    const n = await wal.cut();
    await wal.checkpoint(n, even, 0);
    const names = (await readdir(dir)).sort();
    await wal.checkpoint(n, even, 0);
    await wal.checkpoint(1, even, 0);
    expect((await readdir(dir)).sort()).toEqual(names);
    await wal.close();
  });

  it("refuses to fold the segment being written", async () => {
    const wal = await writeHistory();
    const { last } = wal.segmentRange();
    await expect(wal.checkpoint(last + 1, even, 0)).rejects.toThrow(/BUG/);
    await wal.close();
  });

  it("cleans up what an interrupted checkpoint left behind", async () => {
    const wal = await writeHistory();
    const n = await wal.cut();
    await wal.checkpoint(n, even, 0);
    await wal.close();
    // As if a later checkpoint crashed mid-way, and an older one was never deleted.
    await mkdir(join(dir, "checkpoint.00000099.tmp"));
    await mkdir(join(dir, "checkpoint.00000000"));
    await writeFile(join(dir, "00000001"), "stale");
    const again = await Wal.open({ dir, fsync: "never" });
    await again.close();
    const names = (await readdir(dir)).sort();
    expect(names).toEqual([
      String(n).padStart(8, "0"),
      `checkpoint.${String(n - 1).padStart(8, "0")}`,
    ]);
    expect((await replayState()).series).toEqual([0, 2, 4, 6, 8]);
  });

  it("treats damage inside a checkpoint as corruption, never as a torn tail", async () => {
    const wal = await writeHistory();
    const n = await wal.cut();
    await wal.checkpoint(n, even, 0);
    await wal.close();
    const path = join(dir, `checkpoint.${String(n - 1).padStart(8, "0")}`, "00000000");
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 1));
    await expect(replayState()).rejects.toBeInstanceOf(WalCorruptionError);
  });
});
