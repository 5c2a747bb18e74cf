import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { crc32c } from "../../lib/crc32c.js";
import { bug } from "../../lib/errors.js";

/** Bytes before each chunk's data: series id u32, mint f64, maxt f64, last value f64, length u32. */
export const HEAD_CHUNK_HEADER = 32;
/** Bytes after each chunk's data: crc32c of header and data. */
export const HEAD_CHUNK_TRAILER = 4;
/** File header: magic "RDHC" and a format version. */
const FILE_MAGIC = 0x52444843;
export const HEAD_CHUNK_FILE_VERSION = 1;
const FILE_HEADER = 8;
const DEFAULT_SEGMENT_BYTES = 128 * 1024 * 1024;
const WRITE_BUFFER_BYTES = 1024 * 1024;
const TWO_32 = 4294967296;

/** A chunk that can copy its bytes out (XorAppender). */
export interface ChunkSource {
  readonly minTime: number;
  readonly maxTime: number;
  readonly sizeBytes: number;
  bytesInto(target: Uint8Array, offset: number): void;
}

interface Segment {
  readonly index: number;
  readonly fd: number;
  /** Bytes written to the file (the write buffer holds the rest of the current one). */
  flushed: number;
  /** Newest chunk end time in the segment; it can go once every block covers it. */
  maxTime: number;
}

/**
 * Chunks found in the files at open, per series id: quadruples (mint, maxt,
 * ref, length) in write order, and the value of the last sample of the last
 * one (in a typed array, which keeps NaN payloads such as stale markers).
 */
export type RecoveredChunks = Map<number, { chunks: number[]; lastValue: Float64Array }>;

/** Largest chunk data accepted when reading the files back (a 120-sample chunk is far smaller). */
const MAX_CHUNK_BYTES = 1 << 20;

/**
 * Closed head chunks, kept in files instead of the V8 heap (Prometheus keeps
 * them in memory-mapped `chunks_head` files for the same reason): the page
 * cache holds what is read often, and RSS holds only the open chunks and the
 * index.
 *
 * At start the files are read back so that WAL replay need not re-encode the
 * samples they hold (what makes Prometheus's restart fast too). They are
 * written without fsync: after a crash their tail may be missing or torn.
 * Reading stops at the first chunk that is damaged (bad header, length or
 * checksum) and drops everything written after it, so each series keeps a
 * prefix of its chunks; the WAL holds the rest.
 *
 * A chunk reference is `segment * 2^32 + offset of the chunk data`. Chunks are
 * written through a 1 MiB buffer; a chunk still in the buffer is read from it.
 * Format: docs/formats/head-chunks.md.
 */
export class HeadChunkFiles {
  readonly dir: string;
  private readonly segmentBytes: number;
  private readonly segments = new Map<number, Segment>();
  private current: Segment;
  private buf = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
  private bufLen = 0;
  private closed = false;

