/** The embedded time-series store: the public surface for storage/. */
export { Db, compactionRanges } from "./db.js";
export type { DbOptions, DbStats } from "./db.js";
export { DbQuerier, mergeSamples } from "./db-querier.js";
export type { SeriesView, SelectOptions } from "./db-querier.js";
export type { HeadLimits } from "./head/head.js";
export { newMatcher, matcherToString } from "./index/index.js";
export type { Matcher, MatchType, SampleBuffer, ChunkMeta } from "./types.js";
export * from "./labels.js";
export { STALE_NAN, isStaleNaN } from "./sample.js";
