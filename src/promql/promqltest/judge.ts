/**
 * Judging one query result against an eval's expectations, rule for rule as
 * Prometheus's promqltest does (test.go: compareResult, checkAnnotations,
 * checkExpectedFailure; FORMAT.md section 8). Each check returns undefined
 * when it passes, or a Mismatch saying what differs.
 */
import { compareLabels, type Labels, labelsKey } from "../../storage/index.js";
import type { Value } from "../values.js";
import { almostEqual, formatLabels, formatPoints, formatSeqValue, formatValue } from "./compare.js";
import type { EvalCommand, ExpectedSeries, ExpectKind, TextMatch } from "./script-types.js";

/** What differs; `expected`/`got` are display rows, when rows help. */
export interface Mismatch {
  readonly message: string;
  readonly expected?: readonly string[];
  readonly got?: readonly string[];
}

/**
 * The timestamps expected values belong to: value i at `start + i*step`, none
 * after `end`. Instant evals without `expect range vector` have end = -Infinity
 * (upstream compares against Go's zero time), so no matrix row can match.
 */
export interface TimeGrid {
  readonly start: number;
  readonly end: number;
  readonly step: number;
}

/** Rows shown in a mismatch, at most. */
const MAX_ROWS = 20;

export function isOrdered(ev: EvalCommand): boolean {
  return ev.legacy.ordered || ev.expects.some((e) => e.kind === "ordered");
}

export function isFail(ev: EvalCommand): boolean {
  return ev.legacy.fail || ev.expects.some((e) => e.kind === "fail");
}

export function matchText(m: TextMatch, text: string): boolean {
  if (m.kind === "any") return true;
  if (m.kind === "msg") return m.text === text;
  return m.regex.test(text);
}

function describeMatch(m: TextMatch): string {
  if (m.kind === "any") return "anything";
  if (m.kind === "msg") return `message ${JSON.stringify(m.text)}`;
  return `pattern ${JSON.stringify(m.source)}`;
}

/** Rows of what the eval expects. */
export function expectedRows(ev: EvalCommand): string[] {
  if (ev.expectScalar !== undefined) return [formatValue(ev.expectScalar)];
  if (ev.expectString !== undefined) return [JSON.stringify(ev.expectString)];
  return ev.series
    .slice(0, MAX_ROWS)
    .map((s) => `${formatLabels(s.labels)} ${s.values.map(formatSeqValue).join(" ")}`);
}

/** Rows of what a query returned. */
export function valueRows(value: Value): string[] {
  switch (value.type) {
    case "scalar":
      return [`scalar ${formatValue(value.v)}`];
    case "string":
      return [`string ${JSON.stringify(value.v)}`];
    case "vector":
      return value.samples
        .slice(0, MAX_ROWS)
        .map((s) => `${formatLabels(s.labels)} ${formatValue(s.v)}`);
    case "matrix":
      return value.series.slice(0, MAX_ROWS).map((s) => formatPoints(s.labels, s.ts, s.vs));
  }
}

/** Compares a result value with the expected series, scalar or string. */
export function compareResult(ev: EvalCommand, value: Value, grid: TimeGrid): Mismatch | undefined {
  const message = compareValue(ev, value, grid);
  if (message === undefined) return undefined;
  return { message, expected: expectedRows(ev), got: valueRows(value) };
}

function compareValue(ev: EvalCommand, value: Value, grid: TimeGrid): string | undefined {
  const scalar = ev.expectScalar !== undefined;
  const expected = new Map<string, ExpectedSeries>();
  for (const s of ev.series) expected.set(labelsKey(s.labels), s);
  switch (value.type) {
    case "matrix":
      if (isOrdered(ev)) return "expected ordered result, but query returned a matrix";
      if (scalar) return "expected scalar result, but got a matrix";
      return compareMatrix(value.series, expected, grid);
    case "vector":
      if (scalar) return "expected scalar result, but got a vector";
      return compareVector(value.samples, expected, isOrdered(ev));
    case "scalar":
      if (!scalar)
        return `expected vector or matrix result, but got scalar ${formatValue(value.v)}`;
      return almostEqual(ev.expectScalar as number, value.v)
        ? undefined
        : `expected scalar ${formatValue(ev.expectScalar as number)} but got ${formatValue(value.v)}`;
    case "string": {
      const want = ev.expectString ?? "";
      return want === value.v
        ? undefined
        : `expected string ${JSON.stringify(want)} but got ${JSON.stringify(value.v)}`;
    }
  }
}

/** A matrix must be sorted by labels, as Prometheus always returns it. */
export function checkMatrixSorted(series: readonly { labels: Labels }[]): string | undefined {
  for (let i = 0; i + 1 < series.length; i++) {
    if (compareLabels(series[i].labels, series[i + 1].labels) > 0) {
      return `matrix is not sorted by labels: ${formatLabels(series[i + 1].labels)} (index ${i + 1}) sorts before ${formatLabels(series[i].labels)} (index ${i})`;
    }
  }
  return undefined;
}

