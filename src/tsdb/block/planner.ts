/**
 * Which blocks to compact together. The policy follows the Prometheus TSDB's
 * leveled compactor (tsdb/compact.go: `plan`, `selectOverlappingDirs`,
 * `selectDirs`, `splitByRange`):
 *
 * 1. Overlapping blocks first. Blocks whose time ranges overlap (out-of-order
 *    data, or a crash between compaction and deletion of its sources) are
 *    merged before anything else, because queries over them must merge series
 *    at read time and range compaction assumes disjoint blocks.
 * 2. Otherwise, for each range above the first (the first is the head's block
 *    size), blocks are bucketed into range-aligned windows
 *    `[k * range, (k + 1) * range)`. A bucket's blocks (two or more, gaps
 *    allowed; blocks wider than the bucket are left out) are compacted when the
 *    bucket is complete, meaning the newest block starts at or after its end,
 *    or when they already span the whole bucket. The newest bucket is held
 *    back otherwise: the head will still cut blocks into it, and compacting
 *    early would only mean compacting again.
 *
 * Differences from Prometheus: all groups of one step are returned (they are
 * disjoint) rather than only the first, and the newest block is not held back
 * from a bucket it completes. Callers compact the groups, reload the blocks
 * and plan again until the plan is empty.
 */
import type { BlockMeta } from "./meta.js";

/**
 * Groups of blocks to compact, each sorted by minTime. Overlapping groups win
 * over everything else; otherwise the groups of the smallest range that has
 * any. `ranges` are in ms, ascending (e.g. [2h, 6h, 24h]).
 */
export function planCompaction(
  metas: readonly BlockMeta[],
  ranges: readonly number[],
): BlockMeta[][] {
  if (metas.length < 2) return [];
  const sorted = [...metas].sort((a, b) => a.minTime - b.minTime || a.maxTime - b.maxTime);
  const overlapping = overlappingGroups(sorted);
  if (overlapping.length > 0) return overlapping;

  // The newest block's start: a bucket ending at or before it gets no more blocks.
  const newestStart = sorted[sorted.length - 1].minTime;
  for (const range of ranges.slice(1)) {
    const groups: BlockMeta[][] = [];
    for (const part of splitByRange(sorted, range)) {
      if (part.length < 2) continue;
      const bucketStart = floorTo(part[0].minTime, range);
      const bucketEnd = bucketStart + range;
      const spansBucket =
        part[0].minTime === bucketStart && part[part.length - 1].maxTime === bucketEnd;
      if (spansBucket || bucketEnd <= newestStart) groups.push(part);
    }
    if (groups.length > 0) return groups;
  }
  return [];
}

/**
 * Maximal runs of blocks (sorted by minTime) whose ranges overlap. Ranges are
 * half-open, so a block starting where another ends does not overlap it.
 */
function overlappingGroups(sorted: readonly BlockMeta[]): BlockMeta[][] {
  const groups: BlockMeta[][] = [];
  let cur: BlockMeta[] = [sorted[0]];
  let curMax = sorted[0].maxTime;
  for (let i = 1; i < sorted.length; i++) {
    const m = sorted[i];
    if (m.minTime < curMax) {
      cur.push(m);
      curMax = Math.max(curMax, m.maxTime);
    } else {
      if (cur.length > 1) groups.push(cur);
      cur = [m];
      curMax = m.maxTime;
    }
  }
  if (cur.length > 1) groups.push(cur);
  return groups;
}

/**
 * Splits blocks (sorted, disjoint) into runs that fall inside one bucket of
 * width `range`; blocks crossing a bucket boundary belong to no run.
 */
function splitByRange(sorted: readonly BlockMeta[], range: number): BlockMeta[][] {
  const parts: BlockMeta[][] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = floorTo(sorted[i].minTime, range);
    const end = start + range;
    if (sorted[i].maxTime > end) {
      i++;
      continue;
    }
    const part: BlockMeta[] = [];
    while (i < sorted.length && sorted[i].minTime >= start && sorted[i].maxTime <= end) {
      part.push(sorted[i]);
      i++;
    }
    parts.push(part);
  }
  return parts;
}

/** `t` rounded down to a multiple of `range`, also for negative times. */
function floorTo(t: number, range: number): number {
  return Math.floor(t / range) * range;
}
