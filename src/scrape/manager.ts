/**
 * The scrape manager: turns scrape configs into targets and keeps one scrape
 * loop per target. A reload (`apply`) behaves as Prometheus' scrape pool
 * sync: unchanged targets keep their running loop (no gap, no reset), changed
 * ones restart and take over the old loop's series for staleness, removed ones
 * stop and get stale markers, new ones start at their phase.
 */
import http from "node:http";
import https from "node:https";
import { parseExposition } from "../ingest/index.js";
import { bug } from "../lib/errors.js";
import type { Appendable } from "../storage/index.js";
import { labelsToRecord } from "../storage/index.js";
import type { TargetMetadata } from "./metadata.js";
import { compileRelabel } from "./relabel.js";
import { type LoopDeps, type LoopSettings, ScrapeLoop, type TargetStatus } from "./scrape-loop.js";
import { resolveTargets } from "./target.js";
import type { ScrapeConfig } from "./types.js";

/** A target that relabel_configs dropped, as GET /api/v1/targets shows it. */
export interface DroppedTarget {
  discoveredLabels: Record<string, string>;
  scrapePool: string;
}

/** Options of a ScrapeManager. */
export interface ScrapeManagerOptions {
  /** Called for each failed scrape and each target that cannot be built. */
  onError?: (target: string, err: Error) => void;
  /** Clock for sample timestamps, ms since the epoch (default Date.now). */
  now?: () => number;
}

interface Running {
  readonly loop: ScrapeLoop;
  /** Equal fingerprints: the loop can keep running across a reload. */
  readonly fingerprint: string;
  /** Settles once the loop has taken over from its predecessor (if any). */
  readonly ready: Promise<void>;
}

/** Scrapes the static targets of the current scrape configs. */
export class ScrapeManager {
  private readonly deps: LoopDeps;
  private loops = new Map<string, Running>();
  private dropped: DroppedTarget[] = [];
  /** Stops, handovers and stale-marker writes under way; awaited by `stop`. */
  private readonly background = new Set<Promise<void>>();
  private closed = false;

  constructor(storage: Appendable, opts: ScrapeManagerOptions = {}) {
    const onError = opts.onError ?? (() => {});
    this.deps = {
      storage,
      now: opts.now ?? Date.now,
      onError,
      parse: parseExposition,
      agents: {
        // Keep-alive as Prometheus; no socket cap, so jobs scraping the same
        // host:port never queue behind each other and eat their timeouts.
        http: new http.Agent({ keepAlive: true }),
        https: new https.Agent({ keepAlive: true }),
        httpsInsecure: new https.Agent({ keepAlive: true, rejectUnauthorized: false }),
      },
    };
  }

  /**
   * Reloads: starts new targets, stops removed ones (writing stale markers),
   * leaves unchanged targets' loops untouched and restarts changed ones.
   * Throws (changing nothing) when a relabel config is invalid.
   */
  apply(configs: readonly ScrapeConfig[]): void {
    if (this.closed) throw bug("ScrapeManager.apply after stop");
    const next = new Map<string, Running>();
    const dropped: DroppedTarget[] = [];
    const errors: [string, Error][] = [];
    const pending: { key: string; loop: ScrapeLoop; fingerprint: string }[] = [];
    for (const config of configs) {
      const resolved = resolveTargets(config);
      const settings: LoopSettings = {
        honorLabels: config.honorLabels,
        honorTimestamps: config.honorTimestamps,
        metricRelabel: compileRelabel(
          config.metricRelabelConfigs,
          `${config.jobName}: metric_relabel_configs`,
        ),
        sampleLimit: config.sampleLimit,
        labelLimit: config.labelLimit,
        bodySizeLimit: config.bodySizeLimit,
        insecureSkipVerify: config.insecureSkipVerify === true,
      };
      const fingerprint = JSON.stringify([
        config.honorLabels,
        config.honorTimestamps,
        config.metricRelabelConfigs,
        config.sampleLimit,
        config.labelLimit,
        config.bodySizeLimit,
        config.insecureSkipVerify === true,
      ]);
      for (const d of resolved.dropped) {
        dropped.push({ discoveredLabels: labelsToRecord(d), scrapePool: config.jobName });
      }
      for (const e of resolved.errors) errors.push([config.jobName, e]);
      for (const t of resolved.active) {
        // The interval and timeout may come from relabeled labels: part of identity.
        const key = `${t.key}\xff${t.interval}\xff${t.timeout}`;
        if (next.has(key) || pending.some((p) => p.key === key)) continue;
        const old = this.loops.get(key);
        if (old !== undefined && old.fingerprint === fingerprint) {
          old.loop.discoveredLabels = t.discoveredLabels;
          next.set(key, old);
        } else {
          pending.push({ key, loop: new ScrapeLoop(t, settings, this.deps), fingerprint });
        }
      }
    }
    // Everything is resolved and valid: now change the running state.
    for (const p of pending) {
      const old = this.loops.get(p.key);
      let ready = Promise.resolve();
      if (old === undefined) p.loop.start();
      else {
        ready = this.handOver(old, p.loop).catch((e: unknown) =>
          this.deps.onError(p.key, e as Error),
        );
        this.track(ready);
      }
      next.set(p.key, { loop: p.loop, fingerprint: p.fingerprint, ready });
    }
    for (const [key, old] of this.loops) {
      if (!next.has(key)) this.track(this.retire(old));
    }
    this.loops = next;
    this.dropped = dropped;
    for (const [job, e] of errors) this.deps.onError(job, e);
  }

  /** Active and dropped targets, shaped as Prometheus' /api/v1/targets data. */
  targets(): { active: TargetStatus[]; dropped: DroppedTarget[] } {
    return {
      active: [...this.loops.values()].map((r) => r.loop.status()),
      dropped: this.dropped.map((d) => ({ ...d, discoveredLabels: { ...d.discoveredLabels } })),
    };
  }

  /** Metric metadata of every active target, from its last parsed scrape. */
  metadata(): TargetMetadata[] {
    return [...this.loops.values()].map((r) => r.loop.metadata());
  }

  /**
   * Stops every loop and waits for scrapes and writes under way. Writes no
   * stale markers: the targets did not go away, the server is shutting down.
   */
  async stop(): Promise<void> {
    this.closed = true;
    const loops = [...this.loops.values()].map((r) => r.loop.stop());
    this.loops.clear();
    await Promise.all(loops);
    while (this.background.size > 0) await Promise.all([...this.background]);
    this.deps.agents.http.destroy();
    this.deps.agents.https.destroy();
    this.deps.agents.httpsInsecure.destroy();
  }

  /** Replaces a changed target's loop; the new one inherits the old one's series. */
  private async handOver(from: Running, to: ScrapeLoop): Promise<void> {
    // A predecessor still taking over (two quick reloads) must finish first,
    // or the series it inherits would be lost to staleness.
    await from.ready;
    await from.loop.stop();
    to.inherit(from.loop);
    to.start();
  }

  private async retire(from: Running): Promise<void> {
    await from.ready;
    await from.loop.stop();
    await from.loop.writeStaleMarkers();
  }

  /** Runs `p` in the background, reporting its failure; `stop` waits for it. */
  private track(p: Promise<void>): void {
    const tracked = p
      .catch((e: unknown) => this.deps.onError("scrape manager", e as Error))
      .finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }
}
