import { afterEach, describe, expect, it, vi } from "vitest";
import type { RuleGroupConfig } from "../config/index.js";
import { Engine } from "../promql/index.js";
import type { Storage } from "../storage/index.js";
import { groupOffset, nextEvalTimestamp, RuleManager } from "./manager.js";

const noStorage = {} as Storage; // never touched: no group is evaluated here

function groupOf(name: string, interval: number): RuleGroupConfig {
  return { file: "rules/a.yaml", name, interval, limit: 0, rules: [] };
}

describe("evaluation alignment", () => {
  it("evaluates at multiples of the interval plus a per-group offset, the first after now", async () => {
    const m = new RuleManager({ storage: noStorage, engine: new Engine() });
    await m.update([groupOf("a", 15_000), groupOf("b", 15_000), groupOf("c", 60_000)]);
    const offsets = new Set<number>();
    for (const g of m.groups()) {
      const off = groupOffset(g.config.file, g.config.name, g.interval);
      expect(off).toBeGreaterThanOrEqual(0);
      expect(off).toBeLessThan(g.interval);
      offsets.add(off);
      const now = 1_700_000_000_123;
      const t = nextEvalTimestamp(g, now);
      expect(t).toBeGreaterThan(now);
      expect(t - now).toBeLessThanOrEqual(g.interval);
      expect((t - off) % g.interval).toBe(0);
      // Stable: asking again at any time in between gives the same slot.
      expect(nextEvalTimestamp(g, t - 1)).toBe(t);
      expect(nextEvalTimestamp(g, t)).toBe(t + g.interval);
    }
    expect(offsets.size).toBe(3);
  });

  it("uses the manager's default interval for groups without one (1m)", async () => {
    const m = new RuleManager({ storage: noStorage, engine: new Engine() });
    await m.update([{ file: "rules/a.yaml", name: "x", limit: 0, rules: [] }]);
    expect(m.groups()[0]?.interval).toBe(60_000);
  });
});

describe("running", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("evaluates each group at its aligned timestamps until stopped", async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const m = new RuleManager({ storage: noStorage, engine: new Engine() });
    await m.update([groupOf("a", 15_000)]);
    const g = m.groups()[0];
    if (g === undefined) throw new Error("no group");
    const first = nextEvalTimestamp(g, Date.now());
    m.start();
    expect(g.lastEvaluation).toBeUndefined();
    await vi.advanceTimersByTimeAsync(first - Date.now());
    expect(g.lastEvaluation).toBe(first);
    await vi.advanceTimersByTimeAsync(2 * 15_000);
    expect(g.lastEvaluation).toBe(first + 2 * 15_000);
    expect(m.counters.missedIterations).toBe(0);
    await m.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(g.lastEvaluation).toBe(first + 2 * 15_000);
  });

  it("skips and counts iterations missed while a slow evaluation ran, never overlapping", async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    let running = 0;
    let overlapped = false;
    // A store whose every query takes 40 s of (fake) wall time.
    const slow: Storage = {
      querier: (mint, maxt) => {
        running++;
        if (running > 1) overlapped = true;
        vi.setSystemTime(Date.now() + 40_000);
        running--;
        return {
          mint,
          maxt,
          select: () => [],
          labelNames: () => [],
          labelValues: () => [],
          close() {},
        };
      },
      appender: () => ({
        append: () => 0,
        commit: async () => ({ accepted: 0, refused: {} }),
        rollback() {},
      }),
    };
    const m = new RuleManager({ storage: slow, engine: new Engine() });
    const rec = {
      kind: "record" as const,
      name: "r",
      expr: "up",
      for: 0,
      keepFiringFor: 0,
      labels: {},
      annotations: {},
    };
    await m.update([{ ...groupOf("slow", 15_000), rules: [rec] }]);
    const g = m.groups()[0];
    if (g === undefined) throw new Error("no group");
    const first = nextEvalTimestamp(g, Date.now());
    m.start();
    await vi.advanceTimersByTimeAsync(first - Date.now());
    expect(g.lastEvaluation).toBe(first);
    // It ended 40 s later: the slots at +15 s and +30 s were missed; the next is +45 s.
    expect(m.counters.missedIterations).toBe(2);
    await vi.advanceTimersByTimeAsync(nextEvalTimestamp(g, first + 40_000) - Date.now());
    expect(g.lastEvaluation).toBe(first + 45_000);
    await m.stop();
    expect(overlapped).toBe(false);
  });
});
