/**
 * Merging runs of samples that overlap in time: used when a block holds
 * overlapping chunks of one series and when compaction merges overlapping
 * blocks. Pure, on caller-owned typed arrays.
 */

/**
 * Merges `k` runs of samples into `outTs`/`outVs` and returns the number of
 * samples written. Run `r` is `[starts[r], starts[r + 1])` of `ts`/`vs`, with
 * strictly increasing timestamps. On equal timestamps the run with the higher
 * index wins, so callers order runs by priority, lowest first. The output is
 * strictly increasing; capacity `starts[k]` always suffices.
 *
 * Cost O(n * k), k being small (the overlapping chunks of one series).
 */
export function mergeRuns(
  ts: Float64Array,
  vs: Float64Array,
  starts: readonly number[],
  outTs: Float64Array,
  outVs: Float64Array,
): number {
  const k = starts.length - 1;
  const pos = starts.slice(0, k);
  let n = 0;
  for (;;) {
    let min = Number.POSITIVE_INFINITY;
    let winner = -1;
    for (let r = 0; r < k; r++) {
      if (pos[r] >= starts[r + 1]) continue;
      const t = ts[pos[r]];
      // `<=`: a later run with the same timestamp takes over as winner.
      if (t <= min) {
        if (t < min) min = t;
        winner = r;
      }
    }
    if (winner < 0) return n;
    outTs[n] = min;
    // Copy through the typed arrays, never a plain JS array, so NaN payloads
    // (the stale marker) keep their bits.
    outVs[n] = vs[pos[winner]];
    n++;
    for (let r = 0; r < k; r++) if (pos[r] < starts[r + 1] && ts[pos[r]] === min) pos[r]++;
  }
}

/**
 * True when the runs, taken in order, already form one strictly increasing
 * sequence (the common case: non-overlapping chunks in time order).
 */
export function runsAreSorted(ts: Float64Array, starts: readonly number[]): boolean {
  let last = Number.NEGATIVE_INFINITY;
  for (let r = 0; r + 1 < starts.length; r++) {
    if (starts[r] === starts[r + 1]) continue;
    if (ts[starts[r]] <= last) return false;
    last = ts[starts[r + 1] - 1];
  }
  return true;
}
