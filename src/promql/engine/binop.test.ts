import { describe, expect, it } from "vitest";
import type { VectorSample } from "../values.js";
import { BinaryOperation, scalarScalar } from "./binop.js";
import { binExpr, context, lbl, show, smp } from "./operator-test-helpers.js";

type Matching = Parameters<typeof binExpr>[1];

function vv(
  op: Parameters<typeof binExpr>[0],
  lhs: VectorSample[],
  rhs: VectorSample[],
  opts: { matching?: Matching; bool?: boolean; delayed?: boolean } = {},
): string[] {
  const b = new BinaryOperation(
    binExpr(op, opts.matching, opts.bool ?? false),
    context(opts.delayed),
  );
  return show(b.vectorVector(lhs, rhs, 0));
}

describe("scalarScalar", () => {
  it.each([
    ["+", 1, 2, 3],
    ["/", 1, 0, Infinity],
    ["%", 5, 3, 2],
    ["%", -5, 3, -2],
    ["%", 5, -3, 2],
    ["%", 5.5, 2, 1.5],
    ["%", 5, 0, Number.NaN],
    ["%", Infinity, 2, Number.NaN],
    ["%", 2, Infinity, 2],
    ["^", 2, 10, 1024],
    ["^", 1, Number.NaN, 1],
    ["^", Number.NaN, 0, 1],
    ["^", -1, Infinity, 1],
    ["^", -1, -Infinity, 1],
    ["^", -8, 1 / 3, Number.NaN],
    ["^", 9, 0.5, 3],
    ["atan2", 1, 1, Math.PI / 4],
    [">", 2, 1, 1],
    ["<=", 2, 1, 0],
    ["==", Number.NaN, Number.NaN, 0],
    ["!=", Number.NaN, Number.NaN, 1],
  ] as const)("%d %s %d = %d", (op, a, b, want) => {
    expect(scalarScalar(op, a, b)).toBe(want);
  });
});

describe("vector and scalar", () => {
  const xs = [smp({ __name__: "x", a: "1" }, 10), smp({ __name__: "x", a: "2" }, 20, true)];
  const vs = (
    op: Parameters<typeof binExpr>[0],
    s: number,
    scalarOnLeft: boolean,
    bool = false,
    delayed = false,
  ) =>
    show(
      new BinaryOperation(binExpr(op, {}, bool), context(delayed)).vectorScalar(
        xs,
        s,
        scalarOnLeft,
        0,
      ),
    );

  it("arithmetic drops the name, or marks it with delayed name removal", () => {
    expect(vs("*", 2, false)).toEqual(['{a="1"} 20 drop', '{a="2"} 40 drop']);
    expect(vs("-", 1, true)).toEqual(['{a="1"} -9 drop', '{a="2"} -19 drop']);
    expect(vs("/", 2, false, false, true)).toEqual([
      '{__name__="x", a="1"} 5 drop',
      '{__name__="x", a="2"} 10 drop',
    ]);
  });

  it("comparisons filter, keep the vector's value and its marks", () => {
    expect(vs(">", 15, false)).toEqual(['{__name__="x", a="2"} 20 drop']);
    expect(vs("<", 15, true)).toEqual(['{__name__="x", a="2"} 20 drop']);
    expect(vs("==", 10, true)).toEqual(['{__name__="x", a="1"} 10']);
  });

  it("bool comparisons return 1/0 for every sample and drop the name", () => {
    expect(vs(">", 15, false, true)).toEqual(['{a="1"} 0 drop', '{a="2"} 1 drop']);
    expect(vs(">", 15, false, true, true)).toEqual([
      '{__name__="x", a="1"} 0 drop',
      '{__name__="x", a="2"} 1 drop',
    ]);
  });

  it("trim operators drop float samples with an info", () => {
    const ctx = context();
    const b = new BinaryOperation(binExpr("</"), ctx);
    expect(b.vectorScalar(xs, 5, false, 0)).toEqual([]);
    expect(ctx.annotations.infos).toEqual([
      'PromQL info: incompatible sample types encountered for binary operator "</": float </ float (1:1)',
    ]);
  });
});

