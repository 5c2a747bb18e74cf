import { describe, expect, it } from "vitest";
import { prng } from "../../lib/prng.js";
import { labelsFromRecord } from "../../storage/index.js";
import type { AggregateExpr, AggregateOp } from "../ast.js";
import { Annotations, type VectorSample } from "../values.js";
import { Aggregation } from "./aggregate.js";
import { aggregateColumnar } from "./aggregate-columnar.js";
import type { StepSeries } from "./evaluator.js";

const POS = { start: 0, end: 1 };

function expr(op: AggregateOp, grouping: string[], without: boolean): AggregateExpr {
  return {
    type: "AggregateExpr",
    op,
    expr: { type: "NumberLiteral", value: 0, pos: POS },
    grouping,
    without,
    hasGrouping: true,
    pos: POS,
  };
}

/** 60 series over 50 steps with gaps, NaN, ±Inf, huge values and -0. */
function input(seed: number): StepSeries[] {
  const rand = prng(seed);
  const special = [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e308,
    -1e308,
    -0,
  ];
  const out: StepSeries[] = [];
  for (let i = 0; i < 60; i++) {
    const labels = labelsFromRecord({
      __name__: "m",
      host: `h${i % 7}`,
      dc: `d${i % 3}`,
      i: `${i}`,
    });
    const ts: number[] = [];
    const vs: number[] = [];
    for (let step = 0; step < 50; step++) {
      if (rand() < 0.2) continue;
      ts.push(1000 + step * 15);
      const r = rand();
      vs.push(
        r < 0.05 ? (special[Math.floor(rand() * special.length)] as number) : (rand() - 0.3) * 1000,
      );
    }
    out.push({ labels, ts, vs, dropName: false });
  }
  return out;
}

/** The per-step path: one vector per step through Aggregation. */
function perStep(e: AggregateExpr, series: StepSeries[]): Map<string, (number | undefined)[]> {
  const agg = new Aggregation(e, { annotations: new Annotations(""), delayedNameRemoval: false });
  const out = new Map<string, (number | undefined)[]>();
  for (let step = 0; step < 50; step++) {
    const t = 1000 + step * 15;
    const vec: VectorSample[] = [];
    for (const s of series) {
      const k = s.ts.indexOf(t);
      if (k >= 0) vec.push({ labels: s.labels, t, v: s.vs[k] as number });
    }
    for (const r of agg.step(vec, undefined, t)) {
      const key = JSON.stringify(r.labels);
      const row = out.get(key) ?? new Array(50).fill(undefined);
      row[step] = r.v;
      out.set(key, row);
    }
  }
  return out;
}

describe("aggregateColumnar", () => {
  const ops: AggregateOp[] = ["sum", "avg", "count", "min", "max", "group", "stddev", "stdvar"];
  for (const op of ops) {
    for (const [grouping, without] of [
      [["host"], false],
      [["i"], true],
      [[], false],
    ] as const) {
      it(`${op} ${without ? "without" : "by"} (${grouping.join(",")}) equals the per-step aggregation`, () => {
        const series = input(op.length * 31 + grouping.length);
        const e = expr(op, [...grouping], without);
        const columnar = aggregateColumnar(e, series, { start: 1000, interval: 15, steps: 50 });
        expect(columnar).toBeDefined();
        const got = new Map<string, (number | undefined)[]>();
        for (const s of columnar ?? []) {
          const row = new Array(50).fill(undefined);
          s.ts.forEach((t, k) => {
            row[(t - 1000) / 15] = s.vs[k];
          });
          got.set(JSON.stringify(s.labels), row);
        }
        const want = perStep(e, series);
        expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
        for (const [k, row] of want) {
          const g = got.get(k) ?? [];
          row.forEach((v, i) => {
            expect(Object.is(g[i], v) || (Number.isNaN(g[i]) && Number.isNaN(v))).toBe(true);
          });
        }
      });
    }
  }

  it("leaves parameterised operators and by (__name__) to the per-step path", () => {
    const series = input(1);
    const grid = { start: 1000, interval: 15, steps: 50 };
    expect(aggregateColumnar(expr("topk", [], false), series, grid)).toBeUndefined();
    expect(aggregateColumnar(expr("sum", ["__name__"], false), series, grid)).toBeUndefined();
  });
});
