import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../promql/index.js";
import { LocalStorage, labelsFromRecord, type Storage } from "../storage/index.js";
import type { Db } from "../tsdb/index.js";
import { openTestDb } from "../tsdb/testdata/open-test-db.js";
import { buildServer } from "./server.js";
import { testApiDeps } from "./testing.js";

// Real data in a real store, evaluated by the real engine. Shapes follow
// Prometheus' docs/querying/api.md; times are whole seconds from T0.
const T0 = 1_700_000_000_000;
const T0S = T0 / 1000;
const STEP = 15_000;
const POINTS = 41; // 10 minutes of 15 s scrapes

let dir: string;
let db: Db;
let storage: Storage;
let app: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-query-"));
  db = await openTestDb(dir);
  storage = new LocalStorage(db);
  const app1 = storage.appender();
  const counters = [
    { labels: { __name__: "http_requests_total", job: "api", instance: "a" }, per: 10 },
    { labels: { __name__: "http_requests_total", job: "api", instance: "b" }, per: 20 },
  ];
  for (let i = 0; i < POINTS; i++) {
    const t = T0 + i * STEP;
    for (const c of counters) app1.append(0, labelsFromRecord(c.labels), t, i * c.per);
    app1.append(0, labelsFromRecord({ __name__: "cpu_usage", host: "h1" }), t, 0.5);
  }
  await app1.commit();
  app = buildServer(testApiDeps(storage));
});

afterAll(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: string;
  data: { resultType: string; result: unknown; stats?: unknown };
  warnings?: string[];
  infos?: string[];
  errorType?: string;
  error?: string;
}

async function query(params: Record<string, string>, path = "/api/v1/query") {
  const r = await app.inject({ url: `${path}?${new URLSearchParams(params)}` });
  return { status: r.statusCode, body: r.json() as Answer, raw: r.body };
}

type VectorRow = { metric: Record<string, string>; value: [number, string] };
type MatrixRow = { metric: Record<string, string>; values: [number, string][] };

describe("GET /api/v1/query", () => {
  it("answers an instant vector in Prometheus' shape, without warnings or infos keys", async () => {
    const { status, body, raw } = await query({
      query: "http_requests_total",
      time: String(T0S + 300),
    });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(["status", "data"]);
    const rows = (body.data.result as VectorRow[]).sort((a, b) =>
      a.metric.instance.localeCompare(b.metric.instance),
    );
    expect(body.data.resultType).toBe("vector");
    expect(rows).toEqual([
      {
        metric: { __name__: "http_requests_total", instance: "a", job: "api" },
        value: [T0S + 300, "200"],
      },
      {
        metric: { __name__: "http_requests_total", instance: "b", job: "api" },
        value: [T0S + 300, "400"],
      },
    ]);
    // Values are strings; timestamps plain numbers.
    expect(raw).toContain(`"value":[${T0S + 300},"200"]`);
  });

  it("evaluates rate and sum by", async () => {
    const { body } = await query({
      query: "sum by (job) (rate(http_requests_total[1m]))",
      time: String(T0S + 300),
    });
    const rows = body.data.result as VectorRow[];
    expect(rows).toHaveLength(1);
    expect(rows[0].metric).toEqual({ job: "api" });
    // 10/15 + 20/15 per second.
    expect(Number(rows[0].value[1])).toBeCloseTo(2, 12);
  });

  it("answers scalars and strings as [time, value]", async () => {
    const scalar = await query({ query: "1 + 1.5", time: "1435781451.781" });
    expect(scalar.body).toEqual({
      status: "success",
      data: { resultType: "scalar", result: [1435781451.781, "2.5"] },
    });
    const str = await query({ query: '"hello"', time: String(T0S) });
    expect(str.body.data).toEqual({ resultType: "string", result: [T0S, "hello"] });
    const inf = await query({ query: "1/0", time: "0" });
    expect(inf.body.data.result).toEqual([0, "+Inf"]);
  });

  it("accepts a POST form body", async () => {
    const r = await app.inject({
      method: "POST",
      // The body wins over the query string, as in Prometheus (Go's FormValue).
      url: "/api/v1/query?query=nothing_here",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({
        query: 'cpu_usage{host="h1"}',
        time: new Date(T0 + 60_000).toISOString(),
      }).toString(),
    });
    expect(r.statusCode).toBe(200);
    expect((r.json() as Answer).data.result).toEqual([
      { metric: { __name__: "cpu_usage", host: "h1" }, value: [T0S + 60, "0.5"] },
    ]);
  });

  it("reports infos (and no warnings key) as Prometheus 3 does", async () => {
    const { body } = await query({ query: "rate(cpu_usage[1m])", time: String(T0S + 300) });
    expect(body.warnings).toBeUndefined();
    expect(body.infos).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "cpu_usage" (1:6)',
    ]);
  });

  it("truncates to limit with a warning", async () => {
    const { body } = await query({
      query: "http_requests_total",
      time: String(T0S + 300),
      limit: "1",
    });
    expect(body.data.result).toHaveLength(1);
    expect(body.warnings).toEqual(["results truncated due to limit"]);
  });

  it("adds stats when asked, and warns about unsupported stats values", async () => {
    const { body } = await query({ query: "http_requests_total", time: String(T0S), stats: "all" });
    const stats = body.data.stats as {
      timings: Record<string, number>;
      samples: Record<string, number>;
    };
    expect(Object.keys(stats.timings)).toEqual([
      "evalTotalTime",
      "resultSortTime",
      "queryPreparationTime",
      "innerEvalTime",
      "execQueueTime",
      "execTotalTime",
    ]);
    expect(stats.samples.totalQueryableSamples).toBe(2);
    const odd = await query({ query: "1", stats: "yes" });
    expect(odd.body.warnings).toEqual([
      'value "yes" for parameter "stats" is deprecated and will be rejected in the next major release, use "true" or "all"',
    ]);
    expect(odd.body.data.stats).toBeDefined();
  });

  it("applies lookback_delta per request", async () => {
    const after = String(T0S + 600 + 30); // 30 s after the last sample
    expect((await query({ query: "cpu_usage", time: after })).body.data.result).toHaveLength(1);
    const short = await query({ query: "cpu_usage", time: after, lookback_delta: "10s" });
    expect(short.body.data.result).toEqual([]);
  });

  it("refuses syntax errors with their position (400 bad_data)", async () => {
    const { status, body } = await query({ query: "sum(rate(x[5m])" });
    expect(status).toBe(400);
    expect(body.errorType).toBe("bad_data");
    expect(body.error).toMatch(/^invalid parameter "query": 1:\d+: parse error: /);
  });

  it("fails evaluation errors with 422 execution", async () => {
    const { status, body } = await query({
      query: "http_requests_total + on(job) http_requests_total",
      time: String(T0S + 300),
    });
    expect(status).toBe(422);
    expect(body.errorType).toBe("execution");
    expect(body.error).toMatch(/many-to-many matching not allowed/);
  });

  it("fails a query over max_samples with 422", async () => {
    const small = buildServer(
      testApiDeps(storage, { engine: () => new Engine({ maxSamples: 1 }) }),
    );
    try {
      const r = await small.inject({
        url: `/api/v1/query?${new URLSearchParams({ query: "http_requests_total", time: String(T0S) })}`,
      });
      expect(r.statusCode).toBe(422);
      expect(r.json()).toMatchObject({
        errorType: "execution",
        error: "query processing would load too many samples into memory in query execution",
      });
    } finally {
      await small.close();
    }
  });
});

