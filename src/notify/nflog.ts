import type { MetaDb } from "../meta/index.js";

/** What was last sent to one integration of a receiver for one aggregation group. */
export interface NflogEntry {
  receiver: string;
  groupKey: string;
  integration: string;
  /** Sorted fingerprints of the firing alerts sent. */
  firing: string[];
  /** Sorted fingerprints of the resolved alerts sent. */
  resolved: string[];
  sentAt: number;
  expiresAt: number;
}

/** One delivery attempt, as stored in notification_attempts. */
export interface AttemptRecord {
  at: number;
  receiver: string;
  integration: string;
  groupKey: string;
  firing: number;
  resolved: number;
  attempt: number;
  ok: boolean;
  error?: string;
  durationMs: number;
}

/** Alertmanager's default --data.retention (120h). */
export const NFLOG_RETENTION_MS = 120 * 3_600_000;

/** Longest error text kept per attempt. */
const MAX_ERROR_CHARS = 1000;

function parseList(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    // A damaged row reads as "nothing sent", so the next flush sends again.
    return [];
  }
}

/**
 * The notification log (Alertmanager's nflog) in the meta DB's
 * notification_log table: one row per (receiver, group key, integration).
 * Writes are awaited, and the DB commits with synchronous=FULL, so a caller
 * that awaited `log` knows the entry survives a crash.
 */
export class NotificationLog {
  readonly #meta: MetaDb;

  constructor(meta: MetaDb) {
    this.#meta = meta;
  }

  async query(
    receiver: string,
    groupKey: string,
    integration: string,
    now: number,
  ): Promise<NflogEntry | undefined> {
    const row = await this.#meta.db
      .selectFrom("notification_log")
      .selectAll()
      .where("receiver", "=", receiver)
      .where("group_key", "=", groupKey)
      .where("integration", "=", integration)
      .executeTakeFirst();
    if (row === undefined || Number(row.expires_at) <= now) return undefined;
    return {
      receiver: row.receiver,
      groupKey: row.group_key,
      integration: row.integration,
      firing: parseList(row.firing),
      resolved: parseList(row.resolved),
      sentAt: Number(row.sent_at),
      expiresAt: Number(row.expires_at),
    };
  }

  /** Records a notification as sent (replacing the previous entry). */
  async log(e: NflogEntry): Promise<void> {
    const values = {
      receiver: e.receiver,
      group_key: e.groupKey,
      integration: e.integration,
      firing: JSON.stringify([...e.firing].sort()),
      resolved: JSON.stringify([...e.resolved].sort()),
      sent_at: e.sentAt,
      expires_at: e.expiresAt,
    };
    await this.#meta.db
      .insertInto("notification_log")
      .values(values)
      .onConflict((oc) =>
        oc.columns(["receiver", "group_key", "integration"]).doUpdateSet({
          firing: values.firing,
          resolved: values.resolved,
          sent_at: values.sent_at,
          expires_at: values.expires_at,
        }),
      )
      .execute();
  }

  async recordAttempt(a: AttemptRecord): Promise<void> {
    await this.#meta.db
      .insertInto("notification_attempts")
      .values({
        at: a.at,
        receiver: a.receiver,
        integration: a.integration,
        group_key: a.groupKey,
        firing: a.firing,
        resolved: a.resolved,
        attempt: a.attempt,
        ok: a.ok ? 1 : 0,
        error: a.error === undefined ? null : a.error.slice(0, MAX_ERROR_CHARS),
        duration_ms: a.durationMs,
      })
      .execute();
  }

  /**
   * Deletes entries past their expiry, and attempts older than
   * `attemptsRetentionMs`. Returns the number of log entries deleted.
   */
  async gc(now: number, attemptsRetentionMs = NFLOG_RETENTION_MS): Promise<number> {
    const r = await this.#meta.db
      .deleteFrom("notification_log")
      .where("expires_at", "<=", now)
      .executeTakeFirst();
    await this.#meta.db
      .deleteFrom("notification_attempts")
      .where("at", "<", now - attemptsRetentionMs)
      .execute();
    return Number(r.numDeletedRows);
  }
}
