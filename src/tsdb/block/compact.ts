/**
 * Compaction: merges N blocks into one, streaming one series at a time, as
 * the Prometheus TSDB's leveled compactor does (tsdb/compact.go,
 * `populateBlock`, with vertical compaction for overlapping blocks). Which
 * blocks to merge is `planCompaction`'s business (planner.ts).
 */
import { bug } from "../../lib/errors.js";
import { decodeXorInto, XorAppender, xorChunkCount } from "../chunkenc/index.js";
import { compareLabels, type Labels } from "../labels.js";
import type { ChunkMeta } from "../types.js";
import { type Block, withChunkContext } from "./block.js";
import { type ChunkInput, type SeriesInput, writeBlock } from "./block-writer.js";
import { mergeRuns } from "./merge.js";
import type { BlockMeta } from "./meta.js";

/** Samples per chunk when overlapping chunks are re-encoded (as the head cuts them). */
export const SAMPLES_PER_CHUNK = 120;

/** A chunk of one series in one of the input blocks. */
interface SourceChunk {
  readonly meta: ChunkMeta;
  readonly block: Block;
  /** The encoded chunk as stored. */
  readonly data: Uint8Array;
  /** Merge priority: block rank, then position in the block. Higher wins ties. */
  readonly rank: number;
}

/**
 * Compacts `blocks` into a new block in `parentDir` and returns its meta. The
 * inputs stay untouched: the caller deletes them (with `deleteBlock`) once it
 * has opened the new block. A crash before that leaves both; the new block
 * then supersedes the inputs (see `supersededBlocks`).
 *
 * For each series, chunks that overlap no other chunk are copied byte for
 * byte; overlapping ones are decoded, merged by timestamp (on equal
 * timestamps the block with the higher maxTime wins, then the later ULID) and
 * re-encoded in chunks of at most SAMPLES_PER_CHUNK samples.
 */
export async function compactBlocks(
  parentDir: string,
  blocks: readonly Block[],
): Promise<BlockMeta> {
  if (blocks.length === 0) throw bug("compactBlocks needs at least one block");
  // Rank order: lowest priority first, so a higher index wins on equal timestamps.
  const ranked = [...blocks].sort(
    (a, b) => a.meta.maxTime - b.meta.maxTime || (a.ulid < b.ulid ? -1 : a.ulid > b.ulid ? 1 : 0),
  );
  const metas = blocks.map((b) => b.meta);
  return writeBlock(parentDir, {
    minTime: Math.min(...metas.map((m) => m.minTime)),
    maxTime: Math.max(...metas.map((m) => m.maxTime)),
    level: Math.max(...metas.map((m) => m.compaction.level)) + 1,
    sources: metas.flatMap((m) => m.compaction.sources),
    series: mergeSeries(ranked),
  });
}

/**
 * The union of the blocks' series in label order; a series present in several
 * blocks comes once, with the chunks of all of them.
 */
function* mergeSeries(ranked: readonly Block[]): Generator<SeriesInput> {
  const iters = ranked.map((b) => b.series());
  const heads = iters.map((it) => it.next());
  for (;;) {
    let min: Labels | undefined;
    for (const h of heads) {
      if (!h.done && (min === undefined || compareLabels(h.value.labels, min) < 0)) {
        min = h.value.labels;
      }
    }
    if (min === undefined) return;
    const sources: SourceChunk[] = [];
    for (let b = 0; b < heads.length; b++) {
      const h = heads[b];
      if (h.done || compareLabels(h.value.labels, min) !== 0) continue;
      const { chunks } = h.value;
      const raw = ranked[b].readChunks(chunks.map((c) => c.ref));
      chunks.forEach((meta, i) => {
        // Chunks per series stay far below 2^20, so the rank is exact and unique.
        sources.push({ meta, block: ranked[b], data: raw[i].data, rank: b * 2 ** 20 + i });
      });
      heads[b] = iters[b].next();
    }
    yield { labels: min, chunks: seriesChunks(sources) };
  }
}

/**
 * The output chunks of one series: clusters of chunks that overlap in time
 * (transitively) are merged; a cluster of one chunk is copied as it is.
 */
function* seriesChunks(sources: SourceChunk[]): Generator<ChunkInput> {
  sources.sort((a, b) => a.meta.mint - b.meta.mint || a.rank - b.rank);
  let i = 0;
  while (i < sources.length) {
    let j = i + 1;
    let clusterMax = sources[i].meta.maxt;
    while (j < sources.length && sources[j].meta.mint <= clusterMax) {
      clusterMax = Math.max(clusterMax, sources[j].meta.maxt);
      j++;
    }
    if (j === i + 1) {
      const s = sources[i];
      yield { mint: s.meta.mint, maxt: s.meta.maxt, data: s.data };
    } else {
      yield* mergeCluster(sources.slice(i, j));
    }
    i = j;
  }
}

/** Decodes overlapping chunks, merges them by priority and re-encodes the result. */
function* mergeCluster(cluster: SourceChunk[]): Generator<ChunkInput> {
  cluster.sort((a, b) => a.rank - b.rank);
  const datas = cluster.map((s) => s.data);
  let capacity = 0;
  cluster.forEach((s, k) => {
    capacity += withChunkContext(s.block.dir, s.meta.ref, () => xorChunkCount(datas[k]));
  });
  const ts = new Float64Array(capacity);
  const vs = new Float64Array(capacity);
  const starts = [0];
  let n = 0;
  for (let k = 0; k < datas.length; k++) {
    const { mint, maxt, ref } = cluster[k].meta;
    const from = n;
    n = withChunkContext(cluster[k].block.dir, ref, () =>
      decodeXorInto(datas[k], mint, maxt, ts, vs, from),
    );
    starts.push(n);
  }
  const outTs = new Float64Array(n);
  const outVs = new Float64Array(n);
  const total = mergeRuns(ts, vs, starts, outTs, outVs);
  for (let from = 0; from < total; from += SAMPLES_PER_CHUNK) {
    const to = Math.min(total, from + SAMPLES_PER_CHUNK);
    const app = new XorAppender();
    for (let k = from; k < to; k++) app.append(outTs[k], outVs[k]);
    yield { mint: outTs[from], maxt: outTs[to - 1], data: app.bytes() };
  }
}

/**
 * Blocks whose data another block already holds: a crash after compaction but
 * before the inputs were deleted leaves them behind. Block B is superseded by
 * A when A's sources include all of B's and A has a higher level. The caller
 * deletes them at start.
 */
export function supersededBlocks(metas: readonly BlockMeta[]): BlockMeta[] {
  return metas.filter((b) => {
    return metas.some(
      (a) =>
        a !== b &&
        a.compaction.level > b.compaction.level &&
        b.compaction.sources.every((s) => a.compaction.sources.includes(s)),
    );
  });
}
