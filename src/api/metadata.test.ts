import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScrapeManager } from "../scrape/index.js";
import { TestExporter, testJob, waitFor } from "../scrape/testing.js";
import { LocalStorage } from "../storage/index.js";
import type { Db } from "../tsdb/index.js";
import { openTestDb } from "../tsdb/testdata/open-test-db.js";
import { buildServer } from "./server.js";
import { testApiDeps } from "./testing.js";

// Two real exporters, scraped by the real scrape manager into a real store;
// they disagree on one HELP text, as targets of different versions do.
const EXPOSITION_A = `# HELP http_requests_total Number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{code="200"} 10
# HELP temperature_celsius Current temperature.
# TYPE temperature_celsius gauge
temperature_celsius 21.5
# TYPE plain untyped
plain 1
`;
const EXPOSITION_B = `# HELP http_requests_total Amount of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{code="200"} 3
# HELP temperature_celsius Current temperature.
# TYPE temperature_celsius gauge
temperature_celsius 19
`;
const OPENMETRICS = `# TYPE cpu_seconds counter
# UNIT cpu_seconds seconds
# HELP cpu_seconds CPU time.
cpu_seconds_total 5
# EOF
`;

let dir: string;
let db: Db;
let app: FastifyInstance;
let manager: ScrapeManager;
const exporters: TestExporter[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-metadata-"));
  db = await openTestDb(dir);
  const storage = new LocalStorage(db);
  for (const body of [EXPOSITION_A, EXPOSITION_B, OPENMETRICS]) {
    const e = new TestExporter();
    e.served.body = body;
    if (body === OPENMETRICS)
      e.served.contentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    await e.start();
    exporters.push(e);
  }
  manager = new ScrapeManager(storage);
  manager.apply([
    testJob([exporters[0].address, exporters[1].address]),
    testJob([exporters[2].address], { jobName: "om" }),
  ]);
  await waitFor("every exporter scraped", () => exporters.every((e) => e.responses > 0));
  await waitFor("metadata of every target", () =>
    manager.metadata().every((t) => t.families.size > 0),
  );
  app = buildServer(testApiDeps(storage, { metadata: () => manager.metadata() }));
});

afterAll(async () => {
  await app.close();
  await manager.stop();
  for (const e of exporters) await e.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(url: string) {
  const r = await app.inject({ url });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { status: string; data: unknown };
}

const sortEntries = (list: { help: string }[]) =>
  [...list].sort((a, b) => a.help.localeCompare(b.help));

describe("GET /api/v1/metadata", () => {
  it("lists each family's distinct metadata across targets", async () => {
    const body = await get("/api/v1/metadata");
    expect(body.status).toBe("success");
    const data = body.data as Record<string, { type: string; help: string; unit: string }[]>;
    expect(Object.keys(data).sort()).toEqual([
      "cpu_seconds",
      "http_requests_total",
      "plain",
      "temperature_celsius",
    ]);
    expect(sortEntries(data.http_requests_total)).toEqual([
      { type: "counter", help: "Amount of HTTP requests.", unit: "" },
      { type: "counter", help: "Number of HTTP requests.", unit: "" },
    ]);
    expect(data.temperature_celsius).toEqual([
      { type: "gauge", help: "Current temperature.", unit: "" },
    ]);
    // The text format's untyped is Prometheus' "unknown"; OpenMetrics brings units.
    expect(data.plain).toEqual([{ type: "unknown", help: "", unit: "" }]);
    expect(data.cpu_seconds).toEqual([{ type: "counter", help: "CPU time.", unit: "seconds" }]);
  });

  it("filters by metric and limits families and entries per family", async () => {
    const one = (await get("/api/v1/metadata?metric=http_requests_total")).data as Record<
      string,
      unknown[]
    >;
    expect(Object.keys(one)).toEqual(["http_requests_total"]);
    expect(one.http_requests_total).toHaveLength(2);
    const perMetric = (await get("/api/v1/metadata?metric=http_requests_total&limit_per_metric=1"))
      .data as Record<string, unknown[]>;
    expect(perMetric.http_requests_total).toHaveLength(1);
    const limited = (await get("/api/v1/metadata?limit=2")).data as Record<string, unknown>;
    expect(Object.keys(limited)).toHaveLength(2);
    expect((await get("/api/v1/metadata?metric=nope")).data).toEqual({});
  });

  it("refuses non-numeric limits with Prometheus' text", async () => {
    const r = await app.inject({ url: "/api/v1/metadata?limit=ten" });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ errorType: "bad_data", error: "limit must be a number" });
    const r2 = await app.inject({ url: "/api/v1/metadata?limit_per_metric=x" });
    expect(r2.json().error).toBe("limit_per_metric must be a number");
  });
});

describe("GET /api/v1/targets/metadata", () => {
  it("lists metadata per target, filtered by target labels and metric", async () => {
    const body = await get(
      `/api/v1/targets/metadata?${new URLSearchParams({ match_target: `{instance="${exporters[1].address}"}`, metric: "http_requests_total" })}`,
    );
    expect(body.data).toEqual([
      {
        target: { instance: exporters[1].address, job: "test" },
        type: "counter",
        help: "Amount of HTTP requests.",
        unit: "",
      },
    ]);
    const all = (await get('/api/v1/targets/metadata?match_target={job="om"}')).data;
    expect(all).toEqual([
      {
        target: { instance: exporters[2].address, job: "om" },
        metric: "cpu_seconds",
        type: "counter",
        help: "CPU time.",
        unit: "seconds",
      },
    ]);
  });
});
