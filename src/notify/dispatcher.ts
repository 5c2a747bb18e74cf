import type { InhibitRule } from "../config/index.js";
import type { NotificationAlert } from "../template/index.js";
import { AggregationGroup } from "./aggregation-group.js";
import { isResolved, type StoredAlert } from "./alert-store.js";
import { NFLOG_RETENTION_MS, type NotificationLog } from "./nflog.js";
import {
  type AttemptInfo,
  alertMutes,
  isMuted,
  type Muters,
  type NotifyContext,
  needsUpdate,
  type PipelineIntegration,
  routeMutedBy,
  type SendWithRetry,
} from "./pipeline.js";
import { groupKey, groupLabels, matchRoutes, type RouteNode } from "./route.js";
import type { NamedTimeInterval } from "./time-intervals.js";

/** The alert reddot raises about its own failing integrations. */
export const FAILING_ALERTNAME = "ReddotNotificationsFailing";

/** A pino-like logger. */
export interface NotifyLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

/** How one integration's notification ended. */
export interface SendResult {
  receiver: string;
  integration: string;
  ok: boolean;
  /** The last attempt's error, when failed. */
  error?: string;
}

export interface DispatcherDeps {
  tree: RouteNode;
  inhibitRules: readonly InhibitRule[];
  timeIntervals: ReadonlyMap<string, NamedTimeInterval>;
  muters: Muters;
  nflog: NotificationLog;
  integrationsFor: (receiver: string) => readonly PipelineIntegration[];
  sendWithRetry: SendWithRetry;
  externalURL: string;
  /** Every alert firing now, for inhibition. */
  firing: (now: number) => StoredAlert[];
  signal: AbortSignal;
  log: NotifyLogger;
  onResult: (r: SendResult, now: number) => void;
  nflogRetentionMs?: number;
}

function toNotification(a: StoredAlert, now: number): NotificationAlert {
  return {
    status: isResolved(a, now) ? "resolved" : "firing",
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
  };
}

/**
 * Routes alerts into aggregation groups and flushes due groups through the
 * pipeline (Alertmanager's dispatch.Dispatcher and notify pipeline):
 * time intervals, inhibition, silences, maintenance windows, then per
 * integration dedup against the notification log, send with retry, and a
 * durable log entry once delivered.
 */
