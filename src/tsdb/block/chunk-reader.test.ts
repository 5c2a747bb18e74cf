import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { crc32c } from "../../lib/crc32c.js";
import {
  CHUNK_FILE_HEADER_BYTES,
  CHUNK_FILE_MAGIC,
  CHUNK_FILE_VERSION,
  chunkRef,
} from "./chunk-format.js";
import { ChunkReader } from "./chunk-reader.js";
import { ChunkWriter } from "./chunk-writer.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "reddot-chunks-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 7) & 0xff;
  return out;
}

describe("chunk files", () => {
  it("reads back what was written, across sizes", async () => {
    const w = await ChunkWriter.create(dir);
    const sizes = [0, 1, 127, 128, 300, 511, 512, 4000, 70_000, (1 << 20) + 17];
    const refs = sizes.map((n, i) => w.append(i % 3, bytes(n, i)));
    await w.finish();
    expect(refs[0]).toBe(chunkRef(1, CHUNK_FILE_HEADER_BYTES));
    const r = ChunkReader.open(dir);
    sizes.forEach((n, i) => {
      const c = r.read(refs[i]);
      expect(c.encoding).toBe(i % 3);
      // Compared as buffers: a deep equal over a 1 MiB array is needlessly slow.
      expect(Buffer.compare(c.data, bytes(n, i))).toBe(0);
    });
    r.close();
  });

  it("reads runs of chunks in batches, across segments and long chunks", async () => {
    const w = await ChunkWriter.create(dir, 20_000);
    const sizes = Array.from({ length: 200 }, (_, i) => (i % 17 === 0 ? 3000 : 150 + (i % 7)));
    const refs = sizes.map((n, i) => w.append(1, bytes(n, i)));
    await w.finish();
    expect(w.segments).toBeGreaterThan(2);
    const r = ChunkReader.open(dir);
    const got = r.readMany(refs);
    got.forEach((c, i) => {
      expect(c.data).toEqual(bytes(sizes[i], i));
    });
    // Out of order and repeated refs still come back in the order asked.
    const picks = [refs[5], refs[3], refs[150], refs[150], refs[0]];
    expect(r.readMany(picks).map((c) => c.data)).toEqual([
      bytes(sizes[5], 5),
      bytes(sizes[3], 3),
      bytes(sizes[150], 150),
      bytes(sizes[150], 150),
      bytes(sizes[0], 0),
    ]);
    r.close();
  });

  it("cuts segments at the size limit", async () => {
    const w = await ChunkWriter.create(dir, 1000);
    const refs: number[] = [];
    for (let i = 0; i < 20; i++) refs.push(w.append(1, bytes(200, i)));
    expect(w.segments).toBeGreaterThan(1);
    await w.finish();
    const r = ChunkReader.open(dir);
    const segs = new Set(refs.map((ref) => Math.floor(ref / 2 ** 32)));
    expect(segs.size).toBe(w.segments);
    refs.forEach((ref, i) => {
      expect(r.read(ref).data).toEqual(bytes(200, i));
    });
    expect(r.sizeBytes).toBeLessThanOrEqual(1000 * segs.size);
    r.close();
  });

  it("decodes a segment written by hand from the documented layout", () => {
    // Header, then one chunk: len=3, encoding=1, data 0a 0b 0c, crc32c(01 0a 0b 0c) BE.
    const body = Uint8Array.of(1, 0x0a, 0x0b, 0x0c);
    const file = Buffer.alloc(8 + 1 + 4 + 4);
    file.writeUInt32BE(0x5244434b, 0);
    file[4] = 1;
    file[8] = 3;
    file.set(body, 9);
    file.writeUInt32BE(crc32c(body), 13);
    writeFileSync(join(dir, "000001"), file);
    expect(CHUNK_FILE_MAGIC).toBe(0x5244434b);
    expect(CHUNK_FILE_VERSION).toBe(1);
    const r = ChunkReader.open(dir);
    const c = r.read(chunkRef(1, 8));
    expect(c.encoding).toBe(1);
    expect([...c.data]).toEqual([0x0a, 0x0b, 0x0c]);
    r.close();
  });

  it("reports a flipped byte as RD_BLOCK_CORRUPT with file and offset", async () => {
    const w = await ChunkWriter.create(dir);
    w.append(1, bytes(50, 1));
    const ref = w.append(1, bytes(50, 2));
    await w.finish();
    const path = join(dir, "000001");
    const file = readFileSync(path);
    const offset = ref % 2 ** 32;
    file[offset + 10] ^= 0x01;
    writeFileSync(path, file);
    const r = ChunkReader.open(dir);
    expect(r.read(chunkRef(1, 8)).data).toEqual(bytes(50, 1));
    expect(() => r.read(ref)).toThrow(
      expect.objectContaining({
        code: "RD_BLOCK_CORRUPT",
        message: `${path}: bad chunk checksum at offset ${offset}`,
      }),
    );
    r.close();
  });

  it("rejects bad headers, bad refs and truncated chunks", async () => {
    const w = await ChunkWriter.create(dir);
    const ref = w.append(1, bytes(100, 1));
    await w.finish();
    const path = join(dir, "000001");
    const good = readFileSync(path);

    let r = ChunkReader.open(dir);
    expect(() => r.read(chunkRef(2, 8))).toThrow(/names segment 2/);
    expect(() => r.read(chunkRef(1, 4))).toThrow(/outside the file/);
    r.close();

    writeFileSync(path, good.subarray(0, good.length - 3));
    r = ChunkReader.open(dir);
    expect(() => r.read(ref)).toThrow(/runs past the end/);
    r.close();

    const badVersion = Buffer.from(good);
    badVersion[4] = 9;
    writeFileSync(path, badVersion);
    expect(() => ChunkReader.open(dir)).toThrow(/unsupported chunk file version 9, want 1/);

    const badMagic = Buffer.from(good);
    badMagic[0] = 0;
    writeFileSync(path, badMagic);
    expect(() => ChunkReader.open(dir)).toThrow(
      expect.objectContaining({
        code: "RD_BLOCK_CORRUPT",
        message: expect.stringMatching(/bad magic/),
      }),
    );

    writeFileSync(path, good);
    writeFileSync(join(dir, "000003"), good);
    expect(() => ChunkReader.open(dir)).toThrow(/out of sequence, want 000002/);
  });
});
