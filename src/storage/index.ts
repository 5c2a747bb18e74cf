/** Storage interfaces shared by PromQL, ingestion, scrape and the API. */

export type { DbStats, Label, Labels } from "../tsdb/index.js";
export {
  compareLabels,
  getLabel,
  isStaleNaN,
  labelsEqual,
  labelsFromPairs,
  labelsFromRecord,
  labelsKey,
  labelsToRecord,
  labelsToString,
  METRIC_NAME,
  matcherToString,
  newMatcher,
  STALE_NAN,
} from "../tsdb/index.js";
export { LocalStorage } from "./local.js";
export type {
  Appendable,
  Appender,
  CommitResult,
  Matcher,
  MatchType,
  Querier,
  Queryable,
  RefusalReason,
  SampleBuffer,
  SelectHints,
  Storage,
  StoredSeries,
} from "./types.js";
