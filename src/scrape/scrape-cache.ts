/**
 * Per-target state kept between scrapes, after Prometheus' scrapeCache
 * (scrape/scrape.go):
 * - `entries`: raw series text → series ref and final labels (or "dropped by
 *   metric relabeling"), so an unchanged exposition line costs one map lookup;
 * - `prev`/`cur`: the series written by the previous and the current scrape,
 *   keyed by label set, so that series which disappear get a stale marker.
 */
import type { Labels } from "../storage/index.js";

/** What a raw series line resolved to: a series, or "dropped by metric relabeling". */
export type CacheEntry = SeriesEntry | DroppedEntry;

/** A raw series line that resolved to a stored series. */
export interface SeriesEntry {
  /** Storage series ref (0 until the store returned one). */
  ref: number;
  /** Final labels. */
  readonly labels: Labels;
  /** `labelsKey(labels)`, computed once. */
  readonly labelsKey: string;
  /** Scrape iteration that last saw this line. */
  lastIter: number;
}

/** A raw series line that metric relabeling dropped. */
export interface DroppedEntry {
  readonly labels: null;
  /** Scrape iteration that last saw this line. */
  lastIter: number;
}

/** A series written by a scrape, remembered for staleness. */
export interface SeenSeries {
  readonly ref: number;
  readonly labels: Labels;
}

/** Entries unseen for this many scrapes are forgotten (Prometheus uses 10 too). */
const KEEP_UNSEEN_ITERATIONS = 10;

/** Mutable per-target scrape state. */
export class ScrapeCache {
  /** Raw series text → resolution. */
  readonly entries = new Map<string, CacheEntry>();
  /** Series written by the last completed scrape, keyed by labelsKey. */
  prev = new Map<string, SeenSeries>();
  /** Series written by the scrape under way. */
  cur = new Map<string, SeenSeries>();
  /** Incremented once per scrape. */
  iter = 0;

  /** Starts a scrape: a fresh `cur`. */
  begin(): void {
    this.iter++;
    this.cur.clear();
  }

  /** Ends a successful scrape: `cur` becomes `prev`; long-unseen entries are dropped. */
  commit(): void {
    const p = this.prev;
    this.prev = this.cur;
    this.cur = p;
    this.cur.clear();
    const oldest = this.iter - KEEP_UNSEEN_ITERATIONS;
    for (const [key, e] of this.entries) if (e.lastIter < oldest) this.entries.delete(key);
  }

  /** Ends a failed scrape: everything of `prev` was marked stale, nothing is current. */
  fail(): void {
    this.prev.clear();
    this.cur.clear();
  }
}
