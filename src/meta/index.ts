/** Metadata database (SQL via Kysely). Only this folder holds SQL. */
export { type MetaDb, type MetaOptions, openMeta } from "./meta-db.js";
export { META_SCHEMA_VERSION } from "./migrations/index.js";
export type {
  AlertStateTable,
  HeartbeatRunsTable,
  MetaSchema,
  NotificationAttemptsTable,
  NotificationLogTable,
  SilencesTable,
} from "./schema.js";
