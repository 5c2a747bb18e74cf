import type { Generated } from "kysely";

/**
 * Kysely table interfaces of the metadata database (docs/formats/meta-db.md).
 * Timestamps are INTEGER milliseconds since the Unix epoch; JSON is TEXT.
 * Booleans are INTEGER 0/1 so the same columns work on SQLite and PostgreSQL.
 */

/** `silences`: ad-hoc silences created by API or CLI. */
export interface SilencesTable {
  /** UUID (v4), text. */
  id: string;
  /** JSON array of `{ name, type, value }`, `type` one of `=`, `!=`, `=~`, `!~`. */
  matchers: string;
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  created_at: number;
  updated_at: number;
}

/** `notification_log`: what was last sent per receiver, group and integration. */
export interface NotificationLogTable {
  receiver: string;
  group_key: string;
  /** Integration id within the receiver, e.g. `email[0]`. */
  integration: string;
  /** JSON array of sorted fingerprints of the firing alerts sent. */
  firing: string;
  /** JSON array of sorted fingerprints of the resolved alerts sent. */
  resolved: string;
  sent_at: number;
  expires_at: number;
}

/** `notification_attempts`: one row per delivery attempt (for the UI and alerts). */
export interface NotificationAttemptsTable {
  id: Generated<number>;
  at: number;
  receiver: string;
  integration: string;
  group_key: string;
  /** Number of firing alerts in the notification. */
  firing: number;
  /** Number of resolved alerts in the notification. */
  resolved: number;
  /** 1-based attempt number. */
  attempt: number;
  /** 1 when delivered, 0 when failed. */
  ok: number;
  error: string | null;
  duration_ms: number;
}

/** `alert_state`: active alerts of alerting rules, restored after a restart. */
export interface AlertStateTable {
  rule_key: string;
  fingerprint: string;
  /** JSON object of labels. */
  labels: string;
  /** JSON object of annotations. */
  annotations: string;
  /** `pending` | `firing` (resolved rows may be kept until sent). */
  state: string;
  active_at: number;
  fired_at: number | null;
  resolved_at: number | null;
  last_sent_at: number | null;
  keep_firing_since: number | null;
  value: number;
}

/** `heartbeat_runs`: job heartbeats received (start, success, failure). */
export interface HeartbeatRunsTable {
  id: Generated<number>;
  job: string;
  run_id: string | null;
  kind: "start" | "success" | "failure";
  at: number;
  exit_code: number | null;
  duration_ms: number | null;
  message: string | null;
}

/** `reddot_migrations`: one row per applied schema version. */
export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

/** The whole metadata database, as Kysely sees it. */
export interface MetaSchema {
  silences: SilencesTable;
  notification_log: NotificationLogTable;
  notification_attempts: NotificationAttemptsTable;
  alert_state: AlertStateTable;
  heartbeat_runs: HeartbeatRunsTable;
  reddot_migrations: MigrationsTable;
}