describe("vector matching", () => {
  const a = [smp({ __name__: "a", i: "1" }, 1), smp({ __name__: "a", i: "2" }, 2)];
  const b = [smp({ __name__: "b", i: "1" }, 10), smp({ __name__: "b", i: "3" }, 30)];

  it("one-to-one matches on all labels but the name", () => {
    expect(vv("+", a, b)).toEqual(['{i="1"} 11']);
    expect(vv("<", a, b)).toEqual(['{__name__="a", i="1"} 1']);
    expect(vv(">", a, b)).toEqual([]);
    expect(vv(">", a, b, { bool: true })).toEqual(['{i="1"} 0 drop']);
    expect(vv(">", a, b, { bool: true, delayed: true })).toEqual(['{__name__="a", i="1"} 0 drop']);
    // Arithmetic between vectors drops the name even with delayed removal, as Prometheus does.
    expect(vv("*", a, b, { delayed: true })).toEqual(['{i="1"} 10']);
  });

  it("on() and ignoring() decide the match key and one-to-one result labels", () => {
    const l = [smp({ __name__: "l", i: "1", j: "x" }, 1)];
    const r = [smp({ __name__: "r", i: "1", k: "y" }, 2)];
    expect(vv("+", l, r)).toEqual([]);
    expect(vv("+", l, r, { matching: { on: true, labels: ["i"] } })).toEqual(['{i="1"} 3']);
    expect(vv("-", l, r, { matching: { on: false, labels: ["j", "k"] } })).toEqual(['{i="1"} -1']);
    // on(__name__) matches names; the name is still dropped by arithmetic.
    const n1 = [smp({ __name__: "m", i: "1" }, 1)];
    const n2 = [smp({ __name__: "m", i: "2" }, 5)];
    expect(vv("+", n1, n2, { matching: { on: true, labels: ["__name__"] } })).toEqual(["{} 6"]);
    expect(vv("==", n1, n2, { matching: { on: true, labels: ["__name__"] }, bool: true })).toEqual([
      "{} 0 drop",
    ]);
  });

  it("one-to-one rejects several matches on either side", () => {
    const many = [
      smp({ __name__: "a", i: "1", j: "x" }, 1),
      smp({ __name__: "a", i: "1", j: "y" }, 2),
    ];
    const one = [smp({ __name__: "b", i: "1" }, 10)];
    expect(() => vv("+", many, one, { matching: { labels: ["j"] } })).toThrow(
      "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
    );
    // Filtered-out comparisons still count as matches.
    expect(() => vv(">", many, one, { matching: { labels: ["j"] } })).toThrow(/multiple matches/);
    expect(() => vv("+", one, many, { matching: { labels: ["j"] } })).toThrow(
      'found duplicate series for the match group {i="1"} on the right hand-side of the operation: [{__name__="a", i="1", j="x"}, {__name__="a", i="1", j="y"}];many-to-many matching not allowed: matching labels must be unique on one side',
    );
  });

  it("reports duplicates in a stable order", () => {
    const scalarMetric = [smp({ __name__: "scalar_metric" }, 3)];
    const dup = [
      smp({ __name__: "dup_metric", label: "beta" }, 2),
      smp({ __name__: "dup_metric", label: "alpha" }, 1),
    ];
    expect(() => vv(">", scalarMetric, dup, { matching: { on: true, labels: [] } })).toThrow(
      'found duplicate series for the match group {} on the right hand-side of the operation: [{__name__="dup_metric", label="alpha"}, {__name__="dup_metric", label="beta"}];many-to-many matching not allowed: matching labels must be unique on one side',
    );
  });

  const requests = [
    smp({ __name__: "requests", method: "GET", status: "200" }, 100),
    smp({ __name__: "requests", method: "POST", status: "200" }, 200),
    smp({ __name__: "requests", method: "GET", status: "500" }, 10),
  ];
  const limits = [
    smp({ __name__: "limits", owner: "team-a", status: "200" }, 1000),
    smp({ __name__: "limits", owner: "team-b", status: "500" }, 50),
  ];

  it("group_left keeps the many side's labels plus included labels of the one side", () => {
    const onStatus = { card: "many-to-one" as const, on: true, labels: ["status"] };
    expect(vv("/", requests, limits, { matching: onStatus })).toEqual([
      '{method="GET", status="200"} 0.1',
      '{method="POST", status="200"} 0.2',
      '{method="GET", status="500"} 0.2',
    ]);
    expect(vv("+", requests, limits, { matching: { ...onStatus, include: ["owner"] } })).toEqual([
      '{method="GET", owner="team-a", status="200"} 1100',
      '{method="POST", owner="team-a", status="200"} 1200',
      '{method="GET", owner="team-b", status="500"} 60',
    ]);
    // Comparisons keep the many side's name and value.
    expect(vv(">", requests, [smp({ status: "200" }, 150)], { matching: onStatus })).toEqual([
      '{__name__="requests", method="POST", status="200"} 200',
    ]);
    // An included label absent on the one side is removed from the result.
    const r = [smp({ owner: "me", status: "200" }, 1)];
    expect(
      vv("*", r, [smp({ status: "200" }, 2)], { matching: { ...onStatus, include: ["owner"] } }),
    ).toEqual(['{status="200"} 2']);
  });

  it("group_right swaps the sides", () => {
    const m = { card: "one-to-many" as const, on: true, labels: ["status"] };
    expect(vv("-", limits, requests, { matching: m })).toEqual([
      '{method="GET", status="200"} 900',
      '{method="POST", status="200"} 800',
      '{method="GET", status="500"} 40',
    ]);
    expect(() =>
      vv("-", [...limits, smp({ __name__: "x", status: "200" }, 1)], requests, { matching: m }),
    ).toThrow(/on the left hand-side of the operation/);
  });

  it("many-to-one results must have distinct labels per match", () => {
    const left = [smp({ __name__: "m1", x: "1" }, 1), smp({ __name__: "m2", x: "1" }, 2)];
    const right = [smp({ __name__: "r", x: "1" }, 10)];
    const m = { card: "many-to-one" as const, on: true, labels: ["x"] };
    expect(() => vv("+", left, right, { matching: m })).toThrow(
      "multiple matches for labels: grouping labels must ensure unique matches",
    );
    expect(vv("<", left, right, { matching: m })).toHaveLength(2);
  });

  it("matches by cached key across steps with the same label objects", () => {
    const op = new BinaryOperation(binExpr("+"), context());
    const first = op.vectorVector(a, b, 0);
    const second = op.vectorVector(a, b, 15_000);
    expect(second[0].labels).toBe(first[0].labels);
    expect(second[0].t).toBe(15_000);
    expect(show(op.vectorVector(a, [], 30_000))).toEqual([]);
  });
});

