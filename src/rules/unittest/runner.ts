/**
 * `reddot test rules`: promtool's rule unit tests (cmd/promtool/unittest.go).
 * Each test group gets a fresh store with its input series; the rule groups
 * are evaluated at every evaluation_interval from 0 to the largest eval_time,
 * firing alerts are compared at each alert test's time, then the PromQL
 * expressions are run against everything stored.
 */
import { readFile, stat } from "node:fs/promises";
import type { RuleGroupConfig } from "../../config/index.js";
import { formatConfigIssue } from "../../config/index.js";
import { formatDuration } from "../../lib/duration.js";
import {
  almostEqual,
  Engine,
  parseSeriesDesc,
  SeriesDescError,
  TestStore,
} from "../../promql/index.js";
import { isStaleNaN, type Labels, labelsToRecord } from "../../storage/index.js";
import { AlertingRule } from "../alerting.js";
import { RuleManager } from "../manager.js";
import { loadRuleFiles } from "./load-rules.js";
import {
  type AlertTestCase,
  MAX_EVAL_STEPS,
  MAX_TEST_FILE_BYTES,
  parseTestFile,
  type TestFile,
  type TestGroup,
} from "./test-file.js";

/** Outcome of one test file: `errors` are promtool's error texts (empty = SUCCESS). */
export interface RuleTestReport {
  readonly file: string;
  readonly errors: readonly string[];
}

export interface RuleTestOptions {
  /** The PromQL engine; default `new Engine()` (5m lookback, as Prometheus). */
  readonly engine?: Engine;
  /** promtool's `--run`: only test groups whose name matches one of these (unanchored). */
  readonly run?: readonly RegExp[];
}

/** Reads and runs one test file. */
export async function runRuleTestFile(
  file: string,
  opts: RuleTestOptions = {},
): Promise<RuleTestReport> {
  let text: string;
  try {
    const st = await stat(file);
    if (st.size > MAX_TEST_FILE_BYTES) {
      return {
        file,
        errors: [`${file}: test file is ${st.size} bytes; at most ${MAX_TEST_FILE_BYTES}`],
      };
    }
    text = await readFile(file, "utf8");
  } catch (e) {
    return { file, errors: [`${file}: cannot read test file: ${(e as Error).message}`] };
  }
  const { test, issues } = parseTestFile(file, text);
  if (test === undefined) return { file, errors: issues.map(formatConfigIssue) };
  const loaded = await loadRuleFiles(file, test.rule_files);
  if (loaded.errors.length > 0) return { file, errors: loaded.errors };
  const ordered = orderGroups(loaded.groups, test.group_eval_order);
  if (typeof ordered === "string") return { file, errors: [ordered] };
  const engine = opts.engine ?? new Engine();
  const errors: string[] = [];
  const run = opts.run ?? [];
  for (const tg of test.tests) {
    if (run.length > 0 && !run.some((re) => re.test(tg.name))) continue;
    errors.push(...(await runTestGroup(test, tg, ordered, engine)));
  }
  return { file, errors };
}

/** promtool's output for one file. */
export function formatRuleTestReport(r: RuleTestReport): string {
  const head = `Unit Testing:  ${r.file}\n`;
  if (r.errors.length === 0) return `${head}  SUCCESS\n\n`;
  return `${head}  FAILED:\n${r.errors.map((e) => `${e}\n\n`).join("")}`;
}

/**
 * Groups ordered by `group_eval_order`, as promtool's partial order: a group's
 * rank is its index there, and groups not named rank 0 (with the first one
 * named), keeping file order among equals. Names of no group are ignored.
 */
function orderGroups(
  groups: readonly RuleGroupConfig[],
  order: readonly string[],
): RuleGroupConfig[] | string {
  const rank = new Map<string, number>();
  for (const [i, name] of order.entries()) {
    if (rank.has(name)) return `group name repeated in evaluation order: ${name}`;
    rank.set(name, i);
  }
  // Array.prototype.sort is stable: file order among equal ranks.
  return [...groups].sort((a, b) => (rank.get(a.name) ?? 0) - (rank.get(b.name) ?? 0));
}

