import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { XorAppender } from "../chunkenc/index.js";
import { newMatcher } from "../index/index.js";
import { getLabel, labelsFromRecord } from "../labels.js";
import { isStaleNaN } from "../sample.js";
import { Block, type BlockSeries } from "./block.js";
import { cleanupTmpDirs, deleteBlock, listBlockDirs, writeBlock } from "./block-writer.js";
import { makeSeries, sameBits, type TestSeries, toInput } from "./testing.js";

let parent: string;
const open: Block[] = [];
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), "reddot-block-"));
});
afterEach(() => {
  for (const b of open.splice(0)) b.close();
  rmSync(parent, { recursive: true, force: true });
});

function openBlock(dir: string): Block {
  const b = Block.open(dir);
  open.push(b);
  return b;
}

const ALL = [newMatcher("=~", "__name__", ".+")];
const START = 1_700_000_000_000;
const series = makeSeries({
  seed: 7,
  count: 40,
  samples: 500,
  start: START,
  step: 10_000,
  jitter: 50,
  staleRate: 0.02,
});
const END = START + 500 * 10_000 + 1_000;

function expectSamples(got: BlockSeries, want: TestSeries, mint: number, maxt: number): void {
  const buf = got.samples(mint, maxt);
  let k = 0;
  for (let i = 0; i < want.ts.length; i++) {
    if (want.ts[i] < mint || want.ts[i] > maxt) continue;
    expect(buf.ts[k]).toBe(want.ts[i]);
    if (!sameBits(buf.vs[k], want.vs[i])) {
      throw new Error(
        `sample ${i} of ${getLabel(want.labels, "series")}: ${buf.vs[k]} != ${want.vs[i]}`,
      );
    }
    k++;
  }
  expect(buf.length).toBe(k);
}

describe("writeBlock and Block", () => {
  it("round-trips every sample bit for bit, stale markers included", async () => {
    const meta = await writeBlock(parent, {
      minTime: START,
      maxTime: END,
      series: toInput(series),
    });
    expect(meta.stats).toEqual({ numSeries: 40, numSamples: 40 * 500, numChunks: 40 * 5 });
    expect(meta.compaction).toEqual({ level: 1, sources: [meta.ulid] });
    const b = openBlock(join(parent, meta.ulid));
    expect(b.meta).toEqual(meta);
    const got = b.select(ALL, START, END);
    expect(got.map((s) => s.labels)).toEqual(series.map((s) => s.labels));
    let stale = 0;
    got.forEach((s, i) => {
      expectSamples(s, series[i], START, END);
      const buf = s.samples(START, END);
      for (let k = 0; k < buf.length; k++) if (isStaleNaN(buf.vs[k])) stale++;
    });
    expect(stale).toBeGreaterThan(100);
  });

  it("selects by matchers and time range", async () => {
    const meta = await writeBlock(parent, {
      minTime: START,
      maxTime: END,
      series: toInput(series),
    });
    const b = openBlock(join(parent, meta.ulid));
    const gauges = b.select([newMatcher("=", "__name__", "node_load")], START, END);
    expect(gauges).toHaveLength(20);
    const api = b.select(
      [newMatcher("=~", "job", "api"), newMatcher("!=", "__name__", "node_load")],
      START,
      END,
    );
    expect(api.every((s) => getLabel(s.labels, "job") === "api")).toBe(true);
    expect(api.every((s) => getLabel(s.labels, "__name__") === "http_requests_total")).toBe(true);

    // A window inside the second chunk (samples 120..239) selects that chunk only.
    const lo = START + 150 * 10_000;
    const hi = START + 160 * 10_000;
    const one = b.select([newMatcher("=", "series", "3")], lo, hi);
    expect(one).toHaveLength(1);
    expect(one[0].chunks).toHaveLength(1);
    const want = series.find((s) => getLabel(s.labels, "series") === "3")!;
    expectSamples(one[0], want, lo, hi);

    expect(b.select(ALL, END, END + 1000)).toEqual([]);
    expect(b.select(ALL, START - 1000, START - 1)).toEqual([]);
    expect(b.select([newMatcher("=", "job", "nope")], START, END)).toEqual([]);
  });

  it("answers label names and values, optionally under matchers", async () => {
    const meta = await writeBlock(parent, {
      minTime: START,
      maxTime: END,
      series: toInput(series),
    });
    const b = openBlock(join(parent, meta.ulid));
    expect(b.labelNames()).toEqual(["__name__", "instance", "job", "series"]);
    expect(b.labelValues("job")).toEqual(["api", "node"]);
    expect(b.labelValues("__name__", [newMatcher("=", "job", "node")])).toEqual([
      "http_requests_total",
      "node_load",
    ]);
    expect(b.labelValues("series", [newMatcher("=", "instance", "host-0000:9100")])).toHaveLength(
      10,
    );
  });

  it("merges overlapping chunks of a series, the later chunk winning", async () => {
    const chunk = (samples: [number, number][]) => {
      const app = new XorAppender();
      for (const [t, v] of samples) app.append(t, v);
      return { mint: samples[0][0], maxt: samples[samples.length - 1][0], data: app.bytes() };
    };
    const labels = labelsFromRecord({ __name__: "x" });
    const meta = await writeBlock(parent, {
      minTime: 0,
      maxTime: 100,
      series: [
        {
          labels,
          chunks: [
            chunk([
              [10, 1],
              [20, 2],
              [30, 3],
            ]),
            chunk([
              [20, 22],
              [25, 25],
            ]),
          ],
        },
      ],
    });
    const [s] = openBlock(join(parent, meta.ulid)).select(ALL, 0, 100);
    const buf = s.samples(0, 100);
    expect([...buf.ts.subarray(0, buf.length)]).toEqual([10, 20, 25, 30]);
    expect([...buf.vs.subarray(0, buf.length)]).toEqual([1, 22, 25, 3]);
  });

  it("reports its size on disk", async () => {
    const meta = await writeBlock(parent, {
      minTime: START,
      maxTime: END,
      series: toInput(series),
    });
    const dir = join(parent, meta.ulid);
    let want = statSync(join(dir, "index")).size + statSync(join(dir, "meta.json")).size;
    for (const f of readdirSync(join(dir, "chunks"))) want += statSync(join(dir, "chunks", f)).size;
    expect(openBlock(dir).sizeBytes()).toBe(want);
  });

  it("writes an empty block", async () => {
    const meta = await writeBlock(parent, { minTime: 0, maxTime: 10, series: [] });
    expect(meta.stats).toEqual({ numSeries: 0, numSamples: 0, numChunks: 0 });
    expect(openBlock(join(parent, meta.ulid)).select(ALL, 0, 10)).toEqual([]);
  });
});

