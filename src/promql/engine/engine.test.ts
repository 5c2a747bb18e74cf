import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseScript } from "../promqltest/script.js";
import { TestStore } from "../promqltest/test-store.js";
import { QueryError } from "../values.js";
import { Engine } from "./engine.js";

/** 200 series with a sample every 15 s over 6 h, in the real store. */
let store: TestStore;

beforeAll(async () => {
  store = await TestStore.open();
  const lines = ["load 15s"];
  for (let i = 0; i < 200; i++) lines.push(`  work_total{i="${i}"} 0+${i + 1}x1440`);
  const [load] = parseScript(`${lines.join("\n")}\n`, "engine.test");
  if (load?.type !== "load") throw new Error("bad fixture");
  await store.load(load);
});

afterAll(async () => {
  await store.close();
});

const HEAVY = "sum(rate(work_total[10m])) + sum(max_over_time(work_total[30m:15s]))";

describe("Engine", () => {
  it("gives the event loop turns while a long query runs", async () => {
    const engine = new Engine();
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    let turnsWhenDone = -1;
    const query = engine.rangeQuery(store.storage, HEAVY, 0, 6 * 3600_000, 15_000).then((r) => {
      turnsWhenDone = turns;
      return r;
    });
    const r = await query;
    clearInterval(timer);
    expect(r.value.type).toBe("matrix");
    // Timers fired between the query's start and its answer: it did not hold the loop.
    expect(turnsWhenDone).toBeGreaterThan(0);
  });

  it("fails past its timeout with Prometheus's timeout error", async () => {
    const engine = new Engine({ timeoutMs: 0 });
    const err = await engine
      .rangeQuery(store.storage, HEAVY, 0, 6 * 3600_000, 15_000)
      .catch((e) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect(err.promType).toBe("timeout");
    expect(err.status).toBe(503);
  });

  it("refuses to hold more samples than max_samples", async () => {
    const engine = new Engine({ maxSamples: 1000 });
    const err = await engine
      .instantQuery(store.storage, "work_total[1h]", 3600_000)
      .catch((e) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect(err.message).toBe(
      "query processing would load too many samples into memory in query execution",
    );
    expect(err.status).toBe(422);
  });

  it("refuses a subquery with more steps than max_samples before building them", async () => {
    const err = await new Engine()
      .instantQuery(store.storage, "sum_over_time(vector(1)[1000d:1s])", 1000 * 86_400_000)
      .catch((e) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect(err.status).toBe(422);
  });

  it("answers a range query of a scalar as one series without labels", async () => {
    const r = await new Engine().rangeQuery(store.storage, "1 + 1", 0, 60_000, 30_000);
    expect(r.value).toEqual({
      type: "matrix",
      series: [{ labels: [], ts: [0, 30_000, 60_000], vs: [2, 2, 2] }],
    });
  });

  it("refuses a range query over a range vector", async () => {
    const err = await new Engine()
      .rangeQuery(store.storage, "work_total[5m]", 0, 60_000, 30_000)
      .catch((e) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect(err.message).toBe(
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    );
  });
});
