import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { crc32c } from "../../lib/crc32c.js";
import { CHUNK_SIZE } from "./chunk-reader.js";
import { WalCorruptionError } from "./errors.js";
import { decodeRecord } from "./record-decode.js";
import { type DecodedRecord, encodeSamplesRecord } from "./records.js";
import { frameOffsets, makeTmp, recordKey, removeTmp } from "./testdata/fixtures.js";
import { Wal } from "./wal.js";

// Record sizes in samples (about 11 bytes each): a scrape commit, records
// larger than the reader's 1 MiB headroom, and one larger than a read chunk.
const SIZES = [10_000, 10_000, 3, 150_000, 10_000, 500_000, 7, 10_000, 150_000, 10_000];
const ROUNDS = 3;

let dir: string;
let records: Uint8Array[];

function samplesRecord(n: number, seed: number): Uint8Array {
  const refs = new Uint32Array(n);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    refs[i] = (seed * 7919 + i) % 1_000_000;
    ts[i] = 1_700_000_000_000 + seed * 10_000 + (i % 97);
    vs[i] = seed + i / 4;
  }
  return encodeSamplesRecord(refs, ts, vs, n);
}

/** A short digest of a decoded record (recordKey's text would be megabytes here). */
function digest(rec: DecodedRecord): string {
  if (rec.type !== "samples") return recordKey(rec);
  const bytes = (a: Uint32Array | Float64Array) =>
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return `${rec.length}:${crc32c(bytes(rec.refs))}:${crc32c(bytes(rec.ts))}:${crc32c(bytes(rec.vs))}`;
}

function keyOf(rec: Uint8Array): string {
  return digest(decodeRecord(rec[0], rec.subarray(1)));
}

async function replayDigests(): Promise<{ keys: string[]; tornTailsRepaired: number }> {
  const wal = await Wal.open({ dir, fsync: "never" });
  try {
    const keys: string[] = [];
    const stats = await wal.replay((rec) => keys.push(digest(rec)));
    return { keys, tornTailsRepaired: stats.tornTailsRepaired };
  } finally {
    await wal.close();
  }
}

beforeEach(async () => {
  dir = await makeTmp();
  records = [];
  for (let round = 0; round < ROUNDS; round++) {
    SIZES.forEach((n, k) => {
      records.push(samplesRecord(n, round * SIZES.length + k));
    });
  }
  const wal = await Wal.open({ dir, fsync: "never", segmentSize: 64 * 1024 * 1024 });
  await wal.log(records);
  await wal.close();
});
afterEach(async () => {
  await removeTmp(dir);
});

async function onlySegment(): Promise<{ path: string; bytes: Buffer; frames: number[] }> {
  const names = (await readdir(dir)).filter((n) => /^\d{8}$/.test(n));
  expect(names).toHaveLength(1);
  const path = join(dir, names[0]);
  const bytes = await readFile(path);
  return { path, bytes, frames: frameOffsets(bytes) };
}

describe("segments larger than the read chunk", () => {
  it("replays every record, including those that cross chunks or exceed one", async () => {
    const { bytes } = await onlySegment();
    expect(bytes.length).toBeGreaterThan(4 * CHUNK_SIZE);
    const { keys, tornTailsRepaired } = await replayDigests();
    expect(tornTailsRepaired).toBe(0);
    expect(keys).toEqual(records.map(keyOf));
  });

  it("cuts a torn tail found many chunks into the segment", async () => {
    const { path, bytes, frames } = await onlySegment();
    await writeFile(path, bytes.subarray(0, frames.at(-1)! + 100_000));
    const { keys, tornTailsRepaired } = await replayDigests();
    expect(tornTailsRepaired).toBe(1);
    expect(keys).toEqual(records.slice(0, -1).map(keyOf));
  });

  it("reports damage deep in the segment at its frame's offset", async () => {
    const { path, bytes, frames } = await onlySegment();
    // A small frame: the search for a valid frame after it then ends at once.
    const k = frames.findIndex((f, j) => f > 2 * CHUNK_SIZE && frames[j + 1] - f < 1000);
    const damaged = Buffer.from(bytes);
    damaged[frames[k] + 20] ^= 0x01;
    await writeFile(path, damaged);
    const err = await replayDigests().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WalCorruptionError);
    expect(err).toMatchObject({ path, offset: frames[k] });
  });
});
