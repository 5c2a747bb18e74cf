import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AgentReport, Sender, Spool } from "../../agent/index.js";
import { FleetState } from "../../fleet/index.js";
import { LocalStorage } from "../../storage/index.js";
import type { Db } from "../../tsdb/index.js";
import { openTestDb } from "../../tsdb/testdata/open-test-db.js";
import { buildServer } from "../server.js";
import { testApiDeps } from "../testing.js";
import type { FleetDeps } from "./agent.js";

const TOKEN = "s3cret-agent-token";
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

let dir: string;
let db: Db;
let app: FastifyInstance;
let state: FleetState;

async function build(): Promise<FastifyInstance> {
  state = await FleetState.open(dir);
  const fleet: FleetDeps = {
    checksFor: (host) => ({
      host,
      roles: ["web"],
      checks: [
        {
          kind: "builtin",
          builtin: "load",
          name: "load",
          intervalMs: 60_000,
          timeoutMs: 10_000,
          params: {},
        },
      ],
    }),
    tokenHashes: () => new Set([sha("other"), sha(TOKEN)]),
    maxReportBytes: () => 16 * 1024,
    state,
  };
  return buildServer(testApiDeps(new LocalStorage(db), { fleet }));
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-agent-api-"));
  db = await openTestDb(join(dir, "tsdb"));
  app = await build();
});

