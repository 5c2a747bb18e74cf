import { describe, expect, it } from "vitest";
import {
  formatGoFloat,
  formatOpenMetricsFloat,
  normalizeFloatLabel,
  parseFloatToken,
  parseIntegerMs,
  parseSecondsToMs,
} from "./numbers.js";

const f = (s: string) => parseFloatToken(s, 0, s.length);

describe("parseFloatToken", () => {
  it("agrees with Number() on decimal forms, including the fast path's edges", () => {
    const inputs = [
      "0",
      "-0",
      "1",
      "+1",
      "1.",
      ".5",
      "0.1",
      "0.3",
      "123.456",
      "1e3",
      "1E-3",
      "1e+22",
      "1e23",
      "9007199254740993",
      "123456789012345",
      "1234567890123456",
      "0.000000000000000000001",
      "1.7976931348623157e308",
      "2.2250738585072014e-308",
      "5e-324",
      "1e400",
      "00012",
      "0.00012345",
      "3.141592653589793",
      "123456789012345.6",
    ];
    for (const s of inputs) expect(Object.is(f(s), Number(s)), s).toBe(true);
  });

  it("reads the special values Go's ParseFloat reads", () => {
    expect(f("NaN")).toBeNaN();
    expect(f("nan")).toBeNaN();
    expect(f("+Inf")).toBe(Infinity);
    expect(f("-inf")).toBe(-Infinity);
    expect(f("Infinity")).toBe(Infinity);
    expect(f("-INFINITY")).toBe(-Infinity);
  });

  it("refuses what Prometheus refuses", () => {
    for (const s of [
      "",
      "+",
      "-",
      ".",
      "e5",
      "1e",
      "1e+",
      "0x10",
      "1_000",
      "1.2.3",
      "+nan",
      "abc",
      "1 ",
      "--1",
      "infinit",
    ]) {
      expect(f(s), s).toBeUndefined();
    }
  });
});

describe("timestamps", () => {
  it("reads integer milliseconds", () => {
    expect(parseIntegerMs("1395066363000", 0, 13)).toBe(1395066363000);
    expect(parseIntegerMs("-5", 0, 2)).toBe(-5);
    expect(parseIntegerMs("1.5", 0, 3)).toBeUndefined();
    expect(parseIntegerMs("-", 0, 1)).toBeUndefined();
    expect(parseIntegerMs("9007199254740992", 0, 16)).toBeUndefined();
  });

  it("converts OpenMetrics seconds to ms on the decimal digits", () => {
    const ms = (s: string) => parseSecondsToMs(s, 0, s.length);
    expect(ms("1520879607.789")).toBe(1520879607789);
    expect(ms("1520879607.7899")).toBe(1520879607789);
    expect(ms("1520879607")).toBe(1520879607000);
    expect(ms("-1.5")).toBe(-1500);
    expect(ms("1.5e3")).toBe(1500000);
    expect(ms(".001")).toBe(1);
    expect(ms("Inf")).toBeUndefined();
    expect(ms("x")).toBeUndefined();
  });
});

describe("float formatting", () => {
  it("matches Go's FormatFloat(f, 'g', -1, 64)", () => {
    const cases: [number, string][] = [
      [1, "1"],
      [0.5, "0.5"],
      [100000, "100000"],
      [1e6, "1e+06"],
      [1234567, "1.234567e+06"],
      [0.0001, "0.0001"],
      [0.00001, "1e-05"],
      [1.5e-7, "1.5e-07"],
      [1e21, "1e+21"],
      [1e100, "1e+100"],
      [-2.5, "-2.5"],
      [123456.7, "123456.7"],
      [5e-324, "5e-324"],
    ];
    for (const [v, want] of cases) expect(formatGoFloat(v), String(v)).toBe(want);
  });

  it("gives le/quantile values their canonical OpenMetrics text", () => {
    expect(formatOpenMetricsFloat(1)).toBe("1.0");
    expect(formatOpenMetricsFloat(0)).toBe("0.0");
    expect(formatOpenMetricsFloat(Infinity)).toBe("+Inf");
    expect(formatOpenMetricsFloat(-Infinity)).toBe("-Inf");
    expect(formatOpenMetricsFloat(Number.NaN)).toBe("NaN");
    expect(normalizeFloatLabel("10")).toBe("10.0");
    expect(normalizeFloatLabel("0.25")).toBe("0.25");
    expect(normalizeFloatLabel("1e3")).toBe("1000.0");
    expect(normalizeFloatLabel("+Inf")).toBe("+Inf");
    expect(normalizeFloatLabel("inf")).toBe("+Inf");
    expect(normalizeFloatLabel("not-a-number")).toBe("not-a-number");
  });
});
