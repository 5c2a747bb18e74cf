import { describe, expect, it } from "vitest";
import { changes, resets } from "./changes.js";
import {
  avgOverTime,
  countOverTime,
  firstOverTime,
  lastOverTime,
  madOverTime,
  maxOverTime,
  minOverTime,
  presentOverTime,
  quantileOverTime,
  stddevOverTime,
  stdvarOverTime,
  sumOverTime,
  tsOfFirstOverTime,
  tsOfLastOverTime,
  tsOfMaxOverTime,
  tsOfMinOverTime,
} from "./over-time.js";
import { deriv, doubleExponentialSmoothing, predictLinear } from "./regression.js";
import { contextFor, series, windowOf } from "./test-window.js";

const w = (values: number[]) => windowOf(series(1, 1, values), 0, values.length);
const ctx = () => contextFor();

describe("simple aggregations over time", () => {
  it("sum, avg, count, present, first, last", () => {
    const win = w([1, 2, 3, 6]);
    expect(sumOverTime(win, [], ctx())).toBe(12);
    expect(avgOverTime(win, [], ctx())).toBe(3);
    expect(countOverTime(win, [], ctx())).toBe(4);
    expect(presentOverTime(win, [], ctx())).toBe(1);
    expect(firstOverTime(win, [], ctx())).toBe(1);
    expect(lastOverTime(win, [], ctx())).toBe(6);
    expect(tsOfFirstOverTime(win, [], ctx())).toBe(1);
    expect(tsOfLastOverTime(win, [], ctx())).toBe(4);
  });

  it("return nothing for an empty window", () => {
    const empty = windowOf([[100, 1]], 0, 10);
    for (const f of [
      sumOverTime,
      avgOverTime,
      countOverTime,
      maxOverTime,
      stddevOverTime,
      lastOverTime,
    ]) {
      expect(f(empty, [], ctx())).toBeUndefined();
    }
  });

  it("sum compensates rounding (Kahan)", () => {
    // 1e100 + 1 - 1e100 is 0 in plain float arithmetic; the compensated sum keeps the 1.
    expect(sumOverTime(w([1e100, 1, -1e100]), [], ctx())).toBe(1);
  });

  it("avg switches to the incremental mean when the sum overflows", () => {
    const max = Number.MAX_VALUE;
    // max + max overflows: mean = max / 1, then 1/2 * max + max / 2 = max exactly.
    expect(avgOverTime(w([max, max]), [], ctx())).toBe(max);
    // Thirds round; the mean stays within float precision of max (instead of +Inf).
    expect((avgOverTime(w([max, max, max]), [], ctx()) as number) / max).toBeCloseTo(1, 12);
    expect(avgOverTime(w([max, -max]), [], ctx())).toBe(0);
  });

  it("avg of infinities and NaN", () => {
    expect(avgOverTime(w([1, Number.POSITIVE_INFINITY]), [], ctx())).toBe(Number.POSITIVE_INFINITY);
    expect(avgOverTime(w([1, NaN]), [], ctx())).toBeNaN();
  });
});

describe("min and max over time", () => {
  it("skip NaN unless every sample is NaN", () => {
    expect(minOverTime(w([NaN, 3, 1]), [], ctx())).toBe(1);
    expect(maxOverTime(w([1, NaN, 3]), [], ctx())).toBe(3);
    expect(maxOverTime(w([NaN, NaN]), [], ctx())).toBeNaN();
  });

  it("ts_of_ variants return the time (s) of the latest extreme", () => {
    const win = windowOf(
      [
        [1, 3],
        [2, 5],
        [3, 5],
        [4.5, 1],
      ],
      0,
      10,
    );
    expect(tsOfMaxOverTime(win, [], ctx())).toBe(3);
    expect(tsOfMinOverTime(win, [], ctx())).toBe(4.5);
  });
});

