import { MemPostings } from "../index/index.js";
import { compareLabels, type Labels, labelsKey } from "../labels.js";
import type { Matcher, SampleBuffer } from "../types.js";
import type { HeadChunkFiles } from "./head-chunk-files.js";
import { type AppendOutcome, type HeadChunk, MemSeries } from "./mem-series.js";

/** Caps that protect the head from cardinality explosions. 0 means "no cap". */
export interface HeadLimits {
  maxSeries: number;
  maxLabelsPerSeries: number;
  maxLabelNameLength: number;
  maxLabelValueLength: number;
  maxSamplesPerRequest: number;
}

/** Head settings. */
export interface HeadOptions {
  /** Block length in ms; chunks never span a multiple of it. */
  blockDurationMs: number;
  /** How far behind the newest sample an older sample is still accepted, ms. */
  outOfOrderWindowMs: number;
  limits: HeadLimits;
}

/** Counters the head keeps; read by self-monitoring. */
export interface HeadStats {
  samplesAppended: number;
  seriesCreated: number;
  seriesRemoved: number;
  refused: Record<string, number>;
}

/** Why a series could not be created, or undefined when it could. */
export type SeriesRefusal = "series_limit" | "label_limit" | "label_length" | undefined;

/** A head series as a select returns it. */
export interface HeadSeriesView {
  readonly labels: Labels;
  samples(mint: number, maxt: number): SampleBuffer;
}

/** A series cut out of the head for a block: labels and chunks before the boundary. */
export interface CutSeries {
  readonly labels: Labels;
  readonly chunks: HeadChunk[];
}

/**
 * The in-memory part of the store: recent samples of every active series in
 * compressed chunks, and a postings index over their labels. Series ids are
 * dense, increasing and never reused, so a stale id held by a caller is simply
 * not found.
 */
export class Head {
  readonly options: HeadOptions;
  readonly postings = new MemPostings();
  readonly stats: HeadStats = {
    samplesAppended: 0,
    seriesCreated: 0,
    seriesRemoved: 0,
    refused: {},
  };
  /** Samples before this time were persisted in blocks; older in-order samples are refused. */
  minValidTime = Number.NEGATIVE_INFINITY;
  /** Newest sample time seen, -Infinity when empty. */
  maxTime = Number.NEGATIVE_INFINITY;
  /**
   * Oldest in-order sample time accepted since the last cut (an estimate of
   * the head's span kept at no cost per sample, to know when to cut a block).
   */
  private oldestSinceCut = Number.POSITIVE_INFINITY;

  /**
   * Series by id. Ids are dense and increasing, so a plain array (holes where
   * series were removed) is the fastest lookup: WAL replay and every append
   * by ref go through it.
   */
  private readonly byId: (MemSeries | undefined)[] = [];
  private liveSeries = 0;
  private readonly byKey = new Map<string, MemSeries>();
  /** Interned label strings: many series share names and values. */
  private readonly symbols = new Map<string, string>();
  private nextId = 1;
  /** Series created since the last WAL write; see takeUnloggedSeries. */
  private unlogged: MemSeries[] = [];

  /** Where closed chunks live (out of the V8 heap). */
  readonly files: HeadChunkFiles;

  constructor(options: HeadOptions, files: HeadChunkFiles) {
    this.options = options;
    this.files = files;
  }

  /** Number of series in the head. */
  get seriesCount(): number {
    return this.liveSeries;
  }

  /** The series with id `id`, if still in the head. */
  getById(id: number): MemSeries | undefined {
    return this.byId[id];
  }

  /** Checks a label set against the label limits. */
  checkLabels(labels: Labels): SeriesRefusal {
    const l = this.options.limits;
    if (l.maxLabelsPerSeries > 0 && labels.length > l.maxLabelsPerSeries) return "label_limit";
    for (const { name, value } of labels) {
      if (l.maxLabelNameLength > 0 && name.length > l.maxLabelNameLength) return "label_length";
      if (l.maxLabelValueLength > 0 && value.length > l.maxLabelValueLength) return "label_length";
    }
    return undefined;
  }

