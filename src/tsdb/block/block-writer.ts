/**
 * Writing and deleting block directories, crash-safely (docs/formats/block.md,
 * "Write and delete protocol"). The protocol is the Prometheus TSDB's
 * (tsdb/compact.go `write`, tsdb/db.go `deleteBlocks`): build under a
 * temporary name, fsync everything, rename into place, fsync the parent; the
 * temporary suffixes tell leftovers of a crash apart from real blocks.
 */
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { bug } from "../../lib/errors.js";
import { ENCODING_XOR, xorChunkCount } from "../chunkenc/index.js";
import { writeIndex } from "../index/index.js";
import { compareLabels, type Labels } from "../labels.js";
import type { ChunkMeta } from "../types.js";
import { ChunkWriter } from "./chunk-writer.js";
import { fsyncDir, yieldToEventLoop } from "./fs-util.js";
import { type BlockMeta, META_VERSION, writeMeta } from "./meta.js";
import { isUlid, newUlid } from "./ulid.js";

/** Suffix of a block directory being written; never loaded, removed at start. */
export const TMP_CREATION_SUFFIX = ".tmp-for-creation";
/** Suffix of a block directory being deleted; never loaded, removed at start. */
export const TMP_DELETION_SUFFIX = ".tmp-for-deletion";
/** Name of the chunk segment directory inside a block. */
export const CHUNKS_DIR = "chunks";
/** Name of the index file inside a block. */
export const INDEX_FILE = "index";

/** An encoded XOR chunk handed to `writeBlock`; `mint`/`maxt` are its first and last sample times, ms. */
export interface ChunkInput {
  readonly mint: number;
  readonly maxt: number;
  readonly data: Uint8Array;
}

/** One series handed to `writeBlock`, with its chunks in time order. */
export interface SeriesInput {
  readonly labels: Labels;
  readonly chunks: Iterable<ChunkInput>;
}

/** What `writeBlock` writes. */
export interface BlockInput {
  /** Start of the block's range, ms, inclusive. */
  readonly minTime: number;
  /** End of the block's range, ms, exclusive. Every sample lies in [minTime, maxTime). */
  readonly maxTime: number;
  /** Sorted by `compareLabels`, no duplicates; series without chunks are skipped. */
  readonly series: Iterable<SeriesInput>;
  /** Compaction level, default 1 (a block cut from the head). */
  readonly level?: number;
  /** Level-1 ancestors; default: the new block itself. */
  readonly sources?: readonly string[];
}

/** Series between two yields to the event loop while writing chunks. */
const SERIES_PER_YIELD = 1000;

/**
 * Writes a block into `<parentDir>/<ulid>` and returns its meta. Series and
 * their chunks are consumed one at a time, so the input can stream; only the
 * chunk refs are held until the index is written. A crash at any point leaves
 * either no block or a complete one (plus a temporary directory that
 * `cleanupTmpDirs` removes).
 */
export async function writeBlock(parentDir: string, input: BlockInput): Promise<BlockMeta> {
  const { minTime, maxTime } = input;
  if (!Number.isSafeInteger(minTime) || !Number.isSafeInteger(maxTime) || maxTime <= minTime) {
    throw bug("block range must be safe integers with minTime < maxTime", { minTime, maxTime });
  }
  const ulid = newUlid();
  const tmp = join(parentDir, ulid + TMP_CREATION_SUFFIX);
  await mkdir(tmp);
  let writer: ChunkWriter | undefined;
  try {
    writer = await ChunkWriter.create(join(tmp, CHUNKS_DIR));
    const series: { labels: Labels; chunks: ChunkMeta[] }[] = [];
    let numSamples = 0;
    let numChunks = 0;
    let prev: Labels | undefined;
    let seen = 0;
    for (const s of input.series) {
      if (prev !== undefined && compareLabels(prev, s.labels) >= 0) {
        throw bug("writeBlock: series not strictly sorted by labels", { prev, next: s.labels });
      }
      prev = s.labels;
      const metas: ChunkMeta[] = [];
      for (const c of s.chunks) {
        if (!(c.mint >= minTime && c.maxt < maxTime && c.mint <= c.maxt)) {
          throw bug("writeBlock: chunk outside the block range", {
            mint: c.mint,
            maxt: c.maxt,
            minTime,
            maxTime,
          });
        }
        numSamples += xorChunkCount(c.data);
        metas.push({ mint: c.mint, maxt: c.maxt, ref: writer.append(ENCODING_XOR, c.data) });
      }
      numChunks += metas.length;
      if (metas.length > 0) series.push({ labels: s.labels, chunks: metas });
      if (++seen % SERIES_PER_YIELD === 0) await yieldToEventLoop();
    }
    await writer.finish();
    writer = undefined;
    await writeIndex(join(tmp, INDEX_FILE), series);
    const meta: BlockMeta = {
      ulid,
      minTime,
      maxTime,
      stats: { numSeries: series.length, numSamples, numChunks },
      compaction: {
        level: input.level ?? 1,
        sources: input.sources ? [...new Set(input.sources)].sort() : [ulid],
      },
      version: META_VERSION,
    };
    await writeMeta(tmp, meta);
    // Directory entries (segment files, index, meta.json) are durable only
    // once their directories are synced; then the rename publishes the block.
    await fsyncDir(join(tmp, CHUNKS_DIR));
    await fsyncDir(tmp);
    await rename(tmp, join(parentDir, ulid));
    await fsyncDir(parentDir);
    return meta;
  } catch (e) {
    writer?.abort();
    await removeAfterFailure(tmp, e);
    throw e;
  }
}

/** Removes a half-written block; if that fails too, reports both errors. */
async function removeAfterFailure(tmp: string, cause: unknown): Promise<void> {
  try {
    await rm(tmp, { recursive: true, force: true });
  } catch (rmErr) {
    throw new AggregateError([cause, rmErr], `writing ${tmp} failed, and so did removing it`);
  }
}

/**
 * Deletes a block directory crash-safely: it is first renamed to
 * `<ulid>.tmp-for-deletion` (atomic), so a crash in the middle of the
 * recursive removal never leaves a partial block under its real name.
 */
export async function deleteBlock(dir: string): Promise<void> {
  const parent = dirname(dir);
  const doomed = join(parent, basename(dir) + TMP_DELETION_SUFFIX);
  await rename(dir, doomed);
  await fsyncDir(parent);
  await rm(doomed, { recursive: true, force: true });
  await fsyncDir(parent);
}

/**
 * Removes the leftovers of crashes in `parentDir` (directories ending in
 * `.tmp-for-creation` or `.tmp-for-deletion`); returns the names removed.
 * Call at start, before anything writes blocks.
 */
export async function cleanupTmpDirs(parentDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(parentDir)) {
    if (name.endsWith(TMP_CREATION_SUFFIX) || name.endsWith(TMP_DELETION_SUFFIX)) {
      await rm(join(parentDir, name), { recursive: true, force: true });
      removed.push(name);
    }
  }
  if (removed.length > 0) await fsyncDir(parentDir);
  return removed.sort();
}

/**
 * Paths of the block directories in `parentDir`, oldest ULID first: only
 * directories named by a ULID, so temporary directories and stray files are
 * never taken for blocks.
 */
export async function listBlockDirs(parentDir: string): Promise<string[]> {
  const entries = await readdir(parentDir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && isUlid(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => join(parentDir, name));
}
