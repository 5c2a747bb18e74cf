/** Storage interfaces shared by PromQL, ingestion, scrape and the API. */
export type {
  Appendable,
  Appender,
  CommitResult,
  Matcher,
  MatchType,
  Queryable,
  Querier,
  RefusalReason,
  SampleBuffer,
  SelectHints,
  Storage,
  StoredSeries,
} from "./types.js";
export type { Label, Labels } from "../tsdb/labels.js";
export {
  METRIC_NAME,
  compareLabels,
  getLabel,
  labelsEqual,
  labelsFromPairs,
  labelsFromRecord,
  labelsKey,
  labelsToRecord,
  labelsToString,
} from "../tsdb/labels.js";
export { STALE_NAN, isStaleNaN } from "../tsdb/sample.js";
export { LocalStorage } from "./local.js";
export { newMatcher, matcherToString } from "../tsdb/index.js";
