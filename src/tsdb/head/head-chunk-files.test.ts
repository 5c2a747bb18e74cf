import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { crc32c } from "../../lib/crc32c.js";
import { isStaleNaN, STALE_NAN } from "../sample.js";
import { HEAD_CHUNK_HEADER, HeadChunkFiles } from "./head-chunk-files.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(segmentBytes?: number): HeadChunkFiles {
  const dir = mkdtempSync(join(tmpdir(), "reddot-hcf-"));
  dirs.push(dir);
  return HeadChunkFiles.open(join(dir, "chunks_head"), segmentBytes).files;
}

const bytes = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe("HeadChunkFiles", () => {
  it("reads back chunks from the write buffer and from the files", () => {
    const f = open();
    const a = bytes(100, 1);
    const refA = f.write(7, 1000, 2000, 0.5, a);
    expect(f.read(refA, a.length)).toEqual(a); // still buffered
    f.flush();
    expect(f.read(refA, a.length)).toEqual(a); // from the file
    const b = bytes(3000, 2);
    const refB = f.write(8, 2000, 3000, 0.5, b);
    expect(f.read(refB, b.length)).toEqual(b);
    expect(f.read(refA, a.length)).toEqual(a);
    f.close();
  });

  it("writes the documented layout: header, data, crc32c", () => {
    const f = open();
    const data = bytes(10, 3);
    f.write(0x01020304, 1500, 2500, 7.25, data);
    f.flush();
    const file = readFileSync(join(f.dir, "00000001"));
    expect(file.readUInt32BE(0)).toBe(0x52444843); // "RDHC"
    expect(file.readUInt32LE(4)).toBe(1);
    expect(file.readUInt32LE(8)).toBe(0x01020304);
    expect(file.readDoubleLE(12)).toBe(1500);
    expect(file.readDoubleLE(20)).toBe(2500);
    expect(file.readDoubleLE(28)).toBe(7.25);
    expect(file.readUInt32LE(36)).toBe(10);
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
      refs.push([f.write(i, i * 1000, i * 1000 + 999, i, d), d]);
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

  it("reads back the chunks of an earlier run, per series in write order", () => {
    const f = open(4096);
    const written = new Map<number, Uint8Array[]>();
    for (let i = 0; i < 30; i++) {
      const d = bytes(300 + i, i);
      f.write(i % 3, i * 1000, i * 1000 + 999, i === 29 ? STALE_NAN : i, d);
      written.set(i % 3, [...(written.get(i % 3) ?? []), d]);
    }
    f.flush();
    f.close();
    const { files, recovered } = HeadChunkFiles.open(f.dir, 4096);
    expect([...recovered.keys()].sort()).toEqual([0, 1, 2]);
    // The last chunk of series 2 ended on a stale marker: its bits survive.
    expect(isStaleNaN(recovered.get(2)!.lastValue[0])).toBe(true);
    expect(recovered.get(0)!.lastValue[0]).toBe(27);
    for (const [id, { chunks: quads }] of recovered) {
      const want = written.get(id)!;
      expect(quads.length / 4).toBe(want.length);
      for (let k = 0; k < want.length; k++) {
        expect(quads[k * 4 + 1] - quads[k * 4]).toBe(999);
        expect(files.read(quads[k * 4 + 2], quads[k * 4 + 3])).toEqual(want[k]);
      }
    }
    // New chunks go to a new segment after the old ones.
    const ref = files.write(9, 50_000, 51_000, 1, bytes(10, 9));
    expect(files.read(ref, 10)).toEqual(bytes(10, 9));
    files.close();
  });

  it("stops at the first damaged chunk and drops everything written after it", () => {
    const f = open(4096);
    for (let i = 0; i < 30; i++) f.write(i, i, i, i, bytes(500, i));
    f.flush();
    f.close();
    const names = f.listFiles();
    expect(names.length).toBeGreaterThan(3);
    // Flip a byte inside the first chunk of the second segment.
    const second = join(f.dir, names[1]);
    const buf = readFileSync(second);
    buf[8 + HEAD_CHUNK_HEADER + 3] ^= 0xff;
    writeFileSync(second, buf);
    const { files, recovered } = HeadChunkFiles.open(f.dir, 4096);
    const ids = [...recovered.keys()].sort((a, b) => a - b);
    // Only the chunks of the first segment survive: a prefix of the writes.
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(30);
    expect(files.listFiles().length).toBe(3); // first, truncated second, new one
    files.close();
  });

  it("cuts a torn tail and keeps every whole chunk before it", () => {
    const f = open();
    for (let i = 0; i < 5; i++) f.write(i, i, i, i, bytes(100, i));
    f.flush();
    f.close();
    const path = join(f.dir, "00000001");
    const buf = readFileSync(path);
    writeFileSync(path, buf.subarray(0, buf.length - 7));
    const { files, recovered } = HeadChunkFiles.open(f.dir);
    expect([...recovered.keys()].sort()).toEqual([0, 1, 2, 3]);
    files.close();
  });
});
