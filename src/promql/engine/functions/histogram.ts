/**
 * histogram_quantile, histogram_quantiles and histogram_fraction over classic
 * histograms: the input's `le`-labelled bucket series are grouped by their
 * other labels (`__name__` included, as Prometheus) and each group yields one
 * sample. Native histograms are not stored, so the native-only functions
 * (histogram_count, _sum, _avg, _stddev, _stdvar) have no input to act on.
 */
import type { Labels } from "../../../storage/index.js";
import { getLabel, labelsKey, METRIC_NAME } from "../../../storage/index.js";
import type { PosRange } from "../../ast.js";
import { formatGoG, formatOpenMetricsFloat, goQuote } from "../../go-format.js";
import type { VectorSample } from "../../values.js";
import type { FunctionContext, VectorFunction } from "../types.js";
import { type Bucket, bucketFraction, bucketQuantile } from "./classic-buckets.js";
import { withLabel, withoutLabel } from "./label-set.js";
import { noteMonotonicityFix } from "./monotonicity-info.js";

const BUCKET_LABEL = "le";

interface BucketGroup {
  readonly labels: Labels;
  readonly buckets: Bucket[];
}

const GO_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const GO_SPECIAL = /^(?:[+-]?(?:inf|infinity)|nan)$/i;

/**
 * Go's strconv.ParseFloat for `le` values: decimal (and `Inf`, `NaN` in any
 * case); out-of-range values such as 1e400 are errors there, so undefined
 * here. Hexadecimal floats are left out (no exporter writes them).
 */
export function parseBucketBound(s: string): number | undefined {
  if (GO_SPECIAL.test(s)) {
    if (/nan/i.test(s)) return Number.NaN;
    return s.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (!GO_FLOAT.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

function positionOf(ctx: FunctionContext, argIndex: number): PosRange {
  return ctx.argPositions?.[argIndex] ?? ctx.argPos;
}

/**
 * Groups bucket samples; a sample without a parsable `le` is skipped with
 * Prometheus's warning (naming the metric only under delayed name removal,
 * when the name is still there to name).
 */
function groupBuckets(
  input: readonly VectorSample[],
  ctx: FunctionContext,
  vectorArg: number,
): BucketGroup[] {
  const groups = new Map<string, BucketGroup>();
  for (const s of input) {
    const le = getLabel(s.labels, BUCKET_LABEL);
    const bound = parseBucketBound(le);
    if (bound === undefined) {
      const name = ctx.delayedNameRemoval ? getLabel(s.labels, METRIC_NAME) : "";
      const forName = name === "" ? "" : ` for metric name ${goQuote(name)}`;
      ctx.annotations.warn(
        `bucket label "le" is missing or has a malformed value of ${goQuote(le)}${forName}`,
        positionOf(ctx, vectorArg),
      );
      continue;
    }
    const labels = withoutLabel(s.labels, BUCKET_LABEL);
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (g === undefined) {
      g = { labels, buckets: [] };
      groups.set(key, g);
    }
    g.buckets.push({ upperBound: bound, count: s.v });
  }
  return [...groups.values()];
}

function warnIfBadQuantile(q: number, ctx: FunctionContext, argIndex: number): void {
  if (Number.isNaN(q) || q < 0 || q > 1) {
    ctx.annotations.warn(
      `quantile value should be between 0 and 1, got ${formatGoG(q)}`,
      positionOf(ctx, argIndex),
    );
  }
}

function quantileOfGroup(
  q: number,
  g: BucketGroup,
  ctx: FunctionContext,
  vectorArg: number,
  t: number,
): number {
  const r = bucketQuantile(q, g.buckets);
  if (r.fix !== undefined) {
    const name = ctx.delayedNameRemoval ? getLabel(g.labels, METRIC_NAME) : "";
    noteMonotonicityFix(ctx.annotations, name, positionOf(ctx, vectorArg), t, r.fix);
  }
  return r.value;
}

/** histogram_quantile(q, buckets). */
export const histogramQuantile: VectorFunction = (args, ctx) => {
  const q = args.scalars[0] as number;
  warnIfBadQuantile(q, ctx, 0);
  const out: VectorSample[] = [];
  for (const g of groupBuckets(args.vectors[0] ?? [], ctx, 1)) {
    const v = quantileOfGroup(q, g, ctx, 1, args.t);
    out.push({ labels: g.labels, t: args.t, v, dropName: true });
  }
  return out;
};

/**
 * histogram_quantiles(buckets, "label", q0, q1, ...) (experimental): one
 * sample per quantile and group, the quantile written into `label`.
 */
export const histogramQuantiles: VectorFunction = (args, ctx) => {
  const label = args.strings[0] as string;
  const qs = args.scalars;
  qs.forEach((q, i) => {
    warnIfBadQuantile(q, ctx, i + 2);
  });
  const groups = groupBuckets(args.vectors[0] ?? [], ctx, 0);
  const out: VectorSample[] = [];
  for (const q of qs) {
    const qText = formatOpenMetricsFloat(q);
    for (const g of groups) {
      const v = quantileOfGroup(q, g, ctx, 0, args.t);
      out.push({ labels: withLabel(g.labels, label, qText), t: args.t, v, dropName: true });
    }
  }
  return out;
};

/** histogram_fraction(lower, upper, buckets). */
export const histogramFraction: VectorFunction = (args, ctx) => {
  const lower = args.scalars[0] as number;
  const upper = args.scalars[1] as number;
  const out: VectorSample[] = [];
  for (const g of groupBuckets(args.vectors[0] ?? [], ctx, 2)) {
    out.push({
      labels: g.labels,
      t: args.t,
      v: bucketFraction(lower, upper, g.buckets),
      dropName: true,
    });
  }
  return out;
};

/** The native-histogram-only functions: float samples are ignored, so the result is empty. */
export const nativeHistogramOnly: VectorFunction = () => [];
