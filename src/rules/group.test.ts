import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RuleConfig, RuleGroupConfig } from "../config/index.js";
import { Engine } from "../promql/index.js";
import {
  isStaleNaN,
  LocalStorage,
  labelsFromRecord,
  labelsToRecord,
  newMatcher,
  STALE_NAN,
} from "../storage/index.js";
import type { Db } from "../tsdb/index.js";
import { openTestDb } from "../tsdb/testdata/open-test-db.js";
import { AlertingRule } from "./alerting.js";
import { RuleManager } from "./manager.js";
import { MemoryAlertStateStore } from "./state-memory.js";
import type { Alert, AlertStateChange, OutgoingAlert } from "./types.js";

function alertsOf(m: RuleManager, i = 0): Alert[] {
  const rule = m.groups()[0]?.rules[i]?.rule;
  if (!(rule instanceof AlertingRule)) throw new Error("not an alerting rule");
  return [...rule.active.values()];
}

let dir: string;
let db: Db;
let storage: LocalStorage;
const engine = new Engine();
const MIN = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MIN);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-rules-"));
  db = await openTestDb(dir);
  storage = new LocalStorage(db);
});

afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function put(labels: Record<string, string>, t: number, v: number) {
  const app = storage.appender();
  app.append(0, labelsFromRecord(labels), t, v);
  await app.commit();
}

async function instant(q: string, t: number) {
  const r = await engine.instantQuery(storage, q, t);
  if (r.value.type !== "vector") throw new Error("not a vector");
  return r.value.samples.map((s) => ({ labels: labelsToRecord(s.labels), v: s.v }));
}

function alertRule(over: Partial<RuleConfig> = {}): RuleConfig {
  return {
    kind: "alert",
    name: "HighErrors",
    expr: "errors > 5",
    for: 2 * MIN,
    keepFiringFor: 0,
    labels: { severity: "page" },
    annotations: { summary: "errors high" },
    ...over,
  };
}

function group(rules: RuleConfig[], over: Partial<RuleGroupConfig> = {}): RuleGroupConfig {
  return { file: "rules/a.yaml", name: "g", interval: MIN, limit: 0, rules, ...over };
}

function manager(sent: OutgoingAlert[][], store = new MemoryAlertStateStore()) {
  return new RuleManager({
    storage,
    engine,
    stateStore: store,
    externalURL: "http://reddot:9090",
    onAlerts: (a) => {
      sent.push(a);
    },
    now: () => T0,
  });
}

