import { closeSync, mkdirSync, openSync, readdirSync, readSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { crc32c } from "../../lib/crc32c.js";
import { bug } from "../../lib/errors.js";

/** Bytes before each chunk's data: series id u32, mint f64, maxt f64, length u32. */
export const HEAD_CHUNK_HEADER = 24;
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
 * Closed head chunks, kept in files instead of the V8 heap (Prometheus keeps
 * them in memory-mapped `chunks_head` files for the same reason): the page
 * cache holds what is read often, and RSS holds only the open chunks and the
 * index. The files are a cache of the WAL, not a source of truth: they are
 * emptied at start, and the WAL replay rebuilds them.
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

  private constructor(dir: string, segmentBytes: number) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.current = this.openSegment(1);
  }

  /** Creates the directory, removing chunk files of an earlier run. */
  static open(dir: string, segmentBytes = DEFAULT_SEGMENT_BYTES): HeadChunkFiles {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return new HeadChunkFiles(dir, segmentBytes);
  }

  private openSegment(index: number): Segment {
    const fd = openSync(join(this.dir, String(index).padStart(8, "0")), "w+");
    const header = Buffer.alloc(FILE_HEADER);
    header.writeUInt32BE(FILE_MAGIC, 0);
    header.writeUInt32LE(HEAD_CHUNK_FILE_VERSION, 4);
    writeSync(fd, header, 0, FILE_HEADER, 0);
    const seg: Segment = { index, fd, flushed: FILE_HEADER, maxTime: Number.NEGATIVE_INFINITY };
    this.segments.set(index, seg);
    return seg;
  }

  /** Appends a chunk given as bytes; returns its reference. */
  write(seriesId: number, mint: number, maxt: number, data: Uint8Array): number {
    return this.append(seriesId, mint, maxt, data.length, (b, at) => b.set(data, at));
  }

  /** Appends the chunk an appender holds, copied straight into the write buffer. */
  writeChunk(seriesId: number, chunk: ChunkSource): number {
    return this.append(seriesId, chunk.minTime, chunk.maxTime, chunk.sizeBytes, (b, at) =>
      chunk.bytesInto(b, at),
    );
  }

  private append(
    seriesId: number,
    mint: number,
    maxt: number,
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
    b.writeUInt32LE(length, at + 20);
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
      rmSync(join(this.dir, String(seg.index).padStart(8, "0")), { force: true });
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

  /** Closes every file (the files stay; the next open removes them). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const seg of this.segments.values()) closeSync(seg.fd);
    this.segments.clear();
  }

  /** Names of the segment files (tests and diagnostics). */
  listFiles(): string[] {
    return readdirSync(this.dir).sort();
  }
}
