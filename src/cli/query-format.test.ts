import { describe, expect, it } from "vitest";
import { formatMetric, formatQueryData } from "./query-format.js";

describe("reddot query output", () => {
  it("prints series as Prometheus does", () => {
    expect(formatMetric({ job: "node", __name__: "up", instance: "a:1" })).toBe(
      'up{instance="a:1", job="node"}',
    );
    expect(formatMetric({ job: 'say "hi"' })).toBe('{job="say \\"hi\\""}');
    expect(formatMetric({ __name__: "up" })).toBe("up");
    expect(formatMetric({})).toBe("{}");
  });

  it("prints an instant vector as an aligned table", () => {
    const out = formatQueryData({
      resultType: "vector",
      result: [
        { metric: { __name__: "up", job: "node" }, value: [1700000000, "1"] },
        { metric: { __name__: "up", job: "reddot" }, value: [1700000000.5, "0.25"] },
      ],
    });
    expect(out).toBe(
      [
        "SERIES            VALUE  TIME",
        'up{job="node"}    1      2023-11-14T22:13:20.000Z',
        'up{job="reddot"}  0.25   2023-11-14T22:13:20.500Z',
        "",
      ].join("\n"),
    );
  });

  it("prints a matrix as one block per series", () => {
    const out = formatQueryData({
      resultType: "matrix",
      result: [
        {
          metric: { __name__: "up", job: "a" },
          values: [
            [1700000000, "1"],
            [1700000015, "10"],
          ],
        },
        { metric: { __name__: "up", job: "b" }, values: [[1700000000, "NaN"]] },
      ],
    });
    expect(out).toBe(
      [
        'up{job="a"}',
        "   1  @ 2023-11-14T22:13:20.000Z",
        "  10  @ 2023-11-14T22:13:35.000Z",
        "",
        'up{job="b"}',
        "  NaN  @ 2023-11-14T22:13:20.000Z",
        "",
      ].join("\n"),
    );
  });

  it("prints scalars and strings on one line, and nothing for an empty vector", () => {
    expect(formatQueryData({ resultType: "scalar", result: [1700000000, "2"] })).toBe(
      "2 @ 2023-11-14T22:13:20.000Z\n",
    );
    expect(formatQueryData({ resultType: "string", result: [0, "hi"] })).toBe(
      '"hi" @ 1970-01-01T00:00:00.000Z\n',
    );
    expect(formatQueryData({ resultType: "vector", result: [] })).toBe("");
  });
});
