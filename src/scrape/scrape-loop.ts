/**
 * The scrape loop of one target, after Prometheus' scrapeLoop
 * (scrape/scrape.go): scrapes at a fixed phase within the interval derived
 * from a hash of the target (so targets spread over the interval and a
 * restarted server keeps the same phase), writes each scrape atomically
 * through one appender, and keeps the status the targets API shows.
 */
import { createHash } from "node:crypto";
import type http from "node:http";
import type https from "node:https";
import os from "node:os";
import type { MetricMetadata } from "../ingest/index.js";
import { formatDuration } from "../lib/duration.js";
import {
  type Appendable,
  type Appender,
  type Labels,
  labelsFromPairs,
  labelsToRecord,
  METRIC_NAME,
  STALE_NAN,
} from "../storage/index.js";
import { fetchTarget } from "./fetch-target.js";
import type { TargetMetadata } from "./metadata.js";
import type { CompiledRelabel } from "./relabel.js";
import {
  type AppendCounts,
  type AppendOptions,
  appendScrape,
  appendStaleMarkers,
  ScrapeAppendError,
  type ScrapedEntry,
} from "./scrape-append.js";
import { ScrapeCache } from "./scrape-cache.js";
import type { Target } from "./target.js";

/** Parses an exposition body (src/ingest's parseExposition). */
export type ParseFn = (
  text: string,
  contentType: string | undefined,
  defaultTimestamp: number,
) => {
  readonly entries: readonly ScrapedEntry[];
  /** HELP/TYPE/UNIT by metric family, for the metadata API. */
  readonly metadata?: ReadonlyMap<string, MetricMetadata>;
};

/** Per-job settings that shape how a target's samples are written. */
export interface LoopSettings {
  readonly honorLabels: boolean;
  readonly honorTimestamps: boolean;
  readonly metricRelabel: CompiledRelabel;
  readonly sampleLimit: number;
  readonly labelLimit: number;
  readonly bodySizeLimit: number;
  readonly insecureSkipVerify: boolean;
}

/** What a loop needs from its manager. */
export interface LoopDeps {
  readonly storage: Appendable;
  /** Sample timestamps, ms since the epoch. */
  readonly now: () => number;
  readonly onError: (target: string, err: Error) => void;
  readonly parse: ParseFn;
  readonly agents: { http: http.Agent; https: https.Agent; httpsInsecure: https.Agent };
}

/** One active target as GET /api/v1/targets shows it. */
export interface TargetStatus {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  /** "" when the last scrape succeeded. */
  lastError: string;
  /** ISO 8601; Go's zero time before the first scrape, as Prometheus shows it. */
  lastScrape: string;
  /** Seconds. */
  lastScrapeDuration: number;
  health: "up" | "down" | "unknown";
  /** Prometheus duration text, e.g. "15s". */
  scrapeInterval: string;
  scrapeTimeout: string;
}

const ZERO_TIME = "0001-01-01T00:00:00Z";
const REPORT_NAMES = [
  "up",
  "scrape_duration_seconds",
  "scrape_samples_scraped",
  "scrape_samples_post_metric_relabeling",
  "scrape_series_added",
] as const;

/** Scrapes one target on its schedule until stopped. */
export class ScrapeLoop {
  /** Labels before relabeling; replaced when a reload changes only them. */
  discoveredLabels: Labels;
  private readonly cache = new ScrapeCache();
  private readonly appendOptions: AppendOptions;
  private readonly reportLabels: Labels[];
  private readonly reportRefs = [0, 0, 0, 0, 0];
  /** Phase within the interval, ms. */
  private readonly offset: number;
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<void> | null = null;
  private lastScheduled = 0;
  private stopped = false;
  private scrapedOnce = false;
  private health: TargetStatus["health"] = "unknown";
  private lastError = "";
  private lastScrape: number | null = null;
  private lastDuration = 0;
  /** Metadata of the last parsed scrape; kept when a scrape fails, as Prometheus' cache does. */
  private families: ReadonlyMap<string, MetricMetadata> = new Map();

  constructor(
    readonly target: Target,
    readonly settings: LoopSettings,
    private readonly deps: LoopDeps,
  ) {
    this.discoveredLabels = target.discoveredLabels;
    this.appendOptions = { ...settings, targetLabels: target.labels };
    this.reportLabels = REPORT_NAMES.map((name) =>
      labelsFromPairs([...target.labels, { name: METRIC_NAME, value: name }]),
    );
    const digest = createHash("md5").update(target.key).digest();
    this.offset = digest.readUIntBE(0, 6) % target.interval;
  }

  /** Takes over the series of a loop this one replaces, so staleness carries across a reload. */
  inherit(from: ScrapeLoop): void {
    this.cache.prev = from.cache.prev;
    from.cache.prev = new Map();
  }

  /** Schedules the first scrape at the target's phase. */
  start(): void {
    this.schedule();
  }

