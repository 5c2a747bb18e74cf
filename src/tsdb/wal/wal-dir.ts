/**
 * The WAL directory as a whole: cleanup at open, and reading in replay order
 * (the latest checkpoint's segments, then the segments after it). Only the very
 * last segment may have a torn tail; a gap in the numbering is corruption
 * (records would be missing).
 */
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { WalCorruptionError, walIoError } from "./errors.js";
import { checkpointName, segmentName } from "./format.js";
import { listWalDir, syncDir } from "./segment-file.js";
import { type ScanOptions, scanSegment } from "./segment-reader.js";

/** What reading a directory found. */
export interface ReplayDirResult {
  /** Segment files read. */
  files: number;
  /** Their total size before any repair, in bytes. */
  bytes: number;
  /** The last segment had a torn tail, now cut off. */
  repaired: boolean;
  /** The last segment held only a torn header and was deleted. */
  removedLast: boolean;
}

/**
 * Creates `dir` if missing and removes what an interrupted checkpoint left
 * behind: its temp dir, checkpoints older than the newest, segments the newest
 * covers. Returns the oldest remaining segment and the index of the next one
 * to create (`first === next` when there is none).
 */
export async function prepareWalDir(dir: string): Promise<{ first: number; next: number }> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw walIoError("create directory", dir, e);
  }
  const ls = await listWalDir(dir);
  const cp = ls.checkpoints.at(-1) ?? -1;
  const stale = [
    ...ls.checkpointTmps,
    ...ls.checkpoints.filter((c) => c < cp).map(checkpointName),
    ...ls.segments.filter((s) => s <= cp).map(segmentName),
  ];
  for (const name of stale) {
    try {
      await rm(join(dir, name), { recursive: true, force: true });
    } catch (e) {
      throw walIoError("remove leftover", join(dir, name), e);
    }
  }
  if (stale.length > 0) await syncDir(dir);
  const segs = ls.segments.filter((s) => s > cp);
  const next = Math.max(segs.at(-1) ?? 0, cp, 0) + 1;
  return { first: segs[0] ?? next, next };
}

/** Files of a WAL directory in replay order; the last entry is the live tail (or none). */
export async function replayFiles(
  dir: string,
): Promise<{ files: string[]; tailIsSegment: boolean }> {
  const ls = await listWalDir(dir);
  const cp = ls.checkpoints.at(-1) ?? -1;
  const files = cp >= 0 ? await checkpointFiles(dir, cp) : [];
  const segs = ls.segments.filter((s) => s > cp);
  if (segs.length > 0) {
    checkContiguous(dir, segs, cp >= 0 ? cp + 1 : segs[0], segs.length);
    for (const s of segs) files.push(join(dir, segmentName(s)));
  }
  return { files, tailIsSegment: segs.length > 0 };
}

/** The segment files of checkpoint `index`, in order. */
export async function checkpointFiles(dir: string, index: number): Promise<string[]> {
  const cpDir = join(dir, checkpointName(index));
  const inner = await listWalDir(cpDir);
  checkContiguous(cpDir, inner.segments, 0, inner.segments.length);
  return inner.segments.map((s) => join(cpDir, segmentName(s)));
}

/**
 * Throws unless `list` is exactly `from, from + 1, ...` with `count` entries:
 * a missing segment would silently drop records.
 */
export function checkContiguous(dir: string, list: number[], from: number, count: number): void {
  for (let i = 0; i < count; i++) {
    if (list[i] !== from + i) {
      throw new WalCorruptionError(
        join(dir, segmentName(from + i)),
        0,
        `segment missing (found ${list[i] === undefined ? "none" : segmentName(list[i])} instead)`,
      );
    }
  }
}

/** Scans every file of `dir` in replay order, handing each valid frame to `onFrame`. */
export async function replayDir(
  dir: string,
  onFrame: NonNullable<ScanOptions["onFrame"]>,
  onProgress?: (p: {
    segment: number;
    segments: number;
    bytes: number;
    totalBytes: number;
  }) => void,
): Promise<ReplayDirResult> {
  const { files, tailIsSegment } = await replayFiles(dir);
  const sizes: number[] = [];
  for (const f of files) {
    try {
      sizes.push((await stat(f)).size);
    } catch (e) {
      throw walIoError("stat", f, e);
    }
  }
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const out: ReplayDirResult = {
    files: files.length,
    bytes: totalBytes,
    repaired: false,
    removedLast: false,
  };
  let before = 0;
  for (let k = 0; k < files.length; k++) {
    const last = tailIsSegment && k === files.length - 1;
    const report = onProgress
      ? (bytes: number) =>
          onProgress({ segment: k + 1, segments: files.length, bytes: before + bytes, totalBytes })
      : undefined;
    const r = await scanSegment(files[k], { last, onFrame, onProgress: report });
    if (r.repaired) {
      out.repaired = true;
      out.removedLast = r.removed;
    }
    before += sizes[k];
  }
  return out;
}
