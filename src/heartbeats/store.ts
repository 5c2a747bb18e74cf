import type { Kysely } from "kysely";
import type { MetaSchema } from "../meta/index.js";
import type { HeartbeatRun } from "./types.js";

/** A heartbeat to record; `at` is the server's receive time (ms). */
export interface NewHeartbeatRun {
  readonly job: string;
  readonly kind: HeartbeatRun["kind"];
  readonly at: number;
  readonly runId?: string;
  readonly exitCode?: number;
  readonly durationMs?: number;
  readonly message?: string;
}

function toRun(r: {
  id: number;
  job: string;
  run_id: string | null;
  kind: string;
  at: number;
  exit_code: number | null;
  duration_ms: number | null;
  message: string | null;
}): HeartbeatRun {
  return {
    id: Number(r.id),
    job: r.job,
    runId: r.run_id,
    kind: r.kind as HeartbeatRun["kind"],
    at: Number(r.at),
    exitCode: r.exit_code,
    durationMs: r.duration_ms,
    message: r.message,
  };
}

/** Inserts one run; resolves once committed (durable: synchronous=FULL). */
export async function recordRun(
  db: Kysely<MetaSchema>,
  run: NewHeartbeatRun,
): Promise<HeartbeatRun> {
  const row = await db
    .insertInto("heartbeat_runs")
    .values({
      job: run.job,
      kind: run.kind,
      at: run.at,
      run_id: run.runId ?? null,
      exit_code: run.exitCode ?? null,
      duration_ms: run.durationMs ?? null,
      message: run.message ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRun(row);
}

/**
 * Per job: its latest start, success and failure, and its first run (what
 * `evaluateHeartbeats` needs). Portable SQL: one `max(id)`/`min(id)` per kind.
 */
export async function latestRuns(
  db: Kysely<MetaSchema>,
  jobs: readonly string[],
): Promise<Map<string, HeartbeatRun[]>> {
  const out = new Map<string, HeartbeatRun[]>();
  // Chunks keep each statement far below SQLite's bound on bound parameters.
  for (let i = 0; i < jobs.length; i += CHUNK) {
    await latestRunsChunk(db, jobs.slice(i, i + CHUNK), out);
  }
  return out;
}

/** Jobs per query of `latestRuns` (each yields up to 6 ids). */
const CHUNK = 500;

async function latestRunsChunk(
  db: Kysely<MetaSchema>,
  jobs: readonly string[],
  out: Map<string, HeartbeatRun[]>,
): Promise<void> {
  const ids = await db
    .selectFrom("heartbeat_runs")
    .select([
      "job",
      "kind",
      (eb) => eb.fn.max("id").as("last"),
      (eb) => eb.fn.min("id").as("first"),
    ])
    .where("job", "in", jobs)
    .groupBy(["job", "kind"])
    .execute();
  const wanted = new Set<number>();
  for (const r of ids) {
    wanted.add(Number(r.last));
    wanted.add(Number(r.first));
  }
  if (wanted.size === 0) return;
  const rows = await db
    .selectFrom("heartbeat_runs")
    .selectAll()
    .where("id", "in", [...wanted])
    .orderBy("id")
    .execute();
  for (const r of rows) {
    const run = toRun(r);
    const list = out.get(run.job) ?? [];
    list.push(run);
    out.set(run.job, list);
  }
}

/** The latest `limit` runs of a job, newest first. */
export async function listRuns(
  db: Kysely<MetaSchema>,
  job: string,
  limit = 50,
): Promise<HeartbeatRun[]> {
  const rows = await db
    .selectFrom("heartbeat_runs")
    .selectAll()
    .where("job", "=", job)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(toRun);
}