afterEach(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = 1_700_000_000_000;

function report(over: Partial<AgentReport> = {}): AgentReport {
  return {
    version: 1,
    host: "web-1.example.org",
    agentVersion: "0.1.0",
    sentAt: T0,
    runId: "run-a",
    seq: 1,
    samples: [
      { name: "node_load1", labels: {}, t: T0, v: 0.5 },
      {
        name: "node_filesystem_avail_bytes",
        labels: { mountpoint: "/", host: "evil", job: "x" },
        t: T0,
        v: 1e9,
      },
    ],
    checks: [
      {
        check: "disk_root",
        status: 1,
        output: "DISK WARNING - 85% used",
        longOutput: "",
        perfdata: [
          { label: "/", value: 85, uom: "%", warn: "80", crit: "90", min: 0, max: 100 },
          { label: "inodes", value: 10, uom: "", warn: "10:", crit: "@1:2" },
        ],
        startedAt: T0,
        durationMs: 250,
      },
    ],
    facts: {
      full: { os: { id: "debian", version_id: "12" }, packages: { openssl: { version: "3.0.1" } } },
    },
    ...over,
  };
}

function post(body: unknown, opts: { token?: string | null; gzip?: boolean; raw?: Buffer } = {}) {
  const json = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? TOKEN}`;
  let payload = opts.raw ?? json;
  if (opts.gzip) {
    payload = gzipSync(payload);
    headers["content-encoding"] = "gzip";
  }
  return app.inject({ method: "POST", url: "/api/v1/agent/report", headers, payload });
}

async function series(match: string): Promise<Record<string, string>[]> {
  const r = await app.inject({ url: `/api/v1/series?match[]=${encodeURIComponent(match)}` });
  expect(r.statusCode).toBe(200);
  return (r.json() as { data: Record<string, string>[] }).data;
}

async function value(query: string, timeMs: number): Promise<number[]> {
  const r = await app.inject({
    url: `/api/v1/query?query=${encodeURIComponent(query)}&time=${timeMs / 1000}`,
  });
  expect(r.statusCode).toBe(200);
  return (r.json() as { data: { result: { value: [number, string] }[] } }).data.result.map((x) =>
    Number(x.value[1]),
  );
}

describe("POST /api/v1/agent/report", () => {
  it("refuses a missing or wrong token with 401 and never echoes it", async () => {
    const none = await post(report(), { token: null });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ status: "error", code: "RD_AGENT_UNAUTHORIZED" });
    const wrong = await post(report(), { token: "guessed-token" });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain("guessed-token");
    expect(await series('{__name__=~".+"}')).toEqual([]);
    const checks = await app.inject({ url: "/api/v1/agent/checks?host=web-1" });
    expect(checks.statusCode).toBe(401);
  });

  it("refuses a body over the bound with 413, compressed or decompressed", async () => {
    const big = report({
      samples: Array.from({ length: 400 }, (_, i) => ({
        name: "x",
        labels: { i: String(i) },
        t: T0,
        v: i,
      })),
    });
    expect((await post(big)).statusCode).toBe(413);
    const gz = await post(big, { gzip: true });
    expect(gz.statusCode).toBe(413);
    expect(gz.json()).toMatchObject({ code: "RD_TOO_LARGE" });
    expect(await series('{__name__=~".+"}')).toEqual([]);
  });

  it("refuses a bad shape with 400 naming the field, and writes nothing", async () => {
    const bad = { ...report(), checks: [{ ...report().checks[0], status: 7 }] };
    const r = await post(bad, { gzip: true });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: "RD_BAD_AGENT_REPORT" });
    expect(r.json().error).toContain("checks.0.status");
    expect((await post({ hello: 1 })).statusCode).toBe(400);
    expect((await post(null, { raw: Buffer.from("{not json") })).statusCode).toBe(400);
    expect(await series('{__name__=~".+"}')).toEqual([]);
    expect(state.list()).toEqual([]);
  });

  it("refuses an unsafe host name with 400", async () => {
    for (const host of ["../etc/passwd", "a/b", "..", "", "x".repeat(254)]) {
      const r = await post(report({ host }));
      expect(r.statusCode, host).toBe(400);
    }
    expect(readdirSync(join(dir, "fleet", "hosts"))).toEqual([]);
  });

  it("writes samples with host/instance/job, check status and perfdata series", async () => {
    const r = await post(report(), { gzip: true });
    expect(r.statusCode).toBe(204);
    const fs = await series("node_filesystem_avail_bytes");
    expect(fs).toEqual([
      {
        __name__: "node_filesystem_avail_bytes",
        host: "web-1.example.org",
        instance: "web-1.example.org",
        job: "reddot-agent",
        mountpoint: "/",
      },
    ]);
    expect(await value("node_load1", T0)).toEqual([0.5]);
    const end = T0 + 250;
    expect(await series("reddot_check_status")).toEqual([
      { __name__: "reddot_check_status", host: "web-1.example.org", check: "disk_root" },
    ]);
    expect(await value("reddot_check_status", end)).toEqual([1]);
    expect(await value("reddot_check_duration_seconds", end)).toEqual([0.25]);
    expect(await value('reddot_check_perfdata{item="/",uom="%"}', end)).toEqual([85]);
    expect(await value('reddot_check_perfdata{item="inodes",uom=""}', end)).toEqual([10]);
    expect(await value("reddot_check_perfdata_warn", end)).toEqual([80]);
    expect(await value("reddot_check_perfdata_crit", end)).toEqual([90]);
    expect(await value("reddot_check_perfdata_min", end)).toEqual([0]);
    expect(await value("reddot_check_perfdata_max", end)).toEqual([100]);
    const seen = await series("reddot_agent_last_seen_timestamp");
    expect(seen).toEqual([
      { __name__: "reddot_agent_last_seen_timestamp", host: "web-1.example.org" },
    ]);
    const rec = state.get("web-1.example.org");
    expect(rec).toBeDefined();
    expect(await value("reddot_agent_last_seen_timestamp", rec?.lastSeen ?? 0)).toEqual([
      (rec?.lastSeen ?? 0) / 1000,
    ]);
    expect(await value("reddot_agent_report_samples", rec?.lastSeen ?? 0)).toEqual([2]);
  });

  it("answers 204 to a report delivered twice, and to identical samples in a new seq", async () => {
    expect((await post(report())).statusCode).toBe(204);
    expect((await post(report())).statusCode).toBe(204);
    // Same samples under a new seq: the store refuses them as duplicates, which is not the agent's error.
    expect((await post(report({ seq: 2 }))).statusCode).toBe(204);
    expect(await value("node_load1", T0)).toEqual([0.5]);
  });

  it("keeps facts: full then changes, shown by the hosts API, surviving a restart", async () => {
    expect((await post(report())).statusCode).toBe(204);
    const changes = report({
      seq: 2,
      samples: [],
      checks: [],
      facts: {
        changes: [
          { path: "os.version_id", before: "12", after: "13" },
          { path: "packages.libgtk-3.0", after: { version: "3.24" } },
          { path: "packages.openssl", before: { version: "3.0.1" } },
        ],
      },
    });
    expect((await post(changes, { gzip: true })).statusCode).toBe(204);
    const want = {
      os: { id: "debian", version_id: "13" },
      packages: { "libgtk-3.0": { version: "3.24" } },
    };
    const list = await app.inject({ url: "/api/v1/hosts" });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      status: "success",
      data: [
        {
          host: "web-1.example.org",
          agentVersion: "0.1.0",
          roles: ["web"],
          checks: { disk_root: { status: 1, output: "DISK WARNING - 85% used" } },
        },
      ],
    });
    const one = await app.inject({ url: "/api/v1/hosts/web-1.example.org" });
    expect(one.json().data.facts).toEqual(want);
    await app.close();
    app = await build();
    const again = await app.inject({ url: "/api/v1/hosts/web-1.example.org" });
    expect(again.json().data.facts).toEqual(want);
    expect(again.json().data.checks.disk_root.status).toBe(1);
    // The last (runId, seq) survives too: seq 2 again is a duplicate, nothing changes.
    expect(state.isDuplicate({ host: "web-1.example.org", runId: "run-a", seq: 2 })).toBe(true);
    expect((await app.inject({ url: "/api/v1/hosts/nope" })).statusCode).toBe(404);
    expect((await app.inject({ url: "/api/v1/hosts/..%2Fx" })).statusCode).toBe(400);
  });
});

describe("GET /api/v1/agent/checks", () => {
  it("answers the host's check list with a valid token", async () => {
    const r = await app.inject({
      url: "/api/v1/agent/checks?host=web-1",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ host: "web-1", roles: ["web"], checks: [{ name: "load" }] });
    const bad = await app.inject({
      url: "/api/v1/agent/checks?host=a/b",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe("the agent's own sender", () => {
  it("delivers a spooled gzip report over real HTTP, and the spool empties", async () => {
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    const spool = await Spool.open(join(dir, "spool"), { maxBytes: 1 << 20 });
    const sender = new Sender({
      url: `${address}/api/v1/agent/report`,
      token: TOKEN,
      spool,
      timeoutMs: 10_000,
      maxBatchBytes: 1 << 20,
      log: () => {},
    });
    await sender.enqueue(report());
    await sender.enqueue(
      report({ seq: 2, samples: [{ name: "node_load1", labels: {}, t: T0 + 1000, v: 0.7 }] }),
    );
    const r = await sender.flush();
    expect(r).toMatchObject({ sent: 2, rejected: 0, pending: 0 });
    expect(await value("node_load1", T0 + 1000)).toEqual([0.7]);
    await spool.close();
  });
});
