import { describe, expect, it } from "vitest";
import { QueryError, type VectorSample } from "../values.js";
import { Aggregation } from "./aggregate.js";
import { formatGoFloatF } from "./aggregate-count-values.js";
import { aggExpr, context, lbl, num, show, smp, str } from "./operator-test-helpers.js";

// The aggregators.test data at 50m, in storage (label-sorted) order.
const H = (group: string, instance: string, job: string, v: number) =>
  smp({ __name__: "http_requests", group, instance, job }, v);
const requests: VectorSample[] = [
  H("canary", "0", "api-server", 300),
  H("canary", "0", "app-server", 700),
  H("canary", "1", "api-server", 400),
  H("canary", "1", "app-server", 800),
  H("production", "0", "api-server", 100),
  H("production", "0", "app-server", 500),
  H("production", "1", "api-server", 200),
  H("production", "1", "app-server", 600),
];

function run(
  expr: ReturnType<typeof aggExpr>,
  input: readonly VectorSample[],
  param?: number | string,
  ctx = context(),
): string[] {
  return show(new Aggregation(expr, ctx).step(input, param, 0));
}

describe("folding aggregations", () => {
  it.each([
    ["sum", { by: ["group"] }, ['{group="canary"} 2200', '{group="production"} 1400']],
    [
      "sum",
      { without: ["instance"] },
      [
        '{group="canary", job="api-server"} 700',
        '{group="canary", job="app-server"} 1500',
        '{group="production", job="api-server"} 300',
        '{group="production", job="app-server"} 1100',
      ],
    ],
    ["sum", {}, ["{} 3600"]],
    ["sum", { by: ["job", "nonexistent"] }, ['{job="api-server"} 1000', '{job="app-server"} 2600']],
    ["avg", { by: ["job"] }, ['{job="api-server"} 250', '{job="app-server"} 650']],
    ["count", { by: ["job"] }, ['{job="api-server"} 4', '{job="app-server"} 4']],
    ["group", { by: ["job"] }, ['{job="api-server"} 1', '{job="app-server"} 1']],
    ["min", { by: ["job"] }, ['{job="api-server"} 100', '{job="app-server"} 500']],
    ["max", { by: ["job"] }, ['{job="api-server"} 400', '{job="app-server"} 800']],
    ["sum", { by: ["__name__"] }, ['{__name__="http_requests"} 3600']],
  ] as const)("%s %j", (op, grouping, want) => {
    expect(run(aggExpr(op, grouping as { by?: string[]; without?: string[] }), requests)).toEqual(
      want,
    );
  });

  it("without () keeps every label but __name__", () => {
    expect(run(aggExpr("sum", { without: [] }), requests.slice(0, 1))).toEqual([
      '{group="canary", instance="0", job="api-server"} 300',
    ]);
  });

  it("stddev and stdvar are population statistics", () => {
    const xs = [1, 2, 3, 4].map((v, i) => smp({ i: String(i) }, v));
    expect(run(aggExpr("stdvar"), xs)).toEqual(["{} 1.25"]);
    expect(run(aggExpr("stddev"), xs)).toEqual([`{} ${Math.sqrt(1.25)}`]);
    expect(run(aggExpr("stddev"), [smp({}, 7)])).toEqual(["{} 0"]);
    // A non-finite first value makes the variance NaN.
    expect(run(aggExpr("stdvar"), [smp({ i: "0" }, Infinity), smp({ i: "1" }, 1)])).toEqual([
      "{} NaN",
    ]);
  });

  it("sum uses compensated summation", () => {
    const xs = [1, 1e100, 1, -1e100].map((v, i) => smp({ i: String(i) }, v));
    expect(run(aggExpr("sum"), xs)).toEqual(["{} 2"]);
    expect(run(aggExpr("avg"), xs)).toEqual(["{} 0.5"]);
  });

  it("avg switches to an incremental mean instead of overflowing", () => {
    const xs = [Number.MAX_VALUE, Number.MAX_VALUE].map((v, i) => smp({ i: String(i) }, v));
    expect(run(aggExpr("avg"), xs)).toEqual([`{} ${Number.MAX_VALUE}`]);
    expect(run(aggExpr("sum"), xs)).toEqual(["{} Infinity"]);
  });

  it("handles NaN and infinities as Prometheus", () => {
    const s = (vs: number[]) => vs.map((v, i) => smp({ i: String(i) }, v));
    expect(run(aggExpr("sum"), s([1, Number.NaN]))).toEqual(["{} NaN"]);
    expect(run(aggExpr("sum"), s([Infinity, -Infinity]))).toEqual(["{} NaN"]);
    expect(run(aggExpr("sum"), s([Infinity, 1]))).toEqual(["{} Infinity"]);
    // min/max: any number replaces a NaN, a NaN never replaces a number.
    expect(run(aggExpr("max"), s([Number.NaN, 1, 2]))).toEqual(["{} 2"]);
    expect(run(aggExpr("max"), s([1, Number.NaN]))).toEqual(["{} 1"]);
    expect(run(aggExpr("min"), s([Number.NaN, 3, 2]))).toEqual(["{} 2"]);
    expect(run(aggExpr("min"), s([Number.NaN, Number.NaN]))).toEqual(["{} NaN"]);
    expect(run(aggExpr("count"), s([Number.NaN, Number.NaN]))).toEqual(["{} 2"]);
  });

  it("quantile interpolates and warns about q outside [0, 1]", () => {
    const ctx = context();
    const xs = [400, 100, 300, 200].map((v, i) => smp({ i: String(i) }, v));
    expect(run(aggExpr("quantile", { param: num(0.9) }), xs, 0.9, ctx)).toEqual(["{} 370"]);
    expect(run(aggExpr("quantile", { param: num(0.5) }), xs, 0.5, ctx)).toEqual(["{} 250"]);
    expect(ctx.annotations.warnings).toEqual([]);
    expect(run(aggExpr("quantile", { param: num(2) }), xs, 2, ctx)).toEqual(["{} Infinity"]);
    expect(run(aggExpr("quantile", { param: num(-1) }), xs, -1, ctx)).toEqual(["{} -Infinity"]);
    expect(run(aggExpr("quantile", { param: num(Number.NaN) }), xs, Number.NaN, ctx)).toEqual([
      "{} NaN",
    ]);
    expect(ctx.annotations.warnings).toEqual([
      "PromQL warning: quantile value should be between 0 and 1, got 2 (1:6)",
      "PromQL warning: quantile value should be between 0 and 1, got -1 (1:6)",
      "PromQL warning: quantile value should be between 0 and 1, got NaN (1:6)",
    ]);
  });

  it("marks a group dropName when any of its samples is", () => {
    const xs = [smp({ __name__: "a", e: "1" }, 1), smp({ __name__: "a", e: "2" }, 2, true)];
    expect(run(aggExpr("sum", { by: ["__name__"] }), xs)).toEqual(['{__name__="a"} 3 drop']);
    expect(run(aggExpr("sum", { by: ["__name__"] }), xs.slice(0, 1))).toEqual(['{__name__="a"} 1']);
  });

  it("keeps groups and their label objects across steps", () => {
    const agg = new Aggregation(aggExpr("sum", { by: ["group"] }), context());
    const first = agg.step(requests, undefined, 0);
    const second = agg.step(requests.slice(4), undefined, 60_000);
    expect(show(second)).toEqual(['{group="production"} 1400']);
    expect(second[0].labels).toBe(first[1].labels);
    expect(second[0].t).toBe(60_000);
  });
});