  private constructor(dir: string, segmentBytes: number, firstIndex: number) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.current = this.openSegment(firstIndex);
  }

  /**
   * Opens the directory: reads back the chunks of an earlier run (see the
   * class comment), then starts a new segment after them.
   */
  static open(
    dir: string,
    segmentBytes = DEFAULT_SEGMENT_BYTES,
  ): { files: HeadChunkFiles; recovered: RecoveredChunks } {
    mkdirSync(dir, { recursive: true });
    const recovered: RecoveredChunks = new Map();
    const kept: Segment[] = [];
    let damaged = false;
    for (const index of segmentIndexes(dir)) {
      const path = join(dir, segmentName(index));
      if (damaged) {
        rmSync(path, { force: true });
        continue;
      }
      const scan = scanSegment(readFileSync(path), index, recovered);
      if (scan.validBytes < FILE_HEADER) {
        rmSync(path, { force: true });
        damaged = true;
        continue;
      }
      const fd = openSync(path, "r+");
      if (scan.damaged) {
        ftruncateSync(fd, scan.validBytes);
        damaged = true;
      }
      kept.push({ index, fd, flushed: scan.validBytes, maxTime: scan.maxTime });
    }
    const next = kept.length > 0 ? kept[kept.length - 1].index + 1 : 1;
    const files = new HeadChunkFiles(dir, segmentBytes, next);
    for (const seg of kept) files.segments.set(seg.index, seg);
    return { files, recovered };
  }

  private openSegment(index: number): Segment {
    const fd = openSync(join(this.dir, segmentName(index)), "w+");
    const header = Buffer.alloc(FILE_HEADER);
    header.writeUInt32BE(FILE_MAGIC, 0);
    header.writeUInt32LE(HEAD_CHUNK_FILE_VERSION, 4);
    writeSync(fd, header, 0, FILE_HEADER, 0);
    const seg: Segment = { index, fd, flushed: FILE_HEADER, maxTime: Number.NEGATIVE_INFINITY };
    this.segments.set(index, seg);
    return seg;
  }

  /** Appends a chunk given as bytes, with the value of its last sample; returns its reference. */
  write(seriesId: number, mint: number, maxt: number, lastValue: number, data: Uint8Array): number {
    return this.append(seriesId, mint, maxt, lastValue, data.length, (b, at) => b.set(data, at));
  }

  /** Appends the chunk an appender holds, copied straight into the write buffer. */
  writeChunk(seriesId: number, chunk: ChunkSource, lastValue: number): number {
    return this.append(
      seriesId,
      chunk.minTime,
      chunk.maxTime,
      lastValue,
      chunk.sizeBytes,
      (b, at) => chunk.bytesInto(b, at),
    );
  }

  private append(
    seriesId: number,
    mint: number,
    maxt: number,
    lastValue: number,
    length: number,
    fill: (buf: Buffer, at: number) => void,
  ): number {
    if (this.closed) throw bug("head chunk write after close");
    const size = HEAD_CHUNK_HEADER + length + HEAD_CHUNK_TRAILER;
    if (
      this.current.flushed + this.bufLen + size > this.segmentBytes &&
      this.current.flushed + this.bufLen > FILE_HEADER
    ) {
      this.flush();
      this.current = this.openSegment(this.current.index + 1);
    }
    if (this.bufLen + size > this.buf.length) {
      this.flush();
      if (size > this.buf.length) this.buf = Buffer.allocUnsafe(size);
    }
    const b = this.buf;
    const at = this.bufLen;
    b.writeUInt32LE(seriesId >>> 0, at);
    b.writeDoubleLE(mint, at + 4);
    b.writeDoubleLE(maxt, at + 12);
    b.writeDoubleLE(lastValue, at + 20);
    b.writeUInt32LE(length, at + 28);
    fill(b, at + HEAD_CHUNK_HEADER);
    const end = at + HEAD_CHUNK_HEADER + length;
    b.writeUInt32LE(crc32c(b, at, end), end);
    this.bufLen += size;
    if (maxt > this.current.maxTime) this.current.maxTime = maxt;
    return this.current.index * TWO_32 + this.current.flushed + at + HEAD_CHUNK_HEADER;
  }

  /** The data of chunk `ref` of `length` bytes: a fresh copy. */
  read(ref: number, length: number): Uint8Array {
    const index = Math.floor(ref / TWO_32);
    const offset = ref - index * TWO_32;
    const seg = this.segments.get(index);
    if (seg === undefined) throw bug("head chunk ref names a removed segment", { ref, index });
    const out = new Uint8Array(length);
    if (seg === this.current && offset >= seg.flushed) {
      const at = offset - seg.flushed;
      out.set(this.buf.subarray(at, at + length));
      return out;
    }
    const got = readSync(seg.fd, out, 0, length, offset);
    if (got !== length) throw bug("short read of a head chunk", { ref, length, got });
    return out;
  }

  /** Writes the buffered chunks to the current segment file. */
  flush(): void {
    if (this.bufLen === 0) return;
    let done = 0;
    while (done < this.bufLen) {
      done += writeSync(
        this.current.fd,
        this.buf,
        done,
        this.bufLen - done,
        this.current.flushed + done,
      );
    }
    this.current.flushed += this.bufLen;
    this.bufLen = 0;
  }

  /** Deletes segments all of whose chunks end before `time` (they are in blocks now). */
  truncateBefore(time: number): number {
    let removed = 0;
    for (const seg of [...this.segments.values()]) {
      if (seg === this.current || seg.maxTime >= time) continue;
      closeSync(seg.fd);
      rmSync(join(this.dir, segmentName(seg.index)), { force: true });
      this.segments.delete(seg.index);
      removed++;
    }
    return removed;
  }

  /** Bytes held in the files and the write buffer. */
  sizeBytes(): number {
    let n = this.bufLen;
    for (const seg of this.segments.values()) n += seg.flushed;
    return n;
  }

  /** Writes what is buffered and closes every file (the next open reads them back). */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const seg of this.segments.values()) closeSync(seg.fd);
    this.segments.clear();
  }

  /** Names of the segment files (tests and diagnostics). */
  listFiles(): string[] {
    return readdirSync(this.dir).sort();
  }
}

function segmentName(index: number): string {
  return String(index).padStart(8, "0");
}

/** Segment indexes present in `dir`, ascending; other names are ignored. */
function segmentIndexes(dir: string): number[] {
  return readdirSync(dir)
    .filter((n) => /^\d{8}$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Reads the chunks of one segment file into `out`; stops at the first damaged
 * one. Returns the length of the valid prefix (0 when the header is bad).
 */
function scanSegment(
  file: Buffer,
  index: number,
  out: RecoveredChunks,
): { validBytes: number; damaged: boolean; maxTime: number } {
  let maxTime = Number.NEGATIVE_INFINITY;
  if (
    file.length < FILE_HEADER ||
    file.readUInt32BE(0) !== FILE_MAGIC ||
    file.readUInt32LE(4) !== HEAD_CHUNK_FILE_VERSION
  ) {
    return { validBytes: 0, damaged: true, maxTime };
  }
  let at = FILE_HEADER;
  while (at < file.length) {
    if (at + HEAD_CHUNK_HEADER > file.length) return { validBytes: at, damaged: true, maxTime };
    const length = file.readUInt32LE(at + 28);
    const end = at + HEAD_CHUNK_HEADER + length;
    if (
      length < 2 ||
      length > MAX_CHUNK_BYTES ||
      end + HEAD_CHUNK_TRAILER > file.length ||
      file.readUInt32LE(end) !== crc32c(file, at, end)
    ) {
      return { validBytes: at, damaged: true, maxTime };
    }
    const id = file.readUInt32LE(at);
    const mint = file.readDoubleLE(at + 4);
    const maxt = file.readDoubleLE(at + 12);
    let found = out.get(id);
    if (found === undefined) {
      found = { chunks: [], lastValue: new Float64Array(1) };
      out.set(id, found);
    }
    found.chunks.push(mint, maxt, index * TWO_32 + at + HEAD_CHUNK_HEADER, length);
    // Copied byte for byte: a stale marker's NaN payload must survive.
    new Uint8Array(found.lastValue.buffer).set(file.subarray(at + 20, at + 28));
    if (maxt > maxTime) maxTime = maxt;
    at = end + HEAD_CHUNK_TRAILER;
  }
  return { validBytes: at, damaged: false, maxTime };
}
