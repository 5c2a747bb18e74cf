import { describe, expect, it } from "vitest";
import { AlertStore, isResolved } from "./alert-store.js";

const M = 60_000;
const a = (startsAt: number, endsAt: number, annotations: Record<string, string> = {}) => ({
  labels: { alertname: "A" },
  annotations,
  startsAt,
  endsAt,
  generatorURL: "",
});

describe("AlertStore", () => {
  it("gives an open alert resolve_timeout and keeps the earliest start on merge", () => {
    const s = new AlertStore();
    s.put(a(100, 0), 1000, 5 * M);
    const merged = s.put(a(500, 0, { v: "2" }), 2000, 5 * M);
    expect(merged).toMatchObject({ startsAt: 100, endsAt: 2000 + 5 * M, timeout: true });
    expect(merged.annotations).toEqual({ v: "2" });
    expect(s.size).toBe(1);
  });
  it("resolves with an explicit end, and a stale open update does not undo it", () => {
    const s = new AlertStore();
    s.put(a(100, 0), 1000, 5 * M);
    s.put(a(100, 1500), 1600, 5 * M);
    expect(isResolved(s.all()[0] as { endsAt: number }, 1600)).toBe(true);
  });
  it("replaces an alert that starts after the stored one ended", () => {
    const s = new AlertStore();
    s.put(a(100, 200), 300, 5 * M);
    const next = s.put(a(10_000, 0), 10_000, 5 * M);
    expect(next.startsAt).toBe(10_000);
  });
  it("collects resolved alerts after the retention", () => {
    const s = new AlertStore();
    s.put(a(100, 200), 300, 5 * M);
    expect(s.gc(200 + M - 1, M)).toBe(0);
    expect(s.gc(200 + M, M)).toBe(1);
    expect(s.size).toBe(0);
  });
});
