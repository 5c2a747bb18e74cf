import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isReddotError } from "../../lib/errors.js";
import { compareLabels, type Labels, labelsFromRecord } from "../labels.js";
import type { ChunkMeta, Matcher } from "../types.js";
import { IndexReader } from "./index-reader.js";
import { writeIndex } from "./index-writer.js";
import { newMatcher } from "./matcher.js";
import { MemPostings } from "./mem-postings.js";
import { prng, randInt } from "./testing.js";

const dir = mkdtempSync(join(tmpdir(), "reddot-index-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const nextPath = () => join(dir, `index-${fileNo++}`);

interface Series {
  labels: Labels;
  chunks: ChunkMeta[];
}

/** `n` distinct sorted series with realistic labels, unicode values and large chunk refs. */
function makeSeries(n: number, seed: number): Series[] {
  const rand = prng(seed);
  const seen = new Set<string>();
  const out: Series[] = [];
  const regions = ["eu-west", "us-east", "ap-south", "Zürich", "東京", "😀-edge"];
  while (out.length < n) {
    const rec: Record<string, string> = {
      __name__: ["up", "cpu_seconds_total", "mem_bytes", "http_requests_total"][randInt(rand, 4)],
      instance: `host-${randInt(rand, n)}`,
      region: regions[randInt(rand, regions.length)],
    };
    if (rand() < 0.5) rec.job = ["node", "api", "db"][randInt(rand, 3)];
    if (rand() < 0.2) rec.note = 'line1\nline2 "quoted"';
    const labels = labelsFromRecord(rec);
    const key = JSON.stringify(labels);
    if (seen.has(key)) continue;
    seen.add(key);
    const chunks: ChunkMeta[] = [];
    let t = 1_700_000_000_000 + randInt(rand, 1e6) - 5e5;
    for (let c = randInt(rand, 5); c > 0; c--) {
      const mint = t;
      const maxt = mint + randInt(rand, 7_200_000);
      // Refs as segment * 2^32 + offset, up to 2^53 - 1.
      const ref =
        rand() < 0.1
          ? Number.MAX_SAFE_INTEGER - randInt(rand, 1000)
          : randInt(rand, 1000) * 2 ** 32 + randInt(rand, 2 ** 32);
      chunks.push({ mint, maxt, ref });
      t = maxt + 1 + randInt(rand, 100_000);
    }
    out.push({ labels, chunks });
  }
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}

describe("index file round trip", () => {
  it("reads back labels, chunk metas and tables of 10k series", async () => {
    const series = makeSeries(10_000, 1);
    const path = nextPath();
    await writeIndex(path, series);
    const r = IndexReader.open(path);
    expect(r.seriesCount).toBe(series.length);
    expect(r.sizeBytes).toBe(readFileSync(path).length);
    for (let id = 0; id < series.length; id++) {
      expect(r.labels(id)).toEqual(series[id].labels);
      expect(r.chunks(id)).toEqual(series[id].chunks);
    }
    const mem = new MemPostings();
    series.forEach((s, id) => {
      mem.add(id, s.labels);
    });
    expect(r.labelNames()).toEqual(mem.labelNames());
    for (const name of mem.labelNames()) expect(r.labelValues(name)).toEqual(mem.labelValues(name));
    expect(r.labelValues("nope")).toEqual([]);
    r.close();
  });

  it("handles an empty index and series without labels or chunks", async () => {
    const path = nextPath();
    await writeIndex(path, []);
    const r = IndexReader.open(path);
    expect(r.seriesCount).toBe(0);
    expect(r.labelNames()).toEqual([]);
    expect([...r.select([])]).toEqual([]);
    const p2 = nextPath();
    await writeIndex(p2, [
      { labels: [], chunks: [] },
      { labels: labelsFromRecord({ a: "b" }), chunks: [] },
    ]);
    const r2 = IndexReader.open(p2);
    expect(r2.labels(0)).toEqual([]);
    expect(r2.chunks(1)).toEqual([]);
    expect([...r2.select([newMatcher("=", "a", "")])]).toEqual([0]);
  });

  it("refuses unsorted or duplicate series with a BUG error", async () => {
    const a = { labels: labelsFromRecord({ a: "1" }), chunks: [] };
    const b = { labels: labelsFromRecord({ a: "2" }), chunks: [] };
    await expect(writeIndex(nextPath(), [b, a])).rejects.toThrow(
      /^BUG: writeIndex: series not in strictly ascending/,
    );
    await expect(writeIndex(nextPath(), [a, a])).rejects.toThrow(/BUG/);
    const badChunk = { labels: a.labels, chunks: [{ mint: 10, maxt: 5, ref: 0 }] };
    await expect(writeIndex(nextPath(), [badChunk])).rejects.toThrow(
      /BUG: writeIndex: invalid chunk meta/,
    );
  });
});
