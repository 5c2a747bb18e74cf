/**
 * The write-ahead log of the store: records are framed into numbered segment
 * files (docs/formats/wal.md), written with group commit, fsynced by policy,
 * replayed on start and folded into checkpoints once the head is in a block.
 *
 * Follows the shape of Prometheus `tsdb/wlog` (segments, checkpoint.N, repair
 * of a torn tail), without its 32 KiB pages: a record is one frame, whole in
 * one segment, so reading needs no reassembly.
 */
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { bug } from "../../lib/errors.js";
import { runCheckpoint } from "./checkpoint.js";
import { DEFAULT_SEGMENT_SIZE, segmentName } from "./format.js";
import {
  checkWalOptions,
  type ReplayProgress,
  type ReplayStats,
  type WalOptions,
  type WalStats,
} from "./options.js";
import { RecordDecoder } from "./record-decode.js";
import type { DecodedRecord } from "./records.js";
import { checkEncodedRecord, SegmentSequence } from "./segment-file.js";
import { scanSegment } from "./segment-reader.js";
import { prepareWalDir, replayDir } from "./wal-dir.js";

interface RecordsEntry {
  kind: "records";
  records: readonly Uint8Array[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface CutEntry {
  kind: "cut";
  resolve: (index: number) => void;
  reject: (e: unknown) => void;
}

/** The write-ahead log. Open with `Wal.open`; one instance per directory. */
export class Wal {
  private readonly seq: SegmentSequence;
  private readonly policy: WalOptions["fsync"];
  private readonly segmentSize: number;
  /** Oldest segment on disk after the latest checkpoint. */
  private first: number;
  /** Last segment that existed at open (-1: none): the only one that may hold a torn tail. */
  private lastAtOpen: number;
  private tailCheck: Promise<void> | null = null;
  private replaying = false;
  private readonly queue: (RecordsEntry | CutEntry)[] = [];
  private loop: Promise<void> | null = null;
  /** Sticky: after a failed write or fsync the file state is unknown, so every later call fails. */
  private failed: unknown = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private unsynced = false;
  private syncDue = false;
  private readonly timer: NodeJS.Timeout | null = null;
  private checkpointing: Promise<void> = Promise.resolve();
  private records = 0;
  private tornTails = 0;

  private constructor(
    readonly dir: string,
    opts: WalOptions,
    first: number,
    next: number,
  ) {
    this.policy = opts.fsync;
    this.segmentSize = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    this.seq = new SegmentSequence(dir, next, this.segmentSize, opts.fsync !== "never");
    this.first = first;
    this.lastAtOpen = next > first ? next - 1 : -1;
    if (opts.fsync === "interval") {
      this.timer = setInterval(() => this.onTick(), opts.fsyncIntervalMs ?? 1000);
      // The timer must not keep the process alive; close() stops it.
      this.timer.unref();
    }
  }

  /**
   * Opens (creating if needed) the WAL in `opts.dir`, removing what an
   * interrupted checkpoint left behind. New records go to a new segment after
   * the existing ones, created by the first `log()` or `cut()`.
   */
  static async open(opts: WalOptions): Promise<Wal> {
    checkWalOptions(opts);
    const { first, next } = await prepareWalDir(opts.dir);
    return new Wal(opts.dir, opts, first, next);
  }

  /** Counters since open (a snapshot). */
  get stats(): WalStats {
    return {
      bytesWritten: this.seq.bytesWritten,
      fsyncs: this.seq.fsyncs,
      records: this.records,
      tornTailsRepaired: this.tornTails,
    };
  }

  /**
   * Appends encoded records (outputs of encodeSeriesRecord / encodeSamplesRecord).
   * Resolves once they were handed to the OS with write(2), and fsynced when the
   * policy is "always". Calls that arrive while a write is in flight are batched
   * into the next one (one write, one fsync). Order across calls is kept.
   * The arrays are read when the batch is written: do not modify them before
   * the promise settles. A rejection is sticky: the WAL then fails every later
   * call (the file state after a failed write or fsync is unknown); records of
   * a rejected call may or may not be in the log.
   */
  log(records: readonly Uint8Array[]): Promise<void> {
    if (this.closed) return Promise.reject(bug("Wal.log after close()", { dir: this.dir }));
    if (this.replaying) return Promise.reject(bug("Wal.log during replay()", { dir: this.dir }));
    if (this.failed !== null) return Promise.reject(this.failed);
    try {
      for (const r of records) checkEncodedRecord(r);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind: "records", records, resolve, reject });
      this.kick();
    });
  }

  /**
   * Delivers every record, oldest first: the latest checkpoint, then each
   * segment after it. Cuts a torn tail off the last segment. Call once, before
   * the first `log()`, `cut()` or `checkpoint()`.
   *
   * Fast path: the `refs`, `ts` and `vs` arrays of a samples record are reused
   * for the next record, so they are only valid during the `onRecord` call;
   * copy what must outlive it. Series records and their labels may be kept.
   */
  async replay(
    onRecord: (rec: DecodedRecord) => void,
    onProgress?: (p: ReplayProgress) => void,
  ): Promise<ReplayStats> {
    const busy = this.replaying || this.loop !== null || this.tailCheck !== null;
    if (this.closed || busy || this.seq.writer !== null) {
      throw bug("Wal.replay must come before log(), cut(), checkpoint() and close()", {
        dir: this.dir,
      });
    }
    const t0 = performance.now();
    const stats: ReplayStats = {
      records: 0,
      series: 0,
      samples: 0,
      bytes: 0,
      segments: 0,
      tornTailsRepaired: 0,
      durationMs: 0,
    };
    const decoder = new RecordDecoder();
    const onFrame = (type: number, payload: Uint8Array): undefined => {
      const rec = decoder.decode(type, payload);
      stats.records++;
      if (rec.type === "series") stats.series += rec.series.length;
      else stats.samples += rec.length;
      onRecord(rec);
    };
    this.replaying = true;
    let r: Awaited<ReturnType<typeof replayDir>>;
    try {
      r = await replayDir(this.dir, onFrame, onProgress);
    } finally {
      this.replaying = false;
    }
    // The last segment was just checked; the first write needs no second look.
    this.tailCheck = Promise.resolve();
    stats.bytes = r.bytes;
    stats.segments = r.files;
    if (r.repaired) this.repaired(r.removedLast);
    stats.tornTailsRepaired = r.repaired ? 1 : 0;
    stats.durationMs = performance.now() - t0;
    return stats;
  }

  /** Finishes the current segment and starts the next; resolves to the new segment's index. */
  cut(): Promise<number> {
    if (this.closed) return Promise.reject(bug("Wal.cut after close()", { dir: this.dir }));
    if (this.replaying) return Promise.reject(bug("Wal.cut during replay()", { dir: this.dir }));
    if (this.failed !== null) return Promise.reject(this.failed);
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ kind: "cut", resolve, reject });
      this.kick();
    });
  }

  /**
   * Segments on disk after the latest checkpoint, the one being written
   * included. When there is none, `first` is the index the next one will get
   * and `last` is `first - 1`.
   */
  segmentRange(): { first: number; last: number } {
    const last = this.seq.writer?.index ?? this.seq.nextIndex - 1;
    return { first: Math.min(this.first, last + 1), last };
  }

  /**
   * Folds the previous checkpoint and every segment below `beforeSegment` into
   * `checkpoint.<beforeSegment - 1>`, keeping the series for which `keepSeries`
   * holds and their samples with t >= `minTime` (ms); then deletes those
   * segments and older checkpoints. Written to a temp dir, fsynced, renamed.
   * `beforeSegment` may not exceed the segment being written.
   */
  checkpoint(
    beforeSegment: number,
    keepSeries: (ref: number) => boolean,
    minTime: number,
  ): Promise<void> {
    const run = this.checkpointing.then(() =>
      this.doCheckpoint(beforeSegment, keepSeries, minTime),
    );
    // The next checkpoint waits for this one whatever its outcome; the caller gets the outcome from `run`.
    this.checkpointing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Writes what is queued, fsyncs (unless the policy is "never"), closes. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    while (this.loop !== null) await this.loop;
    await this.checkpointing;
    const sync = this.policy !== "never" && this.unsynced && this.failed === null;
    await this.seq.close(sync);
    this.unsynced = false;
  }

  private async doCheckpoint(
    beforeSegment: number,
    keepSeries: (ref: number) => boolean,
    minTime: number,
  ): Promise<void> {
    if (this.closed || this.replaying) {
      throw bug("Wal.checkpoint after close() or during replay()", { dir: this.dir });
    }
    await this.ensureTailChecked();
    const limit = this.seq.writer?.index ?? this.seq.nextIndex;
    if (!Number.isInteger(beforeSegment) || beforeSegment > limit) {
      throw bug("Wal.checkpoint: beforeSegment must not exceed the segment being written", {
        beforeSegment,
        limit,
      });
    }
    const folded = await runCheckpoint({
      dir: this.dir,
      beforeSegment,
      keepSeries,
      minTime,
      segmentSize: this.segmentSize,
    });
    if (folded) this.first = Math.max(this.first, beforeSegment);
  }

  private onTick(): void {
    if (!this.unsynced || this.closed) return;
    this.syncDue = true;
    this.kick();
  }

  private kick(): void {
    this.loop ??= this.runLoop();
  }

  /** The single writer: takes queued entries in order; never rejects (errors go to waiters). */
  private async runLoop(): Promise<void> {
    // Let log() calls made in the same tick join the first batch.
    await Promise.resolve();
    while (this.queue.length > 0 || this.syncDue) {
      const head = this.queue[0];
      if (head === undefined) {
        await this.intervalSync();
      } else if (head.kind === "cut") {
        this.queue.shift();
        await this.runCut(head);
      } else {
        let n = 1;
        while (n < this.queue.length && this.queue[n].kind === "records") n++;
        await this.writeBatch(this.queue.splice(0, n) as RecordsEntry[]);
      }
    }
    this.loop = null;
  }

  private async writeBatch(batch: RecordsEntry[]): Promise<void> {
    try {
      if (this.failed !== null) throw this.failed;
      await this.ensureTailChecked();
      this.records += await this.seq.append(batch.map((e) => e.records));
      if (this.policy === "always") await this.seq.sync();
      else this.unsynced = true;
    } catch (e) {
      this.failed ??= e;
      for (const entry of batch) entry.reject(this.failed);
      return;
    }
    for (const entry of batch) entry.resolve();
  }

  private async runCut(entry: CutEntry): Promise<void> {
    try {
      if (this.failed !== null) throw this.failed;
      await this.ensureTailChecked();
      const w = await this.seq.rotate();
      this.unsynced = false;
      entry.resolve(w.index);
    } catch (e) {
      this.failed ??= e;
      entry.reject(this.failed);
    }
  }

  private async intervalSync(): Promise<void> {
    this.syncDue = false;
    if (!this.unsynced || this.failed !== null) return;
    try {
      await this.seq.sync();
      this.unsynced = false;
    } catch (e) {
      // After a failed fsync the page cache may have dropped the data (Linux
      // marks it clean): writing on would hide the loss, so fail for good.
      this.failed ??= e;
    }
  }

  /**
   * Without a replay, the last segment of a previous run may end torn; new
   * segments go after it, where a torn tail would read as corruption. So it is
   * checked (and repaired) once before the first write.
   */
  private ensureTailChecked(): Promise<void> {
    this.tailCheck ??= this.checkTail();
    return this.tailCheck;
  }

  private async checkTail(): Promise<void> {
    if (this.lastAtOpen < 0) return;
    const r = await scanSegment(join(this.dir, segmentName(this.lastAtOpen)), { last: true });
    if (r.repaired) this.repaired(r.removed);
  }

  /**
   * Accounts a repaired torn tail. A removed last segment (it held only a torn
   * header) frees its index: the next segment reuses it, so indexes stay contiguous.
   */
  private repaired(removedLast: boolean): void {
    this.tornTails++;
    if (removedLast && this.lastAtOpen >= 0 && this.seq.writer === null) {
      this.seq.nextIndex = this.lastAtOpen;
    }
    this.lastAtOpen = -1;
  }
}
