/**
 * Writing one parsed scrape into an appender, with the semantics of
 * Prometheus' scrapeLoop.append (scrape/scrape.go): target labels merged per
 * honor_labels, honor_timestamps, metric_relabel_configs, label_limit and
 * sample_limit (exceeding either fails the whole scrape), and staleness
 * tracking. The raw-series cache makes an unchanged line cost one lookup.
 */

import type { ScrapeEntry } from "../ingest/index.js";
import {
  type Appender,
  type Label,
  type Labels,
  labelsFromPairs,
  labelsKey,
  METRIC_NAME,
  STALE_NAN,
} from "../storage/index.js";
import type { CompiledRelabel } from "./relabel.js";
import type { CacheEntry, ScrapeCache } from "./scrape-cache.js";

/**
 * One parsed sample: src/ingest's ScrapeEntry. Its labels are built lazily,
 * so they are read only on a cache miss; its key is the raw series text.
 */
export type ScrapedEntry = ScrapeEntry;

/** How a target's samples are labelled and limited. */
export interface AppendOptions {
  /** The target's labels (job, instance, static labels...). */
  readonly targetLabels: Labels;
  readonly honorLabels: boolean;
  readonly honorTimestamps: boolean;
  readonly metricRelabel: CompiledRelabel;
  /** 0 = no limit. */
  readonly sampleLimit: number;
  /** 0 = no limit. */
  readonly labelLimit: number;
}

/** Counts reported by the scrape's own series. */
export interface AppendCounts {
  /** Samples in the exposition. */
  scraped: number;
  /** Samples kept after metric relabeling. */
  postRelabel: number;
  /** Series new to the target's cache. */
  seriesAdded: number;
}

/** A scrape that failed after the body arrived: limits, missing metric name. */
export class ScrapeAppendError extends Error {
  /** Partial counts at the time of failure. */
  readonly counts: AppendCounts;
  constructor(message: string, counts: AppendCounts) {
    super(message);
    this.name = "ScrapeAppendError";
    this.counts = counts;
  }
}

/**
 * Appends the samples of one scrape at time `ts` (ms) and then stale markers
 * for series of the previous scrape that are gone. The caller has called
 * `cache.begin()`; on a thrown error it must roll the appender back.
 */
export function appendScrape(
  app: Appender,
  cache: ScrapeCache,
  entries: readonly ScrapedEntry[],
  ts: number,
  opts: AppendOptions,
): AppendCounts {
  const counts: AppendCounts = { scraped: entries.length, postRelabel: 0, seriesAdded: 0 };
  const iter = cache.iter;
  // Past the limit we stop writing but keep counting, so the scrape's own
  // series report the real totals, as Prometheus does.
  let over = false;
  for (const e of entries) {
    let ce = cache.entries.get(e.key);
    if (ce === undefined) {
      ce = resolve(e.labels, opts, counts);
      // The key is a slice of the scrape body; a copy keeps the body collectable.
      cache.entries.set(` ${e.key}`.slice(1), ce);
      if (ce.labels !== null) counts.seriesAdded++;
    }
    ce.lastIter = iter;
    if (ce.labels === null) continue;
    counts.postRelabel++;
    if (over || (opts.sampleLimit > 0 && counts.postRelabel > opts.sampleLimit)) {
      over = true;
      continue;
    }
    const explicit = opts.honorTimestamps && e.timestamp !== undefined;
    ce.ref = app.append(ce.ref, ce.labels, explicit ? (e.timestamp as number) : ts, e.value);
    // Series with explicit timestamps are left out of staleness, as in Prometheus.
    if (!explicit) cache.cur.set(ce.labelsKey, ce);
  }
  if (over) {
    throw new ScrapeAppendError(
      `sample_limit exceeded: ${counts.postRelabel} samples after metric relabeling, limit ${opts.sampleLimit}`,
      counts,
    );
  }
  appendStaleMarkers(app, cache, ts);
  return counts;
}

/** Writes a stale marker at `ts` for each series of `prev` absent from `cur`; returns how many. */
export function appendStaleMarkers(app: Appender, cache: ScrapeCache, ts: number): number {
  let n = 0;
  for (const [key, s] of cache.prev) {
    if (cache.cur.has(key)) continue;
    app.append(s.ref, s.labels, ts, STALE_NAN);
    n++;
  }
  return n;
}

/** Cache miss: merges target labels, relabels, checks limits. */
function resolve(scraped: Labels, opts: AppendOptions, counts: AppendCounts): CacheEntry {
  const merged = opts.honorLabels
    ? mergeHonoring(scraped, opts.targetLabels)
    : mergeExporting(scraped, opts.targetLabels);
  const labels = opts.metricRelabel.length === 0 ? merged : opts.metricRelabel.apply(merged);
  if (labels === null || labels.length === 0) {
    return { labels: null, lastIter: 0 };
  }
  let name = "";
  for (const l of labels) if (l.name === METRIC_NAME) name = l.value;
  if (name === "") {
    throw new ScrapeAppendError(
      `missing metric name (__name__ label) on series ${labelsKey(labels)}`,
      counts,
    );
  }
  if (opts.labelLimit > 0 && labels.length > opts.labelLimit) {
    throw new ScrapeAppendError(
      `label_limit exceeded: metric ${name} has ${labels.length} labels, limit ${opts.labelLimit}`,
      counts,
    );
  }
  return { ref: 0, labels, labelsKey: labelsKey(labels), lastIter: 0 };
}

/** honor_labels: true — scraped labels win; target labels fill the gaps. */
function mergeHonoring(scraped: Labels, target: Labels): Labels {
  const pairs: Label[] = [...target, ...scraped];
  return labelsFromPairs(pairs);
}

/**
 * honor_labels: false — target labels win; a scraped label they overwrite is
 * kept as `exported_<name>` (more `exported_` prefixes while the name is
 * taken), shortest names first, as Prometheus' resolveConflictingExposedLabels.
 */
function mergeExporting(scraped: Labels, target: Labels): Labels {
  if (target.length === 0) return scraped;
  const out = new Map<string, string>();
  for (const l of scraped) out.set(l.name, l.value);
  const conflicts: Label[] = [];
  for (const l of target) {
    const v = out.get(l.name);
    if (v !== undefined) conflicts.push({ name: l.name, value: v });
    out.set(l.name, l.value);
  }
  conflicts.sort((a, b) => a.name.length - b.name.length);
  for (const c of conflicts) {
    let name = c.name;
    do name = `exported_${name}`;
    while (out.has(name));
    out.set(name, c.value);
  }
  const pairs: Label[] = [];
  for (const [name, value] of out) pairs.push({ name, value });
  return labelsFromPairs(pairs);
}
