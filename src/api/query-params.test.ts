import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalStorage } from "../storage/index.js";
import type { Db } from "../tsdb/index.js";
import { openTestDb } from "../tsdb/testdata/open-test-db.js";
import { MAX_QUERY_CHARS } from "./query-run.js";
import { buildServer } from "./server.js";
import { testApiDeps } from "./testing.js";

// Everything here is refused before the engine runs: no test depends on evaluation.
let dir: string;
let db: Db;
let app: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-query-params-"));
  db = await openTestDb(dir);
  app = buildServer(
    testApiDeps(new LocalStorage(db), { queryLimits: () => ({ maxPointsPerSeries: 11_000 }) }),
  );
});

afterAll(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function refused(url: string, status = 400) {
  const r = await app.inject({ url });
  expect(r.statusCode, r.body).toBe(status);
  const body = r.json() as { status: string; errorType: string; error: string };
  expect(body.status).toBe("error");
  return body;
}

const range = (q: Record<string, string>) =>
  `/api/v1/query_range?${new URLSearchParams({ query: "up", ...q })}`;

describe("query parameter validation, as Prometheus words it", () => {
  it("refuses a missing or empty query as the parser would", async () => {
    for (const url of ["/api/v1/query", "/api/v1/query?query=", "/api/v1/query?query=%20%20"]) {
      const body = await refused(url);
      expect(body).toMatchObject({
        errorType: "bad_data",
        error: 'invalid parameter "query": 1:1: parse error: no expression found in input',
      });
    }
    const body = await refused(range({ query: "", start: "0", end: "10", step: "1" }));
    expect(body.error).toBe(
      'invalid parameter "query": 1:1: parse error: no expression found in input',
    );
  });

  it("refuses bad times", async () => {
    expect((await refused("/api/v1/query?query=up&time=yesterday")).error).toBe(
      `invalid parameter "time": invalid time value for 'time': cannot parse "yesterday" to a valid timestamp`,
    );
    expect((await refused(range({ start: "", end: "10", step: "1" }))).error).toBe(
      'invalid parameter "start": cannot parse "" to a valid timestamp',
    );
    expect((await refused(range({ start: "0", end: "2015-13-45", step: "1" }))).error).toBe(
      'invalid parameter "end": cannot parse "2015-13-45" to a valid timestamp',
    );
  });

  it("refuses an end before the start", async () => {
    const body = await refused(range({ start: "100", end: "99.999", step: "1" }));
    expect(body).toMatchObject({
      errorType: "bad_data",
      error: 'invalid parameter "end": end timestamp must not be before start time',
    });
  });

  it("refuses missing, malformed, zero and negative steps", async () => {
    expect((await refused(range({ start: "0", end: "10" }))).error).toBe(
      'invalid parameter "step": cannot parse "" to a valid duration',
    );
    expect((await refused(range({ start: "0", end: "10", step: "fast" }))).error).toBe(
      'invalid parameter "step": cannot parse "fast" to a valid duration',
    );
    for (const step of ["0", "-15", "0s", "0.0001"]) {
      expect((await refused(range({ start: "0", end: "10", step }))).error, step).toBe(
        'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    }
  });

  it("refuses more than 11,000 points per series", async () => {
    const body = await refused(range({ start: "0", end: "11001", step: "1" }));
    expect(body).toMatchObject({
      errorType: "bad_data",
      error:
        "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)",
    });
    // Durations and RFC 3339 give the same count.
    await refused(
      range({ start: "1970-01-01T00:00:00Z", end: "1970-01-08T00:00:00Z", step: "54s" }),
    );
  });

  it("takes the points limit from the config", async () => {
    const dir2 = mkdtempSync(join(tmpdir(), "reddot-query-params-"));
    const db2 = await openTestDb(dir2);
    const app2 = buildServer(
      testApiDeps(new LocalStorage(db2), { queryLimits: () => ({ maxPointsPerSeries: 100 }) }),
    );
    try {
      const r = await app2.inject({ url: range({ start: "0", end: "101", step: "1s" }) });
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toBe(
        "exceeded maximum resolution of 100 points per timeseries. Try decreasing the query resolution (?step=XX)",
      );
    } finally {
      await app2.close();
      await db2.close();
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it("refuses bad timeout, lookback_delta and limit values", async () => {
    expect((await refused("/api/v1/query?query=up&timeout=soon")).error).toBe(
      'invalid parameter "timeout": cannot parse "soon" to a valid duration',
    );
    expect((await refused("/api/v1/query?query=up&lookback_delta=far")).error).toBe(
      'error parsing lookback delta duration: cannot parse "far" to a valid duration',
    );
    expect((await refused("/api/v1/query?query=up&limit=-1")).error).toMatch(
      /^invalid parameter "limit"/,
    );
  });

  it("bounds the query text and the body", async () => {
    const long = `up${" ".repeat(MAX_QUERY_CHARS)}`;
    const r = await app.inject({
      method: "POST",
      url: "/api/v1/query",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ query: long }).toString(),
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toBe(
      `invalid parameter "query": the query is ${long.length} characters long, more than the ${MAX_QUERY_CHARS} accepted`,
    );
    const huge = await app.inject({
      method: "POST",
      url: "/api/v1/query_range",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: `query=${"a".repeat(2 << 20)}`,
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toMatchObject({ status: "error", errorType: "bad_data" });
  });

  it("refuses an empty format_query", async () => {
    expect((await refused("/api/v1/format_query?query=")).error).toBe(
      'invalid parameter "query": 1:1: parse error: no expression found in input',
    );
  });
});