describe("topk, bottomk, limitk", () => {
  it("orders topk descending and bottomk ascending, NaN last", () => {
    expect(run(aggExpr("topk", { param: num(3) }), requests, 3)).toEqual([
      '{__name__="http_requests", group="canary", instance="1", job="app-server"} 800',
      '{__name__="http_requests", group="canary", instance="0", job="app-server"} 700',
      '{__name__="http_requests", group="production", instance="1", job="app-server"} 600',
    ]);
    const withNaN = [
      smp({ __name__: "h", instance: "0" }, 100),
      smp({ __name__: "h", instance: "1" }, 200),
      smp({ __name__: "h", instance: "2" }, Number.NaN),
    ];
    expect(run(aggExpr("topk"), withNaN, 3)).toEqual([
      '{__name__="h", instance="1"} 200',
      '{__name__="h", instance="0"} 100',
      '{__name__="h", instance="2"} NaN',
    ]);
    expect(run(aggExpr("bottomk"), withNaN, 3)).toEqual([
      '{__name__="h", instance="0"} 100',
      '{__name__="h", instance="1"} 200',
      '{__name__="h", instance="2"} NaN',
    ]);
    expect(run(aggExpr("topk"), withNaN, 9_999_999_999)).toHaveLength(3);
  });

  it("replays Prometheus's heap for ties", () => {
    // Go's container/heap over [a=2, b=2, c=1, d=2] with k=3 ends as [d, b, a];
    // sort.Reverse's insertion sort leaves the tied values in that order.
    const xs = [smp({ s: "a" }, 2), smp({ s: "b" }, 2), smp({ s: "c" }, 1), smp({ s: "d" }, 2)];
    expect(run(aggExpr("topk"), xs, 3)).toEqual(['{s="d"} 2', '{s="b"} 2', '{s="a"} 2']);
    // limitk keeps the first k per group, in heap order (smallest value first).
    expect(run(aggExpr("limitk"), [smp({ s: "a" }, 5), smp({ s: "b" }, 1)], 2)).toEqual([
      '{s="b"} 1',
      '{s="a"} 5',
    ]);
  });

  it("selects per group, groups in order of first appearance", () => {
    expect(run(aggExpr("topk", { by: ["group"] }), requests, 1)).toEqual([
      '{__name__="http_requests", group="canary", instance="1", job="app-server"} 800',
      '{__name__="http_requests", group="production", instance="1", job="app-server"} 600',
    ]);
    expect(run(aggExpr("bottomk", { without: ["instance", "job"] }), requests, 1)).toEqual([
      '{__name__="http_requests", group="canary", instance="0", job="api-server"} 300',
      '{__name__="http_requests", group="production", instance="0", job="api-server"} 100',
    ]);
  });

  it("keeps the dropName mark of selected samples", () => {
    expect(run(aggExpr("topk"), [smp({ __name__: "a" }, 1, true)], 1)).toEqual([
      '{__name__="a"} 1 drop',
    ]);
  });

  it("checks k as Prometheus", () => {
    const topk = (k: number) => () => run(aggExpr("topk"), requests, k);
    expect(topk(0)()).toEqual([]);
    expect(topk(-5)()).toEqual([]);
    expect(topk(2.9)()).toHaveLength(2);
    expect(topk(Number.NaN)).toThrow("Parameter value is NaN");
    expect(topk(1e19)).toThrow("Scalar value 1e+19 overflows int64");
    expect(() => run(aggExpr("limitk"), [], Number.NaN)).toThrow(QueryError);
  });

  it("checkParams applies the whole query's parameter checks once", () => {
    const agg = new Aggregation(aggExpr("topk"), context());
    expect(() => agg.checkParams([5, Number.NaN])).toThrow("Parameter value is NaN");
    const under = new Aggregation(aggExpr("topk"), context());
    expect(() => under.checkParams([2, -1e19])).toThrow("Scalar value -1e+19 underflows int64");
    const empty = new Aggregation(aggExpr("bottomk"), context());
    empty.checkParams([0, 0.5]);
    expect(empty.step(requests, 0.5, 0)).toEqual([]);
    const ok = new Aggregation(aggExpr("topk"), context());
    ok.checkParams([0, 1]);
    expect(ok.step(requests, 0, 0)).toEqual([]);
    expect(ok.step(requests, 1, 0)).toHaveLength(1);
  });
});