describe("alerting rules", () => {
  it("goes inactive → pending → firing → resolved, with `for` exactly at the edge", async () => {
    const sent: OutgoingAlert[][] = [];
    const m = manager(sent);
    await m.update([group([alertRule()])]);
    const g = m.groups()[0];
    if (g === undefined) throw new Error("no group");
    const entry = g.rules[0];
    const states = async (t: number) => {
      await g.evaluate(t);
      return alertsOf(m).map((a) => a.state);
    };
    for (let i = 0; i <= 3; i++) await put({ __name__: "errors", job: "api" }, T0 + i * MIN, 10);
    await put({ __name__: "errors", job: "api" }, T0 + 4 * MIN, 1);

    expect(await states(T0)).toEqual(["pending"]);
    expect(await states(T0 + MIN)).toEqual(["pending"]);
    expect(sent).toEqual([]);
    // for: 2m; at activeAt + 2m exactly the alert fires (Prometheus: >=).
    expect(await states(T0 + 2 * MIN)).toEqual(["firing"]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual([
      {
        labels: { alertname: "HighErrors", job: "api", severity: "page" },
        annotations: { summary: "errors high" },
        startsAt: T0 + 2 * MIN,
        endsAt: T0 + 2 * MIN + 4 * MIN,
        generatorURL: "http://reddot:9090/graph?g0.expr=errors+%3E+5&g0.tab=1",
      },
    ]);
    // Within resendDelay (1m, and "before" is strict): not resent.
    expect(await states(T0 + 3 * MIN)).toEqual(["firing"]);
    expect(sent).toHaveLength(1);
    expect(await states(T0 + 4 * MIN)).toEqual(["inactive"]);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.[0]).toMatchObject({ startsAt: T0 + 2 * MIN, endsAt: T0 + 4 * MIN });
    expect(entry?.health).toBe("ok");

    // ALERTS and ALERTS_FOR_STATE, as Prometheus writes them.
    expect(await instant("ALERTS", T0 + 3 * MIN)).toEqual([
      {
        labels: {
          __name__: "ALERTS",
          alertname: "HighErrors",
          alertstate: "firing",
          job: "api",
          severity: "page",
        },
        v: 1,
      },
    ]);
    expect(await instant("ALERTS_FOR_STATE", T0 + 3 * MIN)).toEqual([
      {
        labels: {
          __name__: "ALERTS_FOR_STATE",
          alertname: "HighErrors",
          job: "api",
          severity: "page",
        },
        v: T0 / 1000,
      },
    ]);
    // Resolved: the series are stale at once.
    expect(await instant("ALERTS", T0 + 4 * MIN)).toEqual([]);
    const raw = db.querier(T0, T0 + 4 * MIN);
    const [alerts] = raw.select([
      newMatcher("=", "__name__", "ALERTS"),
      newMatcher("=", "alertstate", "firing"),
    ]);
    const buf = alerts?.samples(T0, T0 + 4 * MIN);
    expect(buf && isStaleNaN(buf.vs[buf.length - 1] as number)).toBe(true);
    raw.close();
  });

  it("deletes a pending alert whose condition clears, without notifying", async () => {
    const sent: OutgoingAlert[][] = [];
    const m = manager(sent);
    await m.update([group([alertRule()])]);
    const g = m.groups()[0];
    await put({ __name__: "errors", job: "api" }, T0, 10);
    await put({ __name__: "errors", job: "api" }, T0 + MIN, 1);
    await g?.evaluate(T0);
    await g?.evaluate(T0 + MIN);
    expect(alertsOf(m)).toEqual([]);
    expect(sent).toEqual([]);
  });

  it("keeps firing for keep_firing_for after the condition clears, then resolves", async () => {
    const sent: OutgoingAlert[][] = [];
    const m = manager(sent);
    await m.update([group([alertRule({ for: 0, keepFiringFor: 2 * MIN })])]);
    const g = m.groups()[0];
    if (g === undefined) throw new Error("no group");
    const state = () => alertsOf(m).map((a) => a.state);
    await put({ __name__: "errors", job: "api" }, T0, 10);
    await put({ __name__: "errors", job: "api" }, T0 + MIN, 0);
    await g.evaluate(T0);
    expect(state()).toEqual(["firing"]); // for: 0 fires at once
    await g.evaluate(T0 + MIN); // cleared: held (0 < 2m)
    expect(state()).toEqual(["firing"]);
    await g.evaluate(T0 + 2 * MIN); // 1m < 2m: held
    expect(state()).toEqual(["firing"]);
    await g.evaluate(T0 + 3 * MIN); // 2m, not < 2m: resolved
    expect(state()).toEqual(["inactive"]);
    expect(sent.at(-1)?.[0]?.endsAt).toBe(T0 + 3 * MIN);
  });

  it("expands label and annotation templates with the sample's labels and value", async () => {
    const sent: OutgoingAlert[][] = [];
    const m = manager(sent);
    const rule = alertRule({
      for: 0,
      labels: { severity: "{{ if gt $value 50.0 }}page{{ else }}ticket{{ end }}" },
      annotations: { summary: "{{ $labels.job }} has {{ $value }} errors ({{ $externalURL }})" },
    });
    await m.update([group([rule])]);
    await put({ __name__: "errors", job: "api" }, T0, 7);
    await m.groups()[0]?.evaluate(T0);
    expect(sent[0]?.[0]).toMatchObject({
      labels: { alertname: "HighErrors", job: "api", severity: "ticket" },
      annotations: { summary: "api has 7 errors (http://reddot:9090)" },
    });
  });

  it("fails the evaluation on duplicate label sets after templating", async () => {
    const m = manager([]);
    await m.update([group([alertRule({ expr: "errors", for: 0 })])]);
    await put({ __name__: "errors", job: "a" }, T0, 1);
    await put({ __name__: "errors_other", job: "a" }, T0, 1);
    await m.update([group([alertRule({ expr: '{__name__=~"errors.*"}', for: 0 })])]);
    const g = m.groups()[0];
    await g?.evaluate(T0);
    expect(g?.rules[0]?.health).toBe("err");
    expect(g?.rules[0]?.lastError).toBe(
      "vector contains metrics with the same labelset after applying alert labels",
    );
    expect(m.counters.failures).toBe(1);
  });

  it("restores state after a restart: the for timer continues, no re-notification within resendDelay", async () => {
    const store = new MemoryAlertStateStore();
    const sent1: OutgoingAlert[][] = [];
    const rule = alertRule({ for: 3 * MIN });
    const m1 = manager(sent1, store);
    await m1.update([group([rule])]);
    for (let i = 0; i <= 6; i++) await put({ __name__: "errors", job: "api" }, T0 + i * MIN, 10);
    await m1.groups()[0]?.evaluate(T0);
    await m1.groups()[0]?.evaluate(T0 + MIN);
    await m1.stop();

    // Restarted during pending: fires at the original activeAt + for.
    const sent2: OutgoingAlert[][] = [];
    const m2 = manager(sent2, store);
    await m2.update([group([rule])]);
    const g2 = m2.groups()[0];
    await g2?.evaluate(T0 + 2 * MIN);
    expect(sent2).toEqual([]);
    await g2?.evaluate(T0 + 3 * MIN);
    expect(sent2).toHaveLength(1);
    expect(sent2[0]?.[0]?.startsAt).toBe(T0 + 3 * MIN);

    // Restarted while firing, 30s after the last notification: nothing resent.
    const sent3: OutgoingAlert[][] = [];
    const m3 = manager(sent3, store);
    await m3.update([group([rule])]);
    const g3 = m3.groups()[0];
    await g3?.evaluate(T0 + 3 * MIN + 30_000);
    expect(sent3).toEqual([]);
    await g3?.evaluate(T0 + 4 * MIN + 30_000);
    expect(sent3).toHaveLength(1);
    expect(sent3[0]?.[0]?.startsAt).toBe(T0 + 3 * MIN);
  });

  it("saves only changed alerts, one store write per group evaluation", async () => {
    class Recording extends MemoryAlertStateStore {
      readonly writes: AlertStateChange[][] = [];
      override async apply(changes: readonly AlertStateChange[]): Promise<void> {
        this.writes.push(structuredClone([...changes]));
        await super.apply(changes);
      }
    }
    const store = new Recording();
    const m = manager([], store);
    const value = alertRule({ name: "Value", annotations: { summary: "at {{ $value }}" } });
    await m.update([group([alertRule({ for: 2 * MIN }), value])]);
    const g = m.groups()[0];
    for (let i = 0; i <= 4; i++) {
      await put({ __name__: "errors", job: "api" }, T0 + i * MIN, 10 + i);
      await put({ __name__: "errors", job: "db" }, T0 + i * MIN, i < 3 ? 20 : 1);
    }
    const saved = () =>
      store.writes.at(-1)?.map((c) => [c.ruleKey, c.replace, c.upsert.length, c.remove]);
    // First save of each rule replaces its rows (what is stored is not known yet).
    await g?.evaluate(T0);
    expect(store.writes).toHaveLength(1);
    expect(saved()?.map((c) => [c[1], c[2]])).toEqual([
      [true, 2],
      [true, 2],
    ]);
    // Still pending, new values and annotations: nothing written.
    await g?.evaluate(T0 + MIN);
    expect(store.writes).toHaveLength(1);
    // Both fire (state, firedAt, lastSentAt change): all four rows, one write.
    await g?.evaluate(T0 + 2 * MIN);
    expect(store.writes).toHaveLength(2);
    expect(saved()?.map((c) => [c[1], c[2], c[3]])).toEqual([
      [false, 2, []],
      [false, 2, []],
    ]);
    // db's condition clears: only its rows change (resolved, then sent).
    await g?.evaluate(T0 + 3 * MIN);
    expect(store.writes).toHaveLength(3);
    expect(saved()?.map((c) => [c[1], c[2], c[3]])).toEqual([
      [false, 1, []],
      [false, 1, []],
    ]);
    const byRule = new Map<string, string[]>();
    for (const s of await store.load())
      byRule.set(s.ruleKey, [...(byRule.get(s.ruleKey) ?? []), s.state]);
    expect([...byRule.values()].map((x) => x.sort())).toEqual([
      ["firing", "inactive"],
      ["firing", "inactive"],
    ]);
    // The stored rows equal the alerts in memory except value and annotations.
    const strip = (xs: { fingerprint: string; state: string; activeAt: number }[]) =>
      xs.map((x) => [x.fingerprint, x.state, x.activeAt]).sort();
    expect(strip(await store.load())).toEqual(strip([...alertsOf(m, 0), ...alertsOf(m, 1)]));
  });

  it("keeps alert state across a reload when the rule is unchanged, drops it when changed", async () => {
    const m = manager([]);
    await m.update([group([alertRule({ for: 0 })])]);
    await put({ __name__: "errors", job: "api" }, T0, 10);
    await m.groups()[0]?.evaluate(T0);
    await m.update([group([alertRule({ for: 0 }), alertRule({ name: "Other" })])]);
    const active = (i: number) => alertsOf(m, i).length;
    expect(active(0)).toBe(1);
    await m.update([group([alertRule({ for: 0, expr: "errors > 6" })])]);
    expect(active(0)).toBe(0);
  });
});

