import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatRuleTestReport, goFloatE, runRuleTestFile } from "./index.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "reddot-ruletest-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const RULES = `groups:
  - name: node
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - record: job:up:sum_doubled
        expr: job:up:sum * 2
      - alert: InstanceDown
        expr: up == 0
        for: 5m
        labels: { severity: page }
        annotations:
          summary: "{{ $labels.instance }} down"
          value: "{{ $value | humanize }}"
      - alert: Flappy
        expr: flap > 0
        keep_firing_for: 3m
`;

async function run(tests: string) {
  write("rules.yml", RULES);
  const f = write("test.yml", `rule_files: [rules.yml]\nevaluation_interval: 1m\n${tests}`);
  return runRuleTestFile(f);
}

describe("runRuleTestFile", () => {
  it("passes on `for` edges, templated annotations and chained recording rules", async () => {
    const r = await run(`tests:
  - interval: 1m
    input_series:
      - series: 'up{job="a", instance="h1"}'
        values: "1 1 0x10"
      - series: 'up{job="a", instance="h2"}'
        values: "1x12"
    alert_rule_test:
      - eval_time: 6m
        alertname: InstanceDown
        exp_alerts: []
      - eval_time: 7m
        alertname: InstanceDown
        exp_alerts:
          - exp_labels: { severity: page, job: a, instance: h1 }
            exp_annotations: { summary: "h1 down", value: "0" }
      - eval_time: 7m30s
        alertname: InstanceDown
        exp_alerts:
          - exp_labels: { severity: page, job: a, instance: h1 }
            exp_annotations: { summary: "h1 down", value: "0" }
    promql_expr_test:
      - expr: job:up:sum_doubled
        eval_time: 1m
        exp_samples:
          - labels: 'job:up:sum_doubled{job="a"}'
            value: 4
      - expr: job:up:sum_doubled
        eval_time: 3m
        exp_samples:
          - labels: 'job:up:sum_doubled{job="a"}'
            value: 2
`);
    expect(r.errors).toEqual([]);
    expect(formatRuleTestReport(r)).toBe(`Unit Testing:  ${r.file}\n  SUCCESS\n\n`);
  });

  it("keep_firing_for holds a firing alert after its condition clears", async () => {
    const r = await run(`tests:
  - input_series:
      - series: 'flap{host="x"}'
        values: "1 1 0 0 0 0 0"
    alert_rule_test:
      - eval_time: 1m
        alertname: Flappy
        exp_alerts: [{ exp_labels: { host: x } }]
      - eval_time: 4m
        alertname: Flappy
        exp_alerts: [{ exp_labels: { host: x } }]
      - eval_time: 5m
        alertname: Flappy
        exp_alerts: []
`);
    expect(r.errors).toEqual([]);
  });

  it("reports the difference when an alert is still pending", async () => {
    const r = await run(`tests:
  - name: early
    input_series:
      - series: 'up{job="a", instance="h1"}'
        values: "0x10"
    alert_rule_test:
      - eval_time: 4m
        alertname: InstanceDown
        exp_alerts:
          - exp_labels: { severity: page, job: a, instance: h1 }
`);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toBe(
      `    name: early,
    alertname: InstanceDown, time: 4m, 
        exp:[
            0:
              Labels:{alertname="InstanceDown", instance="h1", job="a", severity="page"}
              Annotations:{}
            ], 
        got:[]`,
    );
    expect(formatRuleTestReport(r)).toMatch(/^Unit Testing: {2}.*\n {2}FAILED:\n/);
  });

  it("reports wrong samples in promtool's notation", async () => {
    const r = await run(`tests:
  - input_series:
      - series: 'up{job="a", instance="h1"}'
        values: "1"
    promql_expr_test:
      - expr: job:up:sum
        eval_time: 0
        exp_samples:
          - labels: 'job:up:sum{job="a"}'
            value: 2
`);
    expect(r.errors).toEqual([
      `    expr: "job:up:sum", time: 0s,
        exp: {__name__="job:up:sum", job="a"} 2E+00
        got: {__name__="job:up:sum", job="a"} 1E+00`,
    ]);
  });

  it("names the file, line and column of a bad test file", async () => {
    const r = await run(`tests:
  - interval: soon
`);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/test\.yml:4:\d+.*"soon" is not a duration/);
  });

  it("names rule files that are missing or do not load", async () => {
    const f = write("t.yml", "rule_files: [nope.yml, bad*.yml]\ntests: []\n");
    write("bad1.yml", "groups:\n  - name: g\n    rules:\n      - alert: X\n        expr: up ==\n");
    const r = await runRuleTestFile(f);
    expect(r.errors.some((e) => e.includes("nope.yml: no file matches"))).toBe(true);
    expect(r.errors.some((e) => /bad1\.yml:5:\d+.*could not parse expression/.test(e))).toBe(true);
  });

  it("reports a bad input series", async () => {
    const f = write("t.yml", "tests:\n  - input_series: [{ series: 'x', values: '1 2 x' }]\n");
    const r = await runRuleTestFile(f);
    expect(r.errors[0]).toMatch(/input series "x": bad value "x"/);
  });

  it("stops at a rule evaluation error, naming the rule and time", async () => {
    write(
      "r.yml",
      "groups:\n  - name: g\n    rules:\n      - record: dup\n        expr: '{__name__=~\"a|b\"}'\n",
    );
    const f = write(
      "t.yml",
      "rule_files: [r.yml]\ntests:\n  - input_series: [{ series: a, values: '1' }, { series: b, values: '1' }]\n    promql_expr_test: [{ expr: dup, eval_time: 2m }]\n",
    );
    const r = await runRuleTestFile(f);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^ {4}rule: dup, time: 0s, err: /);
  });
});

describe("goFloatE", () => {
  it("prints as Go's FormatFloat(v, 'E', -1, 64)", () => {
    expect([1, 61, 0.5, 1e-7, 0, Number.NaN, -2.5e21].map(goFloatE)).toEqual([
      "1E+00",
      "6.1E+01",
      "5E-01",
      "1E-07",
      "0E+00",
      "NaN",
      "-2.5E+21",
    ]);
  });
});

describe("group_eval_order", () => {
  it("orders groups so a later group reads what an earlier one recorded", async () => {
    write(
      "r.yml",
      `groups:
  - name: second
    rules:
      - record: b
        expr: a * 2
  - name: first
    rules:
      - record: a
        expr: vector(1)
`,
    );
    const test = (order: string) =>
      write(
        "t.yml",
        `rule_files: [r.yml]
${order}
tests:
  - promql_expr_test:
      - expr: b
        eval_time: 0
        exp_samples: [{ labels: "b", value: 2 }]
`,
      );
    expect((await runRuleTestFile(test("group_eval_order: [first, second]"))).errors).toEqual([]);
    // File order: "second" runs before "a" exists at t=0.
    expect((await runRuleTestFile(test(""))).errors).toHaveLength(1);
    expect((await runRuleTestFile(test("group_eval_order: [first, first]"))).errors).toEqual([
      "group name repeated in evaluation order: first",
    ]);
  });

  it("names the test group of an alert test without alertname", async () => {
    const f = write("t.yml", "tests:\n  - name: g1\n    alert_rule_test: [{ eval_time: 5m }]\n");
    expect((await runRuleTestFile(f)).errors).toEqual([
      "an item under alert_rule_test misses required attribute alertname at eval_time 5m (in TestGroup g1)",
    ]);
  });
});