export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #groups = new Map<string, AggregationGroup>();

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  /**
   * Puts an alert into the group of each route it matches; returns how many.
   * ReddotNotificationsFailing never goes to the receiver it is about.
   */
  insert(a: StoredAlert, now: number): number {
    let routes = matchRoutes(this.#deps.tree, a.labels);
    if (a.labels.alertname === FAILING_ALERTNAME && a.labels.receiver !== undefined) {
      routes = routes.filter((r) => r.receiver !== a.labels.receiver);
    }
    for (const route of routes) {
      const key = groupKey(route, a.labels);
      let g = this.#groups.get(key);
      if (g === undefined) {
        g = new AggregationGroup(route, key, groupLabels(route, a.labels), now);
        this.#groups.set(key, g);
      }
      g.insert(a, now);
    }
    return routes.length;
  }

  groups(): AggregationGroup[] {
    return [...this.#groups.values()];
  }

  /** When the earliest flush is due; undefined without groups. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const g of this.#groups.values()) {
      if (!g.flushing && (next === undefined || g.nextFlushAt < next)) next = g.nextFlushAt;
    }
    return next;
  }

  /** Flushes every group due at `now`; resolves when they are done. */
  async tick(now: number): Promise<void> {
    const due = [...this.#groups.values()].filter((g) => !g.flushing && g.nextFlushAt <= now);
    await Promise.all(due.map((g) => g.flush(now, (alerts) => this.#notify(g, alerts, now))));
    for (const g of due) {
      if (g.empty && !g.flushing && this.#groups.get(g.key) === g) this.#groups.delete(g.key);
    }
  }

  /** The receiver-level pipeline for one flush; true when every integration succeeded. */
  async #notify(g: AggregationGroup, alerts: StoredAlert[], now: number): Promise<boolean> {
    const d = this.#deps;
    if (d.signal.aborted) return false;
    const integrations = d.integrationsFor(g.route.receiver);
    // A receiver without integrations (reddot's log-only default) sends nothing: no muting to work out.
    if (integrations.length === 0) return true;
    const mutedBy = routeMutedBy(g.route, d.timeIntervals, now);
    if (mutedBy.length > 0) {
      d.log.debug?.({ groupKey: g.key, mutedBy }, "route muted by time interval");
      return true;
    }
    const firingNow = d.firing(now);
    const kept = alerts.filter(
      (a) => !isMuted(alertMutes(a.labels, firingNow, d.inhibitRules, d.muters, now)),
    );
    if (kept.length === 0) return true;
    const firing = new Set<string>();
    const resolved = new Set<string>();
    for (const a of kept) (isResolved(a, now) ? resolved : firing).add(a.fingerprint);
    const notifications = [
      ...kept.filter((a) => !isResolved(a, now)),
      ...kept.filter((a) => isResolved(a, now)),
    ].map((a) => toNotification(a, now));
    const ctx: NotifyContext = {
      receiver: g.route.receiver,
      groupKey: g.key,
      groupLabels: g.labels,
      alerts: notifications,
      externalURL: d.externalURL,
    };
    const results = await Promise.all(
      integrations.map((i) => this.#notifyIntegration(g, i, ctx, firing, resolved, now)),
    );
    return results.every(Boolean);
  }

  async #notifyIntegration(
    g: AggregationGroup,
    i: PipelineIntegration,
    ctx: NotifyContext,
    firing: Set<string>,
    resolved: Set<string>,
    now: number,
  ): Promise<boolean> {
    const d = this.#deps;
    const receiver = g.route.receiver;
    const entry = await d.nflog.query(receiver, g.key, i.id, now);
    if (!needsUpdate(entry, firing, resolved, i.sendResolved, g.route.repeatIntervalMs, now)) {
      return true;
    }
    const writes: Promise<void>[] = [];
    let lastError: string | undefined;
    const onAttempt = (a: AttemptInfo) => {
      if (!a.ok) lastError = a.error;
      const fields = {
        receiver,
        integration: i.id,
        groupKey: g.key,
        attempt: a.attempt,
        ok: a.ok,
        error: a.error,
        durationMs: Math.round(a.durationMs),
      };
      if (a.ok) d.log.info(fields, "notification sent");
      else d.log.warn(fields, "notification attempt failed");
      writes.push(
        d.nflog
          .recordAttempt({
            at: now,
            receiver,
            integration: i.id,
            groupKey: g.key,
            firing: firing.size,
            resolved: resolved.size,
            attempt: a.attempt,
            ok: a.ok,
            ...(a.error === undefined ? {} : { error: a.error }),
            durationMs: a.durationMs,
          })
          .catch((e: unknown) =>
            d.log.error({ err: (e as Error).message }, "cannot record notification attempt"),
          ),
      );
    };
    let ok: boolean;
    try {
      ok = await d.sendWithRetry(i, ctx, { signal: d.signal, onAttempt });
    } catch (e) {
      ok = false;
      lastError = (e as Error).message;
    }
    await Promise.all(writes);
    if (ok) {
      // Durable before it counts as sent: a restart after this never re-sends.
      try {
        await d.nflog.log({
          receiver,
          groupKey: g.key,
          integration: i.id,
          firing: [...firing],
          resolved: [...resolved],
          sentAt: now,
          expiresAt: now + (d.nflogRetentionMs ?? NFLOG_RETENTION_MS),
        });
      } catch (e) {
        d.log.error(
          { receiver, integration: i.id, groupKey: g.key, err: (e as Error).message },
          "cannot write notification log",
        );
        ok = false;
        lastError = `notification log: ${(e as Error).message}`;
      }
    }
    d.onResult(
      { receiver, integration: i.id, ok, ...(lastError === undefined ? {} : { error: lastError }) },
      now,
    );
    return ok;
  }
}
