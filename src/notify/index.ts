/**
 * Notifications: Alertmanager matchers, routing, inhibition and time
 * intervals over alerts.
 */
export { inhibitingRule, inhibits, type Labeled } from "./inhibit.js";
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
