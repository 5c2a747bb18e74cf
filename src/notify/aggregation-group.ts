import { isResolved, type StoredAlert } from "./alert-store.js";
import type { RouteNode } from "./route.js";

/**
 * One aggregation group (Alertmanager's dispatch.aggrGroup): the alerts of
 * one route that share the values of its group_by labels. The first flush
 * happens group_wait after the group is created (at once for an alert that
 * started longer than group_wait ago), later ones every group_interval.
 */
export class AggregationGroup {
  readonly route: RouteNode;
  readonly key: string;
  readonly labels: Record<string, string>;
  readonly #alerts = new Map<string, StoredAlert>();
  /** When the next flush is due (ms). */
  nextFlushAt: number;
  hasFlushed = false;
  flushing = false;

  constructor(route: RouteNode, key: string, labels: Record<string, string>, now: number) {
    this.route = route;
    this.key = key;
    this.labels = labels;
    this.nextFlushAt = now + route.groupWaitMs;
  }

  /** Adds or replaces an alert (by fingerprint). */
  insert(a: StoredAlert, now: number): void {
    this.#alerts.set(a.fingerprint, a);
    // An alert whose group_wait is already over is not held back further.
    if (!this.hasFlushed && a.startsAt + this.route.groupWaitMs < now) {
      this.nextFlushAt = Math.min(this.nextFlushAt, now);
    }
  }

  alerts(): StoredAlert[] {
    return [...this.#alerts.values()];
  }

  get empty(): boolean {
    return this.#alerts.size === 0;
  }

  /**
   * After a successful flush of `sent`: drops the alerts that were resolved
   * in it and have not been updated since.
   */
  deleteResolved(sent: readonly StoredAlert[], now: number): void {
    for (const a of sent) {
      if (isResolved(a, now) && this.#alerts.get(a.fingerprint) === a) {
        this.#alerts.delete(a.fingerprint);
      }
    }
  }

  /**
   * Runs `flush` over a snapshot of the alerts (sorted by fingerprint) and
   * schedules the next flush group_interval later. Resolved alerts are
   * removed when `flush` reports success.
   */
  async flush(now: number, flush: (alerts: StoredAlert[]) => Promise<boolean>): Promise<void> {
    this.flushing = true;
    this.nextFlushAt = now + this.route.groupIntervalMs;
    try {
      const snapshot = this.alerts().sort((a, b) =>
        a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0,
      );
      if (await flush(snapshot)) this.deleteResolved(snapshot, now);
      this.hasFlushed = true;
    } finally {
      this.flushing = false;
    }
  }
}
