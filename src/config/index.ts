/**
 * The config repo: schemas of reddot.yaml, scrape/*.yaml, checks/*.yaml,
 * roles/*.yaml and hosts/*.yaml, the loader that
 * checks a whole directory and reports every issue with file:line:column.
 */
export {
  type AgentsConfig,
  type AgentTokenConfig,
  agentsSchema,
} from "./agent-schema.js";
export { formatByteSize, parseByteSize } from "./byte-size.js";
export { CHECK_NAME_RE, checkSchema, checksFileSchema } from "./checks-schema.js";
export { CONFIG_PARSE_OPTIONS } from "./fields.js";
export { heartbeatSchema, heartbeatsFileSchema } from "./heartbeats-schema.js";
export { checksForHost, type HostChecksConfig } from "./host-checks.js";
export { type HostConfig, type HostLifecycle, hostsFileSchema } from "./hosts-schema.js";
export {
  ConfigError,
  type ConfigIssue,
  formatConfigIssue,
  formatConfigIssues,
  isConfigError,
} from "./issues.js";
export {
  checksFileJsonSchema,
  committedJsonSchemas,
  hostsFileJsonSchema,
  renderJsonSchema,
  rolesFileJsonSchema,
  scrapeFileJsonSchema,
  serverConfigJsonSchema,
} from "./json-schema.js";
export { formatListenAddress, type ListenAddress, parseListenAddress } from "./listen-address.js";
export { type LoadedConfig, loadConfigDir, MAX_CONFIG_FILE_BYTES } from "./loader.js";
export {
  type MaintenanceWindow,
  maintenanceFileSchema,
  windowOpen,
} from "./maintenance-schema.js";
export {
  type AlertmanagerForwardConfig,
  type EmailConfig,
  type InhibitRule,
  type NotifyConfig,
  type NotifyRoute,
  notifyFileSchema,
  type PagerdutyConfig,
  parseNotifyConfig,
  type ReceiverConfig,
  type SlackConfig,
  UNSUPPORTED_INTEGRATIONS,
  unsupportedIntegrationMessage,
  type WebhookConfig,
} from "./notify-schema.js";
export type { QueryConfig } from "./query-schema.js";
export { type RoleConfig, rolesFileSchema } from "./roles-schema.js";
export {
  METRIC_NAME_RE,
  type RuleConfig,
  type RuleGroupConfig,
  ruleGroupSchema,
} from "./rules-schema.js";
export {
  type BuiltinRulesSettings,
  type RulesSettings,
  rulesSettingsSchema,
} from "./rules-settings-schema.js";
export { rulesSection } from "./sections/rules-section.js";
export type { ConfigDraft } from "./sections/section.js";
export {
  defaultServerConfig,
  type FsyncMode,
  type GlobalScrapeConfig,
  type IngestConfig,
  type LogConfig,
  type LogFormat,
  type LogLevel,
  type RemoteWriteIngestConfig,
  type ServerConfig,
  type StorageConfig,
  type StorageLimits,
  type WalConfig,
} from "./server-schema.js";
export { parseYamlFile, type YamlFile, zodIssuesToConfigIssues } from "./yaml-file.js";
