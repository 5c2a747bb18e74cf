import { describe, expect, it } from "vitest";
import { delta, idelta, increase, irate, rate } from "./rate.js";
import { contextFor, series, windowOf } from "./test-window.js";

const ctx = () => contextFor();

describe("rate/increase extrapolation (hand-computed from Prometheus's rules)", () => {
  it("extrapolates to both boundaries when samples are within 1.1 intervals of them", () => {
    // Samples 10..50 at 10s..50s in (0, 60]: increase 40 over 40s, 10s to each edge: 40 * 60/40.
    const w = windowOf(series(10, 10, [10, 20, 30, 40, 50]), 0, 60);
    expect(increase(w, [], ctx())).toBeCloseTo(60, 12);
    expect(rate(w, [], ctx())).toBeCloseTo(1, 12);
  });

  it("does not extrapolate a counter below zero", () => {
    // Same slope starting at 5: zero is reached 5s before the first sample, not 10s.
    const w = windowOf(series(10, 10, [5, 15, 25, 35, 45]), 0, 60);
    expect(increase(w, [], ctx())).toBeCloseTo((40 * (40 + 5 + 10)) / 40, 12);
  });

  it("extrapolates only half an interval when the series starts well inside the range", () => {
    // First sample 30s after the range start (>= 1.1 * 10s): extend 5s to the left, 10s to the right.
    const w = windowOf(series(30, 10, [100, 110, 120]), 0, 60);
    expect(increase(w, [], ctx())).toBeCloseTo((20 * (20 + 5 + 10)) / 20, 12);
  });

  it("adds the value before each counter reset", () => {
    // 10, 20, 5, 15: 15 - 10 + 20 = 25 over 30s; 10s to the left (zero point 12s away), none to the right.
    const w = windowOf(series(10, 10, [10, 20, 5, 15]), 0, 40);
    expect(increase(w, [], ctx())).toBeCloseTo((25 * 40) / 30, 12);
  });

  it("delta neither corrects resets nor stops at zero", () => {
    const w = windowOf(series(10, 10, [50, 40, 30]), 0, 40);
    expect(delta(w, [], ctx())).toBeCloseTo(-40, 12);
  });

  it("needs two samples", () => {
    expect(rate(windowOf([[10, 1]], 0, 60), [], ctx())).toBeUndefined();
    expect(rate(windowOf([], 0, 60), [], ctx())).toBeUndefined();
  });

  it("propagates NaN samples", () => {
    const w = windowOf(series(10, 10, [1, Number.NaN, 3]), 0, 30);
    expect(delta(w, [], ctx())).toBeCloseTo(3, 12);
    expect(increase(windowOf(series(10, 10, [1, 2, Number.NaN]), 0, 30), [], ctx())).toBeNaN();
  });
});

describe("anchored and smoothed rates", () => {
  // 1+1x4 9+1x4 every 15s (Prometheus's PROM-52 example): a reset-free jump from 5 to 9.
  const data = series(0, 15, [1, 2, 3, 4, 5, 9, 10, 11, 12, 13]);

  it("anchored: from the last sample at or before the range start to the last one in it", () => {
    // Range (20s, 80s]: 2 (at 15s) to 9 (at 75s).
    expect(increase(windowOf(data, 20, 80, { anchored: true }), [], ctx())).toBe(7);
    expect(rate(windowOf(data, 20, 80, { anchored: true }), [], ctx())).toBeCloseTo(7 / 60, 12);
  });

  it("anchored: a single sample in range and none before gives 0", () => {
    expect(increase(windowOf(data, -55, 5, { anchored: true }), [], ctx())).toBe(0);
  });

  it("smoothed: interpolates both boundaries", () => {
    // Range (5s, 65s]: left 1 + 1 * 5/15, right 5 + 4 * 5/15.
    const w = windowOf(data, 5, 65, { smoothed: true });
    expect(increase(w, [], ctx())).toBeCloseTo(5 + 4 / 3 - (1 + 1 / 3), 12);
  });

  it("smoothed: a reset between the boundary samples interpolates from zero", () => {
    // 100 at 0s, 10 at 15s; right boundary 10s: counter restarted, so 0 + 10 * 10/15.
    const w = windowOf(
      [
        [0, 100],
        [15, 10],
      ],
      0,
      10,
      { smoothed: true },
    );
    // Left boundary is the sample at 0s (100); right (6.67) < 100 counts as a reset: 6.67 - 100 + 100.
    expect(increase(w, [], ctx())).toBeCloseTo((10 * 10) / 15, 12);
  });

  it("anchored counts resets inside the range", () => {
    const w = windowOf(series(0, 10, [5, 8, 2, 4]), 5, 30, { anchored: true });
    // From 5 (at 0s): 8, reset to 2 (+8), 4: 4 - 5 + 8.
    expect(increase(w, [], ctx())).toBe(7);
    expect(delta(w, [], ctx())).toBe(-1);
  });

  it("ignores samples older than the lookback delta before the range", () => {
    const w = windowOf(
      [
        [0, 1],
        [400, 5],
        [410, 6],
      ],
      400,
      420,
      { anchored: true },
    );
    // The sample at 0s is 400s before the range start, beyond the 5m lookback: anchor is 5 at 400s.
    expect(increase(w, [], ctx())).toBe(1);
  });
});

describe("irate and idelta", () => {
  it("use the last two samples", () => {
    const w = windowOf(series(0, 10, [1, 4, 10]), -1, 30);
    expect(irate(w, [], ctx())).toBeCloseTo(0.6, 12);
    expect(idelta(w, [], ctx())).toBe(6);
  });

  it("irate after a reset takes the new value as the increase", () => {
    const w = windowOf(series(0, 10, [10, 3]), -1, 30);
    expect(irate(w, [], ctx())).toBeCloseTo(0.3, 12);
    expect(idelta(w, [], ctx())).toBe(-7);
  });

  it("need two samples", () => {
    expect(irate(windowOf([[0, 1]], -1, 30), [], ctx())).toBeUndefined();
  });
});

describe("the not-a-counter info", () => {
  it("is raised for rate and increase over a name without a counter suffix", () => {
    const c = contextFor("rate(requests[5m])", { argPositions: [{ start: 5, end: 17 }] });
    const w = windowOf(series(0, 10, [1, 2]), -1, 30, { metricName: "requests" });
    rate(w, [], c);
    expect(c.annotations.infos).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "requests" (1:6)',
    ]);
  });

  it("is not raised for counter names, for delta, or without a result", () => {
    const c = contextFor("x");
    rate(windowOf(series(0, 10, [1, 2]), -1, 30, { metricName: "requests_total" }), [], c);
    delta(windowOf(series(0, 10, [1, 2]), -1, 30, { metricName: "temperature" }), [], c);
    rate(windowOf([[0, 1]], -1, 30, { metricName: "temperature" }), [], c);
    expect(c.annotations.infos).toEqual([]);
  });
});
