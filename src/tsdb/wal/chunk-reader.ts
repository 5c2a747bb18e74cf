/**
 * A forward-only window over a file, for the segment reader, with read-ahead:
 * while the caller checks and decodes the bytes in the window, the next chunk
 * is read into a second buffer. The read runs on libuv's thread pool, so it
 * overlaps the decoding (the machine has 2 cores), and on a cold page cache
 * replay waits for the disk about once instead of once per chunk.
 */
import type { FileHandle } from "node:fs/promises";
import { walIoError } from "./errors.js";

/** Bytes read per read(2) call. */
export const CHUNK_SIZE = 4 * 1024 * 1024;

/**
 * Room kept in front of a read-ahead chunk for the unread tail of the window
 * (a frame cut by the chunk boundary), so that moving to the new buffer copies
 * only that tail. A longer tail (a frame over 1 MiB) is copied twice instead.
 */
const HEADROOM = 1024 * 1024;

/** A finished read-ahead: file bytes `[pos, pos + got)` at `buf[HEADROOM]`, or its error. */
interface ReadAhead {
  buf: Uint8Array;
  pos: number;
  got: number;
  error: unknown;
}

/**
 * File bytes `[from, end)` are in `buf`, file position p at index `p - start`.
 * Views into `buf` stay valid until the next `at()` or `allZero()` call.
 */
export class ChunkReader {
  buf: Uint8Array = new Uint8Array(HEADROOM + CHUNK_SIZE);
  /** File position of `buf[0]`; bytes before `from` are not loaded. */
  start = 0;
  /** End (exclusive) of the loaded bytes. */
  end = 0;
  private from = 0;
  /** The buffer the next read-ahead fills. */
  private spare: Uint8Array | null = null;
  /** Never rejects: the error waits in the result until the bytes are wanted. */
  private ahead: Promise<ReadAhead> | null = null;

  constructor(
    private readonly fh: FileHandle,
    private readonly path: string,
    readonly size: number,
  ) {}

  /** True when file bytes `[pos, pos + n)` are in the window. */
  has(pos: number, n: number): boolean {
    return pos >= this.from && pos + n <= this.end;
  }

  /**
   * Loads file bytes `[pos, pos + n)` (pos + n <= size; pos not before the
   * window) and returns the index of `pos` in `buf`. Keeps the window's bytes
   * from `pos` on, then starts reading the next chunk ahead.
   */
  async at(pos: number, n: number): Promise<number> {
    if (this.has(pos, n)) return pos - this.start;
    await this.takeReadAhead(pos);
    if (!this.has(pos, n)) await this.fill(pos, n);
    this.startReadAhead();
    return pos - this.start;
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

  /** Waits for a read-ahead in flight; call before closing the file. */
  async settle(): Promise<void> {
    const pending = this.ahead;
    this.ahead = null;
    if (pending !== null) this.spare = (await pending).buf;
  }

  /** Moves the window into the finished read-ahead buffer when it continues the window. */
  private async takeReadAhead(pos: number): Promise<void> {
    const pending = this.ahead;
    if (pending === null) return;
    this.ahead = null;
    const a = await pending;
    const keep = this.end - pos;
    if (
      a.error !== undefined ||
      a.pos !== this.end ||
      pos < this.from ||
      keep < 0 ||
      keep > HEADROOM
    ) {
      // Not usable. A failed read is retried by fill(), which reports the error if it recurs.
      this.spare = a.buf;
      return;
    }
    a.buf.set(this.buf.subarray(pos - this.start, this.end - this.start), HEADROOM - keep);
    // A buffer grown for a large frame is dropped rather than kept as the spare.
    this.spare = this.buf.length === HEADROOM + CHUNK_SIZE ? this.buf : null;
    this.buf = a.buf;
    this.start = a.pos - HEADROOM;
    this.from = pos;
    this.end = a.pos + a.got;
  }

  /** Reads until `[pos, pos + n)` is in the window, moving or growing the buffer when needed. */
  private async fill(pos: number, n: number): Promise<void> {
    const keep = pos >= this.from && pos < this.end ? this.end - pos : 0;
    let at = keep > 0 ? pos - this.start : 0;
    if (at + n > this.buf.length) {
      if (n > this.buf.length) {
        const grown = new Uint8Array(Math.max(n, 2 * this.buf.length));
        grown.set(this.buf.subarray(at, at + keep));
        this.buf = grown;
      } else {
        this.buf.copyWithin(0, at, at + keep);
      }
      at = 0;
    }
    this.start = pos - at;
    this.from = pos;
    this.end = pos + keep;
    while (this.end < pos + n) {
      const i = this.end - this.start;
      const want = Math.min(this.buf.length - i, this.size - this.end);
      let got: number;
      try {
        ({ bytesRead: got } = await this.fh.read(this.buf, i, want, this.end));
      } catch (e) {
        throw walIoError("read", this.path, e);
      }
      if (got === 0) throw walIoError("read", this.path, new Error("file shrank while read"));
      this.end += got;
    }
  }

  private startReadAhead(): void {
    if (this.ahead !== null || this.end >= this.size) return;
    const buf = this.spare ?? new Uint8Array(HEADROOM + CHUNK_SIZE);
    this.spare = null;
    const pos = this.end;
    const want = Math.min(CHUNK_SIZE, this.size - pos);
    this.ahead = this.fh.read(buf, HEADROOM, want, pos).then(
      ({ bytesRead }) => ({ buf, pos, got: bytesRead, error: undefined }),
      (error: unknown) => ({ buf, pos, got: 0, error }),
    );
  }
}
