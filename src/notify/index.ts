/**
 * Notifications: Alertmanager matchers, routing, inhibition and time
 * intervals over alerts.
 */

export { AggregationGroup } from "./aggregation-group.js";
export { AlertStore, isResolved, type StoredAlert } from "./alert-store.js";
export {
  Dispatcher,
  FAILING_ALERTNAME,
  type NotifyLogger,
  type SendResult,
} from "./dispatcher.js";
export { inhibitingRule, inhibits, type Labeled } from "./inhibit.js";
export { maintenanceMutedBy } from "./maintenance.js";
export {
  legacyMatchers,
  MAX_MATCHER_LENGTH,
  type Matcher,
  type MatchType,
  matchersToString,
  matcherToString,
  matchesLabels,
  matchesValue,
  newMatcher,
  parseMatcherList,
  parseMatchers,
} from "./matchers.js";
export { NFLOG_RETENTION_MS, type NflogEntry, NotificationLog } from "./nflog.js";
export {
  type AlertWithStatus,
  invalidAlertReason,
  Notifier,
  type NotifierOptions,
  type NotifierStats,
  type NotifierTimers,
  type SilenceLookup,
} from "./notifier.js";
export {
  type AttemptInfo,
  needsUpdate,
  type PipelineIntegration,
  type SendWithRetry,
} from "./pipeline.js";
export {
  type AttemptRecord,
  type BuildDeps,
  buildIntegrations,
  type Integration,
  type IntegrationKind,
  type NotifyContext,
  NotifyError,
  sendWithRetry,
} from "./receivers/index.js";
export {
  buildRouteTree,
  groupKey,
  groupLabels,
  labelSetString,
  matchRoutes,
  type RouteNode,
  walkRoutes,
} from "./route.js";
export {
  MAX_SILENCE_AUTHOR,
  MAX_SILENCE_COMMENT,
  MAX_SILENCE_MATCHERS,
  MAX_SILENCES,
  SILENCE_RETENTION_MS,
  type Silence,
  type SilenceFilter,
  type SilenceInput,
  type SilenceState,
  SilenceStore,
  silenceState,
  validateSilence,
} from "./silences.js";
export {
  type InclusiveRange,
  intervalContains,
  isKnownLocation,
  type NamedTimeInterval,
  parseClock,
  parseDayOfMonthRange,
  parseMonthRange,
  parseWeekdayRange,
  parseYearRange,
  specContains,
  type TimeIntervalSpec,
  type TimeRange,
} from "./time-intervals.js";
export { type Alert, fingerprint } from "./types.js";