describe("recording rules", () => {
  it("writes results, chains in one group, and marks vanished series stale", async () => {
    const m = manager([]);
    const rec = (name: string, expr: string): RuleConfig => ({
      kind: "record",
      name,
      expr,
      for: 0,
      keepFiringFor: 0,
      labels: { src: "rule" },
      annotations: {},
    });
    await m.update([
      group([rec("job:req:sum", "sum by (job) (req)"), rec("job:req:double", "job:req:sum * 2")]),
    ]);
    const g = m.groups()[0];
    await put({ __name__: "req", job: "a", i: "1" }, T0, 1);
    await put({ __name__: "req", job: "a", i: "2" }, T0, 2);
    await g?.evaluate(T0);
    expect(await instant("job:req:double", T0)).toEqual([
      { labels: { __name__: "job:req:double", job: "a", src: "rule" }, v: 6 },
    ]);
    expect(await instant("job:req:sum", T0)).toEqual([
      { labels: { __name__: "job:req:sum", job: "a", src: "rule" }, v: 3 },
    ]);
    // The inputs go stale: the outputs get stale markers at the next evaluation,
    // so they vanish at once rather than after the 5m lookback.
    const app = storage.appender();
    for (const i of ["1", "2"])
      app.append(0, labelsFromRecord({ __name__: "req", job: "a", i }), T0 + MIN, STALE_NAN);
    await app.commit();
    expect(await instant("job:req:sum", T0 + 3 * MIN)).toHaveLength(1);
    await g?.evaluate(T0 + 2 * MIN);
    expect(await instant("job:req:sum", T0 + 3 * MIN)).toEqual([]);
    expect(await instant("job:req:double", T0 + 3 * MIN)).toEqual([]);
    expect(g?.rules[0]?.health).toBe("ok");
  });
});
