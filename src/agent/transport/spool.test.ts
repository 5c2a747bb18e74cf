import { readdir, readFile, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isReddotError } from "../../lib/errors.js";
import { Spool } from "./spool.js";
import { decodeSpoolFile, encodeSpoolFile } from "./spool-format.js";
import { batchFor, makeTmp, removeTmp } from "./testdata/fixtures.js";

let dir: string;
const warnings: string[] = [];
const warn = (m: string): void => {
  warnings.push(m);
};
beforeEach(async () => {
  dir = await makeTmp();
  warnings.length = 0;
});
afterEach(async () => {
  await removeTmp(dir);
});

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Peeks and acks everything, returning the payloads in order. */
async function drain(spool: Spool): Promise<string[]> {
  const out: string[] = [];
  for (let b = await spool.peek(); b !== undefined; b = await spool.peek()) {
    out.push(text(b.data));
    await spool.ack(b.id);
  }
  return out;
}

describe("spool file format", () => {
  it("decodes a file written by hand from docs/formats/agent-spool.md", () => {
    // "hi": magic RDSP, version 1, 3 zero bytes, length 2 (LE), CRC-32C("hi") (LE), payload.
    const crc = 0xf59dd9c2; // CRC-32C of "hi", computed bit by bit outside this code base
    const file = Uint8Array.of(
      0x52,
      0x44,
      0x53,
      0x50,
      1,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      crc & 0xff,
      (crc >>> 8) & 0xff,
      (crc >>> 16) & 0xff,
      crc >>> 24,
      0x68,
      0x69,
    );
    expect(encodeSpoolFile(new TextEncoder().encode("hi"))).toEqual(file);
    const dec = decodeSpoolFile(file);
    expect("payload" in dec && text(dec.payload)).toBe("hi");
  });

  it("names what is wrong with a bad file", () => {
    const good = encodeSpoolFile(new TextEncoder().encode("hello"));
    expect(decodeSpoolFile(good.subarray(0, 10))).toEqual({
      problem: expect.stringContaining("header"),
    });
    expect(decodeSpoolFile(good.subarray(0, 19))).toEqual({
      problem: expect.stringContaining("torn"),
    });
    const flipped = good.slice();
    flipped[17] ^= 1;
    expect(decodeSpoolFile(flipped)).toEqual({ problem: expect.stringContaining("CRC-32C") });
    const v2 = good.slice();
    v2[4] = 2;
    expect(decodeSpoolFile(v2)).toEqual({ problem: "format version 2; want 1" });
  });
});

