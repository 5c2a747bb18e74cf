import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RuleGroupConfig } from "../../config/index.js";
import { Engine } from "../../promql/index.js";
import { RuleManager } from "../../rules/index.js";
import { LocalStorage, labelsFromRecord } from "../../storage/index.js";
import type { Db } from "../../tsdb/index.js";
import { openTestDb } from "../../tsdb/testdata/open-test-db.js";
import { buildServer } from "../server.js";
import { testApiDeps } from "../testing.js";
import { formatFloatE } from "./rules.js";

const T0 = 1_700_000_040_000;
let dir: string;
let db: Db;
let app: FastifyInstance;
let manager: RuleManager;

const GROUP: RuleGroupConfig = {
  file: "rules/a.yaml",
  name: "g",
  interval: 30_000,
  limit: 0,
  rules: [
    {
      kind: "record",
      name: "job:up:sum",
      expr: "sum by(job)(up)",
      for: 0,
      keepFiringFor: 0,
      labels: {},
      annotations: {},
    },
    {
      kind: "alert",
      name: "Down",
      expr: "up == 0",
      for: 60_000,
      keepFiringFor: 0,
      labels: { severity: "page" },
      annotations: { summary: "down" },
    },
  ],
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-api-rules-"));
  db = await openTestDb(dir);
  const storage = new LocalStorage(db);
  const a = storage.appender();
  a.append(0, labelsFromRecord({ __name__: "up", job: "node", instance: "h1" }), T0, 0);
  await a.commit();
  manager = new RuleManager({ storage, engine: new Engine() });
  await manager.update([GROUP, { ...GROUP, name: "other", file: "rules/b.yaml", rules: [] }]);
  app = buildServer(testApiDeps(storage, { rules: manager }));
});

afterEach(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("GET /api/v1/rules", () => {
  it("answers in Prometheus's shape, before and after an evaluation", async () => {
    const before = (await app.inject({ url: "/api/v1/rules?rule_group[]=g" })).json();
    expect(before.data.groups[0].lastEvaluation).toBe("0001-01-01T00:00:00Z");
    expect(before.data.groups[0].rules[1]).toMatchObject({ health: "unknown", state: "inactive" });

    await manager.groups()[0]?.evaluate(T0);
    const r = await app.inject({ url: "/api/v1/rules?rule_group[]=g" });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.status).toBe("success");
    const [g] = body.data.groups;
    expect(g).toMatchObject({
      name: "g",
      file: "rules/a.yaml",
      interval: 30,
      limit: 0,
      lastEvaluation: new Date(T0).toISOString(),
    });
    expect(typeof g.evaluationTime).toBe("number");
    expect(g.rules[0]).toMatchObject({
      name: "job:up:sum",
      query: "sum by (job) (up)",
      labels: {},
      health: "ok",
      lastError: "",
      type: "recording",
    });
    expect(g.rules[1]).toMatchObject({
      state: "pending",
      name: "Down",
      query: "up == 0",
      duration: 60,
      keepFiringFor: 0,
      labels: { severity: "page" },
      annotations: { summary: "down" },
      health: "ok",
      type: "alerting",
      alerts: [
        {
          labels: { alertname: "Down", instance: "h1", job: "node", severity: "page" },
          annotations: { summary: "down" },
          state: "pending",
          activeAt: new Date(T0).toISOString(),
          value: "0e+00",
        },
      ],
    });
  });

  it("filters by type, rule_name[], file[], match[], and excludes alerts", async () => {
    await manager.groups()[0]?.evaluate(T0);
    const get = async (q: string) => (await app.inject({ url: `/api/v1/rules?${q}` })).json();
    const names = (body: { data: { groups: { rules: { name: string }[] }[] } }) =>
      body.data.groups.flatMap((g) => g.rules.map((r) => r.name));
    expect(names(await get("type=alert"))).toEqual(["Down"]);
    expect(names(await get("type=record"))).toEqual(["job:up:sum"]);
    expect(names(await get("rule_name[]=Down"))).toEqual(["Down"]);
    expect(
      (await get("file[]=rules/b.yaml")).data.groups.map((g: { name: string }) => g.name),
    ).toEqual(["other"]);
    expect(names(await get('match[]={severity="page"}'))).toEqual(["Down"]);
    const excluded = await get("type=alert&exclude_alerts=true");
    expect(excluded.data.groups[0].rules[0].alerts).toBeUndefined();
    const bad = await app.inject({ url: "/api/v1/rules?type=both" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ status: "error", errorType: "bad_data" });
  });
});

describe("GET /api/v1/alerts", () => {
  it("lists pending and firing alerts", async () => {
    expect((await app.inject({ url: "/api/v1/alerts" })).json()).toEqual({
      status: "success",
      data: { alerts: [] },
    });
    await manager.groups()[0]?.evaluate(T0);
    await manager.groups()[0]?.evaluate(T0 + 60_000);
    const body = (await app.inject({ url: "/api/v1/alerts" })).json();
    expect(body.data.alerts).toEqual([
      {
        labels: { alertname: "Down", instance: "h1", job: "node", severity: "page" },
        annotations: { summary: "down" },
        state: "firing",
        activeAt: new Date(T0).toISOString(),
        value: "0e+00",
      },
    ]);
  });
});

describe("formatFloatE", () => {
  it("writes Go's shortest 'e' format", () => {
    expect(formatFloatE(1)).toBe("1e+00");
    expect(formatFloatE(0.5)).toBe("5e-01");
    expect(formatFloatE(1234.5)).toBe("1.2345e+03");
    expect(formatFloatE(1e100)).toBe("1e+100");
    expect(formatFloatE(Number.NaN)).toBe("NaN");
    expect(formatFloatE(Number.NEGATIVE_INFINITY)).toBe("-Inf");
  });
});
