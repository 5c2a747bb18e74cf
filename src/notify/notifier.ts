import type { MaintenanceWindow, NotifyConfig } from "../config/index.js";
import type { MetaDb } from "../meta/index.js";
import type { NotificationTemplates } from "../template/index.js";
import { AlertStore, isResolved, type StoredAlert } from "./alert-store.js";
import { Dispatcher, FAILING_ALERTNAME, type NotifyLogger, type SendResult } from "./dispatcher.js";
import { matchesLabels } from "./matchers.js";
import { NotificationLog } from "./nflog.js";
import {
  type AlertMutes,
  alertMutes,
  isMuted,
  type PipelineIntegration,
  routeMutedBy,
  type SendWithRetry,
} from "./pipeline.js";
import { sendWithRetry } from "./receivers/index.js";
import { buildRouteTree, matchRoutes, type RouteNode } from "./route.js";
import type { NamedTimeInterval } from "./time-intervals.js";
import type { Alert } from "./types.js";

/** Timers, injectable so tests drive time themselves. */
export interface NotifierTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the notifier needs of the silence store. */
export interface SilenceLookup {
  mutedBy(labels: Record<string, string>, now: number): string[];
}

export interface NotifierOptions {
  config: NotifyConfig;
  maintenance: readonly MaintenanceWindow[];
  /** Kept for integrations built elsewhere; the notifier itself renders nothing. */
  templates?: NotificationTemplates;
  meta: MetaDb;
  silences: SilenceLookup;
  integrationsFor: (receiver: string) => readonly PipelineIntegration[];
  /** Delivery with retries; default src/notify/receivers' sendWithRetry (tests pass their own). */
  sendWithRetry?: SendWithRetry;
  /** reddot's URL for links; a function when it is known only once listening (port 0). */
  externalURL: string | (() => string);
  now?: () => number;
  timers?: NotifierTimers;
  log: NotifyLogger;
}

/** An alert with its state, for GET /api/v2/alerts. */
export interface AlertWithStatus extends StoredAlert {
  status: {
    state: "active" | "suppressed" | "unprocessed";
    silencedBy: string[];
    inhibitedBy: string[];
    /** Time intervals and maintenance windows holding it back. */
    mutedBy: string[];
  };
  receivers: string[];
}

/** Self-monitoring counters. */
export interface NotifierStats {
  alertsReceived: number;
  alertsInvalid: number;
  /** Notifications delivered, by `receiver/integration`. */
  sent: Map<string, number>;
  /** Notifications given up, by `receiver/integration`. */
  failed: Map<string, number>;
}

/** Consecutive failed flushes after which an integration counts as failing. */
export const FAILING_AFTER_FLUSHES = 3;
/** ... or failing without a success for this long. */
export const FAILING_AFTER_MS = 10 * 60_000;
/** How long resolved alerts stay in the store after their end. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;
/** Between garbage collections of the store and the notification log. */
export const GC_INTERVAL_MS = 15 * 60_000;
/** Longest wait for in-flight sends at stop. */
export const STOP_WAIT_MS = 5_000;
/** Bounds on one received alert. */
const MAX_LABELS = 256;
const MAX_TEXT = 16 * 1024;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface FailState {
  receiver: string;
  integration: string;
  consecutive: number;
  since: number;
  lastError: string;
  raised: boolean;
  /** Whether "nobody hears of it" was logged for this failure. */
  logged: boolean;
}

const realTimers: NotifierTimers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Why `a` is invalid, or undefined. */
export function invalidAlertReason(a: Alert): string | undefined {
  const names = Object.keys(a.labels ?? {});
  if (names.length === 0) return "alert has no labels";
  if (names.length > MAX_LABELS) return `alert has more than ${MAX_LABELS} labels`;
  for (const n of names) {
    if (!LABEL_NAME_RE.test(n)) return `invalid label name ${JSON.stringify(n.slice(0, 100))}`;
    const v = a.labels[n];
    if (typeof v !== "string" || v === "") return `label ${n} has an empty value`;
    if (v.length > MAX_TEXT) return `label ${n} is longer than ${MAX_TEXT} characters`;
  }
  for (const [n, v] of Object.entries(a.annotations ?? {})) {
    if (typeof v !== "string") return `annotation ${n} is not a string`;
    if (v.length > MAX_TEXT) return `annotation ${n} is longer than ${MAX_TEXT} characters`;
  }
  if (!Number.isFinite(a.startsAt) || !Number.isFinite(a.endsAt)) return "invalid start or end";
  if (a.endsAt !== 0 && a.startsAt !== 0 && a.endsAt < a.startsAt) return "end is before start";
  return undefined;
}

/**
 * The notifier: takes alerts from the rule engine (and the API), keeps them
 * in the alert store, groups and sends them (see Dispatcher), and raises
 * ReddotNotificationsFailing when an integration keeps failing.
 */
