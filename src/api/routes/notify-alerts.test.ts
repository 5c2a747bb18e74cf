import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NotifyConfig } from "../../config/index.js";
import { type MetaDb, openMeta } from "../../meta/index.js";
import { Notifier, parseMatchers, SilenceStore } from "../../notify/index.js";
import { LocalStorage } from "../../storage/index.js";
import type { Db } from "../../tsdb/index.js";
import { openTestDb } from "../../tsdb/testdata/open-test-db.js";
import { buildServer } from "../server.js";
import { testApiDeps } from "../testing.js";

const S = 1000;
let dir: string;
let db: Db;
let meta: MetaDb;
let notifier: Notifier;
let app: FastifyInstance;
let now: number;

const config: NotifyConfig = {
  resolveTimeoutMs: 5 * 60 * S,
  route: {
    receiver: "default",
    groupBy: ["alertname"],
    continue: false,
    matchers: [],
    groupWaitMs: 30 * S,
    groupIntervalMs: 300 * S,
    repeatIntervalMs: 3600 * S,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    routes: [],
  },
  receivers: [],
  inhibitRules: [
    {
      sourceMatchers: parseMatchers('severity="critical"'),
      targetMatchers: parseMatchers('severity="warning"'),
      equal: ["host"],
    },
  ],
  timeIntervals: [],
  templates: [],
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-api-alerts-"));
  db = await openTestDb(dir);
  meta = await openMeta({ path: join(dir, "meta.sqlite") });
  now = Date.now();
  notifier = new Notifier({
    config,
    maintenance: [],
    meta,
    silences: await SilenceStore.open(meta, { now: () => now }),
    integrationsFor: () => [],
    externalURL: "http://reddot.test",
    now: () => now,
    timers: { setTimeout: () => 0, clearTimeout: () => {} },
    log: { info() {}, warn() {}, error() {} },
  });
  app = buildServer(testApiDeps(new LocalStorage(db), { notifier }));
});
afterEach(async () => {
  await app.close();
  await notifier.stop();
  await meta.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (payload: unknown) =>
  app.inject({ method: "POST", url: "/api/v2/alerts", payload: payload as object });

describe("POST /api/v2/alerts", () => {
  it("takes Prometheus's postable alerts and lists them with their status", async () => {
    const startsAt = new Date(now - 60 * S).toISOString();
    const r = await post([
      { labels: { alertname: "Down", host: "db1", severity: "critical" }, startsAt },
      {
        labels: { alertname: "Slow", host: "db1", severity: "warning" },
        annotations: { summary: "slow" },
        startsAt,
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "http://prom/graph",
      },
    ]);
    expect(r.statusCode).toBe(200);
    const list = (await app.inject({ url: "/api/v2/alerts" })).json();
    expect(list).toHaveLength(2);
    const down = list.find((a: { labels: { alertname: string } }) => a.labels.alertname === "Down");
    const slow = list.find((a: { labels: { alertname: string } }) => a.labels.alertname === "Slow");
    expect(down).toMatchObject({
      startsAt,
      receivers: [{ name: "default" }],
      status: { state: "active", silencedBy: [], inhibitedBy: [], mutedBy: [] },
    });
    expect(down.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(slow.status).toEqual({
      state: "suppressed",
      silencedBy: [],
      inhibitedBy: [down.fingerprint],
      mutedBy: [],
    });
    expect(slow.annotations).toEqual({ summary: "slow" });
    // Filters, as Alertmanager's.
    const active = (await app.inject({ url: "/api/v2/alerts?inhibited=false" })).json();
    expect(active.map((a: { labels: { alertname: string } }) => a.labels.alertname)).toEqual([
      "Down",
    ]);
    const filtered = (
      await app.inject({ url: `/api/v2/alerts?filter=${encodeURIComponent('alertname="Slow"')}` })
    ).json();
    expect(filtered).toHaveLength(1);
    const groups = (await app.inject({ url: "/api/v2/alerts/groups" })).json();
    expect(groups).toHaveLength(2);
    expect(groups[0]).toMatchObject({ receiver: { name: "default" } });
  });

  it("does not list resolved alerts", async () => {
    await post([
      {
        labels: { alertname: "Gone" },
        startsAt: new Date(now - 60 * S).toISOString(),
        endsAt: new Date(now - S).toISOString(),
      },
    ]);
    expect((await app.inject({ url: "/api/v2/alerts" })).json()).toEqual([]);
  });

  it("refuses invalid alerts naming the field", async () => {
    for (const [payload, want] of [
      [[{ labels: {} }], "alerts[0].labels: at least one label is required"],
      [[{ labels: { a: "1" } }, { labels: { "bad-name": "x" } }], "alerts[1].labels"],
      [[{ labels: { a: "1" }, startsAt: "yesterday" }], "alerts[0].startsAt"],
      [{ labels: { a: "1" } }, "alerts: "],
    ] as const) {
      const r = await post(payload);
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ code: "RD_ALERTS_INVALID" });
      expect(r.json().error).toContain(want);
    }
    expect(notifier.alerts()).toEqual([]);
  });

  it("bounds the number of alerts per request", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({
      labels: { alertname: "A", i: String(i) },
    }));
    const r = await post(many);
    expect(r.statusCode).toBe(400);
  });

  it("refuses posts from another machine when no token is configured", async () => {
    const r = await app.inject({
      method: "POST",
      url: "/api/v2/alerts",
      payload: [{ labels: { a: "1" } }],
      remoteAddress: "10.0.0.5",
    });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ code: "RD_ALERTS_UNAUTHORIZED" });
  });
});
