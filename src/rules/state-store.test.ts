import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type MetaDb, openMeta } from "../meta/index.js";
import { Engine } from "../promql/index.js";
import { LocalStorage, labelsFromRecord } from "../storage/index.js";
import { openTestDb } from "../tsdb/testdata/open-test-db.js";
import { RuleManager } from "./manager.js";
import { MetaAlertStateStore } from "./state-store.js";
import type { OutgoingAlert, StoredAlertState } from "./types.js";

let meta: MetaDb;
beforeEach(async () => {
  meta = await openMeta({ memory: true });
});
afterEach(async () => {
  await meta.close();
});

const firing: StoredAlertState = {
  ruleKey: '["rules/a.yaml","g",0,"A"]',
  fingerprint: "0123456789abcdef",
  labels: { alertname: "A", job: "x" },
  annotations: { summary: "s" },
  state: "firing",
  activeAt: 1000,
  firedAt: 2000,
  lastSentAt: 2000,
  value: 1.5,
};

describe("MetaAlertStateStore", () => {
  it("saves, loads, replaces and deletes a rule's alerts in SQLite", async () => {
    const store = new MetaAlertStateStore(meta);
    const pending: StoredAlertState = {
      ...firing,
      fingerprint: "fedcba9876543210",
      labels: { alertname: "A", job: "y" },
      state: "pending",
      value: 0,
    };
    delete pending.firedAt;
    delete pending.lastSentAt;
    await store.save(firing.ruleKey, [firing, pending]);
    await store.save("other", [
      { ...firing, ruleKey: "other", resolvedAt: 3000, keepFiringSince: 2500 },
    ]);
    const loaded = await new MetaAlertStateStore(meta).load();
    expect(loaded).toHaveLength(3);
    expect(loaded).toContainEqual(firing);
    expect(loaded).toContainEqual(pending);
    await store.save(firing.ruleKey, [firing]);
    expect(await store.load()).toHaveLength(2);
    await store.save(firing.ruleKey, []);
    expect((await store.load()).map((s) => s.ruleKey)).toEqual(["other"]);
  });

  it("applies changes: upserts and removes rows of several rules in one call", async () => {
    const store = new MetaAlertStateStore(meta);
    const b = { ...firing, fingerprint: "b".repeat(16), labels: { alertname: "A", job: "b" } };
    const c = { ...firing, fingerprint: "c".repeat(16), labels: { alertname: "A", job: "c" } };
    const other = { ...firing, ruleKey: "other" };
    await store.save(firing.ruleKey, [firing, b]);
    const moved = { ...firing, state: "inactive" as const, resolvedAt: 5000, value: 2 };
    // 600 new rows: more than one statement's worth.
    const many = Array.from({ length: 600 }, (_, i) => ({
      ...other,
      fingerprint: i.toString(16).padStart(16, "0"),
      labels: { alertname: "A", i: String(i) },
    }));
    await store.apply([
      { ruleKey: firing.ruleKey, replace: false, upsert: [moved, c], remove: [b.fingerprint] },
      { ruleKey: "other", replace: false, upsert: many, remove: [] },
    ]);
    const loaded = await store.load();
    expect(loaded.filter((s) => s.ruleKey === firing.ruleKey)).toEqual(
      expect.arrayContaining([moved, c]),
    );
    expect(loaded).toHaveLength(602);
    await store.apply([{ ruleKey: "other", replace: true, upsert: [other], remove: [] }]);
    expect(await store.load()).toHaveLength(3);
  });

  it("skips rows that do not validate", async () => {
    const bad: string[] = [];
    const store = new MetaAlertStateStore(meta, (k) => bad.push(k));
    await store.save(firing.ruleKey, [firing]);
    await meta.db.updateTable("alert_state").set({ labels: "[1]" }).execute();
    expect(await store.load()).toEqual([]);
    expect(bad).toEqual([firing.ruleKey]);
  });
});

describe("restart with the SQLite store", () => {
  it("a firing alert is neither re-sent within resendDelay nor restarted after reopening the DB", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reddot-rules-meta-"));
    const tsdb = await openTestDb(join(dir, "tsdb"));
    const storage = new LocalStorage(tsdb);
    const T0 = 1_700_000_040_000;
    const a = storage.appender();
    for (let i = 0; i < 5; i++)
      a.append(0, labelsFromRecord({ __name__: "up", job: "x" }), T0 + i * 60_000, 0);
    await a.commit();
    const group = {
      file: "rules/a.yaml",
      name: "g",
      interval: 60_000,
      limit: 0,
      rules: [
        {
          kind: "alert" as const,
          name: "Down",
          expr: "up == 0",
          for: 60_000,
          keepFiringFor: 0,
          labels: {},
          annotations: {},
        },
      ],
    };
    const run = async (times: number[]) => {
      const db = await openMeta({ path: join(dir, "meta.db") });
      const sent: OutgoingAlert[] = [];
      const m = new RuleManager({
        storage,
        engine: new Engine(),
        stateStore: new MetaAlertStateStore(db),
        onAlerts: (x) => {
          sent.push(...x);
        },
      });
      await m.update([group]);
      for (const t of times) await m.groups()[0]?.evaluate(t);
      await db.close();
      return sent;
    };
    try {
      expect(await run([T0, T0 + 60_000])).toHaveLength(1); // fired and sent at T0 + 1m
      expect(await run([T0 + 90_000])).toEqual([]); // restarted 30 s later: not resent
      const later = await run([T0 + 180_000]); // 2 min after the send: resent, same start
      expect(later.map((x) => x.startsAt)).toEqual([T0 + 60_000]);
    } finally {
      await tsdb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
