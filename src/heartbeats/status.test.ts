import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type MetaDb, openMeta } from "../meta/index.js";
import { parseCron } from "./cron.js";
import { createFirstSeen, evaluateHeartbeats, heartbeatSamples } from "./status.js";
import { latestRuns, listRuns, recordRun } from "./store.js";
import type { HeartbeatJob, HeartbeatRun } from "./types.js";

const MIN = 60_000;
const t0 = Date.parse("2026-03-10T00:00:00Z");

const daily: HeartbeatJob = {
  name: "backup",
  schedule: { kind: "cron", cron: parseCron("0 2 * * *") },
  timezone: "UTC",
  graceMs: 30 * MIN,
  maxDurationMs: 60 * MIN,
  labels: { team: "ops" },
};
const every: HeartbeatJob = {
  name: "sync",
  schedule: { kind: "every", everyMs: 15 * MIN },
  timezone: "UTC",
  graceMs: 5 * MIN,
  labels: {},
};

let id = 0;
function run(
  kind: HeartbeatRun["kind"],
  at: number,
  extra: Partial<HeartbeatRun> = {},
): HeartbeatRun {
  id++;
  return {
    id,
    job: "backup",
    runId: null,
    kind,
    at,
    exitCode: null,
    durationMs: null,
    message: null,
    ...extra,
  };
}
const evalOne = (job: HeartbeatJob, runs: HeartbeatRun[], now: number, since = t0) =>
  evaluateHeartbeats([job], new Map([[job.name, runs]]), now, since)[0];

describe("evaluateHeartbeats", () => {
  it("is 'never' before the first due time, then late after grace, counted from `since`", () => {
    expect(evalOne(daily, [], t0 + 60 * MIN)).toMatchObject({ state: "never", late: false });
    const due = t0 + 2 * 60 * MIN;
    expect(evalOne(daily, [], due + 30 * MIN)).toMatchObject({ state: "never", nextExpected: due });
    expect(evalOne(daily, [], due + 30 * MIN + 1)).toMatchObject({ state: "late", late: true });
  });

  it("is ok after a success and late once the next run is past grace", () => {
    const ok = run("success", t0 + 2 * 60 * MIN + 5 * MIN, { exitCode: 0, durationMs: 1234 });
    const s = evalOne(daily, [ok], t0 + 12 * 60 * MIN);
    expect(s).toMatchObject({
      state: "ok",
      lastExitCode: 0,
      lastDurationMs: 1234,
      lastSuccess: ok.at,
    });
    expect(s?.nextExpected).toBe(t0 + 26 * 60 * MIN);
    expect(evalOne(daily, [ok], t0 + 26 * 60 * MIN + 31 * MIN)?.state).toBe("late");
  });

  it("is failed while the last finished run failed, ok again after a success", () => {
    const f = run("failure", t0 + 130 * MIN, { exitCode: 3 });
    expect(evalOne(daily, [f], t0 + 140 * MIN)).toMatchObject({
      state: "failed",
      failed: true,
      lastExitCode: 3,
    });
    const s = run("success", t0 + 150 * MIN, { exitCode: 0 });
    expect(evalOne(daily, [f, s], t0 + 160 * MIN)).toMatchObject({ state: "ok", failed: false });
  });

  it("is running after a start, overlong past max_duration", () => {
    const st = run("start", t0 + 120 * MIN);
    expect(evalOne(daily, [st], t0 + 150 * MIN)).toMatchObject({ state: "running", running: true });
    expect(evalOne(daily, [st], t0 + 181 * MIN)).toMatchObject({
      state: "overlong",
      overlong: true,
    });
    const done = run("success", t0 + 185 * MIN);
    expect(evalOne(daily, [st, done], t0 + 190 * MIN)).toMatchObject({
      state: "ok",
      running: false,
    });
  });

  it("uses the first stored run as anchor when there is no success (across restarts)", () => {
    const st = run("start", t0 + 3 * 60 * MIN);
    // since (server start) much later: the stored run still anchors the schedule.
    const s = evalOne(daily, [st], t0 + 26 * 60 * MIN + 31 * MIN, t0 + 26 * 60 * MIN);
    expect(s).toMatchObject({ late: true, nextExpected: t0 + 26 * 60 * MIN });
  });

  it("handles `every` periods from the last success", () => {
    const s = run("success", t0);
    expect(evalOne(every, [s], t0 + 20 * MIN)).toMatchObject({
      state: "ok",
      nextExpected: t0 + 15 * MIN,
    });
    expect(evalOne(every, [s], t0 + 20 * MIN + 1)?.state).toBe("late");
  });
});

