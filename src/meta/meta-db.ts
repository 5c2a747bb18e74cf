import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { ReddotError } from "../lib/errors.js";
import { migrate } from "./migrate.js";
import { MIGRATIONS } from "./migrations/index.js";
import type { MetaSchema } from "./schema.js";

/**
 * The metadata database: silences, notification log, alert state, heartbeat runs.
 * Callers see only `db` (a `Kysely<MetaSchema>`), so a PostgreSQL dialect can be
 * added here without touching them.
 */
export interface MetaDb {
  readonly db: Kysely<MetaSchema>;
  readonly dialect: "sqlite";
  /** Closes the connection. Idempotent. */
  close(): Promise<void>;
}

/** Where the metadata database lives: a file, or memory (tests). */
export type MetaOptions = { path: string } | { memory: true };

/** Milliseconds a writer waits for another connection's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating directories and file as needed) and migrates the metadata DB.
 * Pragmas: WAL journal, `synchronous=FULL` (a committed write is fsynced before
 * the call returns, so an acknowledged write survives a crash or power loss),
 * foreign keys on, a busy timeout.
 */
export async function openMeta(opts: MetaOptions): Promise<MetaDb> {
  const where = "memory" in opts ? ":memory:" : opts.path;
  let sqlite: Database.Database;
  try {
    if (!("memory" in opts)) mkdirSync(dirname(opts.path), { recursive: true });
    sqlite = new Database(where);
  } catch (e) {
    throw new ReddotError(
      "RD_META_OPEN",
      500,
      `cannot open metadata database ${where}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = FULL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (e) {
    sqlite.close();
    throw new ReddotError(
      "RD_META_OPEN",
      500,
      `cannot open metadata database ${where}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  const db = new Kysely<MetaSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await migrate(db, MIGRATIONS, where);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  let closed = false;
  return {
    db,
    dialect: "sqlite",
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
