import { describe, expect, it } from "vitest";
import type { InhibitRule } from "../config/index.js";
import { inhibitingRule, inhibits } from "./inhibit.js";
import { parseMatchers } from "./matchers.js";

const rule = (source: string, target: string, equal: string[]): InhibitRule => ({
  sourceMatchers: parseMatchers(source),
  targetMatchers: parseMatchers(target),
  equal,
});

describe("inhibits", () => {
  const critOverWarn = rule('severity="critical"', 'severity="warning"', ["alertname", "cluster"]);

  it("mutes a target while a matching source with equal labels fires", () => {
    const firing = [{ labels: { alertname: "Disk", cluster: "a", severity: "critical" } }];
    expect(
      inhibits([critOverWarn], firing, { alertname: "Disk", cluster: "a", severity: "warning" }),
    ).toBe(true);
    expect(
      inhibits([critOverWarn], firing, { alertname: "Disk", cluster: "b", severity: "warning" }),
    ).toBe(false);
    expect(
      inhibits([critOverWarn], firing, { alertname: "Disk", cluster: "a", severity: "info" }),
    ).toBe(false);
    expect(
      inhibits([critOverWarn], [], { alertname: "Disk", cluster: "a", severity: "warning" }),
    ).toBe(false);
  });

  it("counts a label missing on both sides as equal", () => {
    const firing = [{ labels: { alertname: "Disk", severity: "critical" } }];
    expect(inhibits([critOverWarn], firing, { alertname: "Disk", severity: "warning" })).toBe(true);
    expect(
      inhibits([critOverWarn], firing, { alertname: "Disk", cluster: "a", severity: "warning" }),
    ).toBe(false);
  });

  it("does not let an alert matching both sides inhibit itself or its like", () => {
    const both = rule('alertname="NodeDown"', 'alertname=~".+"', ["instance"]);
    const self = { alertname: "NodeDown", instance: "h1" };
    expect(inhibits([both], [{ labels: self }], self)).toBe(false);
    // But it inhibits other alerts of the same instance.
    expect(inhibits([both], [{ labels: self }], { alertname: "DiskFull", instance: "h1" })).toBe(
      true,
    );
    expect(
      inhibitingRule([both], [{ labels: self }], { alertname: "DiskFull", instance: "h1" })?.source
        .labels,
    ).toBe(self);
  });
});