describe("crash safety", () => {
  it("never exposes leftovers and removes them on cleanup", async () => {
    const meta = await writeBlock(parent, {
      minTime: START,
      maxTime: END,
      series: toInput(series),
    });
    // A crash while writing, one while deleting, and a stray file.
    const creating = join(parent, "01HZZZZZZZZZZZZZZZZZZZZZZZ.tmp-for-creation");
    mkdirSync(join(creating, "chunks"), { recursive: true });
    writeFileSync(join(creating, "chunks", "000001"), "half");
    mkdirSync(join(parent, "01HYYYYYYYYYYYYYYYYYYYYYYY.tmp-for-deletion"));
    writeFileSync(join(parent, "lock"), "");
    expect(await listBlockDirs(parent)).toEqual([join(parent, meta.ulid)]);
    expect(await cleanupTmpDirs(parent)).toEqual([
      "01HYYYYYYYYYYYYYYYYYYYYYYY.tmp-for-deletion",
      "01HZZZZZZZZZZZZZZZZZZZZZZZ.tmp-for-creation",
    ]);
    expect(readdirSync(parent).sort()).toEqual([meta.ulid, "lock"]);
    expect(openBlock(join(parent, meta.ulid)).meta).toEqual(meta);
  });

  it("leaves nothing behind when a write fails", async () => {
    const input = toInput(series.slice(0, 3)).reverse(); // not sorted: a caller bug
    await expect(
      writeBlock(parent, { minTime: START, maxTime: END, series: input }),
    ).rejects.toThrow(/BUG: writeBlock: series not strictly sorted/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it("deletes a block through a temporary name", async () => {
    const meta = await writeBlock(parent, {
      minTime: START,
      maxTime: END,
      series: toInput(series),
    });
    await deleteBlock(join(parent, meta.ulid));
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe("corruption", () => {
  it("reports a flipped chunk byte as RD_BLOCK_CORRUPT", async () => {
    const meta = await writeBlock(parent, {
      minTime: START,
      maxTime: END,
      series: toInput(series),
    });
    const dir = join(parent, meta.ulid);
    const seg = join(dir, "chunks", "000001");
    const bytes = readFileSync(seg);
    bytes[100] ^= 0x40;
    writeFileSync(seg, bytes);
    const b = openBlock(dir);
    const sel = b.select(ALL, START, END);
    expect(() => {
      for (const s of sel) s.samples(START, END);
    }).toThrow(
      expect.objectContaining({
        code: "RD_BLOCK_CORRUPT",
        message: expect.stringMatching(/000001: bad chunk checksum at offset \d+$/),
      }),
    );
  });

  it("names the block and chunk when chunk bytes do not decode", async () => {
    // A chunk with a valid checksum that claims 5 samples and holds none.
    const labels = labelsFromRecord({ __name__: "x" });
    const bad = { mint: 1, maxt: 5, data: Uint8Array.of(0, 5) };
    const meta = await writeBlock(parent, {
      minTime: 0,
      maxTime: 10,
      series: [{ labels, chunks: [bad] }],
    });
    const dir = join(parent, meta.ulid);
    const [s] = openBlock(dir).select(ALL, 0, 10);
    expect(() => s.samples(0, 10)).toThrow(
      expect.objectContaining({
        code: "RD_BLOCK_CORRUPT",
        message: expect.stringContaining(`${join(dir, "chunks")}: chunk ref ${s.chunks[0].ref}:`),
      }),
    );
  });

  it("names meta.json when it is bad", async () => {
    const meta = await writeBlock(parent, {
      minTime: START,
      maxTime: END,
      series: toInput(series),
    });
    const dir = join(parent, meta.ulid);
    writeFileSync(join(dir, "meta.json"), JSON.stringify({ ...meta, version: 7 }));
    expect(() => Block.open(dir)).toThrow(
      expect.objectContaining({
        code: "RD_BLOCK_CORRUPT",
        message: `${join(dir, "meta.json")}: bad field version: got 7; want 1`,
      }),
    );
  });
});
