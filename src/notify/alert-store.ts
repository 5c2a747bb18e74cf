import { type Alert, fingerprint } from "./types.js";

/** An alert held by the notifier. */
export interface StoredAlert extends Alert {
  readonly fingerprint: string;
  /** When the notifier last received it (ms). */
  updatedAt: number;
  /** True when endsAt was set by resolve_timeout rather than by the sender. */
  timeout: boolean;
}

/** Whether `a` is resolved at `now`: it has an end and the end has passed. */
export function isResolved(a: Pick<Alert, "endsAt">, now: number): boolean {
  return a.endsAt > 0 && a.endsAt <= now;
}

/**
 * Alertmanager's types.Alert.Merge: the younger update's labels, annotations
 * and end win, the earliest start is kept; an explicit end of the older
 * update is kept over a resolve_timeout end of the younger.
 */
export function mergeAlerts(older: StoredAlert, younger: StoredAlert, now: number): StoredAlert {
  const res: StoredAlert = { ...younger };
  if (older.startsAt < younger.startsAt) res.startsAt = older.startsAt;
  if (isResolved(younger, now)) {
    if (isResolved(older, now) && older.endsAt > younger.endsAt) res.endsAt = older.endsAt;
  } else if (older.endsAt > younger.endsAt && !older.timeout && isResolved(older, now)) {
    // An explicit resolution that has already happened is not undone by a stale update.
    res.endsAt = older.endsAt;
  }
  return res;
}

/**
 * The notifier's alerts by fingerprint (Alertmanager's provider/mem): an
 * update of an alert whose time range overlaps the stored one is merged into
 * it; one that starts after the stored one ended replaces it.
 */
export class AlertStore {
  readonly #alerts = new Map<string, StoredAlert>();

  /**
   * Stores `alert` as received at `now`; an `endsAt` of 0 becomes
   * `now + resolveTimeoutMs`. Returns the alert as stored.
   */
  put(alert: Alert, now: number, resolveTimeoutMs: number): StoredAlert {
    const fp = fingerprint(alert.labels);
    const timeout = alert.endsAt === 0;
    const incoming: StoredAlert = {
      labels: { ...alert.labels },
      annotations: { ...alert.annotations },
      startsAt: alert.startsAt === 0 ? now : alert.startsAt,
      endsAt: timeout ? now + resolveTimeoutMs : alert.endsAt,
      generatorURL: alert.generatorURL,
      fingerprint: fp,
      updatedAt: now,
      timeout,
    };
    const old = this.#alerts.get(fp);
    const overlaps =
      old !== undefined && incoming.startsAt <= old.endsAt && incoming.endsAt >= old.startsAt;
    const stored = old !== undefined && overlaps ? mergeAlerts(old, incoming, now) : incoming;
    this.#alerts.set(fp, stored);
    return stored;
  }

  get(fp: string): StoredAlert | undefined {
    return this.#alerts.get(fp);
  }

  all(): StoredAlert[] {
    return [...this.#alerts.values()];
  }

  /** Alerts firing at `now` (for inhibition). */
  firing(now: number): StoredAlert[] {
    return this.all().filter((a) => !isResolved(a, now));
  }

  get size(): number {
    return this.#alerts.size;
  }

  /** Drops alerts resolved more than `retentionMs` ago; returns how many. */
  gc(now: number, retentionMs: number): number {
    let n = 0;
    for (const [fp, a] of this.#alerts) {
      if (isResolved(a, now) && a.endsAt + retentionMs <= now) {
        this.#alerts.delete(fp);
        n++;
      }
    }
    return n;
  }
}
