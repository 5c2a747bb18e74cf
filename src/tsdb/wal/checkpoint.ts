/**
 * Checkpoints: once the head has persisted everything older than some
 * segment to a block, the segments before it are folded into
 * `checkpoint.<N>` (N = last folded segment), keeping only the series still
 * alive and their samples from `minTime` on, and then deleted. Follows
 * Prometheus `tsdb/wlog/checkpoint.go`: temp dir, fsync, rename, delete.
 */
import { mkdir, rename, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { walIoError } from "./errors.js";
import { checkpointName, segmentName } from "./format.js";
import { RecordDecoder } from "./record-decode.js";
import { encodeSamplesRecord, encodeSeriesRecord } from "./records.js";
import { listWalDir, SegmentSequence, syncDir } from "./segment-file.js";
import { scanSegment } from "./segment-reader.js";
import { checkContiguous, checkpointFiles } from "./wal-dir.js";

/** Samples per record written to a checkpoint. */
const SAMPLES_PER_RECORD = 8192;

/** Encoded bytes gathered before one write into the checkpoint. */
const FLUSH_BYTES = 4 * 1024 * 1024;

/** Inputs of one checkpoint run. */
export interface CheckpointParams {
  dir: string;
  beforeSegment: number;
  keepSeries: (ref: number) => boolean;
  minTime: number;
  segmentSize: number;
}

/**
 * Writes `checkpoint.<beforeSegment - 1>` from the previous checkpoint and the
 * segments below `beforeSegment`, then deletes those. Returns false (and does
 * nothing) when no segment below `beforeSegment` is left to fold.
 * The caller guarantees that no segment below `beforeSegment` is being written.
 */
export async function runCheckpoint(p: CheckpointParams): Promise<boolean> {
  const ls = await listWalDir(p.dir);
  const prev = ls.checkpoints.at(-1) ?? -1;
  const target = p.beforeSegment - 1;
  const segs = ls.segments.filter((s) => s > prev && s <= target);
  if (target <= prev || segs.length === 0) return false;
  const from = prev >= 0 ? prev + 1 : segs[0];
  checkContiguous(p.dir, segs, from, target - from + 1);
  // Previous checkpoint first, then the segments, as replay reads them.
  const sources = prev >= 0 ? await checkpointFiles(p.dir, prev) : [];
  for (const s of segs) sources.push(join(p.dir, segmentName(s)));

  const final = join(p.dir, checkpointName(target));
  const tmp = `${final}.tmp`;
  try {
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
  } catch (e) {
    throw walIoError("create", tmp, e);
  }
  const out = new CheckpointBuilder(tmp, p);
  try {
    for (const src of sources) {
      await scanSegment(src, { last: false, onFrame: (type, payload) => out.add(type, payload) });
    }
    await out.finish();
  } finally {
    // Only does something after a failure: finish() closed the last segment.
    await out.abort();
  }
  await syncDir(tmp);
  try {
    await rename(tmp, final);
  } catch (e) {
    throw walIoError("rename checkpoint", tmp, e);
  }
  await syncDir(p.dir);

  // The checkpoint is durable: what it replaces can go. Oldest first, so a
  // crash here leaves a suffix that open() finishes deleting.
  try {
    for (const s of segs) await unlink(join(p.dir, segmentName(s)));
    if (prev >= 0) await rm(join(p.dir, checkpointName(prev)), { recursive: true, force: true });
  } catch (e) {
    throw walIoError("delete folded segments in", p.dir, e);
  }
  await syncDir(p.dir);
  return true;
}

/** Filters decoded records into a new run of segments. */
class CheckpointBuilder {
  private readonly seq: SegmentSequence;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly refs = new Uint32Array(SAMPLES_PER_RECORD);
  private readonly ts = new Float64Array(SAMPLES_PER_RECORD);
  private readonly vs = new Float64Array(SAMPLES_PER_RECORD);
  private n = 0;
  /** Whether the batch being gathered holds out-of-order samples. */
  private ooo = false;
  private readonly decoder = new RecordDecoder();

  constructor(
    dir: string,
    private readonly p: CheckpointParams,
  ) {
    // durable: every file and the directory are fsynced before the rename.
    this.seq = new SegmentSequence(dir, 0, p.segmentSize, true);
  }

  /** Takes one source frame; returns a promise when it is time to write. */
  add(type: number, payload: Uint8Array): undefined | Promise<void> {
    // The samples arrays are the decoder's: read here, never kept.
    const rec = this.decoder.decode(type, payload);
    const keep = this.p.keepSeries;
    if (rec.type === "series") {
      const kept = rec.series.filter((s) => keep(s.ref));
      if (kept.length > 0) this.push(encodeSeriesRecord(kept));
    } else {
      // A batch holds one kind of samples: in-order and out-of-order records stay apart.
      if (rec.ooo !== this.ooo) {
        this.pushSamples();
        this.ooo = rec.ooo;
      }
      const minTime = this.p.minTime;
      for (let i = 0; i < rec.length; i++) {
        if (rec.ts[i] < minTime || !keep(rec.refs[i])) continue;
        this.refs[this.n] = rec.refs[i];
        this.ts[this.n] = rec.ts[i];
        this.vs[this.n] = rec.vs[i];
        if (++this.n === SAMPLES_PER_RECORD) this.pushSamples();
      }
    }
    return this.pendingBytes >= FLUSH_BYTES ? this.flush() : undefined;
  }

  /** Writes what is left and closes the last segment after an fsync. */
  async finish(): Promise<void> {
    this.pushSamples();
    // A checkpoint always has a segment, even an empty one.
    if (this.seq.writer === null) await this.seq.rotate();
    await this.flush();
    await this.seq.close(true);
  }

  /** Closes an open segment without fsync (the temp dir is abandoned). */
  async abort(): Promise<void> {
    await this.seq.close(false);
  }

  private pushSamples(): void {
    if (this.n === 0) return;
    this.push(encodeSamplesRecord(this.refs, this.ts, this.vs, this.n, this.ooo));
    this.n = 0;
  }

  private push(rec: Uint8Array): void {
    this.pending.push(rec);
    this.pendingBytes += rec.length;
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const recs = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    await this.seq.append([recs]);
  }
}
