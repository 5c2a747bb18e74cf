import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildServer } from "../api/index.js";
import { testApiDeps } from "../api/testing.js";
import { type HeartbeatJob, listRuns } from "../heartbeats/index.js";
import { type MetaDb, openMeta } from "../meta/index.js";
import { LocalStorage } from "../storage/index.js";
import type { Db } from "../tsdb/index.js";
import { openTestDb } from "../tsdb/testdata/open-test-db.js";
import { runJob } from "./run-job.js";

const TOKEN = "job-token";
const jobs: HeartbeatJob[] = [
  {
    name: "backup",
    schedule: { kind: "every", everyMs: 3600_000 },
    timezone: "UTC",
    graceMs: 0,
    labels: {},
  },
];

let dir: string;
let db: Db;
let meta: MetaDb;
let app: FastifyInstance;
let server: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-run-job-"));
  db = await openTestDb(dir);
  meta = await openMeta({ path: join(dir, "meta.sqlite") });
  const hash = createHash("sha256").update(TOKEN).digest("hex");
  app = buildServer(
    testApiDeps(new LocalStorage(db), {
      heartbeats: { jobs: () => jobs, meta, tokenHashes: () => new Set([hash]), since: Date.now() },
    }),
  );
  server = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterEach(async () => {
  await app.close();
  await meta.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const node = (code: string) => [process.execPath, "-e", code];

describe("reddot run-job", () => {
  it("reports start and success with the exit code and duration", async () => {
    const warnings: string[] = [];
    const code = await runJob({
      name: "backup",
      server,
      token: TOKEN,
      argv: node("process.exit(0)"),
      stdio: "ignore",
      warn: (l) => warnings.push(l),
    });
    expect(code).toBe(0);
    expect(warnings).toEqual([]);
    const runs = await listRuns(meta.db, "backup");
    expect(runs.map((r) => r.kind)).toEqual(["success", "start"]);
    expect(runs[0]?.exitCode).toBe(0);
    expect(runs[0]?.durationMs).toBeGreaterThan(0);
    expect(runs[0]?.runId).toBe(runs[1]?.runId);
  });

  it("propagates exit 3 and reports a failure", async () => {
    const code = await runJob({
      name: "backup",
      server,
      token: TOKEN,
      argv: node("process.exit(3)"),
      stdio: "ignore",
    });
    expect(code).toBe(3);
    const [last] = await listRuns(meta.db, "backup");
    expect(last).toMatchObject({ kind: "failure", exitCode: 3 });
  });

  it("gives 128+n for a signal and 127 for a command that cannot start", async () => {
    const warn = () => {};
    expect(
      await runJob({
        name: "backup",
        server,
        token: TOKEN,
        argv: node("process.kill(process.pid, 'SIGTERM')"),
        stdio: "ignore",
        warn,
      }),
    ).toBe(143);
    expect(
      await runJob({
        name: "backup",
        server,
        token: TOKEN,
        argv: [join(dir, "no-such-cmd")],
        stdio: "ignore",
        warn,
      }),
    ).toBe(127);
    const [last] = await listRuns(meta.db, "backup");
    expect(last).toMatchObject({ kind: "failure", exitCode: 127 });
    expect(last?.message).toContain("cannot run");
  });

  it("still runs the command, with its exit code, when the server is unreachable or refuses", async () => {
    const marker = join(dir, "ran");
    const warnings: string[] = [];
    await app.close();
    const code = await runJob({
      name: "backup",
      server,
      token: TOKEN,
      argv: node(
        `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x"); process.exit(5)`,
      ),
      stdio: "ignore",
      warn: (l) => warnings.push(l),
    });
    expect(code).toBe(5);
    expect(existsSync(marker)).toBe(true);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("cannot report heartbeat start");
  });

  it("says a refused token on stderr and keeps the exit code", async () => {
    const warnings: string[] = [];
    const code = await runJob({
      name: "backup",
      server,
      token: "wrong",
      argv: node("process.exit(0)"),
      stdio: "ignore",
      warn: (l) => warnings.push(l),
    });
    expect(code).toBe(0);
    expect(warnings[0]).toContain("refused");
    expect(warnings[0]).toContain("401");
  });
});

describe("reddot run-job without a token", () => {
  it("reports to a tokenless server from loopback", async () => {
    const open = buildServer(
      testApiDeps(new LocalStorage(db), {
        heartbeats: { jobs: () => jobs, meta, tokenHashes: () => new Set(), since: Date.now() },
      }),
    );
    const url = await open.listen({ host: "127.0.0.1", port: 0 });
    const warnings: string[] = [];
    const code = await runJob({
      name: "backup",
      server: url,
      token: undefined,
      argv: node("process.exit(0)"),
      stdio: "ignore",
      warn: (l) => warnings.push(l),
    });
    await open.close();
    expect(code).toBe(0);
    expect(warnings).toEqual([]);
    expect((await listRuns(meta.db, "backup")).map((r) => r.kind)).toEqual(["success", "start"]);
  });
});
