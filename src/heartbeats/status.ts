import type { HeartbeatJob, HeartbeatRun, HeartbeatState, HeartbeatStatus } from "./types.js";

/**
 * Job status from stored runs, so it holds across restarts.
 *
 * - `nextExpected`: the first scheduled time after the anchor, where the anchor
 *   is the last success, else the first stored run, else `since` (a time, or
 *   per job: `createFirstSeen().get`, when this process first saw it declared). For `every: P` it is anchor + P.
 *   (As healthchecks.io does for cron checks.)
 * - late: `now` is past `nextExpected + grace` with no success since the anchor.
 * - failed: the last finished run (success or failure) failed.
 * - running: a start newer than the last finished run.
 * - overlong: running for longer than `max_duration`.
 * - never: no stored run at all (and not late).
 *
 * `runsByJob` needs, per job, at least its latest start, success and failure
 * (see `latestRuns`), and its first run's time when it has no success.
 */
export function evaluateHeartbeats(
  jobs: readonly HeartbeatJob[],
  runsByJob: ReadonlyMap<string, readonly HeartbeatRun[]>,
  now: number,
  since: number | ((job: string) => number) = now,
): HeartbeatStatus[] {
  const sinceOf = typeof since === "number" ? () => since : since;
  return jobs.map((job) => evaluateOne(job, runsByJob.get(job.name) ?? [], now, sinceOf(job.name)));
}

/**
 * When each job was first declared in this process: the schedule anchor of a
 * job with no stored run. `update` at start and after each reload; a job added
 * by a reload counts from that reload, not from the server's start.
 */
export function createFirstSeen(): {
  update(jobs: readonly HeartbeatJob[], now: number): void;
  get(job: string): number;
} {
  const seen = new Map<string, number>();
  return {
    update(jobs, now) {
      for (const j of jobs) if (!seen.has(j.name)) seen.set(j.name, now);
    },
    get(job) {
      const t = seen.get(job);
      if (t === undefined)
        throw new Error(`BUG: heartbeat job ${JSON.stringify(job)} evaluated before update()`);
      return t;
    },
  };
}

function latest(
  runs: readonly HeartbeatRun[],
  kind: HeartbeatRun["kind"],
): HeartbeatRun | undefined {
  let best: HeartbeatRun | undefined;
  for (const r of runs) if (r.kind === kind && (!best || r.id > best.id)) best = r;
  return best;
}

function evaluateOne(
  job: HeartbeatJob,
  runs: readonly HeartbeatRun[],
  now: number,
  since: number,
): HeartbeatStatus {
  const success = latest(runs, "success");
  const failure = latest(runs, "failure");
  const start = latest(runs, "start");
  const finished = !success
    ? failure
    : !failure
      ? success
      : success.id > failure.id
        ? success
        : failure;
  let first: number | undefined;
  for (const r of runs) if (first === undefined || r.at < first) first = r.at;
  const anchor = success?.at ?? first ?? since;
  const nextExpected =
    job.schedule.kind === "every" ? anchor + job.schedule.everyMs : job.schedule.cron.next(anchor);
  const late = nextExpected !== undefined && now > nextExpected + job.graceMs;
  const failed = finished?.kind === "failure";
  const running = start !== undefined && (finished === undefined || start.id > finished.id);
  const overlong =
    running &&
    start !== undefined &&
    job.maxDurationMs !== undefined &&
    now - start.at > job.maxDurationMs;
  const state: HeartbeatState = overlong
    ? "overlong"
    : failed
      ? "failed"
      : late
        ? "late"
        : running
          ? "running"
          : runs.length === 0
            ? "never"
            : "ok";
  return {
    job: job.name,
    state,
    late,
    failed,
    overlong,
    running,
    labels: job.labels,
    ...(success ? { lastSuccess: success.at } : {}),
    ...(failure ? { lastFailure: failure.at } : {}),
    ...(start ? { lastStart: start.at } : {}),
    ...(finished?.exitCode != null ? { lastExitCode: finished.exitCode } : {}),
    ...(finished?.durationMs != null ? { lastDurationMs: finished.durationMs } : {}),
    ...(nextExpected !== undefined ? { nextExpected } : {}),
  };
}

/** A sample for the store: metric name, labels (with `job`), value. */
export interface HeartbeatSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * Series for the store, written periodically by the server:
 * `reddot_heartbeat_{late,failed,overlong}` (0/1),
 * `reddot_heartbeat_last_success_timestamp_seconds`,
 * `reddot_heartbeat_last_duration_seconds`, `reddot_heartbeat_last_exit_code`
 * (the last three only when known). Labels: the job's labels, then `job`.
 * `now` is accepted for symmetry with the writer's timestamp; values do not depend on it.
 */
export function heartbeatSamples(
  statuses: readonly HeartbeatStatus[],
  _now: number,
): HeartbeatSample[] {
  const out: HeartbeatSample[] = [];
  for (const s of statuses) {
    const labels = { ...s.labels, job: s.job };
    const add = (name: string, value: number) =>
      out.push({ name: `reddot_heartbeat_${name}`, labels, value });
    add("late", s.late ? 1 : 0);
    add("failed", s.failed ? 1 : 0);
    add("overlong", s.overlong ? 1 : 0);
    if (s.lastSuccess !== undefined) add("last_success_timestamp_seconds", s.lastSuccess / 1000);
    if (s.lastDurationMs !== undefined) add("last_duration_seconds", s.lastDurationMs / 1000);
    if (s.lastExitCode !== undefined) add("last_exit_code", s.lastExitCode);
  }
  return out;
}
