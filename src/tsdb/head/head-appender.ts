import { grownFloat64 } from "../../lib/typed-arrays.js";
import type { Labels } from "../labels.js";
import type { Head } from "./head.js";
import type { MemSeries } from "./mem-series.js";

/** Outcome of a commit, as the storage interface reports it. */
export interface HeadCommitResult {
  accepted: number;
  refused: Record<string, number>;
}

/** Accepted samples of one commit: series ids, times and values in [0, n). */
export interface SampleBatch {
  readonly refs: Uint32Array;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  readonly n: number;
}

/** Where committed samples go to be made durable (the WAL), or null for none. */
export interface CommitLog {
  /**
   * Logs the series created and the samples accepted, in order and out of
   * order apart; resolves once written. Must start the write synchronously.
   */
  logCommit(
    newSeries: readonly MemSeries[],
    inOrder: SampleBatch,
    outOfOrder: SampleBatch | null,
  ): Promise<void>;
}

/**
 * Buffers the samples of one request, then applies them to the head and the
 * WAL in `commit`. Samples are validated against series state at commit time,
 * in one synchronous pass, so concurrent appenders cannot interleave and
 * produce out-of-order chunks. The commit resolves only after the WAL write:
 * that is the acknowledgement.
 */
export class HeadAppender {
  private readonly head: Head;
  private readonly log: CommitLog | null;
  private series: MemSeries[] = [];
  private ts = new Float64Array(64);
  private vs = new Float64Array(64);
  private n = 0;
  private readonly refused: Record<string, number> = {};
  private done = false;

  constructor(head: Head, log: CommitLog | null) {
    this.head = head;
    this.log = log;
  }

  /** Adds a sample; returns the series id to pass as `ref` next time (0 when refused). */
  append(ref: number, labels: Labels, t: number, v: number): number {
    let s = ref > 0 ? this.head.getById(ref) : undefined;
    if (s === undefined || s.removed) {
      // A stale ref without labels: the caller (remote write's ref cache) retries with labels.
      if (labels.length === 0) return 0;
      const got = this.head.getOrCreate(labels);
      if (got === undefined || typeof got === "string") {
        this.refuse(got ?? "series_limit");
        return 0;
      }
      s = got.series;
    }
    const max = this.head.options.limits.maxSamplesPerRequest;
    if (max > 0 && this.n >= max) {
      this.refuse("samples_per_request");
      return s.id;
    }
    if (this.n === this.ts.length) this.grow();
    this.series[this.n] = s;
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    this.n++;
    return s.id;
  }

  private refuse(reason: string): void {
    this.refused[reason] = (this.refused[reason] ?? 0) + 1;
  }

  private grow(): void {
    this.ts = grownFloat64(this.ts, this.ts.length * 2);
    this.vs = grownFloat64(this.vs, this.vs.length * 2);
  }

  /** Applies the buffered samples and waits until they are durable in the WAL. */
  async commit(): Promise<HeadCommitResult> {
    if (this.done) throw new Error("BUG: appender used after commit or rollback");
    this.done = true;
    const head = this.head;
    const refs = new Uint32Array(this.n);
    const ts = new Float64Array(this.n);
    const vs = new Float64Array(this.n);
    let accepted = 0;
    // Out-of-order samples are rare: their arrays are made on the first one.
    let ooo: { refs: Uint32Array; ts: Float64Array; vs: Float64Array; n: number } | null = null;
    for (let i = 0; i < this.n; i++) {
      let s = this.series[i];
      if (s.removed) {
        // Garbage-collected between append and commit: resolve again by labels.
        const got = head.getOrCreate(s.labels);
        if (got === undefined || typeof got === "string") {
          this.refuse(got ?? "series_limit");
          continue;
        }
        s = got.series;
      }
      const outcome = head.appendSample(s, this.ts[i], this.vs[i]);
      if (outcome === "ok") {
        refs[accepted] = s.id;
        ts[accepted] = this.ts[i];
        vs[accepted] = this.vs[i];
        accepted++;
      } else if (outcome === "ooo") {
        ooo ??= {
          refs: new Uint32Array(this.n - i),
          ts: new Float64Array(this.n - i),
          vs: new Float64Array(this.n - i),
          n: 0,
        };
        ooo.refs[ooo.n] = s.id;
        ooo.ts[ooo.n] = this.ts[i];
        ooo.vs[ooo.n] = this.vs[i];
        ooo.n++;
      } else if (outcome !== "duplicate") {
        this.refuse(outcome);
      }
    }
    const oooCount = ooo?.n ?? 0;
    for (const [reason, count] of Object.entries(this.refused)) {
      // Outcomes from appendSample were already counted by the head.
      if (reason !== "out_of_order" && reason !== "out_of_bounds") head.refuse(reason, count);
    }
    this.series = [];
    // Series created by any appender since the last log write go first, so a
    // samples record never names a series the WAL has not defined yet.
    const created = head.takeUnloggedSeries();
    if (this.log !== null && (accepted > 0 || oooCount > 0 || created.length > 0)) {
      await this.log.logCommit(created, { refs, ts, vs, n: accepted }, ooo);
    }
    return { accepted: accepted + oooCount, refused: this.refused };
  }

  /** Drops the buffered samples. Series already created stay (empty) until gc. */
  rollback(): void {
    this.done = true;
    this.series = [];
    this.n = 0;
  }
}
