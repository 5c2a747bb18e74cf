import { describe, expect, it } from "vitest";
import type { NflogEntry } from "./nflog.js";
import { needsUpdate, routeMutedBy } from "./pipeline.js";
import { buildRouteTree } from "./route.js";

const H = 3_600_000;
const entry = (firing: string[], resolved: string[], sentAt = 0): NflogEntry => ({
  receiver: "r",
  groupKey: "g",
  integration: "webhook[0]",
  firing,
  resolved,
  sentAt,
  expiresAt: sentAt + 100 * H,
});
const set = (...xs: string[]) => new Set(xs);

// Cases of Alertmanager's TestDedupStageNeedsUpdate (notify/notify_test.go).
describe("needsUpdate", () => {
  it("sends a first notification only when something fires", () => {
    expect(needsUpdate(undefined, set("a"), set(), true, H, 0)).toBe(true);
    expect(needsUpdate(undefined, set(), set("a"), true, H, 0)).toBe(false);
  });
  it("sends when a new alert fires", () => {
    expect(needsUpdate(entry(["a"], []), set("a", "b"), set(), false, H, 1)).toBe(true);
  });
  it("does not send when fewer alerts fire and resolved ones are not sent", () => {
    expect(needsUpdate(entry(["a", "b"], []), set("a"), set("b"), false, H, 1)).toBe(false);
  });
  it("sends a newly resolved alert with send_resolved", () => {
    expect(needsUpdate(entry(["a", "b"], []), set("a"), set("b"), true, H, 1)).toBe(true);
    expect(needsUpdate(entry(["a"], ["b"]), set("a"), set("b"), true, H, 1)).toBe(false);
  });
  it("sends when everything resolved, whatever send_resolved, if something was notified firing", () => {
    expect(needsUpdate(entry(["a"], []), set(), set("a"), false, H, 1)).toBe(true);
    expect(needsUpdate(entry([], ["a"]), set(), set("a"), true, H, 1)).toBe(false);
  });
  it("repeats an unchanged set only after more than repeat_interval", () => {
    expect(needsUpdate(entry(["a"], [], 0), set("a"), set(), true, H, H)).toBe(false);
    expect(needsUpdate(entry(["a"], [], 0), set("a"), set(), true, H, H + 1)).toBe(true);
  });
});

describe("routeMutedBy", () => {
  const night = {
    name: "night",
    timeIntervals: [{ times: [{ startMinute: 0, endMinute: 6 * 60 }] }],
  };
  const intervals = new Map([["night", night]]);
  const base = {
    receiver: "r",
    groupBy: [],
    continue: false,
    matchers: [],
    groupWaitMs: 0,
    groupIntervalMs: 0,
    repeatIntervalMs: 0,
    routes: [],
  };
  const at3 = Date.UTC(2026, 0, 1, 3);
  const at12 = Date.UTC(2026, 0, 1, 12);
  it("mutes inside mute_time_intervals", () => {
    const r = buildRouteTree({ ...base, muteTimeIntervals: ["night"], activeTimeIntervals: [] });
    expect(routeMutedBy(r, intervals, at3)).toEqual(["night"]);
    expect(routeMutedBy(r, intervals, at12)).toEqual([]);
  });
  it("mutes outside active_time_intervals", () => {
    const r = buildRouteTree({ ...base, muteTimeIntervals: [], activeTimeIntervals: ["night"] });
    expect(routeMutedBy(r, intervals, at3)).toEqual([]);
    expect(routeMutedBy(r, intervals, at12)).toEqual(["night"]);
  });
});
