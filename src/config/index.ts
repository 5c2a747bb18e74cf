/**
 * The config repo: schemas of reddot.yaml and scrape/*.yaml, the loader that
 * checks a whole directory and reports every issue with file:line:column.
 */
export { formatByteSize, parseByteSize } from "./byte-size.js";
export {
  ConfigError,
  type ConfigIssue,
  formatConfigIssue,
  formatConfigIssues,
  isConfigError,
} from "./issues.js";
export {
  committedJsonSchemas,
  renderJsonSchema,
  scrapeFileJsonSchema,
  serverConfigJsonSchema,
} from "./json-schema.js";
export { formatListenAddress, type ListenAddress, parseListenAddress } from "./listen-address.js";
export { type LoadedConfig, loadConfigDir, MAX_CONFIG_FILE_BYTES } from "./loader.js";
export type { QueryConfig } from "./query-schema.js";
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
