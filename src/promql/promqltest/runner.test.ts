import { describe, expect, it } from "vitest";
import type { Queryable } from "../../storage/index.js";
import { Engine } from "../engine/engine.js";
import type { QueryResult } from "../values.js";
import { conformanceEngine, type FileReport, runScriptText } from "./runner.js";

/** The real engine, recording the queries it is asked (kind, text, times in ms). */
class RecordingEngine extends Engine {
  readonly calls: string[] = [];

  constructor() {
    super(conformanceEngine().options);
  }

  override instantQuery(storage: Queryable, query: string, t: number): Promise<QueryResult> {
    this.calls.push(`instant ${query} @${t}`);
    return super.instantQuery(storage, query, t);
  }

  override rangeQuery(
    storage: Queryable,
    query: string,
    start: number,
    end: number,
    step: number,
  ): Promise<QueryResult> {
    this.calls.push(`range ${query} ${start}..${end}/${step}`);
    return super.rangeQuery(storage, query, start, end, step);
  }
}

const LOAD = `
load 1m
  http_requests{job="api", instance="0"} 0+10x10
  http_requests{job="api", instance="1"} 0+20x10
`;

async function run(evals: string): Promise<FileReport> {
  return runScriptText(`${LOAD}\n${evals}\n`, "t.test");
}

/** The one eval's outcome and failure message. */
async function one(evals: string): Promise<{ outcome: string; message?: string; run?: string }> {
  const r = await run(evals);
  expect(r.errors).toEqual([]);
  expect(r.evals).toHaveLength(1);
  const e = r.evals[0];
  return { outcome: e.outcome, message: e.failure?.message, run: e.failure?.run };
}

describe("runScriptText: passing scripts", () => {
  it("passes a correct instant eval, including its @-rewritten and range-mode runs", async () => {
    const r = await run(`
eval instant at 5m http_requests
  http_requests{job="api", instance="0"} 50
  http_requests{job="api", instance="1"} 100
`);
    expect(r).toMatchObject({ ok: true, passed: 1, failed: 0, skipped: 0 });
  });

  it("passes range evals with omitted points, scalars and expected failures", async () => {
    const r = await run(`
eval range from 0 to 4m step 2m sum(http_requests) > 50
  {} _ 60 120

eval instant at 1m 1 + 2
  3

eval instant at 0 label_replace(http_requests, "instance", "x", "", "")
  expect fail msg: vector cannot contain metrics with the same labelset

eval instant at 10m http_requests{job="none"}
`);
    expect(r.evals.map((e) => [e.line, e.outcome, e.failure?.message])).toEqual([
      [7, "pass", undefined],
      [10, "pass", undefined],
      [13, "pass", undefined],
      [16, "pass", undefined],
    ]);
    expect(r.ok).toBe(true);
  });

  it("loads later blocks before earlier samples, and clear starts from an empty store", async () => {
    const r = await runScriptText(
      `
load 1m
  a _ _ 3

load 1m
  a 1 2
  b 5

eval instant at 1m a
  a 2

clear

eval instant at 3m a
`,
      "t.test",
    );
    expect(r).toMatchObject({ ok: true, passed: 2, errors: [] });
  });
});

describe("runScriptText: the judge fails what is wrong", () => {
  it("a wrong value", async () => {
    const r = await one(`
eval instant at 5m sum(http_requests)
  {} 151
`);
    expect(r).toMatchObject({ outcome: "fail", run: "instant" });
    expect(r.message).toBe("expected 151 for {} but got 150");
  });

  it("a missing series", async () => {
    const r = await one(`
eval instant at 5m http_requests{instance="0"}
  http_requests{job="api", instance="0"} 50
  http_requests{job="api", instance="2"} 50
`);
    expect(r.message).toBe('expected series http_requests{instance="2", job="api"} not found');
  });

  it("an extra series", async () => {
    const r = await one(`
eval instant at 5m http_requests
  http_requests{job="api", instance="0"} 50
`);
    expect(r.message).toMatch(
      /^unexpected series http_requests\{instance="1", job="api"\} in result/,
    );
  });

  it("a metric name the result should not have (labels compare with __name__)", async () => {
    const r = await one(`
eval instant at 5m http_requests{instance="0"}
  {job="api", instance="0"} 50
`);
    expect(r.outcome).toBe("fail");
  });

  it("the wrong order under expect ordered", async () => {
    const r = await one(`
eval instant at 5m sort_desc(http_requests)
  expect ordered
  http_requests{job="api", instance="0"} 50
  http_requests{job="api", instance="1"} 100
`);
    expect(r.message).toMatch(/at position 2 but it was at 1$/);
  });

  it("a missing expected warning", async () => {
    const r = await one(`
eval instant at 5m sum(http_requests)
  expect warn
  {} 150
`);
    expect(r.message).toBe("expected warn annotations but none were found");
  });

  it("an unexpected error, and a missing expected error", async () => {
    const r = await run(`
eval instant at 0 label_replace(http_requests, "instance", "x", "", "")
  {} 1

eval instant at 5m sum(http_requests)
  expect fail
`);
    expect(r.evals.map((e) => e.failure?.message)).toEqual([
      expect.stringMatching(
        /^unexpected error: vector cannot contain metrics with the same labelset/,
      ),
      "expected an error but got none",
    ]);
    expect(r).toMatchObject({ ok: false, passed: 0, failed: 2 });
  });

  it("a wrong point in a range eval, and a scalar where series were expected", async () => {
    const r = await run(`
eval range from 0 to 2m step 1m sum(http_requests)
  {} 0 30 61

eval instant at 0 1
`);
    expect(r.evals.map((e) => e.failure?.message)).toEqual([
      "expected float point 2 (t=120000) of {} to be 61, but got 60",
      "expected vector or matrix result, but got scalar 1",
    ]);
  });

  it("refused loads and script errors make the file fail", async () => {
    const refused = await runScriptText("load 1m\n  a 1\n\nload 1m\n  a 2\n", "t.test");
    expect(refused.ok).toBe(false);
    expect(refused.errors).toEqual([
      expect.stringMatching(/^t\.test:4: the store refused samples of this load: 1 /),
    ]);
    const broken = await runScriptText("eval instant at 0 1\n  foo bar\n", "t.test");
    expect(broken).toMatchObject({ ok: false, errors: [expect.stringMatching(/^t\.test:2: /)] });
  });
});

