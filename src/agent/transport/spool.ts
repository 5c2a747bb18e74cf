/**
 * A bounded on-disk queue of report batches, one file per batch, so that
 * nothing is lost while the server is unreachable — within the bound. Format
 * and guarantees: docs/formats/agent-spool.md.
 *
 * - `append` resolves only once the batch is durable (tmp file, fsync, rename,
 *   fsync of the directory), so a batch whose append resolved survives a crash.
 * - File names are a zero-padded hexadecimal sequence number: they sort in
 *   append order, and the next number is found from the names at open.
 * - Every file carries its length and CRC-32C; a torn or corrupt file is moved
 *   aside as `*.corrupt` (at open, or at `peek`), counted, and never returned.
 * - Past `maxBytes` (or `maxFiles`) the OLDEST batches are deleted and counted
 *   in `dropped`: the newest data wins, and the loss is visible.
 *
 * One process per spool directory; operations on one Spool are serialised.
 */
import { mkdir, open as openFile, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { ReddotError } from "../../lib/errors.js";
import { decodeSpoolFile, encodeSpoolFile, HEADER_BYTES } from "./spool-format.js";

/** Suffix of a live batch file. */
const BATCH = ".batch";
/** Suffix of a batch being written; left behind only by a crash, deleted at open. */
const TMP = ".batch.tmp";
/** Aside files kept for inspection; older ones are deleted so the directory stays bounded. */
const ASIDE_KEEP = 32;
/** Digits of the sequence number in a file name (hex, so 2^64 appends). */
const SEQ_DIGITS = 16;
const NAME_RE = /^([0-9a-f]{16})\.batch(?:\.(tmp|corrupt|rejected))?$/;

/** Spool bounds. */
export interface SpoolOptions {
  /** Total bytes of live batch files (headers included) kept at most. */
  readonly maxBytes: number;
  /** Live batch files kept at most; unbounded when absent. */
  readonly maxFiles?: number;
  /** Where to report batches moved aside as corrupt; process warnings by default. */
  readonly warn?: (message: string) => void;
}

/** Counters of a spool since it was opened (files and bytes are current). */
export interface SpoolStats {
  /** Live batches waiting to be sent. */
  readonly files: number;
  /** Their total size on disk, headers included. */
  readonly bytes: number;
  /** Oldest batches deleted unsent to stay within the bound. */
  readonly dropped: number;
  /** Torn or corrupt batches moved aside as `*.corrupt`. */
  readonly corrupt: number;
  /** Batches the server refused for good, moved aside as `*.rejected`. */
  readonly rejected: number;
}

interface Entry {
  readonly id: string;
  readonly bytes: number;
}

/** A bounded, durable, ordered on-disk queue of byte batches. */
export class Spool {
  readonly dir: string;
  readonly #maxBytes: number;
  readonly #maxFiles: number;
  readonly #warn: (message: string) => void;
  /** Live batches, oldest first. */
  readonly #entries: Entry[] = [];
  #nextSeq: bigint;
  #bytes = 0;
  #dropped = 0;
  #corrupt = 0;
  #rejected = 0;
  /** Tail of the chain that serialises every operation. */
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, opts: Required<SpoolOptions>, nextSeq: bigint) {
    this.dir = dir;
    this.#warn = opts.warn;
    this.#maxBytes = opts.maxBytes;
    this.#maxFiles = opts.maxFiles;
    this.#nextSeq = nextSeq;
  }

  /**
   * Opens (creating it if needed) the spool in `dir`: deletes leftover tmp
   * files, verifies every batch (moving bad ones aside) and applies the bound.
   */
  static async open(dir: string, opts: SpoolOptions): Promise<Spool> {
    const maxFiles = opts.maxFiles ?? Number.POSITIVE_INFINITY;
    if (!(Number.isFinite(opts.maxBytes) && opts.maxBytes > HEADER_BYTES)) {
      throw new ReddotError(
        "RD_AGENT_SPOOL_OPTIONS",
        500,
        `spool ${dir}: maxBytes is ${opts.maxBytes}; want a number above ${HEADER_BYTES}`,
      );
    }
    if (!(maxFiles >= 1)) {
      throw new ReddotError(
        "RD_AGENT_SPOOL_OPTIONS",
        500,
        `spool ${dir}: maxFiles is ${maxFiles}; want at least 1`,
      );
    }
    await io(dir, "create directory", () => mkdir(dir, { recursive: true }));
    const names = (await io(dir, "list", () => readdir(dir))).sort();
    let maxSeq = 0n;
    const live: string[] = [];
    for (const name of names) {
      const m = NAME_RE.exec(name);
      if (!m) continue;
      const seq = BigInt(`0x${m[1]}`);
      if (seq > maxSeq) maxSeq = seq;
      if (m[2] === "tmp") await io(dir, "delete tmp file", () => unlink(join(dir, name)));
      else if (m[2] === undefined) live.push(m[1] as string);
    }
    const spool = new Spool(
      dir,
      { maxBytes: opts.maxBytes, maxFiles, warn: opts.warn ?? defaultWarn },
      maxSeq + 1n,
    );
    for (const id of live) {
      const got = await spool.#read(id);
      if (got !== undefined) spool.#push({ id, bytes: got.bytes });
    }
    await spool.#enforceBound();
    await spool.#trimAside();
    return spool;
  }

  /**
   * Appends a batch; durable once the promise resolves. Drops the oldest
   * batches when the bound would be exceeded. A batch that alone exceeds
   * `maxBytes` is refused with `RD_AGENT_BATCH_TOO_LARGE`.
   */
  append(batch: Uint8Array): Promise<void> {
    return this.#serial(async () => {
      const file = encodeSpoolFile(batch);
      if (file.length > this.#maxBytes) {
        throw new ReddotError(
          "RD_AGENT_BATCH_TOO_LARGE",
          500,
          `spool ${this.dir}: batch of ${batch.length} bytes does not fit in maxBytes ${this.#maxBytes}`,
        );
      }
      const id = this.#nextSeq.toString(16).padStart(SEQ_DIGITS, "0");
      this.#nextSeq++;
      const tmp = join(this.dir, id + TMP);
      await io(this.dir, "write batch", async () => {
        const fh = await openFile(tmp, "wx");
        try {
          await fh.writeFile(file);
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(tmp, this.#path(id));
        await syncDir(this.dir);
      });
      this.#push({ id, bytes: file.length });
      await this.#enforceBound();
    });
  }

  /**
   * The oldest batch, verified; a torn or corrupt one is moved aside and the
   * next one is tried. Undefined when the spool is empty. Does not remove it:
   * call `ack` once it is delivered.
   */
  peek(): Promise<{ id: string; data: Uint8Array } | undefined> {
    return this.#serial(async () => {
      for (;;) {
        const first = this.#entries[0];
        if (first === undefined) return undefined;
        const got = await this.#read(first.id);
        if (got !== undefined) return { id: first.id, data: got.payload };
        this.#remove(first.id);
      }
    });
  }

  /** Deletes a delivered batch. Acking an unknown (already dropped) id does nothing. */
  ack(id: string): Promise<void> {
    return this.#serial(async () => {
      if (!this.#remove(id)) return;
      await io(this.dir, "delete batch", () => unlinkIfPresent(this.#path(id)));
    });
  }

  /**
   * Moves a batch the server refused for good aside as `<id>.batch.rejected`
   * (kept for inspection, never sent again).
   */
  reject(id: string): Promise<void> {
    return this.#serial(async () => {
      if (!this.#remove(id)) return;
      this.#rejected++;
      await this.#moveAside(id, "rejected");
    });
  }

  /** Current size and counters since open. */
  stats(): SpoolStats {
    return {
      files: this.#entries.length,
      bytes: this.#bytes,
      dropped: this.#dropped,
      corrupt: this.#corrupt,
      rejected: this.#rejected,
    };
  }

  /** Waits for pending operations. Nothing else to release: every file is closed after each operation. */
  async close(): Promise<void> {
    await this.#serial(async () => undefined);
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #path(id: string): string {
    return join(this.dir, id + BATCH);
  }

  #push(e: Entry): void {
    this.#entries.push(e);
    this.#bytes += e.bytes;
  }

  #remove(id: string): boolean {
    const i = this.#entries.findIndex((e) => e.id === id);
    if (i < 0) return false;
    this.#bytes -= (this.#entries[i] as Entry).bytes;
    this.#entries.splice(i, 1);
    return true;
  }

  /**
   * Reads and verifies one batch file. A bad one is moved aside and counted,
   * a vanished one (deleted by hand) is skipped; both give undefined.
   */
  async #read(id: string): Promise<{ payload: Uint8Array; bytes: number } | undefined> {
    const path = this.#path(id);
    let file: Uint8Array;
    try {
      // Bounded read: a file larger than the whole spool bound is not one we wrote.
      const st = await stat(path);
      if (st.size > this.#maxBytes) {
        await this.#markCorrupt(id, `${st.size} bytes, above maxBytes ${this.#maxBytes}`);
        return undefined;
      }
      const buf = await readFile(path);
      // A plain Uint8Array view, not a Buffer: callers get the type they were promised.
      file = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw ioError(this.dir, `read ${id}${BATCH}`, e);
    }
    const dec = decodeSpoolFile(file);
    if ("problem" in dec) {
      await this.#markCorrupt(id, dec.problem);
      return undefined;
    }
    return { payload: dec.payload, bytes: file.length };
  }

  async #markCorrupt(id: string, problem: string): Promise<void> {
    this.#corrupt++;
    this.#warn(`spool ${this.dir}: ${id}${BATCH} moved aside as ${id}${BATCH}.corrupt: ${problem}`);
    await this.#moveAside(id, "corrupt");
  }

  async #moveAside(id: string, kind: "corrupt" | "rejected"): Promise<void> {
    await io(this.dir, `move ${id}${BATCH} aside`, async () => {
      try {
        await rename(this.#path(id), `${this.#path(id)}.${kind}`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    });
    await this.#trimAside();
  }

  /** Deletes the oldest aside files beyond ASIDE_KEEP. */
  async #trimAside(): Promise<void> {
    const names = await io(this.dir, "list", () => readdir(this.dir));
    const aside = names
      .filter((n) => /\.batch\.(corrupt|rejected)$/.test(n) && NAME_RE.test(n))
      .sort();
    for (const name of aside.slice(0, Math.max(0, aside.length - ASIDE_KEEP))) {
      await io(this.dir, "delete old aside file", () => unlinkIfPresent(join(this.dir, name)));
    }
  }

  /** Deletes the oldest batches while over the bound. */
  async #enforceBound(): Promise<void> {
    while (
      this.#entries.length > 1 &&
      (this.#bytes > this.#maxBytes || this.#entries.length > this.#maxFiles)
    ) {
      const oldest = this.#entries[0] as Entry;
      this.#remove(oldest.id);
      this.#dropped++;
      await io(this.dir, "drop oldest batch", () => unlinkIfPresent(this.#path(oldest.id)));
    }
  }
}

function defaultWarn(message: string): void {
  process.emitWarning(message);
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

/** fsync of a directory, so a rename in it survives a crash. */
async function syncDir(dir: string): Promise<void> {
  const fh = await openFile(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function ioError(dir: string, what: string, e: unknown): ReddotError {
  const msg = e instanceof Error ? e.message : String(e);
  return new ReddotError("RD_AGENT_SPOOL_IO", 500, `spool ${dir}: ${what} failed: ${msg}`, {
    cause: e,
  });
}

async function io<T>(dir: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ReddotError) throw e;
    throw ioError(dir, what, e);
  }
}
