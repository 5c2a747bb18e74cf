import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type HeartbeatJob, parseCron } from "../../heartbeats/index.js";
import { type MetaDb, openMeta } from "../../meta/index.js";
import { LocalStorage } from "../../storage/index.js";
import type { Db } from "../../tsdb/index.js";
import { openTestDb } from "../../tsdb/testdata/open-test-db.js";
import { buildServer } from "../server.js";
import { testApiDeps } from "../testing.js";

const T0 = Date.parse("2026-03-10T01:00:00Z");
const TOKEN = "s3cret-token";
const AUTH = { authorization: `Bearer ${TOKEN}` };
const jobs: HeartbeatJob[] = [
  {
    name: "backup",
    schedule: { kind: "cron", cron: parseCron("0 2 * * *") },
    timezone: "UTC",
    graceMs: 30 * 60_000,
    labels: { team: "ops" },
  },
];

let dir: string;
let db: Db;
let meta: MetaDb;
let app: FastifyInstance;
let now: number;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-api-heartbeat-"));
  db = await openTestDb(dir);
  meta = await openMeta({ path: join(dir, "meta.sqlite") });
  now = T0;
  const hash = createHash("sha256").update(TOKEN).digest("hex");
  app = buildServer(
    testApiDeps(new LocalStorage(db), {
      heartbeats: {
        jobs: () => jobs,
        meta,
        tokenHashes: () => new Set([hash]),
        since: T0,
        now: () => now,
      },
    }),
  );
});
afterEach(async () => {
  await app.close();
  await meta.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("POST /api/v1/heartbeat/<name>", () => {
  it("records JSON, form and query heartbeats durably before answering", async () => {
    let r = await app.inject({
      method: "POST",
      url: "/api/v1/heartbeat/backup",
      headers: AUTH,
      payload: { status: "start", run_id: "r1" },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().data).toMatchObject({ status: "start", run_id: "r1" });
    now += 60_000;
    r = await app.inject({
      method: "POST",
      url: "/api/v1/heartbeat/backup",
      headers: { ...AUTH, "content-type": "application/x-www-form-urlencoded" },
      payload: "status=failure&exit_code=3&duration=12.5&message=disk+full",
    });
    expect(r.statusCode).toBe(200);
    r = await app.inject({
      method: "POST",
      url: "/api/v1/heartbeat/backup?exit_code=0",
      headers: AUTH,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().data).toMatchObject({ status: "success", exit_code: 0 });
    // Reopen the DB: what was acknowledged is stored.
    await meta.close();
    meta = await openMeta({ path: join(dir, "meta.sqlite") });
    const rows = await meta.db.selectFrom("heartbeat_runs").selectAll().orderBy("id").execute();
    expect(rows.map((x) => [x.kind, x.exit_code, x.duration_ms, x.message])).toEqual([
      ["start", null, null, null],
      ["failure", 3, 12_500, "disk full"],
      ["success", 0, null, null],
    ]);
  });

  it("refuses a missing or wrong token", async () => {
    const r = await app.inject({ method: "POST", url: "/api/v1/heartbeat/backup" });
    expect(r.statusCode).toBe(401);
    const w = await app.inject({
      method: "POST",
      url: "/api/v1/heartbeat/backup",
      headers: { authorization: "Bearer nope" },
    });
    expect(w.statusCode).toBe(401);
  });

  it("answers 404 with a hint for an undeclared job", async () => {
    const r = await app.inject({ method: "POST", url: "/api/v1/heartbeat/nightly", headers: AUTH });
    expect(r.statusCode).toBe(404);
    expect(r.json().error).toContain("declare it in heartbeats/*.yaml");
    expect(r.json().error).toContain("known: backup");
  });

  it("answers 400 naming the bad field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ status: "done" }, '"status"'],
      [{ exit_code: 1.5 }, '"exit_code"'],
      [{ exit_code: "x" }, '"exit_code"'],
      [{ duration: -1 }, '"duration"'],
      [{ message: "m".repeat(4097) }, '"message"'],
    ];
    for (const [payload, field] of cases) {
      const r = await app.inject({
        method: "POST",
        url: "/api/v1/heartbeat/backup",
        headers: AUTH,
        payload,
      });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json().error).toContain(field);
    }
  });

  it("bounds the body at 16 KiB", async () => {
    const r = await app.inject({
      method: "POST",
      url: "/api/v1/heartbeat/backup",
      headers: AUTH,
      payload: { message: "m".repeat(20_000) },
    });
    expect(r.statusCode).toBe(413);
  });
});

describe("GET /api/v1/heartbeats", () => {
  it("lists status from stored runs and shows a job's runs", async () => {
    let r = await app.inject({ method: "GET", url: "/api/v1/heartbeats" });
    expect(r.json().data).toEqual([expect.objectContaining({ job: "backup", state: "never" })]);
    now = T0 + 2 * 3600_000; // 03:00, past 02:00 + 30m grace
    r = await app.inject({ method: "GET", url: "/api/v1/heartbeats" });
    expect(r.json().data[0]).toMatchObject({
      state: "late",
      next_expected: "2026-03-10T02:00:00.000Z",
    });
    await app.inject({ method: "POST", url: "/api/v1/heartbeat/backup?duration=2", headers: AUTH });
    r = await app.inject({ method: "GET", url: "/api/v1/heartbeats/backup" });
    expect(r.statusCode).toBe(200);
    expect(r.json().data).toMatchObject({
      state: "ok",
      last_duration_seconds: 2,
      runs: [expect.objectContaining({ status: "success", duration_seconds: 2 })],
    });
    const u = await app.inject({ method: "GET", url: "/api/v1/heartbeats/nope" });
    expect(u.statusCode).toBe(404);
  });
});

describe("a server without tokens", () => {
  it("accepts heartbeats from loopback clients without a token", async () => {
    const open = buildServer(
      testApiDeps(new LocalStorage(db), {
        heartbeats: {
          jobs: () => jobs,
          meta,
          tokenHashes: () => new Set(),
          since: T0,
          now: () => now,
        },
      }),
    );
    // inject's client address is 127.0.0.1.
    const r = await open.inject({ method: "POST", url: "/api/v1/heartbeat/backup" });
    expect(r.statusCode).toBe(200);
    const far = await open.inject({
      method: "POST",
      url: "/api/v1/heartbeat/backup",
      remoteAddress: "192.0.2.7",
    });
    expect(far.statusCode).toBe(401);
    expect(far.json().error).toContain("configure agents.tokens");
    await open.close();
  });
});
