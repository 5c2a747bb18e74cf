import { describe, expect, it } from "vitest";
import type { BlockMeta } from "./meta.js";
import { planCompaction } from "./planner.js";

const H = 3_600_000;
const RANGES = [2 * H, 6 * H, 24 * H];

let seq = 0;
function meta(minH: number, maxH: number, level = 1): BlockMeta {
  const ulid = `01ARYZ6S41${String(seq++).padStart(16, "0")}`;
  return {
    ulid,
    minTime: minH * H,
    maxTime: maxH * H,
    stats: { numSeries: 1, numSamples: 1, numChunks: 1 },
    compaction: { level, sources: [ulid] },
    version: 1,
  };
}

/** The plan as [minH, maxH] pairs per group, for readable expectations. */
function plan(metas: BlockMeta[]): number[][][] {
  return planCompaction(metas, RANGES).map((g) => g.map((m) => [m.minTime / H, m.maxTime / H]));
}

describe("planCompaction", () => {
  it("does nothing with fewer than two blocks", () => {
    expect(plan([])).toEqual([]);
    expect(plan([meta(0, 2)])).toEqual([]);
  });

  it("holds back the newest, incomplete bucket", () => {
    // [0,6h) holds two of its three 2h blocks and nothing newer exists.
    expect(plan([meta(0, 2), meta(2, 4)])).toEqual([]);
  });

  it("compacts a bucket once it is complete", () => {
    // All three blocks of [0,6h): the group spans the bucket.
    expect(plan([meta(0, 2), meta(2, 4), meta(4, 6)])).toEqual([
      [
        [0, 2],
        [2, 4],
        [4, 6],
      ],
    ]);
    // A gap in [0,6h), but a block of the next bucket exists: [0,6h) is done.
    expect(plan([meta(0, 2), meta(4, 6), meta(6, 8)])).toEqual([
      [
        [0, 2],
        [4, 6],
      ],
    ]);
  });

  it("does not compact a lone block in a bucket", () => {
    expect(plan([meta(0, 2), meta(6, 8), meta(12, 14)])).toEqual([]);
  });

  it("returns every ready bucket of the smallest range first", () => {
    const metas = [0, 2, 4, 6, 8, 10, 12].map((h) => meta(h, h + 2));
    expect(plan(metas).map((g) => g.length)).toEqual([3, 3]);
  });

  it("moves up to the next range once the small ones are done", () => {
    // Four compacted 6h blocks fill [0,24h); a 2h block of the next day exists.
    const metas = [meta(0, 6, 2), meta(6, 12, 2), meta(12, 18, 2), meta(18, 24, 2), meta(24, 26)];
    expect(plan(metas)).toEqual([
      [
        [0, 6],
        [6, 12],
        [12, 18],
        [18, 24],
      ],
    ]);
  });

  it("leaves out blocks wider than the bucket", () => {
    // A 24h block cannot join any 6h bucket; [24h,30h) still is not complete.
    expect(plan([meta(0, 24, 3), meta(24, 26), meta(26, 28)])).toEqual([]);
  });

  it("merges overlapping blocks before anything else", () => {
    const metas = [meta(0, 2), meta(2, 4), meta(4, 6), meta(6, 8), meta(1, 3), meta(7, 9)];
    expect(plan(metas)).toEqual([
      [
        [0, 2],
        [1, 3],
        [2, 4],
      ],
      [
        [6, 8],
        [7, 9],
      ],
    ]);
  });

  it("treats adjacent half-open ranges as disjoint", () => {
    expect(plan([meta(0, 2), meta(2, 4)])).toEqual([]);
  });

  it("handles negative times with floor bucketing", () => {
    expect(plan([meta(-6, -4), meta(-4, -2), meta(-2, 0)]).map((g) => g.length)).toEqual([3]);
  });
});
