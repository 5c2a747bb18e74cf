/** The embedded time-series store: the public surface for storage/. */

export type { DbOptions, DbStats } from "./db.js";
export { compactionRanges, Db } from "./db.js";
export type { SelectOptions, SeriesView } from "./db-querier.js";
export { DbQuerier, mergeSamples } from "./db-querier.js";
export type { HeadLimits } from "./head/head.js";
export { matcherToString, newMatcher } from "./index/index.js";
export * from "./labels.js";
export { isStaleNaN, STALE_NAN } from "./sample.js";
export type { ChunkMeta, Matcher, MatchType, SampleBuffer } from "./types.js";