describe("GET /api/v1/query_range", () => {
  it("answers a matrix in Prometheus' shape", async () => {
    const { status, body } = await query(
      {
        query: 'http_requests_total{instance="a"}',
        start: String(T0S),
        end: String(T0S + 60),
        step: "15s",
      },
      "/api/v1/query_range",
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      status: "success",
      data: {
        resultType: "matrix",
        result: [
          {
            metric: { __name__: "http_requests_total", instance: "a", job: "api" },
            values: [
              [T0S, "0"],
              [T0S + 15, "10"],
              [T0S + 30, "20"],
              [T0S + 45, "30"],
              [T0S + 60, "40"],
            ],
          },
        ],
      },
    });
  });

  it("takes float-second steps and fractional times", async () => {
    const { body } = await query(
      { query: "cpu_usage", start: String(T0S + 0.5), end: String(T0S + 2.5), step: "1" },
      "/api/v1/query_range",
    );
    const rows = body.data.result as MatrixRow[];
    expect(rows[0].values).toEqual([
      [T0S + 0.5, "0.5"],
      [T0S + 1.5, "0.5"],
      [T0S + 2.5, "0.5"],
    ]);
  });

  it("refuses range-vector expressions as Prometheus does", async () => {
    const { status, body } = await query(
      { query: "http_requests_total[1m]", start: String(T0S), end: String(T0S + 60), step: "15s" },
      "/api/v1/query_range",
    );
    expect(status).toBe(400);
    expect(body.error).toBe(
      'invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    );
  });

  it("fails a query over its timeout parameter with 503 timeout", async () => {
    // 11,000 steps each reading 80 samples: far more than the 1 ms allowed.
    const { status, body } = await query(
      {
        query: "sum(rate(http_requests_total[10m]))",
        start: String(T0S),
        end: String(T0S + 11_000),
        step: "1",
        timeout: "1ms",
      },
      "/api/v1/query_range",
    );
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: "error",
      errorType: "timeout",
      error: "query timed out in expression evaluation",
    });
  });

  it("streams a big matrix as one valid JSON document", async () => {
    // 2 counters and 1 gauge at 250 ms resolution over 10 minutes: 3 × 2401 points, > one batch.
    const { body, raw } = await query(
      { query: '{__name__=~".+"}', start: String(T0S), end: String(T0S + 600), step: "0.25" },
      "/api/v1/query_range",
    );
    expect(raw.length).toBeGreaterThan(64 * 1024);
    const rows = body.data.result as MatrixRow[];
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r.values).toHaveLength(2401);
  });
});

describe("/api/v1/format_query", () => {
  it("pretty-prints a query", async () => {
    const r = await app.inject({ url: "/api/v1/format_query?query=foo/bar" });
    expect(r.json()).toEqual({ status: "success", data: "foo / bar" });
    const post = await app.inject({
      method: "POST",
      url: "/api/v1/format_query",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "query=sum(rate(x[5m]))by(job)",
    });
    expect(post.json()).toEqual({ status: "success", data: "sum by (job) (rate(x[5m]))" });
  });

  it("refuses syntax errors with their position", async () => {
    const r = await app.inject({ url: "/api/v1/format_query?query=foo%20%2B" });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/^invalid parameter "query": 1:\d+: parse error: /);
  });
});

describe("/api/v1/query_exemplars", () => {
  it("answers an empty list for a valid query (no exemplars are stored)", async () => {
    const { status, body } = await query(
      { query: "http_requests_total", start: String(T0S), end: String(T0S + 600) },
      "/api/v1/query_exemplars",
    );
    expect(status).toBe(200);
    expect(body).toEqual({ status: "success", data: [] });
  });

  it("refuses a query that does not parse, as /api/v1/query does", async () => {
    const { status, body } = await query({ query: "rate(" }, "/api/v1/query_exemplars");
    expect(status).toBe(400);
    expect(body.errorType).toBe("bad_data");
  });
});
