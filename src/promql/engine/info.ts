/**
 * info(v, {selector}): adds the data labels of matching info series
 * (`target_info` unless the selector names others) to each series of v,
 * joined on the identifying labels `instance` and `job` (Prometheus 3,
 * experimental). Where two info samples of one metric match, the newer wins;
 * equally new ones conflict.
 */
import type { Labels, Matcher } from "../../storage/index.js";
import {
  getLabel,
  isStaleNaN,
  labelsFromPairs,
  METRIC_NAME,
  newMatcher,
} from "../../storage/index.js";
import type { Call, Expr, VectorSelector } from "../ast.js";
import { execError, type VectorSample } from "../values.js";
import type { Evaluator, StepSeries } from "./evaluator.js";

const TARGET_INFO = "target_info";
const IDENTIFYING = ["instance", "job"];

export async function evalInfo(ev: Evaluator, _e: Call, args: Expr[]): Promise<StepSeries[]> {
  const base = await ev.evalSeries(args[0] as Expr);
  const where = lookupAnchor(ev, args[0] as Expr);
  const dataMatchers = new Map<string, Matcher[]>();
  let nameMatchers: Matcher[] = [];
  const selector = args[1] as VectorSelector | undefined;
  if (selector) {
    for (const m of selector.matchers) {
      const list = dataMatchers.get(m.name) ?? [];
      list.push(m);
      dataMatchers.set(m.name, list);
      if (m.name === METRIC_NAME) nameMatchers.push(m);
    }
  } else {
    nameMatchers = [newMatcher("=", METRIC_NAME, TARGET_INFO)];
  }
  const effectiveName = effectiveNameMatchers(nameMatchers);
  const ignored = new Set<StepSeries>();
  for (const s of base) {
    const name = getLabel(s.labels, METRIC_NAME);
    if (effectiveName.every((m) => m.matches(name))) ignored.add(s);
  }
  const infoSeries = fetchInfoSeries(ev, base, ignored, dataMatchers, where);
  dataMatchers.delete(METRIC_NAME);

  const infoNames = new Set(infoSeries.map((s) => getLabel(s.labels, METRIC_NAME)));
  const infoSig = new Map<StepSeries, string>();
  for (const s of infoSeries) infoSig.set(s, signature(getLabel(s.labels, METRIC_NAME), s.labels));
  const baseSigs = new Map<StepSeries, [string, string][]>();
  for (const s of base)
    baseSigs.set(
      s,
      [...infoNames].map((n) => [n, signature(n, s.labels)]),
    );

  const inputs = [base, infoSeries];
  const seriesOf = new Map<Labels, StepSeries>();
  for (const s of [...base, ...infoSeries]) seriesOf.set(s.labels, s);
  return ev.rangeEval(inputs, (vectors, t) => {
    const [baseVec = [], infoVec = []] = vectors;
    if (baseVec.length === 0) return [];
    // Which series each sample came from: rangeEval keeps each input's order.
    const bySig = new Map<string, VectorSample>();
    for (const s of infoVec) {
      const series = seriesOf.get(s.labels) as StepSeries;
      const sig = infoSig.get(series) as string;
      const existing = bySig.get(sig);
      if (!existing || existing.v < s.v) bySig.set(sig, s);
      else if (existing.v === s.v) {
        throw execError(
          `found duplicate series for info metric: existing ${fmt(existing.labels)} @ ${existing.v}, new ${fmt(s.labels)} @ ${s.v}`,
        );
      }
    }
    const out: VectorSample[] = [];
    for (const bs of baseVec) {
      const series = seriesOf.get(bs.labels) as StepSeries;
      if (ignored.has(series)) {
        out.push(bs);
        continue;
      }
      const added = new Map<string, string>();
      let matched = 0;
      for (const [, sig] of baseSigs.get(series) ?? []) {
        const is = bySig.get(sig);
        if (!is) continue;
        for (const l of is.labels) {
          if (l.name === METRIC_NAME) continue;
          if (dataMatchers.size > 0 && !dataMatchers.has(l.name)) continue;
          const prev = added.get(l.name);
          if (prev !== undefined && prev !== l.value)
            throw execError(`conflicting label: ${l.name}`);
          if (getLabel(bs.labels, l.name) !== "") continue;
          added.set(l.name, l.value);
        }
        matched++;
      }
      if (matched === 0) {
        const allMatchEmpty = [...dataMatchers.values()].every((ms) =>
          ms.every((m) => m.matches("")),
        );
        if (!allMatchEmpty) continue;
      }
      const labels =
        added.size === 0
          ? bs.labels
          : labelsFromPairs([
              ...bs.labels,
              ...[...added].map(([name, value]) => ({ name, value })),
            ]);
      out.push({ labels, t, v: bs.v, dropName: bs.dropName });
    }
    return out;
  });
}

