/**
 * Writes chunk segment files (layout: chunk-format.ts, docs/formats/block.md).
 */
import { closeSync, fsync, openSync, writeSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { crc32c } from "../../lib/crc32c.js";
import { bug } from "../../lib/errors.js";
import {
  CHUNK_FILE_HEADER_BYTES,
  CHUNK_FILE_MAGIC,
  CHUNK_FILE_VERSION,
  CHUNK_OVERHEAD,
  chunkRef,
  MAX_SEGMENT_BYTES,
  segmentName,
  uvarintSize,
} from "./chunk-format.js";

/** Write buffer size, bytes: big enough that writes cost few syscalls. */
const WRITE_BUFFER_BYTES = 1 << 20;

function writeAll(fd: number, buf: Uint8Array, start: number, end: number): void {
  let pos = start;
  while (pos < end) pos += writeSync(fd, buf, pos, end - pos);
}

function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fsync(fd, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Appends chunks to the segment files of one block. `append` is synchronous
 * and returns the ref at once: bytes go to a buffer and then to the page cache
 * with plain writes, which are cheap; the costly part, fsync, is deferred to
 * `finish`, which is asynchronous. Not safe for concurrent use.
 */
export class ChunkWriter {
  private readonly fds: number[] = [];
  private segmentCount = 0;
  private readonly buf = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
  private buffered = 0;
  /** Bytes in the current segment, header and buffered bytes included. */
  private segmentSize = 0;
  private closed = false;

  private constructor(
    /** The `chunks` directory. */
    readonly dir: string,
    private readonly maxSegmentBytes: number,
  ) {}

  /**
   * Creates `dir` and a writer into it. `maxSegmentBytes` exists for tests of
   * segment cutting; production uses the default.
   */
  static async create(dir: string, maxSegmentBytes = MAX_SEGMENT_BYTES): Promise<ChunkWriter> {
    if (maxSegmentBytes < CHUNK_FILE_HEADER_BYTES + 16 || maxSegmentBytes > MAX_SEGMENT_BYTES) {
      throw bug("segment size out of range", { maxSegmentBytes });
    }
    await mkdir(dir, { recursive: true });
    return new ChunkWriter(dir, maxSegmentBytes);
  }

  /** Number of segment files started so far. */
  get segments(): number {
    return this.segmentCount;
  }

  /** Writes one chunk and returns its ref. */
  append(encoding: number, data: Uint8Array): number {
    if (this.closed) throw bug("append after finish");
    if (!Number.isInteger(encoding) || encoding < 0 || encoding > 255) {
      throw bug("chunk encoding must be a byte", { encoding });
    }
    const size = uvarintSize(data.length) + CHUNK_OVERHEAD + data.length;
    if (CHUNK_FILE_HEADER_BYTES + size > this.maxSegmentBytes) {
      throw bug("chunk larger than a segment", { size, maxSegmentBytes: this.maxSegmentBytes });
    }
    if (this.fds.length === 0 || this.segmentSize + size > this.maxSegmentBytes) this.cut();
    const ref = chunkRef(this.fds.length, this.segmentSize);

    if (this.buffered + size > this.buf.length) this.flush();
    if (size > this.buf.length) {
      // A chunk bigger than the buffer: write it directly from a scratch copy.
      const one = Buffer.allocUnsafe(size);
      encodeChunk(one, 0, encoding, data);
      writeAll(this.fds[this.fds.length - 1], one, 0, size);
    } else {
      this.buffered = encodeChunk(this.buf, this.buffered, encoding, data);
    }
    this.segmentSize += size;
    return ref;
  }

  /** Flushes, fsyncs and closes every segment. The writer is unusable after. */
  async finish(): Promise<void> {
    if (this.closed) throw bug("finish called twice");
    this.flush();
    this.closed = true;
    try {
      await Promise.all(this.fds.map((fd) => fsyncFd(fd)));
    } finally {
      this.closeAll();
    }
  }

  /** Closes every segment without syncing; for error paths (the files are discarded). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeAll();
  }

  private closeAll(): void {
    for (const fd of this.fds) closeSync(fd);
    this.fds.length = 0;
  }

  private flush(): void {
    if (this.buffered === 0) return;
    writeAll(this.fds[this.fds.length - 1], this.buf, 0, this.buffered);
    this.buffered = 0;
  }

  /** Starts the next segment file and writes its header. */
  private cut(): void {
    this.flush();
    const n = this.fds.length + 1;
    const fd = openSync(join(this.dir, segmentName(n)), "wx");
    this.fds.push(fd);
    this.segmentCount++;
    const header = Buffer.alloc(CHUNK_FILE_HEADER_BYTES);
    header.writeUInt32BE(CHUNK_FILE_MAGIC, 0);
    header[4] = CHUNK_FILE_VERSION;
    header.copy(this.buf, 0);
    this.buffered = CHUNK_FILE_HEADER_BYTES;
    this.segmentSize = CHUNK_FILE_HEADER_BYTES;
  }
}

/** Encodes one chunk record into `out` at `pos`; returns the position after it. */
function encodeChunk(out: Buffer, pos: number, encoding: number, data: Uint8Array): number {
  let n = data.length;
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  const start = pos;
  out[pos++] = encoding;
  out.set(data, pos);
  pos += data.length;
  out.writeUInt32BE(crc32c(out, start, pos), pos);
  return pos + 4;
}
