import { type Kysely, sql } from "kysely";
import { ReddotError } from "../lib/errors.js";
import type { Migration } from "./migrations/index.js";
import type { MetaSchema } from "./schema.js";

/**
 * Applies pending schema steps. The version table, `reddot_migrations`, holds one
 * row per applied step; each step and its row commit in one transaction, so a
 * crash leaves the database at a whole version. A database whose highest version
 * is newer than `migrations` knows is refused: an older build must not write to
 * a schema it does not understand.
 */
export async function migrate(
  db: Kysely<MetaSchema>,
  migrations: readonly Migration[],
  where: string,
  now: () => number = Date.now,
): Promise<{ from: number; to: number }> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`BUG: migration ${m.name} has version ${m.version}; want ${i + 1}`);
  });
  await db.schema
    .createTable("reddot_migrations")
    .ifNotExists()
    .addColumn("version", "integer", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("applied_at", "bigint", (c) => c.notNull())
    .execute();
  const from = await currentVersion(db);
  const known = migrations.length;
  if (from > known) {
    throw new ReddotError(
      "RD_META_SCHEMA_NEWER",
      500,
      `metadata database ${where} has schema version ${from}, newer than this build knows (${known}); ` +
        "run the newer reddot that wrote it, or restore a backup made before the upgrade",
    );
  }
  for (const m of migrations.slice(from)) {
    await db.transaction().execute(async (tx) => {
      await m.up(tx);
      await tx
        .insertInto("reddot_migrations")
        .values({ version: m.version, name: m.name, applied_at: now() })
        .execute();
    });
  }
  return { from, to: Math.max(from, known) };
}

/** Highest applied schema version, 0 for an empty database. */
export async function currentVersion(db: Kysely<MetaSchema>): Promise<number> {
  const row = await db
    .selectFrom("reddot_migrations")
    .select(sql<number | null>`max(version)`.as("v"))
    .executeTakeFirst();
  return Number(row?.v ?? 0);
}
