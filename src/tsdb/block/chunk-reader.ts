/**
 * Reads chunk segment files (layout: chunk-format.ts, docs/formats/block.md).
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync } from "node:fs";
import { join } from "node:path";
import { crc32c } from "../../lib/crc32c.js";
import { bug } from "../../lib/errors.js";
import {
  CHUNK_FILE_HEADER_BYTES,
  CHUNK_FILE_MAGIC,
  CHUNK_FILE_VERSION,
  CHUNK_OVERHEAD,
  corrupt,
  type RawChunk,
  segmentName,
  splitRef,
} from "./chunk-format.js";

/**
 * First read of a chunk, bytes. A full 120-sample XOR chunk is usually under
 * 250 bytes, so one read mostly suffices; longer chunks cost a second read.
 */
const FIRST_READ_BYTES = 512;
/** Longest span of one batched read of nearby chunks, bytes. */
const BATCH_READ_BYTES = 64 * 1024;
/** Most chunks fetched by one batched read. */
const MAX_BATCH_CHUNKS = 64;

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
    const { segment: segNo, offset } = splitRef(ref);
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