describe("fill modifiers", () => {
  const left = [
    smp({ __name__: "left_vector", label: "a" }, 10),
    smp({ __name__: "left_vector", label: "b" }, 20),
    smp({ __name__: "left_vector", label: "c" }, 30),
  ];
  const right = [
    smp({ __name__: "right_vector", label: "a" }, 100),
    smp({ __name__: "right_vector", label: "b" }, 200),
    smp({ __name__: "right_vector", label: "d" }, 400),
  ];

  it("fills a missing side with the value, labelled by the match key", () => {
    expect(vv("+", left, right, { matching: { fillLeft: 0, fillRight: 0 } })).toEqual([
      '{label="a"} 110',
      '{label="b"} 220',
      '{label="c"} 30',
      '{label="d"} 400',
    ]);
    expect(vv("+", left, right, { matching: { fillLeft: 5, fillRight: 7 } })).toEqual([
      '{label="a"} 110',
      '{label="b"} 220',
      '{label="c"} 37',
      '{label="d"} 405',
    ]);
    expect(vv("+", left, right, { matching: { fillRight: 0 } })).toEqual([
      '{label="a"} 110',
      '{label="b"} 220',
      '{label="c"} 30',
    ]);
    expect(vv("+", left, [], { matching: { fillLeft: 0 } })).toEqual([]);
    expect(vv("+", [], right.slice(0, 1), { matching: { fillLeft: 1, fillRight: 1 } })).toEqual([
      '{label="a"} 101',
    ]);
  });

  it("filled comparisons keep the filled left value, without a name", () => {
    expect(vv("!=", left, right, { matching: { fillLeft: 30, fillRight: 30 } })).toEqual([
      '{__name__="left_vector", label="a"} 10',
      '{__name__="left_vector", label="b"} 20',
      '{label="d"} 30',
    ]);
    expect(vv(">", left, right, { matching: { fillLeft: 25, fillRight: 25 }, bool: true })).toEqual(
      ['{label="a"} 0 drop', '{label="b"} 0 drop', '{label="c"} 1 drop', '{label="d"} 0 drop'],
    );
  });

  it("with group_right, fill_left fills for the unmatched one side (as Prometheus)", () => {
    const cpu = [
      smp({ __name__: "cpu_info", cpu: "0", instance: "a" }, 1),
      smp({ __name__: "cpu_info", cpu: "1", instance: "a" }, 1),
      smp({ __name__: "cpu_info", cpu: "0", instance: "b" }, 1),
    ];
    const meta = [
      smp({ __name__: "node_meta", instance: "a" }, 100),
      smp({ __name__: "node_meta", instance: "c" }, 300),
    ];
    const m = { card: "one-to-many" as const, on: true, labels: ["instance"] };
    expect(vv("*", meta, cpu, { matching: { ...m, fillLeft: 1 } })).toEqual([
      '{cpu="0", instance="a"} 100',
      '{cpu="1", instance="a"} 100',
      '{instance="c"} 300',
    ]);
    expect(vv("*", meta, cpu, { matching: { ...m, fillRight: 0 } })).toEqual([
      '{cpu="0", instance="a"} 100',
      '{cpu="1", instance="a"} 100',
      '{cpu="0", instance="b"} 0',
    ]);
  });

  it("group_left fill_left fills unmatched one-side series at every step", () => {
    const op = new BinaryOperation(
      binExpr("+", { card: "many-to-one", on: true, labels: ["key"], fillLeft: 0 }),
      context(),
    );
    const lhs = [smp({ __name__: "matched_lhs", key: "a" }, 1)];
    const rhs = [
      smp({ __name__: "matched_rhs", key: "a" }, 10),
      smp({ __name__: "matched_rhs", key: "b" }, 100),
    ];
    expect(show(op.vectorVector(lhs, rhs, 0))).toEqual(['{key="a"} 11', '{key="b"} 100']);
    expect(show(op.vectorVector([], rhs, 1))).toEqual(['{key="a"} 10', '{key="b"} 100']);
    expect(show(op.vectorVector(lhs, rhs, 2))).toEqual(['{key="a"} 11', '{key="b"} 100']);
  });
});

