/**
 * The info Prometheus raises when histogram_quantile had to repair bucket
 * counts that decrease with `le`. Unlike other annotations it is merged, not
 * deduped: one line per query (and metric name) that spans the lowest to
 * highest repaired bucket, the largest dip, the number of repairs and the
 * first to last evaluation time (util/annotations
 * histogramQuantileForcedMonotonicityErr). The first occurrence's position stays.
 */
import type { PosRange } from "../../ast.js";
import { formatGoG, goQuote } from "../../go-format.js";
import type { Annotations } from "../../values.js";
import type { MonotonicityFix } from "./classic-buckets.js";

const BASE_TEXT =
  "input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)";

interface Merged {
  readonly pos: PosRange;
  minTs: number;
  maxTs: number;
  minBucket: number;
  maxBucket: number;
  maxDiff: number;
  occurrences: number;
}

/** Merge state per query, keyed by the query's annotation set. */
const mergedByQuery = new WeakMap<Annotations, Map<string, Merged>>();

/** RFC 3339 in UTC at whole seconds, as Go's time.Unix(ms/1000, 0).UTC().Format(time.RFC3339). */
function rfc3339(ms: number): string {
  return new Date(Math.trunc(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Records one repair (one group at one step) and rewrites the query's merged info. */
export function noteMonotonicityFix(
  annotations: Annotations,
  metricName: string,
  pos: PosRange,
  t: number,
  fix: MonotonicityFix,
): void {
  const base =
    metricName === "" ? BASE_TEXT : `${BASE_TEXT} for metric name ${goQuote(metricName)}`;
  let byText = mergedByQuery.get(annotations);
  if (byText === undefined) {
    byText = new Map();
    mergedByQuery.set(annotations, byText);
  }
  let m = byText.get(base);
  if (m === undefined) {
    m = { pos, minTs: t, maxTs: t, ...fix, occurrences: 1 };
    byText.set(base, m);
  } else {
    m.minTs = Math.min(m.minTs, t);
    m.maxTs = Math.max(m.maxTs, t);
    m.minBucket = Math.min(m.minBucket, fix.minBucket);
    m.maxBucket = Math.max(m.maxBucket, fix.maxBucket);
    m.maxDiff = Math.max(m.maxDiff, fix.maxDiff);
    m.occurrences++;
  }
  const text =
    `${base}, from buckets ${formatGoG(m.minBucket)} to ${formatGoG(m.maxBucket)}, ` +
    `with a max diff of ${formatGoG(m.maxDiff, 2)}, over ${m.occurrences} samples ` +
    `from ${rfc3339(m.minTs)} to ${rfc3339(m.maxTs)}`;
  annotations.setMergedInfo(base, text, m.pos);
}