interface LabelsAndAnnotations {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** Go's labels.String(): `{a="b", c="d"}`, sorted by name. */
export function goLabels(m: Readonly<Record<string, string>>): string {
  const keys = Object.keys(m).sort();
  return `{${keys.map((k) => `${k}=${JSON.stringify(m[k])}`).join(", ")}}`;
}

function laKey(a: LabelsAndAnnotations): string {
  return `${goLabels(a.labels)}\n${goLabels(a.annotations)}`;
}

function indentLines(s: string, indent: string): string {
  return s.split("\n").join(`\n${indent}`);
}

/** promtool's labelsAndAnnotations.String(). */
function laListString(list: readonly LabelsAndAnnotations[]): string {
  if (list.length === 0) return "[]";
  const one = (a: LabelsAndAnnotations) =>
    indentLines(`\nLabels:${goLabels(a.labels)}\nAnnotations:${goLabels(a.annotations)}`, "  ");
  return `[\n${list.map((a, i) => `${i}:${one(a)}`).join(",\n")}\n]`;
}

/** Go's strconv.FormatFloat(v, 'E', -1, 64). */
export function goFloatE(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  const [mant, exp] = v.toExponential().split("e") as [string, string];
  const sign = exp.startsWith("-") ? "-" : "+";
  const digits = exp.replace(/^[+-]/, "").padStart(2, "0");
  return `${mant}E${sign}${digits}`;
}

interface Sample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

function samplesString(list: readonly Sample[]): string {
  if (list.length === 0) return "nil";
  return list.map((s) => `${goLabels(s.labels)} ${goFloatE(s.value)}`).join(", ");
}

function sortSamples(list: Sample[]): Sample[] {
  return list.sort((a, b) => cmpStr(goLabels(a.labels), goLabels(b.labels)));
}

const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sameValue(a: number, b: number, fuzzy: boolean): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) {
    // A stale marker and a plain NaN differ, as their bit patterns do in Go.
    return Number.isNaN(a) && Number.isNaN(b) && isStaleNaN(a) === isStaleNaN(b);
  }
  return fuzzy ? almostEqual(a, b) : a === b;
}

/** `metric{l="v"}` as promtool's exp_samples write it; "" and "{}" are no labels. */
function parseMetricText(text: string): Record<string, string> {
  const t = text.trim();
  if (t === "" || t === "{}") return {};
  const d = parseSeriesDesc(t);
  if (d.values.length > 0) throw new SeriesDescError("unexpected values after the labels");
  return labelsToRecord(d.labels);
}