describe("heartbeatSamples", () => {
  it("gives 0/1 flags and last values with the job's labels", () => {
    const ok = run("success", t0 + 125 * MIN, { exitCode: 0, durationMs: 2500 });
    const statuses = evaluateHeartbeats([daily], new Map([["backup", [ok]]]), t0 + 130 * MIN, t0);
    const samples = heartbeatSamples(statuses, t0 + 130 * MIN);
    const byName = Object.fromEntries(samples.map((s) => [s.name, s]));
    expect(byName.reddot_heartbeat_late?.value).toBe(0);
    expect(byName.reddot_heartbeat_failed?.value).toBe(0);
    expect(byName.reddot_heartbeat_overlong?.value).toBe(0);
    expect(byName.reddot_heartbeat_last_success_timestamp_seconds?.value).toBe(ok.at / 1000);
    expect(byName.reddot_heartbeat_last_duration_seconds?.value).toBe(2.5);
    expect(byName.reddot_heartbeat_last_exit_code?.value).toBe(0);
    expect(byName.reddot_heartbeat_late?.labels).toEqual({ team: "ops", job: "backup" });
  });
});

describe("store (real SQLite)", () => {
  let meta: MetaDb;
  beforeEach(async () => {
    meta = await openMeta({ memory: true });
  });
  afterEach(async () => {
    await meta.close();
  });

  it("records runs and feeds evaluateHeartbeats the latest of each kind", async () => {
    await recordRun(meta.db, { job: "backup", kind: "start", at: t0 + 100 * MIN, runId: "r1" });
    await recordRun(meta.db, {
      job: "backup",
      kind: "failure",
      at: t0 + 110 * MIN,
      exitCode: 2,
      durationMs: 10,
    });
    await recordRun(meta.db, { job: "backup", kind: "start", at: t0 + 120 * MIN });
    await recordRun(meta.db, {
      job: "backup",
      kind: "success",
      at: t0 + 125 * MIN,
      exitCode: 0,
      durationMs: 5,
    });
    await recordRun(meta.db, { job: "other", kind: "success", at: t0 });
    const runs = await latestRuns(meta.db, ["backup"]);
    expect([...runs.keys()]).toEqual(["backup"]);
    const [s] = evaluateHeartbeats([daily], runs, t0 + 130 * MIN, t0);
    expect(s).toMatchObject({
      state: "ok",
      lastStart: t0 + 120 * MIN,
      lastFailure: t0 + 110 * MIN,
      lastExitCode: 0,
    });
    const list = await listRuns(meta.db, "backup", 2);
    expect(list.map((r) => r.kind)).toEqual(["success", "start"]);
    expect((await listRuns(meta.db, "backup"))[3]).toMatchObject({ runId: "r1", kind: "start" });
  });
});

describe("createFirstSeen", () => {
  it("anchors a job added by a reload at the reload, not at server start", () => {
    const seen = createFirstSeen();
    seen.update([daily], t0);
    seen.update([daily, { ...every, name: "sync" }], t0 + 10 * 60 * MIN);
    expect(seen.get("backup")).toBe(t0);
    expect(seen.get("sync")).toBe(t0 + 10 * 60 * MIN);
    const [s] = evaluateHeartbeats([every], new Map(), t0 + 10 * 60 * MIN + 19 * MIN, seen.get);
    expect(s).toMatchObject({
      state: "never",
      late: false,
      nextExpected: t0 + 10 * 60 * MIN + 15 * MIN,
    });
    expect(() => seen.get("nope")).toThrow("BUG:");
  });
});

describe("latestRuns over many jobs", () => {
  it("answers for 1,200 jobs (several query chunks)", async () => {
    const meta = await openMeta({ memory: true });
    const names = Array.from({ length: 1200 }, (_, i) => `job-${i}`);
    await meta.db
      .insertInto("heartbeat_runs")
      .values(names.map((job, i) => ({ job, kind: "success" as const, at: i })))
      .execute();
    const runs = await latestRuns(meta.db, names);
    expect(runs.size).toBe(1200);
    expect(runs.get("job-1199")?.[0]?.at).toBe(1199);
    await meta.close();
  });
});
