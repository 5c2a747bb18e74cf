/**
 * Reading segment files frame by frame, with the torn-tail rule: in the last
 * segment of the WAL, bad bytes at the end that are followed by no valid frame
 * are the remains of an interrupted write; they are cut off and counted. Any
 * other bad frame is a WalCorruptionError with the file and offset.
 *
 * Reads in chunks (a 128 MiB segment is never held whole) and hands each
 * payload to the caller as a view into the read buffer.
 */
import type { FileHandle } from "node:fs/promises";
import { open, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { crc32c } from "../../lib/crc32c.js";
import { WalCorruptionError, walIoError } from "./errors.js";
import {
  checkSegmentHeader,
  FRAME_HEADER_SIZE,
  isKnownRecordType,
  SEGMENT_HEADER_SIZE,
} from "./format.js";
import { syncDir } from "./segment-file.js";

/** Bytes read per read(2) call. */
const CHUNK_SIZE = 4 * 1024 * 1024;

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
  try {
    return await scanOpen(path, fh, opts);
  } finally {
    await fh.close();
  }
}

async function scanOpen(path: string, fh: FileHandle, opts: ScanOptions): Promise<ScanResult> {
  const size = (await fh.stat()).size;
  const r = new ChunkReader(fh, path, size);
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
    const bad = await checkFrame(r, pos);
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
 * matches (its bytes are then loaded in `r`), else why not.
 */
async function checkFrame(r: ChunkReader, pos: number): Promise<string | null> {
  if (r.size - pos < FRAME_HEADER_SIZE) return "frame header cut short";
  let i = r.has(pos, FRAME_HEADER_SIZE) ? pos - r.start : await r.at(pos, FRAME_HEADER_SIZE);
  const type = r.buf[i];
  if (!isKnownRecordType(type)) return `unknown record type ${type}`;
  const len = readU32(r.buf, i + 1);
  // Every payload holds at least its count, and an empty one would pass the
  // checksum with crc 0 (crc32c of nothing is 0): a zeroed frame must not.
  if (len === 0) return "empty record";
  if (len > r.size - pos - FRAME_HEADER_SIZE) return `record of ${len} bytes runs past the end`;
  const n = FRAME_HEADER_SIZE + len;
  if (!r.has(pos, n)) i = await r.at(pos, n);
  const want = readU32(r.buf, i + 5);
  const got = crc32c(r.buf, i + FRAME_HEADER_SIZE, i + n);
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

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

/** A forward-only window over a file: `buf[0, end - start)` holds file bytes `[start, end)`. */
class ChunkReader {
  buf = new Uint8Array(CHUNK_SIZE);
  start = 0;
  end = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly path: string,
    readonly size: number,
  ) {}

  /** True when file bytes `[pos, pos + n)` are in the window. */
  has(pos: number, n: number): boolean {
    return pos >= this.start && pos + n <= this.end;
  }

  /**
   * Loads file bytes `[pos, pos + n)` (pos + n <= size, pos >= start) and
   * returns the index of `pos` in `buf`. Keeps and reuses the window's bytes.
   */
  async at(pos: number, n: number): Promise<number> {
    if (this.has(pos, n)) return pos - this.start;
    const keep = pos >= this.start && pos < this.end ? this.end - pos : 0;
    if (n > this.buf.length) {
      const grown = new Uint8Array(Math.max(n, 2 * this.buf.length));
      grown.set(this.buf.subarray(pos - this.start, pos - this.start + keep));
      this.buf = grown;
    } else if (keep > 0) {
      this.buf.copyWithin(0, pos - this.start, this.end - this.start);
    }
    this.start = pos;
    this.end = pos + keep;
    while (this.end < pos + n) {
      const want = Math.min(this.buf.length - (this.end - this.start), this.size - this.end);
      let got: number;
      try {
        ({ bytesRead: got } = await this.fh.read(this.buf, this.end - this.start, want, this.end));
      } catch (e) {
        throw walIoError("read", this.path, e);
      }
      if (got === 0) throw walIoError("read", this.path, new Error("file shrank while read"));
      this.end += got;
    }
    return 0;
  }

  /** True when every byte from `pos` to the end of the file is zero. */
  async allZero(pos: number): Promise<boolean> {
    for (let p = pos; p < this.size; ) {
      const n = Math.min(CHUNK_SIZE, this.size - p);
      const i = await this.at(p, n);
      for (let k = i; k < i + n; k++) if (this.buf[k] !== 0) return false;
      p += n;
    }
    return true;
  }
}
