/** Storage interfaces shared by PromQL, ingestion, scrape and the API. */

export type { DbStats } from "../tsdb/index.js";
export { matcherToString, newMatcher } from "../tsdb/index.js";
export type { Label, Labels } from "../tsdb/labels.js";
export {
  compareLabels,
  getLabel,
  labelsEqual,
  labelsFromPairs,
  labelsFromRecord,
  labelsKey,
  labelsToRecord,
  labelsToString,
  METRIC_NAME,
} from "../tsdb/labels.js";
export { isStaleNaN, STALE_NAN } from "../tsdb/sample.js";
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
