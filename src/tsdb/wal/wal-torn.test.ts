import { readdir, readFile, stat, truncate, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isWalCorruptionError, WalCorruptionError } from "./errors.js";
import {
  expectedKeys,
  frameOffsets,
  makeRecord,
  makeTmp,
  removeTmp,
  replayAll,
} from "./testdata/fixtures.js";
import { Wal } from "./wal.js";

const RECORDS = 60;
let dir: string;

beforeEach(async () => {
  dir = await makeTmp();
  const wal = await Wal.open({ dir, fsync: "never", segmentSize: 1024 });
  for (let i = 0; i < RECORDS; i++) await wal.log([makeRecord(i)]);
  await wal.close();
});
afterEach(async () => {
  await removeTmp(dir);
});

async function segments(): Promise<string[]> {
  return (await readdir(dir)).filter((n) => /^\d{8}$/.test(n)).sort();
}

async function lastSegment(): Promise<{ path: string; bytes: Buffer; frames: number[] }> {
  const path = join(dir, (await segments()).at(-1)!);
  const bytes = await readFile(path);
  return { path, bytes, frames: frameOffsets(bytes) };
}

/** Deterministic garbage (xorshift), never a valid frame by construction of the odds. */
function garbage(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function expectCorruption(path: string, offset: number): Promise<void> {
  const err = await replayAll(dir).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WalCorruptionError);
  if (!isWalCorruptionError(err)) return;
  expect(err.code).toBe("RD_WAL_CORRUPT");
  expect(err.status).toBe(500);
  expect(err.path).toBe(path);
  expect(err.offset).toBe(offset);
  expect(err.message).toContain(`${path} at offset ${offset}`);
}

describe("torn tails", () => {
  it("cuts the last record back at every byte offset inside it", async () => {
    const { path, bytes, frames } = await lastSegment();
    const start = frames.at(-1)!;
    expect(start + 9 + 1).toBeLessThan(bytes.length);
    for (let cut = start; cut < bytes.length; cut++) {
      await writeFile(path, bytes.subarray(0, cut));
      const { keys, tornTailsRepaired } = await replayAll(dir);
      expect(keys).toEqual(expectedKeys(0, RECORDS - 1));
      expect(tornTailsRepaired).toBe(cut === start ? 0 : 1);
      expect((await stat(path)).size).toBe(start);
    }
  });

  it("keeps working after a repair: open, log, replay", async () => {
    const { path, bytes, frames } = await lastSegment();
    await writeFile(path, bytes.subarray(0, frames.at(-1)! + 5));
    const wal = await Wal.open({ dir, fsync: "never", segmentSize: 1024 });
    const stats = await wal.replay(() => undefined);
    expect(stats.tornTailsRepaired).toBe(1);
    expect(wal.stats.tornTailsRepaired).toBe(1);
    await wal.log([makeRecord(RECORDS - 1), makeRecord(RECORDS)]);
    await wal.close();
    expect((await replayAll(dir)).keys).toEqual(expectedKeys(0, RECORDS + 1));
  });

  it("repairs before the first write when the caller skips replay", async () => {
    const { path, bytes, frames } = await lastSegment();
    await writeFile(path, bytes.subarray(0, frames.at(-1)! + 12));
    const wal = await Wal.open({ dir, fsync: "never", segmentSize: 1024 });
    await wal.log([makeRecord(RECORDS - 1)]);
    expect(wal.stats.tornTailsRepaired).toBe(1);
    await wal.close();
    expect((await replayAll(dir)).keys).toEqual(expectedKeys(0, RECORDS));
  });

  it("tolerates garbage or zeros over the last bytes", async () => {
    const { path, bytes, frames } = await lastSegment();
    const lastLen = bytes.length - frames.at(-1)!;
    for (const k of [1, 4, 9, 10, lastLen - 1, lastLen, lastLen + 3]) {
      for (const fill of ["zeros", "garbage"] as const) {
        const damaged = Buffer.from(bytes);
        damaged.set(fill === "zeros" ? new Uint8Array(k) : garbage(k, k * 7919), bytes.length - k);
        await writeFile(path, damaged);
        const intact = frames.filter(
          (_f, i) => (frames[i + 1] ?? bytes.length) <= bytes.length - k,
        );
        const lost = frames.length - intact.length;
        const { keys, tornTailsRepaired } = await replayAll(dir);
        expect(keys, `${fill} over the last ${k} bytes`).toEqual(expectedKeys(0, RECORDS - lost));
        expect(tornTailsRepaired).toBe(1);
        await writeFile(path, bytes);
      }
    }
  });

  it("tolerates a zero-filled extension of the last segment", async () => {
    const { path, bytes } = await lastSegment();
    await writeFile(path, Buffer.concat([bytes, new Uint8Array(10_000)]));
    const { keys, tornTailsRepaired } = await replayAll(dir);
    expect(keys).toEqual(expectedKeys(0, RECORDS));
    expect(tornTailsRepaired).toBe(1);
    expect((await stat(path)).size).toBe(bytes.length);
  });

  it("removes a last segment whose header was torn, and reuses its index", async () => {
    const names = await segments();
    const next = String(Number(names.at(-1)) + 1).padStart(8, "0");
    await writeFile(join(dir, next), Uint8Array.of(0x52, 0x44, 0x57));
    const wal = await Wal.open({ dir, fsync: "never" });
    const stats = await wal.replay(() => undefined);
    expect(stats.tornTailsRepaired).toBe(1);
    await wal.log([makeRecord(RECORDS)]);
    expect(wal.segmentRange().last).toBe(Number(next));
    await wal.close();
    expect((await replayAll(dir)).keys).toEqual(expectedKeys(0, RECORDS + 1));
  });
});

describe("corruption", () => {
  it("in the middle of a non-last segment throws with path and offset", async () => {
    const names = await segments();
    expect(names.length).toBeGreaterThan(3);
    const path = join(dir, names[1]);
    const bytes = await readFile(path);
    const frames = frameOffsets(bytes);
    const victim = frames[1];
    bytes[victim + 9 + 2] ^= 0x40;
    await writeFile(path, bytes);
    await expectCorruption(path, victim);
  });

  it("at the end of a non-last segment throws too", async () => {
    const names = await segments();
    const path = join(dir, names[0]);
    const size = (await stat(path)).size;
    await truncate(path, size - 3);
    const frames = frameOffsets(await readFile(path));
    const lastWhole = frames.at(-1)!;
    const bytes = await readFile(path);
    const len = bytes.readUInt32LE(lastWhole + 1);
    await expectCorruption(path, lastWhole + 9 + len);
  });

  it("in the last segment, followed by a valid record, throws", async () => {
    const { path, bytes, frames } = await lastSegment();
    expect(frames.length).toBeGreaterThan(2);
    bytes[frames[0] + 9] ^= 0xff;
    await writeFile(path, bytes);
    await expectCorruption(path, frames[0]);
  });

  it("a garbled frame header in the last segment, followed by a valid record, throws", async () => {
    const { path, bytes, frames } = await lastSegment();
    bytes.set(garbage(9, 42), frames[0]);
    await writeFile(path, bytes);
    await expectCorruption(path, frames[0]);
  });

  it("a missing segment throws", async () => {
    const names = await segments();
    await unlink(join(dir, names[1]));
    await expectCorruption(join(dir, names[1]), 0);
  });

  it("a bad magic throws", async () => {
    const names = await segments();
    const path = join(dir, names[0]);
    const bytes = await readFile(path);
    bytes[0] = 0x58;
    await writeFile(path, bytes);
    await expectCorruption(path, 0);
  });
});