describe("runScriptText: native histograms are skipped", () => {
  it("when the expected result has one, or a selector reaches a histogram series", async () => {
    const r = await runScriptText(
      `
load 1m
  h {{schema:0 sum:1 count:1 buckets:[1]}}x2
  f 1

load_with_nhcb 1m
  c_bucket{le="1"} 1 2
  c_bucket{le="+Inf"} 2 3

eval instant at 1m h
  h {{schema:0 sum:1 count:1 buckets:[1]}}

eval instant at 1m sum({__name__=~"h|f"})
  {} 1

eval instant at 1m c
  c {{schema:-53 count:3 custom_values:[1] buckets:[2 1]}}

eval instant at 1m histogram_count(c)
  {} 3

eval instant at 1m sum(c_bucket)
  {} 5

eval instant at 1m f
  f 1
`,
      "t.test",
    );
    expect(r.evals.map((e) => e.outcome)).toEqual(["skip", "skip", "skip", "skip", "pass", "pass"]);
    expect(r.skipsByReason).toEqual({
      "native histogram in expected result": 2,
      "selects a native-histogram series": 2,
    });
    expect(r).toMatchObject({ ok: true, passed: 2, skipped: 4 });
  });
});

describe("runScriptText: the extra runs of instant evals (FORMAT.md 8a)", () => {
  async function callsFor(evalText: string): Promise<string[]> {
    const engine = new RecordingEngine();
    const r = await runScriptText(`${LOAD}\n${evalText}\n`, "t.test", { engine });
    expect(r.evals.map((e) => e.failure?.message)).toEqual([undefined]);
    return engine.calls;
  }

  it("re-runs @-pinned at -10t, 0, t/5, t, 10t, each also in range mode", async () => {
    const calls = await callsFor("eval instant at 5m sum(rate(http_requests[5m]))\n  {} 0.5");
    const pinned = "sum(rate(http_requests[5m] @ 300.000))";
    const both = (q: string, t: number) => [
      `instant ${q} @${t}`,
      `range ${q} ${t - 60_000}..${t + 60_000}/60000`,
    ];
    expect(calls).toEqual([
      ...both("sum(rate(http_requests[5m]))", 300_000),
      ...[-3_000_000, 0, 60_000, 300_000, 3_000_000].flatMap((t) => both(pinned, t)),
    ]);
  });

  it("at t = 0 the re-runs are at -1s, 0 and 1s", async () => {
    const calls = await callsFor(
      'eval instant at 0 http_requests{instance="0"}\n  http_requests{job="api", instance="0"} 0',
    );
    expect(
      calls.filter((c) => c.startsWith("instant")).map((c) => c.slice(c.lastIndexOf("@"))),
    ).toEqual(["@0", "@-1000", "@0", "@1000"]);
  });

  it("does not pin queries with time-dependent functions, nor range-check range vectors or orderings", async () => {
    expect(await callsFor("eval instant at 1m time()\n  60")).toEqual([
      "instant time() @60000",
      "range time() 0..120000/60000",
    ]);
    const rv = await callsFor(
      'eval instant at 1m http_requests{instance="0"}[1m]\n  expect range vector from 0 to 1m step 1m\n  http_requests{job="api", instance="0"} _ 10',
    );
    expect(rv.filter((c) => c.startsWith("range"))).toEqual([]);
    expect(rv).toHaveLength(6);
  });
});
