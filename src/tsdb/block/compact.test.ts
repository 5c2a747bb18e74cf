import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { XorAppender, xorChunkCount } from "../chunkenc/index.js";
import { newMatcher } from "../index/index.js";
import { labelsFromRecord } from "../labels.js";
import { isStaleNaN, STALE_NAN } from "../sample.js";
import { Block } from "./block.js";
import { type ChunkInput, writeBlock } from "./block-writer.js";
import { compactBlocks, supersededBlocks } from "./compact.js";
import type { BlockMeta } from "./meta.js";
import { makeSeries, sameBits, toChunks } from "./testing.js";

let parent: string;
const open: Block[] = [];
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), "reddot-compact-"));
});
afterEach(() => {
  for (const b of open.splice(0)) b.close();
  rmSync(parent, { recursive: true, force: true });
});

function openBlock(meta: BlockMeta): Block {
  const b = Block.open(join(parent, meta.ulid));
  open.push(b);
  return b;
}

const ALL = [newMatcher("=~", "__name__", ".+")];
const H = 3_600_000;
const STEP = 10_000;

/**
 * A chunk of `samples`; the one at `staleAt` gets the stale marker, passed
 * straight from the constant (a NaN kept in a plain array may lose its bits).
 */
function chunkOf(samples: readonly [number, number][], staleAt?: number): ChunkInput {
  const app = new XorAppender();
  for (const [t, v] of samples) app.append(t, t === staleAt ? STALE_NAN : v);
  return { mint: samples[0][0], maxt: samples[samples.length - 1][0], data: app.bytes() };
}