/** The `@` time and offset the base expression's first selector uses, for the info lookup. */
function lookupAnchor(ev: Evaluator, e: Expr): { at: number | undefined; offset: number } {
  let found: { at: number | undefined; offset: number } | undefined;
  const walk = (x: Expr, subOffset: number, subAt: number | undefined): void => {
    if (found) return;
    switch (x.type) {
      case "VectorSelector": {
        const at = ev.atTime(x.at) ?? subAt;
        found = { at, offset: ev.duration(x.offset, true) + (x.at ? 0 : subOffset) };
        return;
      }
      case "MatrixSelector":
        walk(x.vector, subOffset, subAt);
        return;
      case "SubqueryExpr":
        walk(x.expr, subOffset + ev.duration(x.offset, true), subAt ?? ev.atTime(x.at));
        return;
      case "AggregateExpr":
        if (x.param) walk(x.param, subOffset, subAt);
        walk(x.expr, subOffset, subAt);
        return;
      case "BinaryExpr":
        walk(x.lhs, subOffset, subAt);
        walk(x.rhs, subOffset, subAt);
        return;
      case "Call":
        for (const a of x.args) walk(a, subOffset, subAt);
        return;
      case "ParenExpr":
      case "UnaryExpr":
      case "StepInvariantExpr":
        walk(x.expr, subOffset, subAt);
        return;
      default:
        return;
    }
  };
  walk(e, 0, undefined);
  return found ?? { at: undefined, offset: 0 };
}

function effectiveNameMatchers(matchers: Matcher[]): Matcher[] {
  if (matchers.some((m) => m.type === "=" || m.type === "=~")) return matchers;
  if (matchers.length > 0) return [newMatcher("=~", METRIC_NAME, ".+_info"), ...matchers];
  return [newMatcher("=", METRIC_NAME, TARGET_INFO)];
}

/** Info series whose identifying labels occur on the base series, valued by their sample's timestamp. */
function fetchInfoSeries(
  ev: Evaluator,
  base: StepSeries[],
  ignored: Set<StepSeries>,
  dataMatchers: Map<string, Matcher[]>,
  where: { at: number | undefined; offset: number },
): StepSeries[] {
  const idValues = new Map<string, Set<string>>();
  for (const s of base) {
    if (ignored.has(s)) continue;
    for (const name of IDENTIFYING) {
      const v = getLabel(s.labels, name);
      if (v === "") continue;
      let set = idValues.get(name);
      if (!set) {
        set = new Set();
        idValues.set(name, set);
      }
      set.add(v);
    }
  }
  if (idValues.size === 0) return [];
  const matchers: Matcher[] = [];
  for (const [name, values] of idValues) {
    matchers.push(newMatcher("=~", name, [...values].map(quoteMeta).join("|")));
  }
  const nameMatchers: Matcher[] = [];
  for (const [name, ms] of dataMatchers) {
    for (const m of ms) {
      if (name === METRIC_NAME) nameMatchers.push(m);
      else matchers.push(m);
    }
  }
  matchers.push(...effectiveNameMatchers(nameMatchers));
  const lookback = ev.env.opts.lookbackDelta;
  const out: StepSeries[] = [];
  for (const s of ev.env.selectMatchers(matchers)) {
    const first = (where.at ?? ev.start) - where.offset;
    const last = (where.at ?? ev.stepTime(ev.steps - 1)) - where.offset;
    const buf = s.samples(first - lookback + 1, last);
    const ts: number[] = [];
    const vs: number[] = [];
    let j = -1;
    for (let i = 0; i < ev.steps; i++) {
      const t = ev.stepTime(i);
      const ref = (where.at ?? t) - where.offset;
      while (j + 1 < buf.length && (buf.ts[j + 1] as number) <= ref) j++;
      if (j < 0 || (buf.ts[j] as number) <= ref - lookback) continue;
      const v = buf.vs[j] as number;
      if (isStaleNaN(v)) continue;
      ts.push(t);
      vs.push(buf.ts[j] as number);
    }
    if (ts.length > 0) out.push({ labels: s.labels, ts, vs, dropName: false });
  }
  return out;
}

function signature(infoName: string, labels: Labels): string {
  let s = `${infoName}\xff`;
  for (const name of IDENTIFYING) s += `${getLabel(labels, name)}\xff`;
  return s;
}

function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

function fmt(labels: Labels): string {
  return `{${labels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(", ")}}`;
}
