import { describe, expect, it } from "vitest";
import { labelsFromRecord } from "../storage/index.js";
import {
  formatFloatSeconds,
  formatSampleValue,
  formatScalarValue,
  formatTimestamp,
  labelsJson,
} from "./promql-json.js";

// Expected texts are what Prometheus' Go code writes for the same numbers:
// jsonutil.MarshalFloat ('f', or 'e' below 1e-6 and from 1e21, two-digit
// exponents), strconv.FormatFloat(v, 'f', -1, 64) and jsonutil.MarshalTimestamp.
describe("Prometheus JSON numbers", () => {
  it("writes sample values as MarshalFloat does", () => {
    const cases: [number, string][] = [
      [1, "1"],
      [0, "0"],
      [-0, "-0"],
      [0.1, "0.1"],
      [-2.5, "-2.5"],
      [1 / 3, "0.3333333333333333"],
      [0.000001, "0.000001"],
      [1.5e-7, "1.5e-07"],
      [-1e-300, "-1e-300"],
      [1.2345678901234568e20, "123456789012345680000"],
      [1e21, "1e+21"],
      [1.7976931348623157e308, "1.7976931348623157e+308"],
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "+Inf"],
      [Number.NEGATIVE_INFINITY, "-Inf"],
    ];
    for (const [v, want] of cases) expect(formatSampleValue(v), String(v)).toBe(want);
  });

  it("writes scalar values as FormatFloat(v, 'f', -1, 64), never with an exponent", () => {
    const cases: [number, string][] = [
      [1, "1"],
      [-0, "-0"],
      [0.5, "0.5"],
      [1e21, "1000000000000000000000"],
      [1.5e22, "15000000000000000000000"],
      [1.5e-7, "0.00000015"],
      [-2.5e-8, "-0.000000025"],
      [123.456, "123.456"],
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "+Inf"],
      [Number.NEGATIVE_INFINITY, "-Inf"],
    ];
    for (const [v, want] of cases) expect(formatScalarValue(v), String(v)).toBe(want);
  });

  it("writes timestamps as MarshalTimestamp: seconds and three ms digits when not whole", () => {
    const cases: [number, string][] = [
      [1435781451781, "1435781451.781"],
      [1435781451000, "1435781451"],
      [1500, "1.500"],
      [1050, "1.050"],
      [1005, "1.005"],
      [0, "0"],
      [-1500, "-1.500"],
      [-500, "-0.500"],
    ];
    for (const [ms, want] of cases) expect(formatTimestamp(ms), String(ms)).toBe(want);
  });

  it("writes scalar timestamps as Go's JSON float", () => {
    expect(formatFloatSeconds(1435781451781)).toBe("1435781451.781");
    expect(formatFloatSeconds(1500)).toBe("1.5");
    expect(formatFloatSeconds(0)).toBe("0");
  });

  it("writes labels as one JSON object in label order, escaping quotes and control characters", () => {
    const labels = labelsFromRecord({ __name__: "up", job: 'a"b', path: "x\ny", "le.dot": "é" });
    const text = labelsJson(labels);
    expect(JSON.parse(text)).toEqual({ __name__: "up", job: 'a"b', path: "x\ny", "le.dot": "é" });
    expect(text.startsWith('{"__name__":"up",')).toBe(true);
  });
});
