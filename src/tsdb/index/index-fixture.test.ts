import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crc32c } from "../../lib/crc32c.js";
import { labelsFromRecord } from "../labels.js";
import { IndexReader } from "./index-reader.js";
import { writeIndex } from "./index-writer.js";
import { newMatcher } from "./matcher.js";

const dir = mkdtempSync(join(tmpdir(), "reddot-index-fixture-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const u64 = (v: number) => [...u32(v), 0, 0, 0, 0];
/** Section framing from the format doc: len u32 LE, payload, crc32c u32 LE. */
const section = (payload: number[]) => [
  ...u32(payload.length),
  ...payload,
  ...u32(crc32c(Uint8Array.from(payload))),
];

/**
 * The example of docs/formats/index.md, byte by byte:
 * {__name__="up", job="a"}: chunk (1000, 2000, ref 8)
 * {__name__="up", job="b"}: chunks (1000, 1500, ref 8), (1600, 3000, ref 2^32 + 16)
 * Symbols: __name__=0, a=1, b=2, job=3, up=4.
 */
function fixtureBytes(): Uint8Array {
  const header = [...ascii("RDIX"), 1, 0, 0, 0];
  const symbols = section([
    5,
    ...[8, ...ascii("__name__")],
    ...[1, ...ascii("a")],
    ...[1, ...ascii("b")],
    ...[3, ...ascii("job")],
    ...[2, ...ascii("up")],
  ]);
  const series0 = [
    ...[2, 0, 4, 3, 1], // 2 labels: __name__=up, job=a
    1, // 1 chunk
    ...[0xd0, 0x0f], // mint 1000, zigzag 2000
    ...[0xe8, 0x07], // maxt - mint = 1000
    8, // ref 8
  ];
  const series1 = [
    ...[2, 0, 4, 3, 2], // __name__=up, job=b
    2, // 2 chunks
    ...[0xd0, 0x0f, 0xf4, 0x03, 8], // mint 1000, maxt - mint 500, ref 8
    ...[0xc8, 0x01], // mint - previous maxt = 100, zigzag 200
    ...[0xf8, 0x0a], // maxt - mint = 1400
    ...[0x90, 0x80, 0x80, 0x80, 0x20], // ref delta 2^32 + 8, zigzag 2^33 + 16
  ];
  const series = section([2, series0.length, ...series0, series1.length, ...series1]);
  const postings = section([
    ...[...u32(2), ...u32(0), ...u32(1)], // __name__=up → 0, 1 (offset 0)
    ...[...u32(1), ...u32(0)], // job=a → 0 (offset 12)
    ...[...u32(1), ...u32(1)], // job=b → 1 (offset 20)
  ]);
  const labelValues = section([2, ...[0, 1, 4], ...[3, 2, 1, 1]]);
  const postingsOffsets = section([3, ...[0, 4, 0], ...[3, 1, 12], ...[3, 2, 20]]);

  const out: number[] = [...header];
  const toc: number[] = [];
  for (const s of [symbols, series, postings, labelValues, postingsOffsets]) {
    while (out.length % 4 !== 0) out.push(0);
    toc.push(out.length);
    out.push(...s);
  }
  const tocBytes = toc.flatMap(u64);
  out.push(...tocBytes, ...u32(crc32c(Uint8Array.from(tocBytes))));
  return Uint8Array.from(out);
}

const fixtureSeries = [
  {
    labels: labelsFromRecord({ __name__: "up", job: "a" }),
    chunks: [{ mint: 1000, maxt: 2000, ref: 8 }],
  },
  {
    labels: labelsFromRecord({ __name__: "up", job: "b" }),
    chunks: [
      { mint: 1000, maxt: 1500, ref: 8 },
      { mint: 1600, maxt: 3000, ref: 2 ** 32 + 16 },
    ],
  },
];

describe("index format fixture (docs/formats/index.md)", () => {
  it("has the layout the doc describes", () => {
    const b = fixtureBytes();
    expect(b.length).toBe(198);
    // TOC: section offsets after alignment padding.
    const toc = Array.from({ length: 5 }, (_, i) => b[198 - 44 + i * 8]);
    expect(toc).toEqual([8, 40, 84, 120, 136]);
  });

  it("is what writeIndex produces", async () => {
    const path = join(dir, "written");
    await writeIndex(path, fixtureSeries);
    expect([...readFileSync(path)]).toEqual([...fixtureBytes()]);
  });

  it("is read by IndexReader", () => {
    const path = join(dir, "fixture");
    writeFileSync(path, fixtureBytes());
    const r = IndexReader.open(path);
    expect(r.seriesCount).toBe(2);
    expect(r.labels(0)).toEqual(fixtureSeries[0].labels);
    expect(r.labels(1)).toEqual(fixtureSeries[1].labels);
    expect(r.chunks(0)).toEqual(fixtureSeries[0].chunks);
    expect(r.chunks(1)).toEqual(fixtureSeries[1].chunks);
    expect(r.labelNames()).toEqual(["__name__", "job"]);
    expect(r.labelValues("job")).toEqual(["a", "b"]);
    expect([...r.select([newMatcher("=", "job", "b")])]).toEqual([1]);
    expect([...r.select([newMatcher("=~", "__name__", "u.*")])]).toEqual([0, 1]);
    r.close();
  });
});