  /**
   * Finds or creates the series for `labels`. Returns the refusal reason when a
   * new series would break a limit.
   */
  getOrCreate(labels: Labels): { series: MemSeries; created: boolean } | SeriesRefusal {
    const key = labelsKey(labels);
    const found = this.byKey.get(key);
    if (found !== undefined) return { series: found, created: false };
    const refusal = this.checkLabels(labels);
    if (refusal !== undefined) return refusal;
    const max = this.options.limits.maxSeries;
    if (max > 0 && this.liveSeries >= max) return "series_limit";
    const series = this.create(this.nextId, labels, key);
    this.unlogged.push(series);
    return { series, created: true };
  }

  /** Series created since the last call, to be written to the WAL before any sample of theirs. */
  takeUnloggedSeries(): MemSeries[] {
    const out = this.unlogged;
    this.unlogged = [];
    return out;
  }

  /** Re-creates a series with a known id (WAL replay). */
  createWithId(id: number, labels: Labels): MemSeries {
    const key = labelsKey(labels);
    const found = this.byKey.get(key);
    if (found !== undefined) {
      // The same labels logged twice under two ids (a series removed and
      // re-created between checkpoints): keep one series, alias the old id.
      this.byId[id] = found;
      if (id >= this.nextId) this.nextId = id + 1;
      return found;
    }
    return this.create(id, labels, key);
  }

  private create(id: number, labels: Labels, key: string): MemSeries {
    const flat: string[] = new Array(labels.length * 2);
    for (let i = 0; i < labels.length; i++) {
      flat[2 * i] = this.intern(labels[i].name);
      flat[2 * i + 1] = this.intern(labels[i].value);
    }
    const series = new MemSeries(id, flat);
    this.byId[id] = series;
    this.liveSeries++;
    this.byKey.set(key, series);
    this.postings.add(id, labels);
    if (id >= this.nextId) this.nextId = id + 1;
    this.stats.seriesCreated++;
    return series;
  }

  private intern(s: string): string {
    const found = this.symbols.get(s);
    if (found !== undefined) return found;
    this.symbols.set(s, s);
    return s;
  }

  /** Appends one sample to a series, applying the time bounds. */
  appendSample(series: MemSeries, t: number, v: number): AppendOutcome {
    const { blockDurationMs, outOfOrderWindowMs } = this.options;
    const oooMin = this.maxTime - outOfOrderWindowMs;
    const outcome = series.append(t, v, this.minValidTime, oooMin, blockDurationMs, this.files);
    if (outcome === "ok") {
      this.stats.samplesAppended++;
      if (t > this.maxTime) this.maxTime = t;
      if (t < this.oldestSinceCut) this.oldestSinceCut = t;
    } else if (outcome === "ooo") {
      this.stats.samplesAppended++;
    } else if (outcome !== "duplicate") {
      this.refuse(outcome, 1);
    }
    return outcome;
  }

  /** Counts refused samples by reason. */
  refuse(reason: string, n: number): void {
    this.stats.refused[reason] = (this.stats.refused[reason] ?? 0) + n;
  }

  /**
   * True when the head likely spans more than 1.5 block durations, the point
   * where Prometheus cuts a block. Cheap: for every commit.
   */
  wantsCut(): boolean {
    return this.maxTime - this.oldestSinceCut > this.options.blockDurationMs * 1.5;
  }

  /**
   * Gives a series, as WAL replay re-creates it, the closed chunks read back
   * from the head chunk files (quadruples mint, maxt, ref, length), dropping
   * those already in blocks. The series' newest time and value come from the
   * last chunk, so replay can skip the in-order samples these chunks hold.
   * Returns the number of chunks taken.
   */
  restoreChunks(
    series: MemSeries,
    recovered: { chunks: readonly number[]; lastValue: Float64Array },
  ): number {
    const quads = recovered.chunks;
    if (series.closed.length > 0 || series.open !== null) return 0;
    const kept: number[] = [];
    for (let i = 0; i < quads.length; i += 4) {
      if (quads[i] >= this.minValidTime)
        kept.push(quads[i], quads[i + 1], quads[i + 2], quads[i + 3]);
    }
    if (kept.length === 0) return 0;
    series.closed = kept;
    series.lastValue = recovered.lastValue[0];
    series.maxTime = kept[kept.length - 3];
    if (series.maxTime > this.maxTime) this.maxTime = series.maxTime;
    if (kept[0] < this.oldestSinceCut) this.oldestSinceCut = kept[0];
    return kept.length / 4;
  }

