import { describe, expect, it } from "vitest";
import { ELEMENT_FUNCTIONS } from "./elementwise.js";
import { contextFor } from "./test-window.js";

function call(name: string, v: number, ...scalars: number[]): number | undefined {
  const f = ELEMENT_FUNCTIONS.get(name);
  if (!f) throw new Error(`no ${name}`);
  return f(v, scalars, contextFor());
}

/** Seconds since the epoch of a UTC date (Date.UTC is the definition, not our code). */
const at = (y: number, mon: number, d: number, h = 0, min = 0, s = 0) =>
  Date.UTC(y, mon - 1, d, h, min, s) / 1000;

describe("math", () => {
  it("sgn keeps 0 and NaN", () => {
    expect(call("sgn", -3)).toBe(-1);
    expect(call("sgn", 0.1)).toBe(1);
    expect(call("sgn", 0)).toBe(0);
    expect(call("sgn", Number.NaN)).toBeNaN();
  });

  it("deg and rad", () => {
    expect(call("deg", Math.PI)).toBe(180);
    expect(call("rad", 180)).toBe(Math.PI);
  });

  it("logs and roots of edge values", () => {
    expect(call("ln", 0)).toBe(Number.NEGATIVE_INFINITY);
    expect(call("log2", 8)).toBe(3);
    expect(call("log10", -1)).toBeNaN();
    expect(call("sqrt", -1)).toBeNaN();
    expect(call("exp", 0)).toBe(1);
  });
});

describe("round", () => {
  it("rounds half up, also for negative values", () => {
    expect(call("round", 2.5)).toBe(3);
    expect(call("round", -2.5)).toBe(-2);
    expect(call("round", -2.6)).toBe(-3);
  });

  it("rounds to a multiple of to_nearest through its inverse", () => {
    // floor(1.25 * 10 + 0.5) / 10 = 13 / 10.
    expect(call("round", 1.25, 0.1)).toBe(1.3);
    expect(call("round", 17, 5)).toBe(15);
    expect(call("round", 17.5, 5)).toBe(20);
    expect(call("round", Number.NaN)).toBeNaN();
  });
});

describe("clamp", () => {
  it("limits to [min, max]", () => {
    expect(call("clamp", 5, 0, 3)).toBe(3);
    expect(call("clamp", -5, 0, 3)).toBe(0);
    expect(call("clamp_min", -5, 0)).toBe(0);
    expect(call("clamp_max", 5, 3)).toBe(3);
  });

  it("drops every sample when min > max", () => {
    expect(call("clamp", 1, 3, 0)).toBeUndefined();
  });

  it("propagates NaN from a bound or the value", () => {
    expect(call("clamp", 1, Number.NaN, 3)).toBeNaN();
    expect(call("clamp_max", Number.NaN, 3)).toBeNaN();
  });
});

describe("calendar functions (UTC)", () => {
  it("epoch start is Thursday 1970-01-01 00:00", () => {
    expect(call("year", 0)).toBe(1970);
    expect(call("month", 0)).toBe(1);
    expect(call("day_of_month", 0)).toBe(1);
    expect(call("day_of_week", 0)).toBe(4);
    expect(call("day_of_year", 0)).toBe(1);
    expect(call("hour", 0)).toBe(0);
    expect(call("minute", 0)).toBe(0);
  });

  it("leap day and the day after it", () => {
    const leap = at(2016, 2, 29, 23, 59, 59);
    expect(call("month", leap)).toBe(2);
    expect(call("day_of_month", leap)).toBe(29);
    expect(call("day_of_year", leap)).toBe(60);
    expect(call("days_in_month", leap)).toBe(29);
    expect(call("hour", leap)).toBe(23);
    expect(call("minute", leap)).toBe(59);
    expect(call("day_of_year", at(2016, 3, 1))).toBe(61);
    expect(call("day_of_year", at(2016, 12, 31))).toBe(366);
    expect(call("day_of_year", at(2022, 12, 31))).toBe(365);
  });

  it("century rules: 2000 is a leap year, 1900 and 2100 are not", () => {
    expect(call("days_in_month", at(2000, 2, 10))).toBe(29);
    expect(call("days_in_month", at(1900, 2, 10))).toBe(28);
    expect(call("days_in_month", at(2100, 2, 10))).toBe(28);
    expect(call("days_in_month", at(2023, 4, 30))).toBe(30);
    expect(call("days_in_month", at(2023, 12, 31))).toBe(31);
  });

  it("month and year ends", () => {
    expect(call("year", at(2008, 12, 31, 23, 59, 59))).toBe(2008);
    expect(call("year", at(2009, 1, 1))).toBe(2009);
    expect(call("day_of_week", at(2024, 2, 29))).toBe(4);
    expect(call("day_of_week", at(2023, 1, 1))).toBe(0);
    expect(call("day_of_week", at(2023, 1, 7))).toBe(6);
  });

  it("before the epoch, and fractional seconds truncated toward zero as Go's int64()", () => {
    expect(call("year", -1)).toBe(1969);
    expect(call("hour", -1)).toBe(23);
    expect(call("minute", -1)).toBe(59);
    expect(call("day_of_week", -1)).toBe(3);
    expect(call("year", -0.5)).toBe(1970);
    expect(call("minute", 59.9)).toBe(0);
  });

  it("NaN and infinities are no time", () => {
    expect(call("year", Number.NaN)).toBeNaN();
    expect(call("hour", Number.POSITIVE_INFINITY)).toBeNaN();
  });
});