describe("set operators", () => {
  const l = [
    smp({ __name__: "l", g: "1", i: "a" }, 1),
    smp({ __name__: "l", g: "2", i: "b" }, 2, true),
  ];
  const r = [
    smp({ __name__: "r", g: "1", i: "c" }, 10),
    smp({ __name__: "r", g: "3", i: "d" }, 30),
  ];
  const onG = { on: true, labels: ["g"] };

  it("and / unless keep left samples with / without a match", () => {
    expect(vv("and", l, r)).toEqual([]);
    expect(vv("and", l, r, { matching: onG })).toEqual(['{__name__="l", g="1", i="a"} 1']);
    expect(vv("unless", l, r, { matching: onG })).toEqual(['{__name__="l", g="2", i="b"} 2 drop']);
    expect(vv("unless", l, [], { matching: onG })).toHaveLength(2);
    expect(vv("and", l, [], { matching: onG })).toEqual([]);
  });

  it("or lists the left side, then unmatched right samples", () => {
    expect(vv("or", l, r, { matching: onG })).toEqual([
      '{__name__="l", g="1", i="a"} 1',
      '{__name__="l", g="2", i="b"} 2 drop',
      '{__name__="r", g="3", i="d"} 30',
    ]);
    expect(vv("or", [], r)).toHaveLength(2);
    // ignoring() never looks at __name__: same other labels are the same series.
    const x = [smp({ __name__: "x", e: "1" }, 1)];
    const y = [smp({ __name__: "y", e: "1" }, 2), smp({ __name__: "y", e: "2" }, 3)];
    expect(vv("or", x, y)).toEqual(['{__name__="x", e="1"} 1', '{__name__="y", e="2"} 3']);
  });
});

describe("performance sanity", () => {
  it("matches 10k series one-to-one and many-to-one over 100 steps", () => {
    const left = Array.from({ length: 10_000 }, (_, i) =>
      lbl({ __name__: "l", i: String(i), g: String(i % 50) }),
    );
    const right = Array.from({ length: 10_000 }, (_, i) =>
      lbl({ __name__: "r", i: String(i), g: String(i % 50) }),
    );
    const groups = Array.from({ length: 50 }, (_, g) => lbl({ __name__: "o", g: String(g) }));
    const oneToOne = new BinaryOperation(binExpr("/"), context());
    const manyToOne = new BinaryOperation(
      binExpr("*", { card: "many-to-one", on: true, labels: ["g"] }),
      context(),
    );
    let outputs = 0;
    for (let step = 0; step < 100; step++) {
      const lv = left.map((labels, i) => ({ labels, t: step, v: i + step }));
      const rv = right.map((labels, i) => ({ labels, t: step, v: i + 1 }));
      const gv = groups.map((labels, g) => ({ labels, t: step, v: g }));
      outputs += oneToOne.vectorVector(lv, rv, step).length;
      outputs += manyToOne.vectorVector(lv, gv, step).length;
    }
    expect(outputs).toBe(100 * 20_000);
  });
});
