/**
 * Reading segment files frame by frame, with the torn-tail rule: in the last
 * segment of the WAL, bad bytes at the end that are followed by no valid frame
 * are the remains of an interrupted write; they are cut off and counted. Any
 * other bad frame is a WalCorruptionError with the file and offset.
 *
 * Reads in chunks, the next one read ahead (chunk-reader.ts; a 128 MiB segment
 * is never held whole), and hands each payload to the caller as a view into
 * the read buffer.
 */
import type { FileHandle } from "node:fs/promises";
import { open, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { crc32c } from "../../lib/crc32c.js";
import { CHUNK_SIZE, ChunkReader } from "./chunk-reader.js";
import { WalCorruptionError, walIoError } from "./errors.js";
import {
  checkSegmentHeader,
  FRAME_HEADER_SIZE,
  isKnownRecordType,
  SEGMENT_HEADER_SIZE,
} from "./format.js";
import { syncDir } from "./segment-file.js";

/** How to read one segment. */
export interface ScanOptions {
  /** The segment is the last of the WAL: repair a torn tail instead of throwing. */
  last: boolean;
  /**
   * Called for each valid frame, in file order. `payload` is a view into the
   * read buffer, valid only during the call. `offset` is the frame's start.
   */
  onFrame?: (type: number, payload: Uint8Array, offset: number) => undefined | Promise<void>;
  /** Called now and then with the bytes of this segment scanned so far. */
  onProgress?: (bytes: number) => void;
}

/** What scanning a segment found. */
export interface ScanResult {
  /** Valid frames read. */
  records: number;
  /** File size after any repair, in bytes. */
  size: number;
  /** A torn tail was cut off (or the file, holding only a torn header, was removed). */
  repaired: boolean;
  /** The file held nothing but a torn header and was deleted. */
  removed: boolean;
}

/** Reads a segment; see ScanOptions. Throws WalCorruptionError or RD_WAL_VERSION. */
export async function scanSegment(path: string, opts: ScanOptions): Promise<ScanResult> {
  let fh: FileHandle;
  try {
    // The last segment may need a truncate, hence read-write.
    fh = await open(path, opts.last ? "r+" : "r");
  } catch (e) {
    throw walIoError("open", path, e);
  }
  const r = new ChunkReader(fh, path, await statSize(fh, path));
  try {
    return await scanOpen(path, fh, r, opts);
  } finally {
    await r.settle();
    await fh.close();
  }
}

async function scanOpen(
  path: string,
  fh: FileHandle,
  r: ChunkReader,
  opts: ScanOptions,
): Promise<ScanResult> {
  const size = r.size;
  const result: ScanResult = { records: 0, size, repaired: false, removed: false };
  if (size < SEGMENT_HEADER_SIZE || (await r.allZero(0))) {
    // A crash right after creating the file: no record can be in it.
    if (!opts.last) throw new WalCorruptionError(path, 0, "segment header is missing or zeroed");
    await removeTornFile(path);
    return { records: 0, size: 0, repaired: true, removed: true };
  }
  const h = await r.at(0, SEGMENT_HEADER_SIZE);
  checkSegmentHeader(path, r.buf.subarray(h, h + SEGMENT_HEADER_SIZE));
  let pos = SEGMENT_HEADER_SIZE;
  let reported = 0;
  while (pos < size) {
    let bad = checkFrame(r, pos);
    if (bad instanceof Promise) bad = await bad;
    if (bad !== null) {
      if (!opts.last) throw new WalCorruptionError(path, pos, bad);
      const next = await findValidFrame(r, pos + 1);
      if (next >= 0) {
        throw new WalCorruptionError(path, pos, `${bad}, yet a valid record follows at ${next}`);
      }
      await truncateTorn(fh, path, pos);
      result.size = pos;
      result.repaired = true;
      break;
    }
    const i = pos - r.start;
    const len = readU32(r.buf, i + 1);
    if (opts.onFrame) {
      const payload = r.buf.subarray(i + FRAME_HEADER_SIZE, i + FRAME_HEADER_SIZE + len);
      const pending = deliver(opts.onFrame, path, r.buf[i], payload, pos);
      if (pending !== undefined) await withLocation(pending, path, pos);
    }
    result.records++;
    pos += FRAME_HEADER_SIZE + len;
    if (opts.onProgress && pos - reported >= CHUNK_SIZE) {
      opts.onProgress(pos);
      reported = pos;
    }
  }
  opts.onProgress?.(result.size);
  return result;
}

/** Calls onFrame, adding the file and frame offset to payload decoding errors. */
function deliver(
  onFrame: NonNullable<ScanOptions["onFrame"]>,
  path: string,
  type: number,
  payload: Uint8Array,
  offset: number,
): undefined | Promise<void> {
  try {
    return onFrame(type, payload, offset);
  } catch (e) {
    throw locate(e, path, offset);
  }
}

async function withLocation(p: Promise<void>, path: string, offset: number): Promise<void> {
  try {
    await p;
  } catch (e) {
    throw locate(e, path, offset);
  }
}

/** A payload decoding error only knows its offset in the payload: add the file and frame. */
function locate(e: unknown, path: string, offset: number): unknown {
  if (e instanceof WalCorruptionError && e.path === "") {
    return new WalCorruptionError(path, offset, `${e.reason} (payload byte ${e.offset})`, {
      cause: e,
    });
  }
  return e;
}

/**
 * Checks the frame at `pos`; returns null when it is whole and its checksum
 * matches (its bytes are then loaded in `r`), else why not. Fast path: when
 * the frame is already in the window the answer is not wrapped in a promise,
 * so small frames do not cost a microtask each.
 */
function checkFrame(r: ChunkReader, pos: number): string | null | Promise<string | null> {
  if (r.size - pos < FRAME_HEADER_SIZE) return "frame header cut short";
  if (!r.has(pos, FRAME_HEADER_SIZE)) return loadAndCheckFrame(r, pos);
  const i = pos - r.start;
  const bad = checkFrameHeader(r, pos, i);
  if (bad !== null) return bad;
  const n = FRAME_HEADER_SIZE + readU32(r.buf, i + 1);
  if (!r.has(pos, n)) return loadAndCheckFrame(r, pos);
  return checkPayload(r.buf, i, n);
}

async function loadAndCheckFrame(r: ChunkReader, pos: number): Promise<string | null> {
  let i = await r.at(pos, FRAME_HEADER_SIZE);
  const bad = checkFrameHeader(r, pos, i);
  if (bad !== null) return bad;
  const n = FRAME_HEADER_SIZE + readU32(r.buf, i + 1);
  i = await r.at(pos, n);
  return checkPayload(r.buf, i, n);
}

/** Type and length of the frame header at `buf[i]` (file position `pos`). */
function checkFrameHeader(r: ChunkReader, pos: number, i: number): string | null {
  const type = r.buf[i];
  if (!isKnownRecordType(type)) return `unknown record type ${type}`;
  const len = readU32(r.buf, i + 1);
  // Every payload holds at least its count, and an empty one would pass the
  // checksum with crc 0 (crc32c of nothing is 0): a zeroed frame must not.
  if (len === 0) return "empty record";
  if (len > r.size - pos - FRAME_HEADER_SIZE) return `record of ${len} bytes runs past the end`;
  return null;
}

/** The checksum of the `n`-byte frame loaded at `buf[i]`. */
function checkPayload(buf: Uint8Array, i: number, n: number): string | null {
  const want = readU32(buf, i + 5);
  const got = crc32c(buf, i + FRAME_HEADER_SIZE, i + n);
  if (got !== want) return `checksum mismatch (crc32c ${hex(got)}, frame says ${hex(want)})`;
  return null;
}

/**
 * The offset of the first valid frame (known type, fits in the file, checksum
 * matches) starting at or after `from`, or -1. Only runs on a bad frame in the
 * last segment, so it may load the rest of the file.
 */
async function findValidFrame(r: ChunkReader, from: number): Promise<number> {
  if (from >= r.size) return -1;
  const base = await r.at(from, r.size - from);
  const buf = r.buf;
  const end = base + (r.size - from);
  for (let i = base; i + FRAME_HEADER_SIZE <= end; i++) {
    if (!isKnownRecordType(buf[i])) continue;
    const len = readU32(buf, i + 1);
    if (len === 0 || len > end - i - FRAME_HEADER_SIZE) continue;
    const s = i + FRAME_HEADER_SIZE;
    if (crc32c(buf, s, s + len) === readU32(buf, i + 5)) return from + (i - base);
  }
  return -1;
}

async function truncateTorn(fh: FileHandle, path: string, size: number): Promise<void> {
  try {
    await fh.truncate(size);
    await fh.datasync();
  } catch (e) {
    throw walIoError("truncate torn tail of", path, e);
  }
}

async function removeTornFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    throw walIoError("remove torn segment", path, e);
  }
  await syncDir(dirname(path));
}

function readU32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

async function statSize(fh: FileHandle, path: string): Promise<number> {
  try {
    return (await fh.stat()).size;
  } catch (e) {
    await fh.close();
    throw walIoError("stat", path, e);
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