describe("limit_ratio", () => {
  const many = Array.from({ length: 200 }, (_, i) => smp({ __name__: "m", i: String(i) }, i));
  const keys = (xs: VectorSample[]) => new Set(xs.map((s) => s.labels[1].value));

  it("picks complementary sets for r and r - 1, deterministically", () => {
    for (const r of [0.3, 0.5, 0.8]) {
      const pos = keys(new Aggregation(aggExpr("limit_ratio"), context()).step(many, r, 0));
      const neg = keys(new Aggregation(aggExpr("limit_ratio"), context()).step(many, r - 1, 0));
      expect(pos.size + neg.size).toBe(many.length);
      for (const k of pos) expect(neg.has(k)).toBe(false);
      // About r of the series: the hash is uniform (loose bounds, 200 samples).
      expect(pos.size).toBeGreaterThan(many.length * r - 40);
      expect(pos.size).toBeLessThan(many.length * r + 40);
      const again = keys(new Aggregation(aggExpr("limit_ratio"), context()).step(many, r, 0));
      expect([...again]).toEqual([...pos]);
    }
  });

  it("keeps everything at ±1 and beyond (with a warning), nothing at 0", () => {
    const ctx = context();
    const agg = (r: number) =>
      new Aggregation(aggExpr("limit_ratio", { param: num(r) }), ctx).step(many, r, 0);
    expect(agg(1)).toHaveLength(200);
    expect(agg(-1)).toHaveLength(200);
    expect(agg(0)).toEqual([]);
    expect(agg(1.1)).toHaveLength(200);
    expect(agg(-1.1)).toHaveLength(200);
    expect(ctx.annotations.warnings).toEqual([
      "PromQL warning: ratio value should be between -1 and 1, got 1.1, capping to 1 (1:6)",
      "PromQL warning: ratio value should be between -1 and 1, got -1.1, capping to -1 (1:6)",
    ]);
    expect(() => agg(Number.NaN)).toThrow("Ratio value is NaN");
  });
});