  /** Resets the span estimate to an exact minimum time (after a full scan). */
  noteOldest(minTime: number): void {
    this.oldestSinceCut = minTime;
  }

  /** Earliest sample time held in the head, +Infinity when empty. */
  minTime(): number {
    let m = Number.POSITIVE_INFINITY;
    for (const s of this.byKey.values()) {
      const t = s.minTime();
      if (t < m) m = t;
    }
    return m;
  }

  /** Series matching all matchers with data in [mint, maxt], sorted by labels. */
  select(
    matchers: readonly Matcher[],
    mint: number,
    maxt: number,
    sorted = true,
  ): HeadSeriesView[] {
    const ids = this.postings.select(matchers);
    const files = this.files;
    const found: HeadSeriesView[] = [];
    for (const id of ids) {
      const s = this.byId[id];
      if (s !== undefined && s.id === id && s.overlaps(mint, maxt)) {
        found.push({ labels: s.labels, samples: (a: number, b: number) => s.samples(a, b, files) });
      }
    }
    if (sorted) found.sort((a, b) => compareLabels(a.labels, b.labels));
    return found;
  }

  /** Label names on series matching the matchers. */
  labelNames(matchers: readonly Matcher[]): string[] {
    if (matchers.length === 0) return this.postings.labelNames();
    const names = new Set<string>();
    for (const id of this.postings.select(matchers)) {
      const s = this.byId[id];
      if (s !== undefined) for (const l of s.labels) names.add(l.name);
    }
    return [...names].sort();
  }

  /** Values of label `name` on series matching the matchers. */
  labelValues(name: string, matchers: readonly Matcher[]): string[] {
    if (matchers.length === 0) return this.postings.labelValues(name);
    const values = new Set<string>();
    for (const id of this.postings.select(matchers)) {
      const s = this.byId[id];
      if (s === undefined) continue;
      for (const l of s.labels) if (l.name === name) values.add(l.value);
    }
    return [...values].sort();
  }

  /**
   * Takes every sample before `boundary` out of the head, for a block.
   * Series come sorted by labels. Call `gc()` once the block is durable.
   */
  cutBefore(boundary: number): CutSeries[] {
    const out: CutSeries[] = [];
    for (const s of this.byKey.values()) {
      const chunks = s.takeBefore(boundary, this.files);
      if (chunks.length > 0) out.push({ labels: s.labels, chunks });
    }
    out.sort((a, b) => compareLabels(a.labels, b.labels));
    if (boundary > this.minValidTime) this.minValidTime = boundary;
    this.oldestSinceCut = Math.max(this.oldestSinceCut, boundary);
    return out;
  }

  /** Removes series that hold no samples; returns the ids removed. */
  gc(): Set<number> {
    const removed = new Set<number>();
    const byId = this.byId;
    for (let id = 0; id < byId.length; id++) {
      const s = byId[id];
      if (s === undefined || !s.isEmpty()) continue;
      removed.add(id);
      byId[id] = undefined;
      if (s.id !== id) continue; // an alias from WAL replay; the series itself is at s.id
      const key = labelsKey(s.labels);
      if (this.byKey.get(key) === s) this.byKey.delete(key);
      s.removed = true;
      this.liveSeries--;
    }
    if (removed.size > 0) {
      this.postings.delete(removed);
      this.stats.seriesRemoved += removed.size;
    }
    return removed;
  }

  /** True when `id` names a live series (for WAL checkpoints). */
  hasSeries(id: number): boolean {
    return this.byId[id] !== undefined;
  }

  /** Every live series (unsorted). */
  allSeries(): IterableIterator<MemSeries> {
    return this.byKey.values();
  }
}
