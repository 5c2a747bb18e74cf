import type { Kysely } from "kysely";
import type { Migration } from "./types.js";

/**
 * Schema version 1: silences, notification log and attempts, alert state,
 * heartbeat runs. Portable DDL only (Kysely's schema builder), so the same
 * migration runs on PostgreSQL.
 */
export const migration001: Migration = {
  version: 1,
  name: "initial",
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema as it was, not MetaSchema
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable("silences")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("matchers", "text", (c) => c.notNull())
      .addColumn("starts_at", "bigint", (c) => c.notNull())
      .addColumn("ends_at", "bigint", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("comment", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("silences_ends_at").on("silences").column("ends_at").execute();

    await db.schema
      .createTable("notification_log")
      .addColumn("receiver", "text", (c) => c.notNull())
      .addColumn("group_key", "text", (c) => c.notNull())
      .addColumn("integration", "text", (c) => c.notNull())
      .addColumn("firing", "text", (c) => c.notNull())
      .addColumn("resolved", "text", (c) => c.notNull())
      .addColumn("sent_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("notification_log_pk", ["receiver", "group_key", "integration"])
      .execute();

    await db.schema
      .createTable("notification_attempts")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("receiver", "text", (c) => c.notNull())
      .addColumn("integration", "text", (c) => c.notNull())
      .addColumn("group_key", "text", (c) => c.notNull())
      .addColumn("firing", "integer", (c) => c.notNull())
      .addColumn("resolved", "integer", (c) => c.notNull())
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("ok", "integer", (c) => c.notNull())
      .addColumn("error", "text")
      .addColumn("duration_ms", "real", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("notification_attempts_at")
      .on("notification_attempts")
      .column("at")
      .execute();

    await db.schema
      .createTable("alert_state")
      .addColumn("rule_key", "text", (c) => c.notNull())
      .addColumn("fingerprint", "text", (c) => c.notNull())
      .addColumn("labels", "text", (c) => c.notNull())
      .addColumn("annotations", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("active_at", "bigint", (c) => c.notNull())
      .addColumn("fired_at", "bigint")
      .addColumn("resolved_at", "bigint")
      .addColumn("last_sent_at", "bigint")
      .addColumn("keep_firing_since", "bigint")
      .addColumn("value", "real", (c) => c.notNull())
      .addPrimaryKeyConstraint("alert_state_pk", ["rule_key", "fingerprint"])
      .execute();

    await db.schema
      .createTable("heartbeat_runs")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("job", "text", (c) => c.notNull())
      .addColumn("run_id", "text")
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("exit_code", "integer")
      .addColumn("duration_ms", "real")
      .addColumn("message", "text")
      .execute();
    await db.schema
      .createIndex("heartbeat_runs_job_at")
      .on("heartbeat_runs")
      .columns(["job", "at"])
      .execute();
  },
};
