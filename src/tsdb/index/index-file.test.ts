import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isReddotError } from "../../lib/errors.js";
import { prng, randInt } from "../../lib/prng.js";
import {
  compareLabels,
  compareStrings,
  getLabel,
  type Labels,
  labelsFromRecord,
} from "../labels.js";
import type { ChunkMeta, Matcher, MatchType } from "../types.js";
import { readU32, readU64 } from "./encoding.js";
import { IndexReader } from "./index-reader.js";
import { writeIndex } from "./index-writer.js";
import { matcherToString, newMatcher } from "./matcher.js";
import { MemPostings } from "./mem-postings.js";

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
    const surrogate = { labels: labelsFromRecord({ a: "\ud800" }), chunks: [] };
    await expect(writeIndex(nextPath(), [surrogate])).rejects.toThrow(/BUG: .*not valid Unicode/);
    const badChunk = { labels: a.labels, chunks: [{ mint: 10, maxt: 5, ref: 0 }] };
    await expect(writeIndex(nextPath(), [badChunk])).rejects.toThrow(
      /BUG: writeIndex: invalid chunk meta/,
    );
  });
});

/** Series ids whose labels satisfy every matcher, computed by brute force. */
function bruteSelect(series: readonly Series[], ms: readonly Matcher[]): number[] {
  const out: number[] = [];
  series.forEach((s, id) => {
    if (ms.every((m) => m.matches(getLabel(s.labels, m.name)))) out.push(id);
  });
  return out;
}

describe("IndexReader queries", () => {
  const series = makeSeries(3000, 2);
  const mem = new MemPostings();
  series.forEach((s, id) => {
    mem.add(id, s.labels);
  });
  let r: IndexReader;
  beforeAll(async () => {
    const path = nextPath();
    await writeIndex(path, series);
    r = IndexReader.open(path);
  });
  const NAMES = ["__name__", "instance", "region", "job", "note", "missing"];
  const VALUES = [
    "up",
    "mem_bytes",
    "host-1",
    "host-17",
    "Zürich",
    "東京",
    "node",
    "",
    'line1\nline2 "quoted"',
  ];
  const REGEXES = [
    ".*",
    ".+",
    "host-1.*",
    "host-1|host-2|host-3",
    ".*-edge",
    "eu-.*|東京",
    "up|",
    "(?i)UP",
    "line1.*",
    "[a-z]+_.*",
  ];
  const TYPES: MatchType[] = ["=", "!=", "=~", "!~"];

  it("selects the same series as MemPostings and brute force", () => {
    const rand = prng(3);
    for (let q = 0; q < 300; q++) {
      const ms = Array.from({ length: randInt(rand, 4) }, () => {
        const type = TYPES[randInt(rand, 4)];
        const pool = type.endsWith("~") ? REGEXES : VALUES;
        return newMatcher(
          type,
          NAMES[randInt(rand, NAMES.length)],
          pool[randInt(rand, pool.length)],
        );
      });
      const got = [...r.select(ms)];
      expect(got, ms.map(matcherToString).join(", ")).toEqual([...mem.select(ms)]);
      if (q % 10 === 0) expect(got).toEqual(bruteSelect(series, ms));
    }
  });

  it("restricts label names and values to the given series", () => {
    const rand = prng(4);
    for (let q = 0; q < 50; q++) {
      // Both strategies: a few series (decoded one by one) and many (postings overlap).
      const size = q % 2 === 0 ? 1 + randInt(rand, 5) : 500 + randInt(rand, 2000);
      const ids = Uint32Array.from(
        new Set(Array.from({ length: size }, () => randInt(rand, series.length))),
      ).sort();
      const names = new Set<string>();
      const regions = new Set<string>();
      for (const id of ids) {
        for (const l of series[id].labels) names.add(l.name);
        const v = getLabel(series[id].labels, "region");
        if (v !== "") regions.add(v);
      }
      expect(r.labelNames(ids)).toEqual([...names].sort(compareStrings));
      expect(r.labelValues("region", ids)).toEqual([...regions].sort(compareStrings));
      expect(r.labelValues("missing", ids)).toEqual([]);
    }
  });

  it("throws a BUG error after close", async () => {
    const p = nextPath();
    await writeIndex(p, series.slice(0, 10));
    const closed = IndexReader.open(p);
    closed.close();
    expect(() => closed.labels(0)).toThrow(/^BUG: IndexReader used after close/);
  });
});

/** The error `IndexReader.open` throws for `bytes`, which must be RD_BLOCK_CORRUPT. */
function corruptionMessage(bytes: Uint8Array): string {
  const p = nextPath();
  writeFileSync(p, bytes);
  try {
    IndexReader.open(p);
  } catch (e) {
    if (isReddotError(e) && e.code === "RD_BLOCK_CORRUPT" && e.status === 500) {
      expect(e.message.startsWith(`${p}: `)).toBe(true);
      expect(e.message).toMatch(/ at offset \d+$/);
      return e.message;
    }
    throw e;
  }
  throw new Error("corruption was not detected");
}

describe("corruption detection", () => {
  let good = new Uint8Array(0);
  let tocAt = 0;
  let offsets: number[] = [];
  beforeAll(async () => {
    const path = nextPath();
    await writeIndex(path, makeSeries(200, 5));
    good = new Uint8Array(readFileSync(path));
    tocAt = good.length - 44;
    offsets = Array.from({ length: 5 }, (_, i) => readU64(good, tocAt + i * 8));
  });
  const names = ["symbols", "series", "postings", "label values", "postings offsets"];
  const flip = (at: number) => {
    const b = good.slice();
    b[at] ^= 0x01;
    return b;
  };

  it("detects a flipped byte in every section's payload, length and checksum", () => {
    offsets.forEach((at, i) => {
      const len = readU32(good, at);
      const mid = at + 4 + Math.floor(len / 2);
      expect(corruptionMessage(flip(mid))).toContain(`${names[i]} section checksum mismatch`);
      expect(corruptionMessage(flip(at + 4 + len))).toContain("checksum mismatch");
      expect(corruptionMessage(flip(at))).toMatch(/checksum mismatch|overruns/);
    });
  });

  it("detects damage to the header, padding, TOC and length", () => {
    expect(corruptionMessage(flip(0))).toContain("bad magic at offset 0");
    expect(corruptionMessage(flip(4))).toContain("unsupported version 0 at offset 4");
    expect(corruptionMessage(flip(6))).toContain("bad header padding");
    for (let at = tocAt; at < good.length; at++) {
      expect(corruptionMessage(flip(at))).toContain("TOC checksum mismatch");
    }
    let paddingBytes = 0;
    for (let at = 8; at < tocAt; at++) {
      if (offsets.some((o) => at >= o && at < o + 4 + readU32(good, o) + 4)) continue;
      expect(corruptionMessage(flip(at))).toContain("non-zero padding");
      paddingBytes++;
    }
    expect(paddingBytes).toBeGreaterThan(0);
    expect(corruptionMessage(good.subarray(0, good.length - 1))).toContain("TOC checksum");
    expect(corruptionMessage(good.subarray(0, 20))).toContain("file too short");
  });

  it("accepts the untouched file", () => {
    const p = nextPath();
    writeFileSync(p, good);
    expect(IndexReader.open(p).seriesCount).toBe(200);
  });
});