describe("spread over time", () => {
  it("stddev and stdvar are the population statistics", () => {
    // Mean 5, squared deviations sum to 32 over 8 samples.
    const win = w([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(stdvarOverTime(win, [], ctx())).toBe(4);
    expect(stddevOverTime(win, [], ctx())).toBe(2);
    expect(stdvarOverTime(w([7]), [], ctx())).toBe(0);
  });

  it("quantile interpolates between closest ranks", () => {
    expect(quantileOverTime(w([4, 1, 3, 2]), [0.5], ctx())).toBe(2.5);
    expect(quantileOverTime(w([4, 1, 3, 2]), [0.75], ctx())).toBe(3.25);
  });

  it("quantile outside [0, 1] is ±Inf with Prometheus's warning at the q argument", () => {
    const c = contextFor("quantile_over_time(2, x[5m])", {
      argPositions: [
        { start: 19, end: 20 },
        { start: 22, end: 27 },
      ],
    });
    expect(quantileOverTime(w([1, 2]), [2], c)).toBe(Number.POSITIVE_INFINITY);
    expect(quantileOverTime(w([1, 2]), [-0.5], c)).toBe(Number.NEGATIVE_INFINITY);
    expect(quantileOverTime(w([1, 2]), [NaN], c)).toBeNaN();
    expect(c.annotations.warnings).toEqual([
      "PromQL warning: quantile value should be between 0 and 1, got 2 (1:20)",
      "PromQL warning: quantile value should be between 0 and 1, got -0.5 (1:20)",
      "PromQL warning: quantile value should be between 0 and 1, got NaN (1:20)",
    ]);
  });

  it("mad is the median of absolute deviations from the median; NaN poisons it", () => {
    // Median 2; deviations 1 1 0 0 2 4 7; their median 1.
    expect(madOverTime(w([1, 1, 2, 2, 4, 6, 9]), [], ctx())).toBe(1);
    expect(madOverTime(w([1, NaN, 3]), [], ctx())).toBeNaN();
  });
});

describe("changes and resets", () => {
  it("count value changes (NaN to NaN is none) and decreases", () => {
    expect(changes(w([1, 1, 2, NaN, NaN, 3]), [], ctx())).toBe(3);
    expect(resets(w([5, 3, 4, 1, 1]), [], ctx())).toBe(2);
    expect(changes(w([7]), [], ctx())).toBe(0);
  });

  it("anchored: also compare with the last sample before the range", () => {
    const data: [number, number][] = [
      [0, 5],
      [10, 3],
      [20, 3],
    ];
    expect(changes(windowOf(data, 5, 20), [], ctx())).toBe(0);
    expect(changes(windowOf(data, 5, 20, { anchored: true }), [], ctx())).toBe(1);
    expect(resets(windowOf(data, 5, 20, { anchored: true }), [], ctx())).toBe(1);
    // Nothing inside the range: no result, even with an anchor.
    expect(changes(windowOf(data, 20, 30, { anchored: true }), [], ctx())).toBeUndefined();
  });
});

describe("regression", () => {
  it("deriv of a perfect line is its slope per second", () => {
    const line = [100, 115, 130, 145].map((t): [number, number] => [t, 2 * t + 1]);
    expect(deriv(windowOf(line, 90, 150), [], ctx())).toBeCloseTo(2, 12);
  });

  it("deriv of a constant is 0, of a constant infinity NaN", () => {
    expect(deriv(w([3, 3, 3]), [], ctx())).toBe(0);
    expect(deriv(w([Infinity, Infinity]), [], ctx())).toBeNaN();
    expect(deriv(w([3]), [], ctx())).toBeUndefined();
  });

  it("predict_linear extrapolates from the evaluation time", () => {
    // y = 3 + 0.5 (t - 60): at evaluation time 60s + 10s ahead, 8.
    const line = [30, 40, 50, 60].map((t): [number, number] => [t, 3 + 0.5 * (t - 60)]);
    expect(predictLinear(windowOf(line, 0, 60, { evalTimeS: 60 }), [10], ctx())).toBeCloseTo(8, 12);
    // Evaluated later (an @ modifier pinned the window): the prediction moves with the evaluation time.
    expect(predictLinear(windowOf(line, 0, 60, { evalTimeS: 100 }), [10], ctx())).toBeCloseTo(
      28,
      12,
    );
  });

  it("double exponential smoothing follows Holt's recurrences", () => {
    // s=1,b=1 -> s=0.5*2+0.5*(1+1)=2 -> b=0.5*1+0.5*1=1, s=0.5*3+0.5*(2+1)=3.
    expect(doubleExponentialSmoothing(w([1, 2, 3]), [0.5, 0.5], ctx())).toBeCloseTo(3, 12);
    // s=0,b=10 -> s=5+5=10 -> b=0.5*10+0.5*10=10, s=5+0.5*(10+10)=15.
    expect(doubleExponentialSmoothing(w([0, 10, 10]), [0.5, 0.5], ctx())).toBeCloseTo(15, 12);
    expect(doubleExponentialSmoothing(w([1]), [0.5, 0.5], ctx())).toBeUndefined();
  });

  it("double exponential smoothing rejects factors outside (0, 1) with Prometheus's errors", () => {
    expect(() => doubleExponentialSmoothing(w([1, 2]), [1, 0.5], ctx())).toThrow(
      "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000",
    );
    expect(() => doubleExponentialSmoothing(w([1, 2]), [0.5, 0], ctx())).toThrow(
      "invalid trend factor. Expected: 0 < tf < 1, got: 0.000000",
    );
  });
});
