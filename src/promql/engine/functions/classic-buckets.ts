/**
 * Quantiles and fractions over classic histogram buckets (cumulative counts
 * per upper bound `le`), as Prometheus's promql/quantile.go: BucketQuantile
 * with its monotonicity repair, and BucketFraction.
 *
 * Both work in place on the group's bucket array, as Prometheus does: they
 * sort it, merge equal bounds into its prefix and raise dipping counts. That
 * is observable (histogram_quantiles reports a repair for its first quantile
 * only), so it is kept.
 */

import { almostEqual } from "../math.js";

export interface Bucket {
  upperBound: number;
  count: number;
}

/** Counts closer than this (relative) are treated as equal, hiding float noise from rate(). */
const SMALL_DELTA_TOLERANCE = 1e-12;

function sortByBound(buckets: Bucket[]): void {
  buckets.sort((a, b) => (a.upperBound < b.upperBound ? -1 : a.upperBound > b.upperBound ? 1 : 0));
}

/** Merges buckets with equal bounds into the array's prefix; returns the prefix length. */
function coalesce(buckets: Bucket[]): number {
  let last = { ...(buckets[0] as Bucket) };
  let i = 0;
  for (let k = 1; k < buckets.length; k++) {
    const b = buckets[k] as Bucket;
    if (b.upperBound === last.upperBound) {
      last.count += b.count;
    } else {
      buckets[i] = last;
      last = { ...b };
      i++;
    }
  }
  buckets[i] = last;
  return i + 1;
}

/** What the monotonicity repair changed, for the info annotation. */
export interface MonotonicityFix {
  readonly minBucket: number;
  readonly maxBucket: number;
  readonly maxDiff: number;
}

/**
 * Makes counts non-decreasing over the first `n` buckets: a count below its
 * predecessor is raised to it (recording where and by how much), and a count
 * almost equal to its predecessor is set equal to it.
 */
function ensureMonotonic(buckets: Bucket[], n: number): MonotonicityFix | undefined {
  let forced = false;
  let minBucket = Number.POSITIVE_INFINITY;
  let maxBucket = Number.NEGATIVE_INFINITY;
  let maxDiff = 0;
  let prev = (buckets[0] as Bucket).count;
  for (let i = 1; i < n; i++) {
    const b = buckets[i] as Bucket;
    const curr = b.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      b.count = prev;
      continue;
    }
    if (curr < prev) {
      b.count = prev;
      forced = true;
      if (b.upperBound < minBucket) minBucket = b.upperBound;
      if (b.upperBound > maxBucket) maxBucket = b.upperBound;
      if (prev - curr > maxDiff) maxDiff = prev - curr;
      continue;
    }
    prev = curr;
  }
  return forced ? { minBucket, maxBucket, maxDiff } : undefined;
}

export interface BucketQuantileResult {
  readonly value: number;
  readonly fix: MonotonicityFix | undefined;
}

/**
 * The q-quantile of a classic histogram, interpolating linearly inside the
 * bucket the rank falls in. NaN without a `+Inf` bucket, with fewer than two
 * buckets or no observations; the lowest bucket starts at 0 unless its bound
 * is not positive; a rank in the `+Inf` bucket gives the highest finite bound.
 */
export function bucketQuantile(q: number, buckets: Bucket[]): BucketQuantileResult {
  if (Number.isNaN(q)) return { value: Number.NaN, fix: undefined };
  if (q < 0) return { value: Number.NEGATIVE_INFINITY, fix: undefined };
  if (q > 1) return { value: Number.POSITIVE_INFINITY, fix: undefined };
  sortByBound(buckets);
  if ((buckets[buckets.length - 1] as Bucket).upperBound !== Number.POSITIVE_INFINITY) {
    return { value: Number.NaN, fix: undefined };
  }
  const n = coalesce(buckets);
  const fix = ensureMonotonic(buckets, n);
  if (n < 2) return { value: Number.NaN, fix };
  const observations = (buckets[n - 1] as Bucket).count;
  if (observations === 0) return { value: Number.NaN, fix };
  let rank = q * observations;
  let b = 0;
  while (b < n - 1 && !((buckets[b] as Bucket).count >= rank)) b++;
  if (b === n - 1) return { value: (buckets[n - 2] as Bucket).upperBound, fix };
  const bucket = buckets[b] as Bucket;
  if (b === 0 && bucket.upperBound <= 0) return { value: bucket.upperBound, fix };
  let start = 0;
  let count = bucket.count;
  if (b > 0) {
    const below = buckets[b - 1] as Bucket;
    start = below.upperBound;
    count -= below.count;
    rank -= below.count;
  }
  return { value: start + (bucket.upperBound - start) * (rank / count), fix };
}

/**
 * Estimated share of observations between `lower` and `upper`, interpolating
 * linearly inside buckets. The lowest bucket starts at 0, or at -Inf when its
 * bound is not positive (then it contributes all or nothing).
 */
export function bucketFraction(lower: number, upper: number, buckets: Bucket[]): number {
  sortByBound(buckets);
  if ((buckets[buckets.length - 1] as Bucket).upperBound !== Number.POSITIVE_INFINITY) {
    return Number.NaN;
  }
  const n = coalesce(buckets);
  const count = (buckets[n - 1] as Bucket).count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return Number.NaN;
  if (lower >= upper) return 0;

  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  let lowerBound = (buckets[0] as Bucket).upperBound <= 0 ? Number.NEGATIVE_INFINITY : 0;
  for (let i = 0; i < n; i++) {
    const b = buckets[i] as Bucket;
    if (i > 0) lowerBound = (buckets[i - 1] as Bucket).upperBound;
    const upperBound = b.upperBound;
    const interpolate = (v: number): number =>
      lowerBound === Number.NEGATIVE_INFINITY
        ? b.count
        : rank + ((b.count - rank) * (v - lowerBound)) / (upperBound - lowerBound);
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interpolate(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}