async function runTestGroup(
  tf: TestFile,
  tg: TestGroup,
  groups: readonly RuleGroupConfig[],
  engine: Engine,
): Promise<string[]> {
  const interval =
    tg.interval !== undefined && tg.interval > 0 ? tg.interval : tf.evaluation_interval;
  const evalInterval = tf.evaluation_interval;
  const errs: string[] = [];
  const testName = tg.name !== "" ? `    name: ${tg.name},\n` : "";
  if (evalInterval <= 0) return ["evaluation_interval must be more than 0s"];

  const series: {
    labels: Labels;
    values: ReturnType<typeof parseSeriesDesc>["values"];
    line: number;
  }[] = [];
  for (const s of tg.input_series) {
    try {
      const d = parseSeriesDesc(`${s.series} ${s.values}`);
      series.push({ labels: d.labels, values: d.values, line: 0 });
    } catch (e) {
      if (!(e instanceof SeriesDescError)) throw e;
      return [`${testName}    input series ${JSON.stringify(s.series)}: ${e.message}`];
    }
  }
  for (const a of tg.alert_rule_test) {
    if (a.alertname !== "") continue;
    const inGroup = tg.name !== "" ? ` (in TestGroup ${tg.name})` : "";
    return [
      `an item under alert_rule_test misses required attribute alertname at eval_time ${formatDuration(a.eval_time)}${inGroup}`,
    ];
  }

  const store = await TestStore.open();
  try {
    const loaded = await store.load({
      type: "load",
      line: 0,
      step: interval,
      withNhcb: false,
      series,
    });
    const refused = Object.entries(loaded.refused).filter(([, n]) => (n ?? 0) > 0);
    if (refused.length > 0) {
      return [
        `${testName}    input series: samples refused: ${refused.map(([r, n]) => `${r}: ${n}`).join(", ")} (a series given twice?)`,
      ];
    }
    let now = 0;
    const manager = new RuleManager({
      storage: store.storage,
      engine,
      evaluationInterval: interval,
      externalURL: tg.external_url,
      externalLabels: { ...tg.external_labels },
      now: () => now,
    });
    await manager.update(groups);

    const maxt = Math.max(
      0,
      ...tg.alert_rule_test.map((a) => a.eval_time),
      ...tg.promql_expr_test.map((p) => p.eval_time),
    );
    if (maxt / evalInterval > MAX_EVAL_STEPS) {
      return [
        `${testName}    the largest eval_time (${formatDuration(maxt)}) needs more than ${MAX_EVAL_STEPS} evaluations at evaluation_interval ${formatDuration(evalInterval)}`,
      ];
    }
    const alertTimes = [...new Set(tg.alert_rule_test.map((a) => a.eval_time))].sort(
      (a, b) => a - b,
    );
    const alertTests = new Map<number, AlertTestCase[]>();
    for (const a of tg.alert_rule_test) {
      alertTests.set(a.eval_time, [...(alertTests.get(a.eval_time) ?? []), a]);
    }
    let curr = 0;
    for (let ts = 0; ts <= maxt; ts += evalInterval) {
      now = ts;
      const evalErrs: string[] = [];
      for (const g of manager.groups()) {
        await g.evaluate(ts);
        for (const r of g.rules) {
          if (r.health === "err") {
            evalErrs.push(
              `    rule: ${r.rule.config.name}, time: ${formatDuration(ts)}, err: ${r.lastError ?? ""}`,
            );
          }
        }
      }
      errs.push(...evalErrs);
      if (evalErrs.length > 0) return errs;

      // Alert tests at ts <= eval_time < ts + evaluation_interval compare this evaluation.
      while (curr < alertTimes.length) {
        const t = alertTimes[curr] as number;
        if (!(ts <= t && t < ts + evalInterval)) break;
        for (const tc of alertTests.get(t) ?? []) {
          const got: LabelsAndAnnotations[] = [];
          for (const g of manager.groups()) {
            for (const r of g.rules) {
              if (!(r.rule instanceof AlertingRule) || r.rule.config.name !== tc.alertname)
                continue;
              for (const a of r.rule.active.values()) {
                if (a.state === "firing")
                  got.push({ labels: a.labels, annotations: a.annotations });
              }
            }
          }
          const exp: LabelsAndAnnotations[] = tc.exp_alerts.map((a) => ({
            labels: { ...a.exp_labels, alertname: tc.alertname },
            annotations: a.exp_annotations,
          }));
          const byKey = (x: LabelsAndAnnotations, y: LabelsAndAnnotations) =>
            cmpStr(laKey(x), laKey(y));
          got.sort(byKey);
          exp.sort(byKey);
          const same =
            got.length === exp.length &&
            got.every((g, i) => laKey(g) === laKey(exp[i] as LabelsAndAnnotations));
          if (!same) {
            const pad = "            ";
            errs.push(
              `${testName}    alertname: ${tc.alertname}, time: ${formatDuration(tc.eval_time)}, \n        exp:${indentLines(laListString(exp), pad)}, \n        got:${indentLines(laListString(got), pad)}`,
            );
          }
        }
        curr++;
      }
    }

    for (const tc of tg.promql_expr_test) {
      const at = `    expr: ${JSON.stringify(tc.expr)}, time: ${formatDuration(tc.eval_time)}`;
      let got: Sample[];
      try {
        const r = await engine.instantQuery(store.storage, tc.expr, tc.eval_time);
        const v = r.value;
        if (v.type === "vector") {
          got = v.samples.map((s) => ({ labels: labelsToRecord(s.labels), value: s.v }));
        } else if (v.type === "scalar") {
          got = [{ labels: {}, value: v.v }];
        } else {
          errs.push(`${at}, err: rule result is not a vector or scalar: ${v.type}`);
          continue;
        }
      } catch (e) {
        errs.push(`${at}, err: ${(e as Error).message}`);
        continue;
      }
      let exp: Sample[];
      try {
        exp = tc.exp_samples.map((s) => ({ labels: parseMetricText(s.labels), value: s.value }));
      } catch (e) {
        if (!(e instanceof SeriesDescError)) throw e;
        errs.push(`${at}, err: labels: ${e.message}`);
        continue;
      }
      sortSamples(got);
      sortSamples(exp);
      const same =
        got.length === exp.length &&
        got.every((g, i) => {
          const x = exp[i] as Sample;
          return (
            goLabels(g.labels) === goLabels(x.labels) &&
            sameValue(x.value, g.value, tf.fuzzy_compare)
          );
        });
      if (!same) {
        errs.push(`${at},\n        exp: ${samplesString(exp)}\n        got: ${samplesString(got)}`);
      }
    }
    return errs;
  } finally {
    await store.close();
  }
}
