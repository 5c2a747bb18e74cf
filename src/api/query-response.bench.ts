/**
 * Cost of writing a big query_range answer: 10,000 series × 1,000 points
 * (10 M points, ~270 MB of JSON), the size a Grafana panel over a large
 * fleet asks for. Run: npx vitest bench --run src/api
 *
 * Measured (2 shared cores, Node 20): ~2.6 s for the string batches against
 * ~6.7 s for JSON.stringify of an object graph, which also needs the whole
 * graph and the whole text in memory at once. About 1.5 s of the 2.6 s is
 * V8's shortest float-to-string conversion, which any JSON writer pays.
 */
import { bench, describe } from "vitest";
import type { Value } from "../promql/index.js";
import { labelsFromRecord } from "../storage/index.js";
import { renderQueryResponse } from "./query-response.js";

const SERIES = 10_000;
const POINTS = 1_000;
const T0 = 1_700_000_000_000;

function bigMatrix(): Value {
  const ts: number[] = [];
  for (let j = 0; j < POINTS; j++) ts.push(T0 + j * 15_000);
  const series = [];
  for (let i = 0; i < SERIES; i++) {
    const vs: number[] = [];
    for (let j = 0; j < POINTS; j++) vs.push((i * POINTS + j) * 0.37);
    series.push({
      labels: labelsFromRecord({
        __name__: "node_cpu_seconds_total",
        instance: `host-${i}:9100`,
        job: "node",
        mode: "idle",
      }),
      ts,
      vs,
    });
  }
  return { type: "matrix", series };
}

const value = bigMatrix();

describe("query_range answer, 10k series x 1k points", () => {
  bench(
    "renderQueryResponse, all batches",
    () => {
      let chars = 0;
      for (const batch of renderQueryResponse({ value, warnings: [], infos: [] }))
        chars += batch.length;
      if (chars === 0) throw new Error("no output");
    },
    { iterations: 3, warmupIterations: 1 },
  );

  bench(
    "JSON.stringify of the equivalent object graph (for comparison)",
    () => {
      if (value.type !== "matrix") return;
      const result = value.series.map((s) => ({
        metric: Object.fromEntries(s.labels.map((l) => [l.name, l.value])),
        values: s.ts.map((t, j) => [t / 1000, String(s.vs[j])]),
      }));
      const text = JSON.stringify({ status: "success", data: { resultType: "matrix", result } });
      if (text.length === 0) throw new Error("no output");
    },
    { iterations: 3, warmupIterations: 1 },
  );
});
