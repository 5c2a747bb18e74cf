import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it("parses single and compound units", () => {
    expect(parseDuration("15s")).toBe(15_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("2d")).toBe(172_800_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("1w1d")).toBe(8 * 86_400_000);
    expect(parseDuration("0s")).toBe(0);
  });

  it("rejects malformed text naming the field", () => {
    for (const bad of ["", "15", "1m1h", "s", "1.5h", "-1s", "10 s"]) {
      expect(() => parseDuration(bad, "retention")).toThrow(/retention: cannot parse/);
    }
  });

  it("formats back to the same duration", () => {
    for (const ms of [1000, 90_000, 5_400_000, 172_800_000, 1500]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});