describe("count_values", () => {
  const xs = [
    smp({ __name__: "v", job: "a", i: "0" }, 1),
    smp({ __name__: "v", job: "a", i: "1" }, 1),
    smp({ __name__: "v", job: "b", i: "2" }, 0.5),
    smp({ __name__: "v", job: "b", i: "3" }, 1e21),
    smp({ __name__: "v", job: "b", i: "4" }, Number.NaN),
  ];
  const cv = (opts: { by?: string[]; without?: string[] } = {}) =>
    new Aggregation(aggExpr("count_values", { ...opts, param: str("val") }), context());

  it("counts series per distinct value, the value in Go's 'f' format", () => {
    expect(show(cv().step(xs, "val", 0))).toEqual([
      '{val="1"} 2',
      '{val="0.5"} 1',
      '{val="1000000000000000000000"} 1',
      '{val="NaN"} 1',
    ]);
  });

  it("groups by the value label plus by/without labels", () => {
    expect(show(cv({ by: ["job"] }).step(xs, "val", 0))).toEqual([
      '{job="a", val="1"} 2',
      '{job="b", val="0.5"} 1',
      '{job="b", val="1000000000000000000000"} 1',
      '{job="b", val="NaN"} 1',
    ]);
    expect(show(cv({ without: ["i"] }).step(xs.slice(0, 3), "val", 0))).toEqual([
      '{job="a", val="1"} 2',
      '{job="b", val="0.5"} 1',
    ]);
    // The value label replaces an input label of the same name.
    const own = [smp({ val: "x", i: "0" }, 3), smp({ val: "y", i: "1" }, 3)];
    expect(show(cv({ without: ["i"] }).step(own, "val", 0))).toEqual(['{val="3"} 2']);
  });

  it("rejects an invalid label name when built", () => {
    expect(() => new Aggregation(aggExpr("count_values", { param: str("") }), context())).toThrow(
      'invalid label name ""',
    );
  });

  it.each([
    [1, "1"],
    [0.5, "0.5"],
    [-2.25, "-2.25"],
    [1e-7, "0.0000001"],
    [123456789.125, "123456789.125"],
    [1e21, "1000000000000000000000"],
    [0, "0"],
    [-0, "-0"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
    [Number.NaN, "NaN"],
  ])("formatGoFloatF(%d) = %s", (v, want) => {
    expect(formatGoFloatF(v)).toBe(want);
  });
});

describe("performance sanity", () => {
  it("aggregates 10k series over 100 steps", () => {
    const series = Array.from({ length: 10_000 }, (_, i) =>
      lbl({ __name__: "m", g: String(i % 100), i: String(i) }),
    );
    const sum = new Aggregation(aggExpr("sum", { by: ["g"] }), context());
    const top = new Aggregation(aggExpr("topk", { by: ["g"] }), context());
    let outputs = 0;
    for (let step = 0; step < 100; step++) {
      const input = series.map((labels, i) => ({ labels, t: step, v: (i * 7 + step) % 13 }));
      outputs += sum.step(input, undefined, step).length;
      outputs += top.step(input, 3, step).length;
    }
    expect(outputs).toBe(100 * (100 + 300));
  });
});