  /** Stops scheduling and waits for a scrape under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.inflight;
  }

  /**
   * After `stop`, for a target that went away: stale markers for every series
   * of its last scrape and for its own report series.
   */
  async writeStaleMarkers(): Promise<void> {
    if (!this.scrapedOnce && this.cache.prev.size === 0) return;
    const ts = this.deps.now();
    const app = this.deps.storage.appender();
    this.cache.cur.clear();
    appendStaleMarkers(app, this.cache, ts);
    if (this.scrapedOnce) {
      this.reportLabels.forEach((l, i) => {
        app.append(this.reportRefs[i], l, ts, STALE_NAN);
      });
    }
    this.cache.fail();
    await app.commit();
  }

  /** The target's state for the status API. */
  status(): TargetStatus {
    const t = this.target;
    return {
      discoveredLabels: labelsToRecord(this.discoveredLabels),
      labels: labelsToRecord(t.labels),
      scrapePool: t.scrapePool,
      scrapeUrl: t.url,
      globalUrl: globalUrl(t.url),
      lastError: this.lastError,
      lastScrape: this.lastScrape === null ? ZERO_TIME : new Date(this.lastScrape).toISOString(),
      lastScrapeDuration: this.lastDuration,
      health: this.health,
      scrapeInterval: formatDuration(t.interval),
      scrapeTimeout: formatDuration(t.timeout),
    };
  }

  /** The target's metric metadata for the metadata API. */
  metadata(): TargetMetadata {
    return { target: this.target.labels, families: this.families };
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = Date.now();
    const interval = this.target.interval;
    let next = now + ((this.offset - (now % interval) + interval) % interval);
    if (next <= this.lastScheduled)
      next += interval * Math.ceil((this.lastScheduled - next + 1) / interval);
    this.lastScheduled = next;
    this.timer = setTimeout(() => this.tick(), next - now);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    this.inflight = this.scrapeOnce()
      .catch((e: unknown) => this.deps.onError(this.target.url, e as Error))
      .finally(() => {
        this.inflight = null;
        this.schedule();
      });
  }

  /** One scrape: fetch, parse, append, report; never throws for target faults. */
  private async scrapeOnce(): Promise<void> {
    const ts = this.deps.now();
    const started = performance.now();
    let duration = 0;
    let counts: AppendCounts = { scraped: 0, postRelabel: 0, seriesAdded: 0 };
    this.cache.begin();
    let app: Appender | null = null;
    try {
      const body = await fetchTarget(this.target.url, {
        timeout: this.target.timeout,
        bodySizeLimit: this.settings.bodySizeLimit,
        agents: this.settings.insecureSkipVerify
          ? { http: this.deps.agents.http, https: this.deps.agents.httpsInsecure }
          : this.deps.agents,
      });
      duration = (performance.now() - started) / 1000;
      const parsed = this.deps.parse(body.text, body.contentType, ts);
      if (parsed.metadata !== undefined) this.families = parsed.metadata;
      app = this.deps.storage.appender();
      counts = appendScrape(app, this.cache, parsed.entries, ts, this.appendOptions);
    } catch (e) {
      app?.rollback();
      if (duration === 0) duration = (performance.now() - started) / 1000;
      if (e instanceof ScrapeAppendError) counts = e.counts;
      await this.writeFailure(ts, duration, counts, e as Error);
      return;
    }
    this.appendReport(app, ts, 1, duration, counts);
    await this.commit(app, ts, duration, "");
    this.cache.commit();
  }

  /** A failed scrape is an empty one: stale markers for the last scrape's series, up=0. */
  private async writeFailure(
    ts: number,
    duration: number,
    counts: AppendCounts,
    err: Error,
  ): Promise<void> {
    const app = this.deps.storage.appender();
    this.cache.cur.clear();
    appendStaleMarkers(app, this.cache, ts);
    this.appendReport(app, ts, 0, duration, { ...counts, seriesAdded: 0 });
    await this.commit(app, ts, duration, err.message || String(err));
    this.cache.fail();
    this.deps.onError(this.target.url, err);
  }

  private async commit(app: Appender, ts: number, duration: number, error: string): Promise<void> {
    try {
      await app.commit();
    } catch (e) {
      // Nothing was written: keep `prev` so the next scrape's staleness is right.
      this.lastError = `writing samples: ${(e as Error).message}`;
      this.health = "down";
      throw e;
    }
    this.scrapedOnce = true;
    this.lastScrape = ts;
    this.lastDuration = duration;
    this.lastError = error;
    this.health = error === "" ? "up" : "down";
  }

  private appendReport(
    app: Appender,
    ts: number,
    up: number,
    duration: number,
    c: AppendCounts,
  ): void {
    const values = [up, duration, c.scraped, c.postRelabel, c.seriesAdded];
    this.reportLabels.forEach((l, i) => {
      this.reportRefs[i] = app.append(this.reportRefs[i], l, ts, values[i]);
    });
  }
}

/** The scrape URL as seen from elsewhere: loopback names replaced by this host's name. */
function globalUrl(url: string): string {
  const u = new URL(url);
  if (u.hostname === "localhost" || u.hostname === "127.0.0.1" || u.hostname === "[::1]") {
    u.hostname = os.hostname();
  }
  return u.toString();
}