describe("compactBlocks", () => {
  it("merges three adjacent blocks, keeping every sample and chunk", async () => {
    // 30 series over 6h; block k holds [k*2h, (k+1)*2h). Series 0..9 are absent
    // from the middle block, so series come and go across blocks.
    const all = makeSeries({
      seed: 3,
      count: 30,
      samples: 2160,
      start: 0,
      step: STEP,
      staleRate: 0.01,
    });
    const metas: BlockMeta[] = [];
    for (let k = 0; k < 3; k++) {
      const from = k * 720;
      const members = k === 1 ? all.filter((_, i) => i >= 10) : all;
      metas.push(
        await writeBlock(parent, {
          minTime: k * 2 * H,
          maxTime: (k + 1) * 2 * H,
          series: members.map((s) => ({
            labels: s.labels,
            chunks: toChunks(s, 120, from, from + 720),
          })),
        }),
      );
    }
    const inputs = metas.map(openBlock);
    const out = await compactBlocks(parent, inputs);
    expect(out.minTime).toBe(0);
    expect(out.maxTime).toBe(6 * H);
    expect(out.compaction.level).toBe(2);
    expect(out.compaction.sources).toEqual(metas.map((m) => m.ulid).sort());
    expect(out.stats.numSeries).toBe(30);
    expect(out.stats.numChunks).toBe(metas.reduce((n, m) => n + m.stats.numChunks, 0));
    expect(out.stats.numSamples).toBe(metas.reduce((n, m) => n + m.stats.numSamples, 0));

    const got = openBlock(out).select(ALL, 0, 6 * H);
    expect(got.map((s) => s.labels)).toEqual(all.map((s) => s.labels));
    got.forEach((s, i) => {
      const want = all[i];
      const buf = s.samples(0, 6 * H);
      const skip = i < 10 ? [720, 1440] : [0, 0]; // the middle block lacked these
      const idx = [...want.ts.keys()].filter((k) => k < skip[0] || k >= skip[1]);
      expect(buf.length).toBe(idx.length);
      idx.forEach((k, j) => {
        expect(buf.ts[j]).toBe(want.ts[k]);
        expect(sameBits(buf.vs[j], want.vs[k])).toBe(true);
      });
    });

    // Compacting again counts levels and sources on.
    const again = await compactBlocks(parent, [openBlock(out), inputs[0]]);
    expect(again.compaction.level).toBe(3);
    expect(again.compaction.sources).toEqual(out.compaction.sources);
  });

  it("merges overlapping blocks; newer maxTime, then later ULID, wins ties", async () => {
    const x = labelsFromRecord({ __name__: "x" });
    const y = labelsFromRecord({ __name__: "y" });
    const series = (pts: [number, number][], maxTime: number, minTime = 0, staleAt?: number) => ({
      minTime,
      maxTime,
      series: [{ labels: x, chunks: [chunkOf(pts, staleAt)] }],
    });
    // a: t = 0..290 step 10, value 1. b: t = 150..440 step 10, value 2, wider range.
    const aPts = Array.from({ length: 30 }, (_, i): [number, number] => [i * 10, 1]);
    const bPts = Array.from({ length: 30 }, (_, i): [number, number] => [150 + i * 10, 2]);
    const a = await writeBlock(parent, {
      minTime: 0,
      maxTime: 300,
      series: [
        { labels: x, chunks: [chunkOf(aPts)] },
        { labels: y, chunks: [chunkOf([[5, 5]])] },
      ],
    });
    const b = await writeBlock(parent, series(bPts, 1000, 100, 150));
    // c has the same maxTime as a, so the ULID decides between them; b beats c.
    const c = await writeBlock(
      parent,
      series(
        [
          [20, 3],
          [160, 3],
          [295, 3],
        ],
        300,
      ),
    );
    const out = await compactBlocks(parent, [openBlock(c), openBlock(b), openBlock(a)]);
    expect(out.minTime).toBe(0);
    expect(out.maxTime).toBe(1000);
    expect(out.compaction.sources).toEqual([a.ulid, b.ulid, c.ulid].sort());

    const got = openBlock(out).select(ALL, 0, 1000);
    expect(got.map((s) => s.labels)).toEqual([x, y]);
    const buf = got[0].samples(0, 1000);
    const ts = [...buf.ts.subarray(0, buf.length)];
    const want = [...new Set([...aPts, ...bPts].map((p) => p[0]).concat([20, 160, 295]))].sort(
      (p, q) => p - q,
    );
    expect(ts).toEqual(want);
    const at = (t: number) => buf.vs[ts.indexOf(t)];
    expect(at(0)).toBe(1);
    expect(at(20)).toBe(c.ulid > a.ulid ? 3 : 1); // same maxTime: the later ULID wins
    expect(isStaleNaN(at(150))).toBe(true); // b over a
    expect(at(160)).toBe(2); // b over c: higher maxTime
    expect(at(440)).toBe(2);
    expect(at(295)).toBe(3);
    // Re-encoded chunks hold at most 120 samples and do not overlap.
    const chunks = got[0].chunks;
    for (let i = 1; i < chunks.length; i++)
      expect(chunks[i].mint).toBeGreaterThan(chunks[i - 1].maxt);
    const block = open[open.length - 1];
    for (const c of chunks)
      expect(xorChunkCount(block.readChunk(c.ref).data)).toBeLessThanOrEqual(120);
    expect(got[1].samples(0, 1000).length).toBe(1);
  });

  it("copies non-overlapping chunks byte for byte", async () => {
    const [s] = makeSeries({ seed: 1, count: 1, samples: 240, start: 0, step: STEP });
    const chunks = toChunks(s);
    const m1 = await writeBlock(parent, {
      minTime: 0,
      maxTime: 1200 * 1000,
      series: [{ labels: s.labels, chunks: [chunks[0]] }],
    });
    const m2 = await writeBlock(parent, {
      minTime: 1200 * 1000,
      maxTime: 2400 * 1000,
      series: [{ labels: s.labels, chunks: [chunks[1]] }],
    });
    const out = openBlock(await compactBlocks(parent, [openBlock(m1), openBlock(m2)]));
    const [series] = [...out.series()];
    expect(series.chunks.map((c) => out.readChunk(c.ref).data)).toEqual(chunks.map((c) => c.data));
  });
});

describe("supersededBlocks", () => {
  const meta = (ulid: string, level: number, sources: string[]): BlockMeta => ({
    ulid,
    minTime: 0,
    maxTime: 1,
    stats: { numSeries: 0, numSamples: 0, numChunks: 0 },
    compaction: { level, sources },
    version: 1,
  });
  it("finds blocks whose sources a higher-level block already holds", () => {
    const a = meta("A", 1, ["A"]);
    const b = meta("B", 1, ["B"]);
    const c = meta("C", 1, ["C"]);
    const ab = meta("AB", 2, ["A", "B"]);
    expect(supersededBlocks([a, b, c, ab])).toEqual([a, b]);
    expect(supersededBlocks([ab, meta("ABC", 3, ["A", "B", "C"]), c])).toEqual([ab, c]);
    expect(supersededBlocks([a, c])).toEqual([]);
  });
});
