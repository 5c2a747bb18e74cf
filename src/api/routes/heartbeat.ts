import type { FastifyInstance } from "fastify";
import {
  evaluateHeartbeats,
  type HeartbeatJob,
  type HeartbeatRun,
  latestRuns,
  listRuns,
  type NewHeartbeatRun,
  recordRun,
} from "../../heartbeats/index.js";
import { ReddotError } from "../../lib/errors.js";
import type { MetaDb } from "../../meta/index.js";
import type { ApiDeps } from "../server.js";
import { checkWriteAccess } from "../write-access.js";

/** What the heartbeat endpoints need; the server wires it from the config and the meta DB. */
export interface HeartbeatDeps {
  /** Jobs declared in heartbeats/*.yaml; a getter, so a reload can change them. */
  jobs(): readonly HeartbeatJob[];
  meta: MetaDb;
  /** Hex SHA-256 digests of the valid tokens (the agent tokens, agents.tokens). */
  tokenHashes(): ReadonlySet<string>;
  /**
   * The schedule anchor of a job with no stored run: a time (server start) or,
   * per job, when it was first declared (`createFirstSeen().get`, for reloads).
   */
  since: number | ((job: string) => number);
  now?: () => number;
}

/** Bound of a heartbeat body (JSON or form). */
export const MAX_HEARTBEAT_BODY_BYTES = 16 * 1024;
const MAX_MESSAGE_CHARS = 4096;
const MAX_RUN_ID_CHARS = 200;

function bad(field: string, want: string, got: unknown): ReddotError {
  const shown = typeof got === "string" ? JSON.stringify(got.slice(0, 100)) : JSON.stringify(got);
  return new ReddotError(
    "RD_BAD_HEARTBEAT",
    400,
    `invalid heartbeat field "${field}": want ${want}, got ${shown}`,
  );
}

/** Merges query and body (body wins) into plain values. */
function fields(query: unknown, body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (query && typeof query === "object") Object.assign(out, query);
  if (body instanceof URLSearchParams) {
    for (const [k, v] of body) out[k] = v;
  } else if (body !== undefined && body !== null) {
    if (typeof body !== "object" || Array.isArray(body))
      throw bad("body", "a JSON object", typeof body);
    Object.assign(out, body);
  }
  return out;
}

function num(f: Record<string, unknown>, key: string, want: string): number | undefined {
  const v = f[key];
  if (v === undefined || v === "") return undefined;
  const n =
    typeof v === "number"
      ? v
      : typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)
        ? Number(v)
        : Number.NaN;
  if (!Number.isFinite(n)) throw bad(key, want, v);
  return n;
}

function str(f: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = f[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v.length > max)
    throw bad(key, `a string of at most ${max} characters`, v);
  return v;
}

/** Parses a heartbeat's fields (exported for the CLI's tests). */
export function parseHeartbeat(
  job: string,
  f: Record<string, unknown>,
  at: number,
): NewHeartbeatRun {
  const status = f.status ?? "success";
  if (status !== "start" && status !== "success" && status !== "failure") {
    throw bad("status", '"start", "success" or "failure"', status);
  }
  const exitCode = num(f, "exit_code", "an integer");
  if (exitCode !== undefined && (!Number.isInteger(exitCode) || Math.abs(exitCode) > 2 ** 31)) {
    throw bad("exit_code", "an integer", f.exit_code);
  }
  const duration = num(f, "duration", "a non-negative number of seconds");
  if (duration !== undefined && (duration < 0 || duration > 1e9)) {
    throw bad("duration", "a non-negative number of seconds", f.duration);
  }
  const runId = str(f, "run_id", MAX_RUN_ID_CHARS);
  const message = str(f, "message", MAX_MESSAGE_CHARS);
  return {
    job,
    kind: status,
    at,
    ...(runId === undefined ? {} : { runId }),
    ...(exitCode === undefined ? {} : { exitCode }),
    ...(duration === undefined ? {} : { durationMs: duration * 1000 }),
    ...(message === undefined ? {} : { message }),
  };
}

function unknownJob(name: string, jobs: readonly HeartbeatJob[]): ReddotError {
  const known = jobs.slice(0, 20).map((j) => j.name);
  return new ReddotError(
    "RD_UNKNOWN_HEARTBEAT",
    404,
    `no heartbeat job ${JSON.stringify(name.slice(0, 200))} is declared (hint: declare it in heartbeats/*.yaml and reload; known: ${known.length ? known.join(", ") : "none"})`,
  );
}

/** True for 127.0.0.0/8 and ::1 (also IPv4-mapped), the clients on the server's own machine. */
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function runJson(r: HeartbeatRun) {
  return {
    id: r.id,
    status: r.kind,
    at: iso(r.at),
    run_id: r.runId,
    exit_code: r.exitCode,
    duration_seconds: r.durationMs === null ? null : r.durationMs / 1000,
    message: r.message,
  };
}

/**
 * POST /api/v1/heartbeat/<name> (token required, as for agents), and the
 * read-only GET /api/v1/heartbeats[/<name>]. See docs/heartbeats.md.
 */
export function registerHeartbeatRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const hb = deps.heartbeats;
  if (hb === undefined) return;
  const now = hb.now ?? Date.now;
  const find = (name: string) => {
    const jobs = hb.jobs();
    const job = jobs.find((j) => j.name === name);
    if (!job) throw unknownJob(name, jobs);
    return job;
  };
  const statusOf = async (jobs: readonly HeartbeatJob[]) => {
    const runs = await latestRuns(
      hb.meta.db,
      jobs.map((j) => j.name),
    );
    return evaluateHeartbeats(jobs, runs, now(), hb.since).map((s) => ({
      job: s.job,
      state: s.state,
      late: s.late,
      failed: s.failed,
      overlong: s.overlong,
      running: s.running,
      last_success: iso(s.lastSuccess),
      last_failure: iso(s.lastFailure),
      last_start: iso(s.lastStart),
      last_exit_code: s.lastExitCode,
      last_duration_seconds: s.lastDurationMs === undefined ? undefined : s.lastDurationMs / 1000,
      next_expected: iso(s.nextExpected),
      labels: s.labels,
    }));
  };

  app.post<{ Params: { name: string } }>(
    "/api/v1/heartbeat/:name",
    { bodyLimit: MAX_HEARTBEAT_BODY_BYTES },
    async (req) => {
      checkWriteAccess({
        authorization: req.headers.authorization,
        remoteAddress: req.socket.remoteAddress,
        hashes: hb.tokenHashes(),
        code: "RD_AGENT_UNAUTHORIZED",
        what: "reporting heartbeats",
      });
      const job = find(req.params.name);
      const run = parseHeartbeat(job.name, fields(req.query, req.body), now());
      // Committed (and fsynced) before the answer: an acknowledged heartbeat is durable.
      const stored = await recordRun(hb.meta.db, run);
      return { status: "success", data: runJson(stored) };
    },
  );

  app.get("/api/v1/heartbeats", async () => ({
    status: "success",
    data: await statusOf(hb.jobs()),
  }));

  app.get<{ Params: { name: string } }>("/api/v1/heartbeats/:name", async (req) => {
    const job = find(req.params.name);
    const [status] = await statusOf([job]);
    const runs = await listRuns(hb.meta.db, job.name, 50);
    return { status: "success", data: { ...status, runs: runs.map(runJson) } };
  });
}
