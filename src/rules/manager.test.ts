import { describe, expect, it } from "vitest";
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
