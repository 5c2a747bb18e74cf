import type { Appender, Labels } from "../../storage/index.js";
import type { DecodedWriteRequest } from "./types.js";

/** Passed with a known ref: the store does not need labels for a series it holds. */
const NO_LABELS: Labels = Object.freeze([]);

/**
 * Appends every sample of a decoded request, in wire order, through
 * `appender.append(ref, labels, t, v)`. Does not commit: the caller commits
 * (or rolls back) the whole request.
 *
 * `refCache` maps a series key (`req.keys[i]`) to the ref the store returned
 * for it; known series are appended by ref with empty labels, so their labels
 * are never decoded (Fast path). When the store answers 0 to such a call, the
 * sample is appended again with the decoded labels and the cache is updated.
 *
 * Contract this relies on: an appender given a ref it no longer holds (e.g.
 * the series was garbage-collected from the head) together with empty labels
 * must return 0 without buffering the sample or counting a refusal; it must
 * never resolve or create a series from the empty label set.
 * The caller owns the cache's lifetime and size.
 *
 * Returns the number of samples appended.
 */
export function appendWriteRequest(
  appender: Appender,
  req: DecodedWriteRequest,
  refCache: Map<string, number>,
): number {
  const { keys, sampleSeries, ts, vs, sampleCount } = req;
  // Refs resolved for this request, per series; 0 = not looked up or unknown.
  const refs = new Float64Array(req.seriesCount);
  const looked = new Uint8Array(req.seriesCount);
  for (let i = 0; i < sampleCount; i++) {
    const s = sampleSeries[i];
    let ref = refs[s];
    if (looked[s] === 0) {
      looked[s] = 1;
      ref = refCache.get(keys[s]) ?? 0;
    }
    if (ref !== 0) {
      const got = appender.append(ref, NO_LABELS, ts[i], vs[i]);
      if (got !== 0) {
        refs[s] = got;
        if (got !== ref) refCache.set(keys[s], got);
        continue;
      }
    }
    ref = appender.append(0, req.labels(s), ts[i], vs[i]);
    refs[s] = ref;
    if (ref !== 0) refCache.set(keys[s], ref);
    else refCache.delete(keys[s]);
  }
  return sampleCount;
}
