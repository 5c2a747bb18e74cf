import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BlockMeta, META_VERSION, readMeta, writeMeta } from "./meta.js";
import { newUlid } from "./ulid.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "reddot-meta-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ulid = newUlid(1_700_000_000_000);
const meta: BlockMeta = {
  ulid,
  minTime: 0,
  maxTime: 7_200_000,
  stats: { numSeries: 2, numSamples: 240, numChunks: 2 },
  compaction: { level: 1, sources: [ulid] },
  version: META_VERSION,
};

describe("meta.json", () => {
  it("round-trips", async () => {
    await writeMeta(dir, meta);
    expect(readMeta(dir)).toEqual(meta);
  });

  it("reads a file written by hand from the documented fields", () => {
    writeFileSync(
      join(dir, "meta.json"),
      `{"ulid":"01ARYZ6S41ZZZZZZZZZZZZZZZZ","minTime":-5,"maxTime":10,
        "stats":{"numSeries":1,"numSamples":3,"numChunks":1},
        "compaction":{"level":2,"sources":["01ARYZ6S41ZZZZZZZZZZZZZZZZ"]},"version":1}`,
    );
    expect(readMeta(dir).compaction.level).toBe(2);
    expect(readMeta(dir).minTime).toBe(-5);
  });

  it("names the file and the field when invalid", () => {
    const path = join(dir, "meta.json");
    const cases: [unknown, RegExp][] = [
      [{ ...meta, version: 2 }, /bad field version: got 2; want 1/],
      [{ ...meta, ulid: "x" }, /bad field ulid: got "x"; want a ULID/],
      [{ ...meta, maxTime: 0 }, /bad field maxTime: got 0; want > minTime \(0\)/],
      [{ ...meta, minTime: 1.5 }, /bad field minTime/],
      [{ ...meta, stats: { ...meta.stats, numChunks: -1 } }, /stats\.numChunks: got -1/],
      [{ ...meta, compaction: { level: 1, sources: [] } }, /compaction\.sources/],
      [{ ...meta, compaction: { level: 0, sources: [ulid] } }, /compaction\.level/],
      [[], /bad field \(root\)/],
    ];
    for (const [raw, re] of cases) {
      writeFileSync(path, JSON.stringify(raw));
      expect(() => readMeta(dir)).toThrow(re);
      expect(() => readMeta(dir)).toThrow(expect.objectContaining({ code: "RD_BLOCK_CORRUPT" }));
      expect(() => readMeta(dir)).toThrow(path);
    }
    writeFileSync(path, "{not json");
    expect(() => readMeta(dir)).toThrow(`${path}: not valid JSON`);
    rmSync(path);
    expect(() => readMeta(dir)).toThrow(`${path}: cannot read`);
  });
});
