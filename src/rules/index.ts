/** Rule groups: recording and alerting rules evaluated on an interval, alert state, notifications hook. */

export { AlertingRule, RESOLVED_RETENTION_MS } from "./alerting.js";
export {
  BUILTIN_FILE,
  type BuiltinCheckInfo,
  type BuiltinRulesContext,
  builtinRuleGroups,
} from "./builtin/index.js";
export { type RuleCounters, type RuleEntry, RuleGroup, ruleKey } from "./group.js";
export {
  DEFAULT_EVALUATION_INTERVAL_MS,
  DEFAULT_RESEND_DELAY_MS,
  groupOffset,
  nextEvalTimestamp,
  RuleManager,
  type RuleManagerOptions,
} from "./manager.js";
export { RecordingRule, RuleEvalError } from "./recording.js";
export { MemoryAlertStateStore } from "./state-memory.js";
export { MetaAlertStateStore } from "./state-store.js";
export type {
  Alert,
  AlertState,
  AlertStateChange,
  AlertStateStore,
  OutgoingAlert,
  RuleHealth,
  StoredAlertState,
  TemplateData,
  TemplateExpander,
} from "./types.js";
export {
  formatRuleTestReport,
  type RuleTestReport,
  runRuleTestFile,
} from "./unittest/index.js";
