/**
 * Evaluation cost of 1,000 alerting rules over 10,000 series, one group
 * evaluation (the target: under 10% of a 15 s interval). Each rule
 * selects one of 100 metrics (100 series each) with a threshold that makes
 * about a tenth of the series alert, so ALERTS series and state are written too.
 * Run: npx vitest bench --run src/rules
 *
 * Measured (2 shared cores, busy with other work, Node 20): with templates not
 * expanded, mean 0.44-0.62 s per evaluation; with the annotation expanded for
 * each of the ~7,000 alerts, mean 1.0-1.25 s (min 0.76 s), 5-8% of 15 s: the
 * template package parses the template at every expansion.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, bench, describe } from "vitest";
import type { RuleConfig } from "../config/index.js";
import { Engine } from "../promql/index.js";
import { LocalStorage, labelsFromRecord } from "../storage/index.js";
import { openTestDb } from "../tsdb/testdata/open-test-db.js";
import { RuleManager } from "./manager.js";
import { MemoryAlertStateStore } from "./state-memory.js";

const METRICS = 100;
const SERIES_PER_METRIC = 100;
const RULES = 1_000;
const T0 = 1_700_000_000_000;

const dir = mkdtempSync(join(tmpdir(), "reddot-rules-bench-"));
const db = await openTestDb(dir);
const storage = new LocalStorage(db);
const app = storage.appender();
for (let m = 0; m < METRICS; m++) {
  for (let s = 0; s < SERIES_PER_METRIC; s++) {
    app.append(0, labelsFromRecord({ __name__: `m_${m}`, instance: `h${s}` }), T0, s);
  }
}
await app.commit();

const rules: RuleConfig[] = [];
for (let i = 0; i < RULES; i++) {
  rules.push({
    kind: "alert",
    name: `Rule${i}`,
    expr: `m_${i % METRICS} > ${SERIES_PER_METRIC - 10 + (i % 5)}`,
    for: 60_000,
    keepFiringFor: 0,
    labels: { severity: "warning" },
    annotations: { summary: "{{ $labels.instance }} is {{ $value }}" },
  });
}
const manager = new RuleManager({
  storage,
  engine: new Engine(),
  stateStore: new MemoryAlertStateStore(),
  onAlerts: () => {},
});
await manager.update([
  { file: "rules/bench.yaml", name: "bench", interval: 15_000, limit: 0, rules },
]);
const group = manager.groups()[0];
let t = T0;

afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("rule group evaluation", () => {
  bench(
    "1,000 alerting rules over 10,000 series",
    async () => {
      t += 15_000;
      await group?.evaluate(t);
    },
    { iterations: 5, warmupIterations: 1 },
  );
});
