import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { crc32c } from "../../lib/crc32c.js";
import { HEAD_CHUNK_HEADER, HeadChunkFiles } from "./head-chunk-files.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(segmentBytes?: number): HeadChunkFiles {
  const dir = mkdtempSync(join(tmpdir(), "reddot-hcf-"));
  dirs.push(dir);
  return HeadChunkFiles.open(join(dir, "chunks_head"), segmentBytes);
}

const bytes = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe("HeadChunkFiles", () => {
  it("reads back chunks from the write buffer and from the files", () => {
    const f = open();
    const a = bytes(100, 1);
    const refA = f.write(7, 1000, 2000, a);
    expect(f.read(refA, a.length)).toEqual(a); // still buffered
    f.flush();
    expect(f.read(refA, a.length)).toEqual(a); // from the file
    const b = bytes(3000, 2);
    const refB = f.write(8, 2000, 3000, b);
    expect(f.read(refB, b.length)).toEqual(b);
    expect(f.read(refA, a.length)).toEqual(a);
    f.close();
  });

  it("writes the documented layout: header, data, crc32c", () => {
    const f = open();
    const data = bytes(10, 3);
    f.write(0x01020304, 1500, 2500, data);
    f.flush();
    const file = readFileSync(join(f.dir, "00000001"));
    expect(file.readUInt32BE(0)).toBe(0x52444843); // "RDHC"
    expect(file.readUInt32LE(4)).toBe(1);
    expect(file.readUInt32LE(8)).toBe(0x01020304);
    expect(file.readDoubleLE(12)).toBe(1500);
    expect(file.readDoubleLE(20)).toBe(2500);
    expect(file.readUInt32LE(28)).toBe(10);
    expect(
      new Uint8Array(file.subarray(8 + HEAD_CHUNK_HEADER, 8 + HEAD_CHUNK_HEADER + 10)),
    ).toEqual(data);
    expect(file.readUInt32LE(8 + HEAD_CHUNK_HEADER + 10)).toBe(
      crc32c(file, 8, 8 + HEAD_CHUNK_HEADER + 10),
    );
    expect(file.length).toBe(8 + HEAD_CHUNK_HEADER + 10 + 4);
    f.close();
  });

  it("rotates segments and deletes the ones wholly before a time", () => {
    const f = open(4096);
    const refs: [number, Uint8Array][] = [];
    for (let i = 0; i < 40; i++) {
      const d = bytes(500, i);
      refs.push([f.write(i, i * 1000, i * 1000 + 999, d), d]);
    }
    f.flush();
    const before = f.listFiles().length;
    expect(before).toBeGreaterThan(4);
    // Chunks ending before 20,000 ms are in blocks now.
    const removed = f.truncateBefore(20_000);
    expect(removed).toBeGreaterThan(0);
    expect(f.listFiles().length).toBe(before - removed);
    for (let i = 20; i < 40; i++) expect(f.read(refs[i][0], 500)).toEqual(refs[i][1]);
    f.close();
  });

  it("starts empty: files of an earlier run are a cache of the WAL and are removed", () => {
    const f = open();
    f.write(1, 0, 1, bytes(10, 0));
    f.flush();
    f.close();
    writeFileSync(join(f.dir, "00000009"), "stale");
    const again = HeadChunkFiles.open(f.dir);
    expect(again.listFiles()).toEqual(["00000001"]);
    again.close();
  });
});
