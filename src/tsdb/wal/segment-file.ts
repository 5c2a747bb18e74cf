/**
 * Writing segment files: create with a header, positional appends, fsync, and
 * framing of encoded records into one buffer per write. Shared by the live WAL
 * and the checkpoint writer.
 */
import type { FileHandle } from "node:fs/promises";
import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { crc32c } from "../../lib/crc32c.js";
import { bug } from "../../lib/errors.js";
import { walIoError } from "./errors.js";
import {
  encodeSegmentHeader,
  FRAME_HEADER_SIZE,
  isCheckpointTmpName,
  isKnownRecordType,
  MAX_PAYLOAD_SIZE,
  parseCheckpointName,
  parseSegmentName,
  SEGMENT_HEADER_SIZE,
  segmentName,
} from "./format.js";

/** Bytes an encoded record (type byte + payload) takes once framed. */
export function framedSize(record: Uint8Array): number {
  return FRAME_HEADER_SIZE + record.length - 1;
}

/** Throws a BUG error unless `record` is the output of one of the record encoders. */
export function checkEncodedRecord(record: Uint8Array): void {
  if (record.length < 2 || !isKnownRecordType(record[0])) {
    throw bug("Wal.log: not an encoded record", { length: record.length, type: record[0] });
  }
  if (record.length - 1 > MAX_PAYLOAD_SIZE) {
    throw bug("Wal.log: record larger than 4 GiB", { length: record.length });
  }
}

/**
 * Frames `record` (type byte + payload) into `dst` at `pos`: type, payload
 * length u32 LE, crc32c(payload) u32 LE, payload. Returns the next position.
 */
export function putFrame(dst: Uint8Array, pos: number, record: Uint8Array): number {
  const len = record.length - 1;
  const crc = crc32c(record, 1, record.length);
  dst[pos] = record[0];
  dst[pos + 1] = len & 0xff;
  dst[pos + 2] = (len >>> 8) & 0xff;
  dst[pos + 3] = (len >>> 16) & 0xff;
  dst[pos + 4] = len >>> 24;
  dst[pos + 5] = crc & 0xff;
  dst[pos + 6] = (crc >>> 8) & 0xff;
  dst[pos + 7] = (crc >>> 16) & 0xff;
  dst[pos + 8] = crc >>> 24;
  dst.set(record.subarray(1), pos + FRAME_HEADER_SIZE);
  return pos + FRAME_HEADER_SIZE + len;
}

/** fsyncs a directory so that created, renamed or removed entries survive a power loss. */
export async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (e) {
    throw walIoError("fsync directory", dir, e);
  } finally {
    await fh?.close();
  }
}

/** An open segment file being appended to. Calls must not overlap (the caller serialises them). */
export class SegmentWriter {
  /** Bytes in the file, header included; the next write goes here. */
  size = SEGMENT_HEADER_SIZE;
  /** Frames written since the header. */
  records = 0;

  private constructor(
    readonly index: number,
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  /**
   * Creates segment `index` in `dir` (failing if it exists) and writes its
   * header. With `durable`, fsyncs the file and the directory so the new entry
   * survives a power loss before any record in it is acknowledged.
   */
  static async create(dir: string, index: number, durable: boolean): Promise<SegmentWriter> {
    const path = join(dir, segmentName(index));
    let fh: FileHandle;
    try {
      fh = await open(path, "wx");
    } catch (e) {
      throw walIoError("create segment", path, e);
    }
    const w = new SegmentWriter(index, path, fh);
    try {
      const h = encodeSegmentHeader();
      await w.writeAll(h, h.length, 0);
      if (durable) await fh.sync();
    } catch (e) {
      await fh.close();
      throw walIoError("write header of", path, e);
    }
    if (durable) await syncDir(dir);
    return w;
  }

  /**
   * Appends `buf[0, len)` holding `frames` whole frames. On failure, cuts the
   * file back to its previous size (best effort) so that no partial frame is
   * left behind, and rethrows.
   */
  async append(buf: Uint8Array, len: number, frames: number): Promise<void> {
    try {
      await this.writeAll(buf, len, this.size);
    } catch (e) {
      try {
        await this.fh.truncate(this.size);
      } catch (te) {
        const both = `${String(e)}; truncating back to ${this.size} bytes failed too: ${String(te)}`;
        throw walIoError("write", this.path, new Error(both, { cause: e }));
      }
      throw walIoError("write", this.path, e);
    }
    this.size += len;
    this.records += frames;
  }

  /** fdatasync: the data and the file size reach stable storage. */
  async sync(): Promise<void> {
    try {
      await this.fh.datasync();
    } catch (e) {
      throw walIoError("fsync", this.path, e);
    }
  }

  /** Closes the file handle (no fsync). */
  async close(): Promise<void> {
    try {
      await this.fh.close();
    } catch (e) {
      throw walIoError("close", this.path, e);
    }
  }

  private async writeAll(buf: Uint8Array, len: number, position: number): Promise<void> {
    let off = 0;
    // write(2) may write less than asked (signals, quotas): loop until done.
    while (off < len) {
      const { bytesWritten } = await this.fh.write(buf, off, len - off, position + off);
      if (bytesWritten <= 0) throw new Error("write returned 0 bytes");
      off += bytesWritten;
    }
  }
}

/** What a WAL directory holds, indexes sorted ascending. */
export interface WalDirListing {
  segments: number[];
  checkpoints: number[];
  /** Names of unfinished checkpoint directories. */
  checkpointTmps: string[];
}

/** Lists the segments and checkpoints in `dir`; other entries are ignored. */
export async function listWalDir(dir: string): Promise<WalDirListing> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw walIoError("list", dir, e);
  }
  const out: WalDirListing = { segments: [], checkpoints: [], checkpointTmps: [] };
  for (const name of names) {
    const s = parseSegmentName(name);
    if (s >= 0) out.segments.push(s);
    const c = parseCheckpointName(name);
    if (c >= 0) out.checkpoints.push(c);
    if (isCheckpointTmpName(name)) out.checkpointTmps.push(name);
  }
  out.segments.sort((a, b) => a - b);
  out.checkpoints.sort((a, b) => a - b);
  return out;
}

