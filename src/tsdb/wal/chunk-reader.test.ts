import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prng, randInt } from "../../lib/prng.js";
import { CHUNK_SIZE, ChunkReader } from "./chunk-reader.js";
import { makeTmp, removeTmp } from "./testdata/fixtures.js";

/** Deterministic pseudo-random bytes, so a failure reproduces. */
function randomBytes(n: number, seed: number): Uint8Array {
  const rand = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = randInt(rand, 256);
  return out;
}

let dir: string;
beforeEach(async () => {
  dir = await makeTmp();
});
afterEach(async () => {
  await removeTmp(dir);
});

/** Opens `data` as a file and runs `body` on a reader over it. */
async function withReader(
  data: Uint8Array,
  body: (r: ChunkReader) => Promise<void>,
): Promise<void> {
  const path = join(dir, "f");
  await writeFile(path, data);
  const fh = await open(path, "r");
  const r = new ChunkReader(fh, path, data.length);
  try {
    await body(r);
  } finally {
    await r.settle();
    await fh.close();
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

describe("ChunkReader", () => {
  it("returns the file's bytes for forward reads of every size across chunk boundaries", async () => {
    const data = randomBytes(3 * CHUNK_SIZE + 12_345, 1);
    // Sizes: tiny, a 10k-sample record, past the read-ahead headroom (1 MiB), past a chunk.
    const sizes = [9, 120_000, 1_500_000, CHUNK_SIZE + 4321, 1];
    await withReader(data, async (r) => {
      let pos = 0;
      let k = 0;
      while (pos < data.length) {
        const n = Math.min(sizes[k++ % sizes.length], data.length - pos);
        const i = await r.at(pos, n);
        expect(same(r.buf.subarray(i, i + n), data.subarray(pos, pos + n))).toBe(true);
        // Re-reading the tail of what was loaded, as the frame check does, needs no I/O.
        expect(r.has(pos + n - 1, 1)).toBe(true);
        // Step forward by less than n sometimes, so the next window keeps loaded bytes.
        pos += k % 3 === 0 ? Math.max(1, n >>> 1) : n;
      }
    });
  });

  it("reads a whole file frame by frame (small steps) through read-ahead buffer switches", async () => {
    const data = randomBytes(2 * CHUNK_SIZE + 777, 2);
    await withReader(data, async (r) => {
      const got = new Uint8Array(data.length);
      for (let pos = 0; pos < data.length; ) {
        const n = Math.min(1 + ((pos * 7919) % 70_000), data.length - pos);
        const i = r.has(pos, n) ? pos - r.start : await r.at(pos, n);
        got.set(r.buf.subarray(i, i + n), pos);
        pos += n;
      }
      expect(same(got, data)).toBe(true);
    });
  });

  it("allZero looks at every byte to the end", async () => {
    const data = new Uint8Array(CHUNK_SIZE + 100);
    await withReader(data, async (r) => {
      expect(await r.allZero(0)).toBe(true);
    });
    data[data.length - 1] = 1;
    await withReader(data, async (r) => {
      expect(await r.allZero(0)).toBe(false);
      expect(await r.allZero(data.length)).toBe(true);
    });
  });
});