function compareMatrix(
  series: readonly { labels: Labels; ts: readonly number[]; vs: readonly number[] }[],
  expected: Map<string, ExpectedSeries>,
  grid: TimeGrid,
): string | undefined {
  const unsorted = checkMatrixSorted(series);
  if (unsorted !== undefined) return unsorted;
  const seen = new Set<string>();
  for (const s of series) {
    const key = labelsKey(s.labels);
    const exp = expected.get(key);
    const name = formatLabels(s.labels);
    if (exp === undefined) return `unexpected series ${name} in result`;
    seen.add(key);
    const ts: number[] = [];
    const vs: number[] = [];
    let histograms = 0;
    for (let i = 0; i < exp.values.length; i++) {
      const t = grid.start + i * grid.step;
      if (t > grid.end) {
        return `expected ${exp.values.length} points for ${name}, but the query time range cannot return this many points`;
      }
      const e = exp.values[i];
      if (e.kind === "histogram") histograms++;
      else if (e.kind === "float") {
        ts.push(t);
        vs.push(e.v);
      }
    }
    if (ts.length !== s.ts.length || histograms !== 0) {
      return `expected ${ts.length} float points and ${histograms} histogram points for ${name}, but got ${s.ts.length} float points`;
    }
    for (let i = 0; i < ts.length; i++) {
      if (ts[i] !== s.ts[i]) {
        return `expected float point ${i} of ${name} at t=${ts[i]}, but it is at t=${s.ts[i]}`;
      }
      if (!almostEqual(s.vs[i], vs[i])) {
        return `expected float point ${i} (t=${ts[i]}) of ${name} to be ${formatValue(vs[i])}, but got ${formatValue(s.vs[i])}`;
      }
    }
  }
  for (const [key, exp] of expected) {
    if (!seen.has(key)) return `expected series ${formatLabels(exp.labels)} not found`;
  }
  return undefined;
}

function compareVector(
  samples: readonly { labels: Labels; v: number }[],
  expected: Map<string, ExpectedSeries>,
  ordered: boolean,
): string | undefined {
  const seen = new Set<string>();
  for (let pos = 0; pos < samples.length; pos++) {
    const s = samples[pos];
    const key = labelsKey(s.labels);
    const exp = expected.get(key);
    const name = formatLabels(s.labels);
    if (exp === undefined)
      return `unexpected series ${name} in result, has value ${formatValue(s.v)}`;
    if (ordered && exp.pos !== pos + 1) {
      return `expected ${name} at position ${exp.pos} but it was at ${pos + 1}`;
    }
    if (exp.values.length === 0) return `the expected line for ${name} has no value`;
    const e = exp.values[0];
    if (e.kind === "histogram")
      return `expected histogram ${e.text} for ${name} but got float value ${formatValue(s.v)}`;
    // Upstream reads `_` as the value 0 here.
    const want = e.kind === "float" ? e.v : 0;
    if (!almostEqual(want, s.v))
      return `expected ${formatValue(want)} for ${name} but got ${formatValue(s.v)}`;
    seen.add(key);
  }
  for (const [key, exp] of expected) {
    if (!seen.has(key)) return `expected series ${formatLabels(exp.labels)} not found`;
  }
  return undefined;
}

/** Checks warnings and infos against the eval's expect lines (none: not checked). */
export function checkAnnotations(
  ev: EvalCommand,
  warnings: readonly string[],
  infos: readonly string[],
): Mismatch | undefined {
  if (ev.legacy.warn && warnings.length === 0) return { message: "expected warnings but got none" };
  if (ev.legacy.info && infos.length === 0)
    return { message: "expected info annotations but got none" };
  const message =
    checkKind(ev, "warn", warnings) ??
    checkKind(ev, "info", infos) ??
    forbid(ev, "no_warn", "warning", warnings) ??
    forbid(ev, "no_info", "info", infos);
  return message === undefined ? undefined : { message, got: [...warnings, ...infos] };
}

function checkKind(
  ev: EvalCommand,
  kind: ExpectKind,
  actual: readonly string[],
): string | undefined {
  const exps = ev.expects.filter((e) => e.kind === kind);
  if (exps.length === 0) return undefined;
  if (actual.length === 0) return `expected ${kind} annotations but none were found`;
  for (const e of exps) {
    if (!actual.some((a) => matchText(e.match, a))) {
      return `expected a ${kind} annotation matching ${describeMatch(e.match)} (line ${e.line}), found: ${JSON.stringify(actual)}`;
    }
  }
  for (const a of actual) {
    if (!exps.some((e) => matchText(e.match, a)))
      return `unexpected ${kind} annotation ${JSON.stringify(a)}`;
  }
  return undefined;
}

function forbid(
  ev: EvalCommand,
  kind: ExpectKind,
  what: string,
  actual: readonly string[],
): string | undefined {
  if (actual.length === 0 || !ev.expects.some((e) => e.kind === kind)) return undefined;
  return `unexpected ${what} annotations: ${JSON.stringify(actual)}`;
}

/** Checks the error of a query that was expected to fail. */
export function checkExpectedFailure(ev: EvalCommand, error: string): Mismatch | undefined {
  const got = [`error: ${error}`];
  if (ev.failMessage !== undefined && ev.failMessage !== "" && ev.failMessage !== error) {
    return { message: `expected error ${JSON.stringify(ev.failMessage)}`, got };
  }
  if (ev.failRegexp !== undefined && !matchText(ev.failRegexp, error)) {
    return { message: `expected an error matching ${describeMatch(ev.failRegexp)}`, got };
  }
  const fail = ev.expects.find((e) => e.kind === "fail");
  if (fail !== undefined && !matchText(fail.match, error)) {
    return { message: `expected an error matching ${describeMatch(fail.match)}`, got };
  }
  return undefined;
}
