/**
 * Chunk segment files: `<block>/chunks/000001`, `000002`, ... hold the
 * encoded chunks of a block back to back. Layout (docs/formats/block.md):
 *
 *   header:  magic u32 BE | version u8 | 3 zero bytes
 *   chunk:   uvarint len(data) | encoding u8 | data | crc32c(encoding, data) u32 BE
 *
 * A chunk is addressed by `ref = segment * 2^32 + byte offset`, the scheme of
 * the Prometheus TSDB (tsdb/chunks/chunks.go, "ChunkRef"), so an index entry
 * needs no file table. Segments are at most `MAX_SEGMENT_BYTES`, which keeps
 * every offset well below 2^32.
 */
import { closeSync, fstatSync, fsync, openSync, readdirSync, readSync, writeSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { crc32c } from "../../lib/crc32c.js";
import { bug, ReddotError } from "../../lib/errors.js";

/** Magic number opening every chunk segment file ("RDCK"). */
export const CHUNK_FILE_MAGIC = 0x5244434b;
/** Version of the chunk segment format; bumped on any layout change. */
export const CHUNK_FILE_VERSION = 1;
/** Bytes of the segment header: magic, version, padding to 8. */
export const CHUNK_FILE_HEADER_BYTES = 8;
/** Largest segment file, bytes (512 MiB, as Prometheus). */
export const MAX_SEGMENT_BYTES = 512 * 1024 * 1024;
/** Multiplier of the segment number in a chunk ref (2^32). */
const SEGMENT_SHIFT = 2 ** 32;
/** Write buffer size, bytes: big enough that writes cost few syscalls. */
const WRITE_BUFFER_BYTES = 1 << 20;
/**
 * First read of a chunk, bytes. A full 120-sample XOR chunk is usually under
 * 250 bytes, so one read mostly suffices; longer chunks cost a second read.
 */
const FIRST_READ_BYTES = 512;
/** Longest span of one batched read of nearby chunks, bytes. */
const BATCH_READ_BYTES = 64 * 1024;
/** Most chunks fetched by one batched read. */
const MAX_BATCH_CHUNKS = 64;
/** Per-chunk overhead besides the length varint: encoding byte and CRC. */
const CHUNK_OVERHEAD = 1 + 4;

/** The file name of segment `n` (1-based): six digits. */
export function segmentName(n: number): string {
  return String(n).padStart(6, "0");
}

/** The ref of the chunk at byte `offset` of segment `segment`. */
export function chunkRef(segment: number, offset: number): number {
  return segment * SEGMENT_SHIFT + offset;
}

/** Number of bytes `n` takes as an unsigned LEB128 varint. */
function uvarintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function corrupt(path: string, message: string): ReddotError {
  return new ReddotError("RD_BLOCK_CORRUPT", 500, `${path}: ${message}`);
}

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

/** A chunk as stored: its encoding id and its encoded bytes. */
export interface RawChunk {
  readonly encoding: number;
  readonly data: Uint8Array;
}

interface Segment {
  readonly path: string;
  readonly fd: number;
  readonly size: number;
}

/**
 * Reads chunks of one block by ref, with positional reads (no shared file
 * position, so reads never interfere). Every read checks the CRC.
 */
export class ChunkReader {
  private constructor(
    readonly dir: string,
    private readonly segments: Segment[],
  ) {}

  /**
   * Opens every segment of the `chunks` directory `dir` and validates the
   * headers. Throws RD_BLOCK_CORRUPT on a bad header or a gap in numbering.
   */
  static open(dir: string): ChunkReader {
    const names = readdirSync(dir)
      .filter((n) => /^\d{6}$/.test(n))
      .sort();
    const segments: Segment[] = [];
    try {
      for (let i = 0; i < names.length; i++) {
        const path = join(dir, names[i]);
        if (names[i] !== segmentName(i + 1)) {
          throw corrupt(path, `segment out of sequence, want ${segmentName(i + 1)}`);
        }
        const fd = openSync(path, "r");
        const size = fstatSync(fd).size;
        segments.push({ path, fd, size });
        const header = Buffer.alloc(CHUNK_FILE_HEADER_BYTES);
        const got = readSync(fd, header, 0, CHUNK_FILE_HEADER_BYTES, 0);
        if (got < CHUNK_FILE_HEADER_BYTES) throw corrupt(path, `short header (${got} bytes)`);
        const magic = header.readUInt32BE(0);
        if (magic !== CHUNK_FILE_MAGIC) {
          throw corrupt(
            path,
            `bad magic 0x${magic.toString(16)}, want 0x${CHUNK_FILE_MAGIC.toString(16)}`,
          );
        }
        if (header[4] !== CHUNK_FILE_VERSION) {
          throw corrupt(
            path,
            `unsupported chunk file version ${header[4]}, want ${CHUNK_FILE_VERSION}`,
          );
        }
      }
    } catch (e) {
      for (const s of segments) closeSync(s.fd);
      throw e;
    }
    return new ChunkReader(dir, segments);
  }

  /** Total bytes of the segment files. */
  get sizeBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  /** Reads and verifies the chunk at `ref`. The returned bytes are the caller's. */
  read(ref: number): RawChunk {
    const { seg, offset } = this.locate(ref);
    const buf = this.readAt(seg, offset, Math.min(FIRST_READ_BYTES, seg.size - offset));
    return this.parse(seg, buf, offset, offset) ?? this.readLong(seg, buf, offset);
  }

  /**
   * Reads the chunks at `refs`, in order. Fast path: chunks of one series are
   * written back to back, so runs of nearby refs in one segment are fetched
   * with a single read instead of one per chunk.
   */
  readMany(refs: readonly number[]): RawChunk[] {
    const out: RawChunk[] = new Array(refs.length);
    let i = 0;
    while (i < refs.length) {
      const { seg, offset } = this.locate(refs[i]);
      // Extend the run while the next ref is in this segment and close behind.
      let j = i + 1;
      let last = offset;
      while (j < refs.length && j - i < MAX_BATCH_CHUNKS) {
        const next = this.locate(refs[j]);
        if (next.seg !== seg || next.offset < last || next.offset - offset > BATCH_READ_BYTES)
          break;
        last = next.offset;
        j++;
      }
      const buf = this.readAt(seg, offset, Math.min(last + FIRST_READ_BYTES, seg.size) - offset);
      for (let k = i; k < j; k++) {
        const at = k === i ? offset : this.locate(refs[k]).offset;
        out[k] = this.parse(seg, buf, offset, at) ?? this.read(refs[k]);
      }
      i = j;
    }
    return out;
  }

  private locate(ref: number): { seg: Segment; offset: number } {
    const segNo = Math.floor(ref / SEGMENT_SHIFT);
    const offset = ref - segNo * SEGMENT_SHIFT;
    const seg = this.segments[segNo - 1];
    if (seg === undefined) {
      throw corrupt(
        this.dir,
        `chunk ref ${ref} names segment ${segNo}, have ${this.segments.length}`,
      );
    }
    if (offset < CHUNK_FILE_HEADER_BYTES || offset >= seg.size) {
      throw corrupt(seg.path, `chunk offset ${offset} outside the file (${seg.size} bytes)`);
    }
    return { seg, offset };
  }

  /** `length` bytes of `seg` from `offset` into a fresh buffer (the caller checked the bounds). */
  private readAt(seg: Segment, offset: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(seg.fd, buf, got, length - got, offset + got);
      if (n === 0) throw corrupt(seg.path, `short read at offset ${offset + got}`);
      got += n;
    }
    return buf;
  }

  /**
   * Parses and verifies the chunk at file offset `at` from `buf`, which holds
   * the file from offset `bufStart` on. Returns undefined when the chunk runs
   * past the end of `buf` (the caller reads more).
   */
  private parse(seg: Segment, buf: Buffer, bufStart: number, at: number): RawChunk | undefined {
    // Length varint: at most 5 bytes for a length below 2^32.
    let pos = at - bufStart;
    let len = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (pos >= buf.length) return undefined;
      if (i >= 5) throw corrupt(seg.path, `bad chunk length at offset ${at}`);
      const b = buf[pos++];
      len += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) break;
    }
    const head = pos - (at - bufStart);
    if (at + head + CHUNK_OVERHEAD + len > seg.size) {
      throw corrupt(seg.path, `chunk at offset ${at} runs past the end of the file`);
    }
    const end = pos + 1 + len;
    if (end + 4 > buf.length) return undefined;
    if (crc32c(buf, pos, end) !== buf.readUInt32BE(end)) {
      throw corrupt(seg.path, `bad chunk checksum at offset ${at}`);
    }
    // A plain Uint8Array view (not a Buffer): consumers compare and slice it as bytes.
    return { encoding: buf[pos], data: new Uint8Array(buf.buffer, buf.byteOffset + pos + 1, len) };
  }

  /** Reads a chunk longer than the first read; `first` holds its beginning. */
  private readLong(seg: Segment, first: Buffer, offset: number): RawChunk {
    let len = 0;
    let mul = 1;
    let pos = 0;
    for (;;) {
      // `first` is short only where the file ends (parse checked the varint's length).
      if (pos >= first.length) {
        throw corrupt(seg.path, `chunk at offset ${offset} runs past the end of the file`);
      }
      const b = first[pos++];
      len += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) break;
    }
    const buf = this.readAt(seg, offset, pos + CHUNK_OVERHEAD + len);
    const c = this.parse(seg, buf, offset, offset);
    if (c === undefined) throw bug("chunk does not fit the buffer sized for it", { offset, len });
    return c;
  }

  /** Closes the segment files. */
  close(): void {
    for (const s of this.segments) closeSync(s.fd);
    this.segments.length = 0;
  }
}
