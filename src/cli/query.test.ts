import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../api/index.js";
import { testApiDeps } from "../api/testing.js";
import { LocalStorage, labelsFromRecord } from "../storage/index.js";
import type { Db } from "../tsdb/index.js";
import { openTestDb } from "../tsdb/testdata/open-test-db.js";
import { type QueryOptions, runQuery } from "./query.js";

// `reddot query` against a real server listening on loopback.
const T0 = 1_700_000_000_000;
let dir: string;
let db: Db;
let app: FastifyInstance;
let server: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-cli-query-"));
  db = await openTestDb(dir);
  const storage = new LocalStorage(db);
  const a = storage.appender();
  for (let i = 0; i <= 20; i++) {
    a.append(0, labelsFromRecord({ __name__: "up", job: "node" }), T0 + i * 15_000, 1);
  }
  await a.commit();
  app = buildServer(testApiDeps(storage));
  server = await app.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(expr: string, opts: Partial<QueryOptions> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (b: Buffer) => {
    out += b.toString();
  });
  stderr.on("data", (b: Buffer) => {
    err += b.toString();
  });
  const code = await runQuery(
    expr,
    { server, ...opts },
    { stdout, stderr, now: () => T0 + 300_000 },
  );
  return { code, out, err };
}

describe("reddot query", () => {
  it("prints an instant vector at --time", async () => {
    const r = await run("up", { time: String(T0 / 1000 + 60) });
    expect(r).toEqual({
      code: 0,
      out: 'SERIES          VALUE  TIME\nup{job="node"}  1      2023-11-14T22:14:20.000Z\n',
      err: "",
    });
  });

  it("runs a range query with --start/--end/--step", async () => {
    const r = await run("up", {
      start: new Date(T0).toISOString(),
      end: String(T0 / 1000 + 30),
      step: "15s",
    });
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      'up{job="node"}\n  1  @ 2023-11-14T22:13:20.000Z\n  1  @ 2023-11-14T22:13:35.000Z\n  1  @ 2023-11-14T22:13:50.000Z\n',
    );
  });

  it("prints the server's JSON with --json and infos on stderr", async () => {
    const r = await run("rate(up[1m])", { time: String(T0 / 1000 + 60), json: true });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ status: "success", data: { resultType: "vector" } });
    expect(r.err).toMatch(/^info: PromQL info: metric might not be a counter/);
  });

  it("exits 1 with the server's error type and text", async () => {
    const r = await run("sum(up");
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(
      /^reddot: query failed \(400 bad_data\): invalid parameter "query": 1:\d+: parse error: /,
    );
  });

  it("exits 1 on bad flags and unreachable servers", async () => {
    expect((await run("up", { step: "soon" })).err).toBe(
      'reddot: --step: cannot parse "soon" as a duration (15s, 1m) or seconds\n',
    );
    expect((await run("up", { time: "1", start: "0" })).code).toBe(1);
    const down = await run("up", { server: "http://127.0.0.1:1" });
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/^reddot: cannot reach http:\/\/127\.0\.0\.1:1: /);
  });
});
