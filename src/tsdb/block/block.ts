/**
 * Reading a block: its meta, its index and its chunks. A `Block` keeps file
 * descriptors open until `close()`; reads are synchronous positional reads,
 * so concurrent queries need no locking. Callers must not close a block while
 * a query still uses it (the storage layer reference-counts blocks).
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { bug, isReddotError, ReddotError } from "../../lib/errors.js";
import { CORRUPT_CHUNK, decodeXorInto, ENCODING_XOR, xorChunkCount } from "../chunkenc/index.js";
import { IndexReader } from "../index/index.js";
import type { Labels } from "../labels.js";
import type { ChunkMeta, Matcher, SampleBuffer } from "../types.js";
import { CHUNKS_DIR, INDEX_FILE } from "./block-writer.js";
import type { RawChunk } from "./chunk-format.js";
import { ChunkReader } from "./chunk-reader.js";
import { mergeRuns, runsAreSorted } from "./merge.js";
import { type BlockMeta, META_FILE, readMeta } from "./meta.js";

/** Decode space shared by every block read (reads are synchronous). */
let scratchTs = new Float64Array(1024);
let scratchVs = new Float64Array(1024);

/** A series selected from a block, with its chunks that overlap the query range. */
export interface BlockSeries {
  readonly labels: Labels;
  /** The series' chunks overlapping the selected range, in index order. */
  readonly chunks: ChunkMeta[];
  /**
   * Samples of `chunks` with mint <= t <= maxt (ms), decoded into fresh
   * arrays; strictly increasing timestamps, even if chunks overlap.
   */
  samples(mint: number, maxt: number): SampleBuffer;
}

/** A series of a block with all its chunk metas, as iterated by compaction. */
export interface StoredBlockSeries {
  readonly labels: Labels;
  readonly chunks: readonly ChunkMeta[];
}

/** True when the chunk has a sample in [mint, maxt] (both inclusive, ms). */
function overlaps(c: ChunkMeta, mint: number, maxt: number): boolean {
  return c.maxt >= mint && c.mint <= maxt;
}

/** An immutable block directory opened for reading. */
export class Block {
  private closed = false;

  private constructor(
    /** The block directory. */
    readonly dir: string,
    /** The block's validated meta.json. */
    readonly meta: BlockMeta,
    private readonly index: IndexReader,
    private readonly chunkReader: ChunkReader,
    private readonly metaBytes: number,
  ) {}

  /** Opens the block at `dir`; throws RD_BLOCK_CORRUPT (naming the file) when it is damaged. */
  static open(dir: string): Block {
    const meta = readMeta(dir);
    const metaBytes = statSync(join(dir, META_FILE)).size;
    const chunkReader = ChunkReader.open(join(dir, CHUNKS_DIR));
    let index: IndexReader;
    try {
      index = IndexReader.open(join(dir, INDEX_FILE));
    } catch (e) {
      chunkReader.close();
      throw e;
    }
    return new Block(dir, meta, index, chunkReader, metaBytes);
  }

  /** The block's ULID. */
  get ulid(): string {
    return this.meta.ulid;
  }

  /**
   * Series matching all `matchers` with at least one chunk overlapping
   * [mint, maxt] (ms, inclusive), in label order.
   */
  select(matchers: readonly Matcher[], mint: number, maxt: number): BlockSeries[] {
    this.checkOpen();
    // Blocks are [minTime, maxTime): skip without touching the index when disjoint.
    if (maxt < this.meta.minTime || mint >= this.meta.maxTime) return [];
    const out: BlockSeries[] = [];
    for (const id of this.index.select(matchers)) {
      const chunks = this.index.chunks(id).filter((c) => overlaps(c, mint, maxt));
      if (chunks.length === 0) continue;
      const labels = this.index.labels(id);
      out.push({ labels, chunks, samples: (lo, hi) => this.decode(chunks, lo, hi) });
    }
    return out;
  }

  /** Label names of the series matching `matchers` (all series when none), sorted. */
  labelNames(matchers?: readonly Matcher[]): string[] {
    this.checkOpen();
    return this.index.labelNames(this.idsFor(matchers));
  }

  /** Values of label `name` over the series matching `matchers`, sorted. */
  labelValues(name: string, matchers?: readonly Matcher[]): string[] {
    this.checkOpen();
    return this.index.labelValues(name, this.idsFor(matchers));
  }