export class Notifier {
  #config: NotifyConfig;
  #maintenance: readonly MaintenanceWindow[];
  #tree: RouteNode;
  #intervals: Map<string, NamedTimeInterval>;
  #dispatcher: Dispatcher;
  readonly #opts: NotifierOptions;
  readonly #store = new AlertStore();
  readonly #nflog: NotificationLog;
  readonly #now: () => number;
  readonly #timers: NotifierTimers;
  readonly #abort = new AbortController();
  readonly #inflight = new Set<Promise<void>>();
  readonly #failing = new Map<string, FailState>();
  readonly #stats: NotifierStats = {
    alertsReceived: 0,
    alertsInvalid: 0,
    sent: new Map(),
    failed: new Map(),
  };
  #timer: unknown;
  #timerAt: number | undefined;
  #lastGc: number;
  #stopped = false;

  constructor(opts: NotifierOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#timers = opts.timers ?? realTimers;
    this.#nflog = new NotificationLog(opts.meta);
    this.#config = opts.config;
    this.#maintenance = opts.maintenance;
    this.#tree = buildRouteTree(opts.config.route);
    this.#intervals = new Map(opts.config.timeIntervals.map((t) => [t.name, t]));
    this.#dispatcher = this.#newDispatcher();
    this.#lastGc = this.#now();
  }

  #newDispatcher(): Dispatcher {
    const notifier = this;
    return new Dispatcher({
      tree: this.#tree,
      inhibitRules: this.#config.inhibitRules,
      timeIntervals: this.#intervals,
      muters: {
        silencedBy: (labels, now) => this.#opts.silences.mutedBy(labels, now),
        maintenanceBy: (labels, now) => this.#maintenanceBy(labels, now),
      },
      nflog: this.#nflog,
      integrationsFor: this.#opts.integrationsFor,
      sendWithRetry: this.#opts.sendWithRetry ?? sendWithRetry,
      // A getter: the dispatcher reads it at each flush.
      get externalURL() {
        return notifier.#externalURL();
      },
      firing: (now) => this.#store.firing(now),
      signal: this.#abort.signal,
      log: this.#opts.log,
      onResult: (r, now) => this.#onResult(r, now),
    });
  }

  #externalURL(): string {
    const u = this.#opts.externalURL;
    return typeof u === "string" ? u : u();
  }

  #maintenanceBy(labels: Record<string, string>, now: number): string[] {
    return this.#maintenance
      .filter((w) => now >= w.startsAt && now < w.endsAt && matchesLabels(w.matchers, labels))
      .map((w) => w.name);
  }

  /** Takes alerts in (merged by fingerprint); invalid ones are counted and logged. */
  receive(alerts: readonly Alert[]): void {
    if (this.#stopped) return;
    const now = this.#now();
    for (const a of alerts) {
      const reason = invalidAlertReason(a);
      if (reason !== undefined) {
        this.#stats.alertsInvalid++;
        this.#opts.log.warn({ reason }, "invalid alert dropped");
        continue;
      }
      this.#stats.alertsReceived++;
      this.#put(a, now);
    }
    this.#schedule();
  }

  /** Stores and routes an alert; returns the number of routes it reached. */
  #put(a: Alert, now: number): number {
    const stored = this.#store.put(a, now, this.#config.resolveTimeoutMs);
    return this.#dispatcher.insert(stored, now);
  }

  /** Applies a reloaded config: groups are rebuilt for the new tree, alerts kept. */
  update(config: NotifyConfig, maintenance: readonly MaintenanceWindow[]): void {
    this.#config = config;
    this.#maintenance = maintenance;
    this.#tree = buildRouteTree(config.route);
    this.#intervals = new Map(config.timeIntervals.map((t) => [t.name, t]));
    this.#dispatcher = this.#newDispatcher();
    const now = this.#now();
    for (const a of this.#store.all()) this.#dispatcher.insert(a, now);
    this.#schedule();
  }

  /**
   * Flushes every group due now, collects garbage when due, and resolves when
   * the flushes are done. The timer calls it; tests call it after moving
   * their clock.
   */
  async tick(): Promise<void> {
    if (this.#stopped) return;
    const now = this.#now();
    this.#refreshFailing(now);
    const p = this.#dispatcher.tick(now);
    this.#inflight.add(p);
    try {
      await p;
    } finally {
      this.#inflight.delete(p);
    }
    if (now - this.#lastGc >= GC_INTERVAL_MS) {
      this.#lastGc = now;
      this.#store.gc(now, RESOLVED_RETENTION_MS);
      try {
        await this.#nflog.gc(now);
      } catch (e) {
        this.#opts.log.error({ err: (e as Error).message }, "notification log GC failed");
      }
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    const due = this.#dispatcher.nextDue();
    if (due === undefined || due === this.#timerAt) return;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timerAt = due;
    this.#timer = this.#timers.setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = undefined;
        void this.tick();
      },
      Math.max(0, due - this.#now()),
    );
  }

  /** Stops: no new flushes; waits for in-flight sends up to 5 s, then aborts them. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    const pending = Promise.all(this.#inflight);
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      t = setTimeout(resolve, STOP_WAIT_MS);
      t.unref();
    });
    await Promise.race([pending, timeout]);
    clearTimeout(t);
    this.#abort.abort();
    await pending;
  }

  #onResult(r: SendResult, now: number): void {
    const id = `${r.receiver}/${r.integration}`;
    const counter = r.ok ? this.#stats.sent : this.#stats.failed;
    counter.set(id, (counter.get(id) ?? 0) + 1);
    const st = this.#failing.get(id);
    if (r.ok) {
      if (st?.raised) this.#put(this.#failingAlert(st, now, now), now);
      this.#failing.delete(id);
      return;
    }
    const s: FailState = st ?? {
      receiver: r.receiver,
      integration: r.integration,
      consecutive: 0,
      since: now,
      lastError: "",
      raised: false,
      logged: false,
    };
    s.consecutive++;
    s.lastError = r.error ?? "unknown error";
    this.#failing.set(id, s);
    if (s.consecutive >= FAILING_AFTER_FLUSHES || now - s.since >= FAILING_AFTER_MS) {
      s.raised = true;
      const routed = this.#put(this.#failingAlert(s, now, 0), now);
      if (routed === 0 && !s.logged) {
        s.logged = true;
        this.#opts.log.error(
          { receiver: s.receiver, integration: s.integration, error: s.lastError },
          "notifications are failing and no other receiver is routed to hear about it",
        );
      }
    }
  }

  /** Keeps raised failing alerts from timing out while the failure lasts. */
  /**
   * Keeps raised failing alerts from timing out while the failure lasts. A
   * receiver left with no group to send is not tried any more, so its
   * failure is no longer known: the alert resolves then.
   */
  #refreshFailing(now: number): void {
    const busy = new Set(this.#dispatcher.groups().map((g) => g.route.receiver));
    for (const [id, s] of this.#failing) {
      if (busy.has(s.receiver)) {
        if (s.raised) this.#put(this.#failingAlert(s, now, 0), now);
        continue;
      }
      if (s.raised) this.#put(this.#failingAlert(s, now, now), now);
      this.#failing.delete(id);
    }
  }

  #failingAlert(s: FailState, now: number, endsAt: number): Alert {
    return {
      labels: {
        alertname: FAILING_ALERTNAME,
        receiver: s.receiver,
        integration: s.integration,
        severity: "critical",
      },
      annotations: {
        summary: `Notifications to ${s.receiver}/${s.integration} are failing`,
        description: `${s.consecutive} notification(s) in a row failed since ${new Date(s.since).toISOString()}; last error: ${s.lastError}`,
      },
      startsAt: s.since,
      endsAt: endsAt === 0 ? 0 : Math.max(endsAt, now),
      generatorURL: this.#externalURL(),
    };
  }

  /** The alerts firing now, with their state (Alertmanager's API v2 alert status). */
  alerts(): AlertWithStatus[] {
    const now = this.#now();
    const firing = this.#store.firing(now);
    // As Alertmanager's API: resolved alerts are not listed.
    return this.#store
      .all()
      .filter((a) => !isResolved(a, now))
      .map((a) => {
        const routes = matchRoutes(this.#tree, a.labels);
        const mutes: AlertMutes = alertMutes(
          a.labels,
          firing,
          this.#config.inhibitRules,
          {
            silencedBy: (l, t) => this.#opts.silences.mutedBy(l, t),
            maintenanceBy: (l, t) => this.#maintenanceBy(l, t),
          },
          now,
        );
        const timeMuted = new Set<string>();
        for (const r of routes)
          for (const n of routeMutedBy(r, this.#intervals, now)) timeMuted.add(n);
        const mutedBy = [...mutes.maintenance, ...timeMuted];
        const suppressed = isMuted(mutes) || (routes.length > 0 && timeMuted.size > 0);
        return {
          ...a,
          status: {
            state: suppressed ? "suppressed" : "active",
            silencedBy: mutes.silencedBy,
            inhibitedBy: mutes.inhibitedBy,
            mutedBy,
          },
          receivers: [...new Set(routes.map((r) => r.receiver))],
        };
      });
  }

  /** Aggregation groups with their alerts, for GET /api/v2/alerts/groups. */
  groups(): {
    receiver: string;
    groupKey: string;
    labels: Record<string, string>;
    fingerprints: string[];
  }[] {
    return this.#dispatcher.groups().map((g) => ({
      receiver: g.route.receiver,
      groupKey: g.key,
      labels: g.labels,
      fingerprints: g.alerts().map((a) => a.fingerprint),
    }));
  }

  stats(): NotifierStats {
    return this.#stats;
  }
}