describe("Spool", () => {
  it("keeps batches in order, byte for byte, across close and reopen", async () => {
    const a = await Spool.open(dir, { maxBytes: 1 << 20, warn });
    for (let i = 0; i < 20; i++) await a.append(batchFor(i));
    await a.close();
    const b = await Spool.open(dir, { maxBytes: 1 << 20, warn });
    expect(b.stats()).toMatchObject({ files: 20, dropped: 0, corrupt: 0 });
    const first = await b.peek();
    expect(first?.data).toEqual(batchFor(0));
    // Peek does not consume.
    expect((await b.peek())?.id).toBe(first?.id);
    expect(await drain(b)).toEqual(Array.from({ length: 20 }, (_, i) => text(batchFor(i))));
    expect(b.stats()).toMatchObject({ files: 0, bytes: 0 });
  });

  it("continues the sequence after a restart so names keep sorting in append order", async () => {
    const a = await Spool.open(dir, { maxBytes: 1 << 20, warn });
    for (let i = 0; i < 3; i++) await a.append(batchFor(i));
    const head = await a.peek();
    await a.ack(head?.id ?? "");
    await a.close();
    const b = await Spool.open(dir, { maxBytes: 1 << 20, warn });
    await b.append(batchFor(3));
    const names = (await readdir(dir)).sort();
    expect(names).toEqual([
      "0000000000000002.batch",
      "0000000000000003.batch",
      "0000000000000004.batch",
    ]);
    expect(await drain(b)).toEqual([1, 2, 3].map((i) => text(batchFor(i))));
  });

  it("moves a torn file aside at open and still delivers the next one", async () => {
    const a = await Spool.open(dir, { maxBytes: 1 << 20, warn });
    for (let i = 0; i < 3; i++) await a.append(batchFor(i + 100));
    await a.close();
    const torn = join(dir, "0000000000000002.batch");
    await truncate(torn, (await stat(torn)).size - 5);
    // A tmp file left by a crash mid-append is deleted, never delivered.
    await writeFile(join(dir, "0000000000000004.batch.tmp"), "partial");
    const b = await Spool.open(dir, { maxBytes: 1 << 20, warn });
    expect(b.stats()).toMatchObject({ files: 2, corrupt: 1 });
    expect(warnings).toEqual([expect.stringContaining("0000000000000002.batch moved aside")]);
    expect(await drain(b)).toEqual([text(batchFor(100)), text(batchFor(102))]);
    expect((await readdir(dir)).sort()).toEqual(["0000000000000002.batch.corrupt"]);
    // The next append does not reuse a number seen at open (the tmp file's 4).
    await b.append(batchFor(1));
    expect((await b.peek())?.id).toBe("0000000000000005");
  });

  it("detects a file corrupted after open at peek, moves it aside, and goes on", async () => {
    const s = await Spool.open(dir, { maxBytes: 1 << 20, warn });
    for (let i = 0; i < 3; i++) await s.append(batchFor(i));
    const path = join(dir, "0000000000000001.batch");
    const bytes = await readFile(path);
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(path, bytes);
    expect(await drain(s)).toEqual([text(batchFor(1)), text(batchFor(2))]);
    expect(s.stats()).toMatchObject({ corrupt: 1, files: 0 });
    expect(warnings[0]).toContain("CRC-32C");
    expect(await readdir(dir)).toEqual(["0000000000000001.batch.corrupt"]);
  });

  it("drops the oldest batches past maxBytes and counts them", async () => {
    const payload = new Uint8Array(84); // 100 bytes per file with the header
    const s = await Spool.open(dir, { maxBytes: 1000, warn });
    for (let i = 0; i < 15; i++) {
      payload[0] = i;
      await s.append(payload);
    }
    expect(s.stats()).toMatchObject({ files: 10, bytes: 1000, dropped: 5 });
    const first = await s.peek();
    expect(first?.data[0]).toBe(5);
    expect((await readdir(dir)).length).toBe(10);
    // The bound holds across a reopen with a smaller bound, too.
    await s.close();
    const t = await Spool.open(dir, { maxBytes: 350, warn });
    expect(t.stats()).toMatchObject({ files: 3, dropped: 7 });
    expect((await t.peek())?.data[0]).toBe(12);
  });

  it("keeps only the 32 newest aside files", async () => {
    for (let i = 1; i <= 40; i++) {
      await writeFile(join(dir, `${i.toString(16).padStart(16, "0")}.batch`), "not a spool file");
    }
    const s = await Spool.open(dir, { maxBytes: 1 << 20, warn });
    expect(s.stats()).toMatchObject({ files: 0, corrupt: 40 });
    const names = (await readdir(dir)).sort();
    expect(names.length).toBe(32);
    expect(names[0]).toBe("0000000000000009.batch.corrupt");
    await s.append(batchFor(0));
    expect((await s.peek())?.id).toBe("0000000000000029");
  });

  it("drops the oldest past maxFiles", async () => {
    const s = await Spool.open(dir, { maxBytes: 1 << 20, maxFiles: 4, warn });
    for (let i = 0; i < 6; i++) await s.append(batchFor(i));
    expect(s.stats()).toMatchObject({ files: 4, dropped: 2 });
    expect(await drain(s)).toEqual([2, 3, 4, 5].map((i) => text(batchFor(i))));
  });

  it("refuses a batch larger than the whole bound, with a stable code", async () => {
    const s = await Spool.open(dir, { maxBytes: 100, warn });
    const err = await s.append(new Uint8Array(200)).catch((e: unknown) => e);
    expect(isReddotError(err) && err.code).toBe("RD_AGENT_BATCH_TOO_LARGE");
    expect(s.stats().files).toBe(0);
  });

  it("rejects bad options", async () => {
    const err = await Spool.open(dir, { maxBytes: 0 }).catch((e: unknown) => e);
    expect(isReddotError(err) && err.code).toBe("RD_AGENT_SPOOL_OPTIONS");
  });

  it("keeps order under interleaved, concurrent appends and acks", async () => {
    const s = await Spool.open(dir, { maxBytes: 1 << 22, warn });
    const got: string[] = [];
    let appended = 0;
    // A consumer acking while several producers append without awaiting each other.
    const consumer = (async () => {
      while (got.length < 200) {
        const b = await s.peek();
        if (b === undefined) {
          await new Promise((r) => setImmediate(r));
          continue;
        }
        got.push(text(b.data));
        await s.ack(b.id);
      }
    })();
    for (let round = 0; round < 20; round++) {
      const calls: Promise<void>[] = [];
      for (let k = 0; k < 10; k++) calls.push(s.append(batchFor(appended++)));
      await Promise.all(calls);
    }
    await consumer;
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => text(batchFor(i))));
    expect(s.stats()).toMatchObject({ files: 0, dropped: 0 });
  });

  it("ignores an ack of a batch already dropped by the bound", async () => {
    const s = await Spool.open(dir, { maxBytes: 1 << 20, maxFiles: 1, warn });
    await s.append(batchFor(0));
    const b = await s.peek();
    await s.append(batchFor(1));
    await s.ack(b?.id ?? "");
    expect(s.stats()).toMatchObject({ files: 1, dropped: 1 });
    expect((await s.peek())?.data).toEqual(batchFor(1));
  });
});
