/** Builders shared by the function tests (not shipped code paths). */
import type { PosRange } from "../../ast.js";
import { Annotations } from "../../values.js";
import type { FunctionContext, RangeWindow } from "../types.js";

/** A window over `points` ([seconds, value]) for the range (startS, endS], as the evaluator builds it. */
export function windowOf(
  points: readonly (readonly [number, number])[],
  startS: number,
  endS: number,
  opts: { anchored?: boolean; smoothed?: boolean; metricName?: string; evalTimeS?: number } = {},
): RangeWindow {
  const ts = points.map(([t]) => t * 1000);
  const vs = points.map(([, v]) => v);
  let first = 0;
  while (first < ts.length && (ts[first] as number) <= startS * 1000) first++;
  let end = first;
  while (end < ts.length && (ts[end] as number) <= endS * 1000) end++;
  return {
    ts,
    vs,
    first,
    end,
    rangeStart: startS * 1000,
    rangeEnd: endS * 1000,
    anchored: opts.anchored ?? false,
    smoothed: opts.smoothed ?? false,
    metricName: opts.metricName ?? "",
    evalTime: opts.evalTimeS === undefined ? undefined : opts.evalTimeS * 1000,
  };
}

/** Regular samples: value `values[i]` at `(startS + i * stepS)` seconds. */
export function series(
  startS: number,
  stepS: number,
  values: readonly number[],
): [number, number][] {
  return values.map((v, i) => [startS + i * stepS, v]);
}

export interface TestContext extends FunctionContext {
  readonly annotations: Annotations;
}

/** A context over the query text `query`; `argPositions` as the evaluator would pass them. */
export function contextFor(
  query = "",
  opts: { argPositions?: PosRange[]; delayedNameRemoval?: boolean; lookbackDelta?: number } = {},
): TestContext {
  return {
    annotations: new Annotations(query),
    argPos: opts.argPositions?.[0] ?? { start: 0, end: 0 },
    argPositions: opts.argPositions,
    delayedNameRemoval: opts.delayedNameRemoval,
    lookbackDelta: opts.lookbackDelta ?? 5 * 60_000,
  };
}
