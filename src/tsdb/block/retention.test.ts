import { describe, expect, it } from "vitest";
import type { BlockMeta } from "./meta.js";
import { blocksBeyondRetention } from "./retention.js";

const H = 3_600_000;

function meta(n: number, minH: number, maxH: number): BlockMeta {
  const ulid = `01ARYZ6S41${String(n).padStart(16, "0")}`;
  return {
    ulid,
    minTime: minH * H,
    maxTime: maxH * H,
    stats: { numSeries: 1, numSamples: 1, numChunks: 1 },
    compaction: { level: 1, sources: [ulid] },
    version: 1,
  };
}

const blocks = [meta(3, 4, 6), meta(1, 0, 2), meta(2, 2, 4), meta(4, 6, 8)];
const sizes = new Map(blocks.map((m) => [m.ulid, 100]));
const ids = (ms: BlockMeta[]) => ms.map((m) => m.minTime / H);

describe("blocksBeyondRetention", () => {
  it("keeps everything when no limit is set", () => {
    expect(blocksBeyondRetention(blocks, { sizes })).toEqual([]);
    expect(blocksBeyondRetention([], { sizes, retentionMs: 1, maxBytes: 1 })).toEqual([]);
  });

  it("deletes blocks ending at or before newest maxTime - retention, oldest first", () => {
    // Newest maxTime is 8h. With 4h retention the cutoff is 4h: [0,2h) and [2h,4h) go.
    expect(ids(blocksBeyondRetention(blocks, { sizes, retentionMs: 4 * H }))).toEqual([0, 2]);
    // Just over 4h: [2h,4h) ends after the cutoff and stays.
    expect(ids(blocksBeyondRetention(blocks, { sizes, retentionMs: 4 * H + 1 }))).toEqual([0]);
    // Never the newest block, however short the retention.
    expect(ids(blocksBeyondRetention(blocks, { sizes, retentionMs: 1 }))).toEqual([0, 2, 4]);
  });

  it("deletes the oldest blocks until the total fits", () => {
    expect(ids(blocksBeyondRetention(blocks, { sizes, maxBytes: 400 }))).toEqual([]);
    expect(ids(blocksBeyondRetention(blocks, { sizes, maxBytes: 399 }))).toEqual([0]);
    expect(ids(blocksBeyondRetention(blocks, { sizes, maxBytes: 250 }))).toEqual([0, 2]);
    const uneven = new Map(sizes);
    uneven.set(blocks[3].ulid, 500); // the newest block alone is over the limit
    expect(ids(blocksBeyondRetention(blocks, { sizes: uneven, maxBytes: 450 }))).toEqual([
      0, 2, 4, 6,
    ]);
  });

  it("unites both limits", () => {
    const out = blocksBeyondRetention(blocks, { sizes, retentionMs: 6 * H, maxBytes: 250 });
    expect(ids(out)).toEqual([0, 2]);
  });

  it("throws a BUG when a size is missing", () => {
    expect(() => blocksBeyondRetention(blocks, { sizes: new Map(), maxBytes: 1 })).toThrow(/BUG/);
  });
});
