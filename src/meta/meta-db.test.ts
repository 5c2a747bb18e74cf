import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isReddotError } from "../lib/errors.js";
import { openMeta } from "./meta-db.js";
import { currentVersion, migrate } from "./migrate.js";
import { META_SCHEMA_VERSION, MIGRATIONS } from "./migrations/index.js";

const CHILD = fileURLToPath(new URL("./testdata/writer.child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "reddot-meta-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("openMeta", () => {
  it("creates the directories, the file and every table of schema 1", async () => {
    const path = join(dir, "nested", "data", "meta.sqlite");
    const meta = await openMeta({ path });
    const tables = await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table' order by name`.execute(meta.db);
    expect(tables.rows.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        "alert_state",
        "heartbeat_runs",
        "notification_attempts",
        "notification_log",
        "reddot_migrations",
        "silences",
      ]),
    );
    expect(await currentVersion(meta.db)).toBe(META_SCHEMA_VERSION);
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(meta.db);
    expect(mode.rows[0]?.journal_mode).toBe("wal");
    const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(meta.db);
    expect(sync.rows[0]?.synchronous).toBe(2); // FULL
    await meta.close();
    await meta.close(); // idempotent
  });

  it("keeps data and applies nothing twice on reopen", async () => {
    const path = join(dir, "meta.sqlite");
    const a = await openMeta({ path });
    await a.db
      .insertInto("silences")
      .values({
        id: "0b0c7a7e-3f4a-4d6b-9d8e-1a2b3c4d5e6f",
        matchers: JSON.stringify([{ name: "job", type: "=", value: "node" }]),
        starts_at: 1,
        ends_at: 2,
        created_by: "ops",
        comment: "maintenance",
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    await a.close();
    const b = await openMeta({ path });
    const rows = await b.db.selectFrom("silences").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.created_by).toBe("ops");
    const versions = await b.db.selectFrom("reddot_migrations").select("version").execute();
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    await b.close();
  });

  it("generates autoincrement ids and round-trips nulls", async () => {
    const meta = await openMeta({ memory: true });
    const r = await meta.db
      .insertInto("heartbeat_runs")
      .values({ job: "backup", kind: "start", at: 1_700_000_000_000 })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect(r.id).toBe(1);
    const row = await meta.db.selectFrom("heartbeat_runs").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      job: "backup",
      kind: "start",
      at: 1_700_000_000_000,
      exit_code: null,
      message: null,
    });
    await meta.close();
  });

  it("refuses a database whose schema is newer than this build", async () => {
    const path = join(dir, "meta.sqlite");
    const a = await openMeta({ path });
    await a.db
      .insertInto("reddot_migrations")
      .values({ version: META_SCHEMA_VERSION + 1, name: "from-the-future", applied_at: 0 })
      .execute();
    await a.close();
    const err = await openMeta({ path }).catch((e: unknown) => e);
    expect(isReddotError(err)).toBe(true);
    expect((err as Error).message).toContain(
      `schema version ${META_SCHEMA_VERSION + 1}, newer than this build knows`,
    );
    expect((err as { code: string }).code).toBe("RD_META_SCHEMA_NEWER");
  });

  it("rolls back a failing step whole, leaving the previous version", async () => {
    const meta = await openMeta({ memory: true });
    const broken = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: "half",
        // biome-ignore lint/suspicious/noExplicitAny: test migration
        async up(db: any) {
          await db.schema.createTable("half_done").addColumn("x", "integer").execute();
          throw new Error("boom");
        },
      },
    ];
    await expect(migrate(meta.db, broken, ":memory:")).rejects.toThrow("boom");
    expect(await currentVersion(meta.db)).toBe(META_SCHEMA_VERSION);
    const t = await sql<{
      name: string;
    }>`select name from sqlite_master where name = 'half_done'`.execute(meta.db);
    expect(t.rows).toHaveLength(0);
    await meta.close();
  });

  it("reports a path it cannot create with RD_META_OPEN", async () => {
    const file = join(dir, "a-file");
    await writeFile(file, "");
    const err = await openMeta({ path: join(file, "sub", "meta.sqlite") }).catch((e: unknown) => e);
    expect((err as { code: string }).code).toBe("RD_META_OPEN");
  });
});

describe("durability under SIGKILL", () => {
  it("keeps every acknowledged write", async () => {
    const path = join(dir, "meta.sqlite");
    const acked = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", CHILD, path], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let last = 0;
      let pending = "";
      let stderr = "";
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) last = Math.max(last, Number(line));
        if (last >= 50 && !child.killed) child.kill("SIGKILL");
      });
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
      });
      child.on("error", reject);
      child.on("exit", (code, signal) => {
        if (signal === "SIGKILL") resolve(last);
        else reject(new Error(`writer exited with code ${code} before the kill: ${stderr}`));
      });
    });
    const meta = await openMeta({ path });
    const rows = await meta.db.selectFrom("heartbeat_runs").select("at").orderBy("id").execute();
    expect(rows.length).toBeGreaterThanOrEqual(acked);
    expect(rows.slice(0, acked).map((r) => r.at)).toEqual(
      Array.from({ length: acked }, (_, i) => i + 1),
    );
    await meta.close();
  });
});