  /** Bytes on disk: chunk segments, index and meta.json. */
  sizeBytes(): number {
    return this.chunkReader.sizeBytes + this.index.sizeBytes + this.metaBytes;
  }

  /**
   * Every series with all its chunk metas, in label order (for compaction).
   * Index ids are dense, 0..seriesCount-1, in the order `writeIndex` was
   * given the series, which `writeBlock` checks is label order.
   */
  *series(): IterableIterator<StoredBlockSeries> {
    this.checkOpen();
    const n = this.index.seriesCount;
    for (let id = 0; id < n; id++) {
      this.checkOpen();
      yield { labels: this.index.labels(id), chunks: this.index.chunks(id) };
    }
  }

  /** The raw bytes of one chunk of this block; RD_BLOCK_CORRUPT when damaged. */
  readChunk(ref: number): RawChunk {
    return this.readChunks([ref])[0];
  }

  /**
   * The raw bytes of several chunks, in the order of `refs`; nearby chunks
   * (one series' chunks are adjacent) cost one read. RD_BLOCK_CORRUPT when damaged.
   */
  readChunks(refs: readonly number[]): RawChunk[] {
    this.checkOpen();
    const chunks = this.chunkReader.readMany(refs);
    chunks.forEach((c, i) => {
      if (c.encoding !== ENCODING_XOR) {
        throw new ReddotError(
          "RD_BLOCK_CORRUPT",
          500,
          `${join(this.dir, CHUNKS_DIR)}: chunk ref ${refs[i]} has unknown encoding ${c.encoding}`,
        );
      }
    });
    return chunks;
  }

  /** Closes the index and chunk files. Further calls on the block throw a BUG. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.chunkReader.close();
    this.index.close();
  }

  /**
   * Decodes `chunks` restricted to [mint, maxt]. Each chunk is decoded after
   * the previous one; when chunks overlap in time, the runs are merged with
   * the later chunk winning on equal timestamps.
   */
  private decode(chunks: readonly ChunkMeta[], mint: number, maxt: number): SampleBuffer {
    this.checkOpen();
    const refs: number[] = [];
    for (const c of chunks) if (overlaps(c, mint, maxt)) refs.push(c.ref);
    const datas = this.readChunks(refs).map((c) => c.data);
    let capacity = 0;
    for (let i = 0; i < datas.length; i++) {
      capacity += withChunkContext(this.dir, refs[i], () => xorChunkCount(datas[i]));
    }
    // Decode into shared scratch space and copy out what is in range: short
    // windows read a few samples of each chunk.
    if (scratchTs.length < capacity) {
      scratchTs = new Float64Array(capacity * 2);
      scratchVs = new Float64Array(capacity * 2);
    }
    const ts = scratchTs;
    const vs = scratchVs;
    const starts = [0];
    let n = 0;
    for (let i = 0; i < datas.length; i++) {
      n = withChunkContext(this.dir, refs[i], () => decodeXorInto(datas[i], mint, maxt, ts, vs, n));
      starts.push(n);
    }
    if (runsAreSorted(ts, starts)) return { ts: ts.slice(0, n), vs: vs.slice(0, n), length: n };
    const outTs = new Float64Array(n);
    const outVs = new Float64Array(n);
    const length = mergeRuns(ts, vs, starts, outTs, outVs);
    return { ts: outTs, vs: outVs, length };
  }

  private idsFor(matchers: readonly Matcher[] | undefined): Uint32Array | undefined {
    return matchers && matchers.length > 0 ? this.index.select(matchers) : undefined;
  }

  private checkOpen(): void {
    if (this.closed) throw bug("block used after close", { dir: this.dir });
  }
}

/**
 * Runs `f`, a decoding of chunk `ref` of the block at `dir`, and rethrows a
 * chunk decoding error (RD_CORRUPT_CHUNK, which knows no file) as
 * RD_BLOCK_CORRUPT naming the block's chunk directory and the ref.
 */
export function withChunkContext<T>(dir: string, ref: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isReddotError(e) && e.code === CORRUPT_CHUNK) {
      throw new ReddotError(
        "RD_BLOCK_CORRUPT",
        500,
        `${join(dir, CHUNKS_DIR)}: chunk ref ${ref}: ${e.message}`,
        { cause: e },
      );
    }
    throw e;
  }
}