/** Scratch write buffers up to this size are kept for reuse; larger ones are dropped. */
const MAX_RETAINED_BUFFER = 16 * 1024 * 1024;

/**
 * A run of numbered segment files in one directory, appended to in order and
 * rotated by size. Not safe for overlapping calls: the owner serialises them.
 */
export class SegmentSequence {
  /** The segment being appended to, or null before the first append. */
  writer: SegmentWriter | null = null;
  /** Bytes written to segment files, headers included. */
  bytesWritten = 0;
  /** fsync calls on segment files. */
  fsyncs = 0;
  private buf = new Uint8Array(64 * 1024);

  /**
   * @param nextIndex index of the first segment to create
   * @param segmentSize rotate before a frame that would push a segment past this many bytes
   * @param durable fsync a segment when it is finished, and new files and their directory
   */
  constructor(
    readonly dir: string,
    public nextIndex: number,
    private readonly segmentSize: number,
    private readonly durable: boolean,
  ) {}

  /**
   * Frames every record of every batch, in order, into one buffer per segment
   * touched and writes it with a single positional write. A record never spans
   * segments; one larger than a segment gets a segment of its own. Returns the
   * number of records written.
   */
  async append(batches: readonly (readonly Uint8Array[])[]): Promise<number> {
    let total = 0;
    for (const b of batches) for (const r of b) total += framedSize(r);
    const buf = this.scratch(total);
    let w = this.writer ?? (await this.rotate());
    let len = 0;
    let frames = 0;
    let written = 0;
    for (const b of batches) {
      for (const rec of b) {
        const size = framedSize(rec);
        if (w.size + len + size > this.segmentSize && w.records + frames > 0) {
          if (len > 0) await w.append(buf, len, frames);
          this.bytesWritten += len;
          written += frames;
          len = 0;
          frames = 0;
          w = await this.rotate();
        }
        len = putFrame(buf, len, rec);
        frames++;
      }
    }
    if (len > 0) await w.append(buf, len, frames);
    this.bytesWritten += len;
    return written + frames;
  }

  /** Finishes the current segment (fsync when durable) and creates the next one. */
  async rotate(): Promise<SegmentWriter> {
    await this.close(this.durable);
    const w = await SegmentWriter.create(this.dir, this.nextIndex, this.durable);
    this.nextIndex++;
    this.bytesWritten += SEGMENT_HEADER_SIZE;
    this.writer = w;
    return w;
  }

  /** fdatasyncs the current segment, if any. */
  async sync(): Promise<void> {
    if (this.writer === null) return;
    await this.writer.sync();
    this.fsyncs++;
  }

  /** Closes the current segment, after an fsync when `sync` is set. */
  async close(sync: boolean): Promise<void> {
    const w = this.writer;
    if (w === null) return;
    this.writer = null;
    try {
      if (sync) {
        await w.sync();
        this.fsyncs++;
      }
    } finally {
      await w.close();
    }
  }

  private scratch(size: number): Uint8Array {
    if (this.buf.length >= size) return this.buf;
    const b = new Uint8Array(Math.max(size, 2 * this.buf.length));
    if (b.length <= MAX_RETAINED_BUFFER) this.buf = b;
    return b;
  }
}
