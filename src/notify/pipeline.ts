import type { InhibitRule } from "../config/index.js";
import { inhibitingRule, type Labeled } from "./inhibit.js";
import type { NflogEntry } from "./nflog.js";
import type { AttemptRecord, Integration, NotifyContext } from "./receivers/index.js";
import type { RouteNode } from "./route.js";
import { intervalContains, type NamedTimeInterval } from "./time-intervals.js";

export type { NotifyContext } from "./receivers/index.js";

/** One configured integration of a receiver (src/notify/receivers' Integration). */
export type PipelineIntegration = Integration;

/** One delivery attempt, as reported by sendWithRetry. */
export type AttemptInfo = AttemptRecord;

/** sendWithRetry's shape (src/notify/receivers): true when delivered, false when given up. */
export type SendWithRetry = (
  integration: Integration,
  ctx: NotifyContext,
  opts: { signal: AbortSignal; onAttempt?: (a: AttemptRecord) => void },
) => Promise<boolean>;

/** Silences and maintenance windows as the pipeline reads them. */
export interface Muters {
  silencedBy(labels: Record<string, string>, now: number): string[];
  maintenanceBy(labels: Record<string, string>, now: number): string[];
}

/**
 * Alertmanager's DedupStage.needsUpdate: whether a notification is due given
 * the last one sent (`entry`) and the current firing and resolved
 * fingerprints.
 */
export function needsUpdate(
  entry: NflogEntry | undefined,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  sendResolved: boolean,
  repeatIntervalMs: number,
  now: number,
): boolean {
  // Never notified: only when something fires.
  if (entry === undefined) return firing.size > 0;
  // Something fires that was not in the last notification.
  const sentFiring = new Set(entry.firing);
  for (const fp of firing) if (!sentFiring.has(fp)) return true;
  // Everything resolved: notify (regardless of send_resolved, to clear the
  // log), unless nothing that fired was ever notified.
  if (firing.size === 0) return entry.firing.length > 0;
  if (sendResolved) {
    const sentResolved = new Set(entry.resolved);
    for (const fp of resolved) if (!sentResolved.has(fp)) return true;
  }
  // Nothing changed: only when repeat_interval has passed.
  return entry.sentAt < now - repeatIntervalMs;
}

/**
 * Why a route is muted at `now` by its time intervals: the names of its
 * mute_time_intervals containing now, or of its active_time_intervals when
 * none contains now. Empty when the route may notify.
 */
export function routeMutedBy(
  route: RouteNode,
  intervals: ReadonlyMap<string, NamedTimeInterval>,
  now: number,
): string[] {
  const date = new Date(now);
  const muted = route.muteTimeIntervals.filter((n) => {
    const ti = intervals.get(n);
    return ti !== undefined && intervalContains(ti, date);
  });
  if (muted.length > 0) return muted;
  if (route.activeTimeIntervals.length === 0) return [];
  const active = route.activeTimeIntervals.some((n) => {
    const ti = intervals.get(n);
    return ti !== undefined && intervalContains(ti, date);
  });
  return active ? [] : [...route.activeTimeIntervals];
}

/** Why one alert is held back; all empty when it is not. */
export interface AlertMutes {
  inhibitedBy: string[];
  silencedBy: string[];
  /** Maintenance window names. */
  maintenance: string[];
}

/** Inhibition, silences and maintenance windows for one alert at `now`. */
export function alertMutes(
  labels: Record<string, string>,
  firing: readonly (Labeled & { fingerprint: string })[],
  inhibitRules: readonly InhibitRule[],
  muters: Muters,
  now: number,
): AlertMutes {
  const hit = inhibitingRule(inhibitRules, firing, labels);
  return {
    inhibitedBy:
      hit === undefined ? [] : [(hit.source as unknown as { fingerprint: string }).fingerprint],
    silencedBy: muters.silencedBy(labels, now),
    maintenance: muters.maintenanceBy(labels, now),
  };
}

export function isMuted(m: AlertMutes): boolean {
  return m.inhibitedBy.length > 0 || m.silencedBy.length > 0 || m.maintenance.length > 0;
}
