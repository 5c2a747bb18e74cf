/**
 * Blocks: immutable directories of chunks, index and meta.json
 * (docs/formats/block.md); writing, reading, compaction and retention.
 */
export { Block, type BlockSeries, type StoredBlockSeries } from "./block.js";
export {
  type BlockInput,
  type ChunkInput,
  cleanupTmpDirs,
  deleteBlock,
  listBlockDirs,
  type SeriesInput,
  TMP_CREATION_SUFFIX,
  TMP_DELETION_SUFFIX,
  writeBlock,
} from "./block-writer.js";
export { CHUNK_FILE_VERSION, MAX_SEGMENT_BYTES, type RawChunk } from "./chunk-format.js";
export { compactBlocks, SAMPLES_PER_CHUNK, supersededBlocks } from "./compact.js";
export {
  type BlockCompaction,
  type BlockMeta,
  type BlockStats,
  META_VERSION,
  readMeta,
} from "./meta.js";
export { planCompaction } from "./planner.js";
export { blocksBeyondRetention, type RetentionOptions } from "./retention.js";
export { isUlid, newUlid, ulidTime } from "./ulid.js";
