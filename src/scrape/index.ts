/** Scrape manager: static targets from scrape configs, relabeling, scrape loops. */

export { relabelRule, scrapeJob } from "./defaults.js";
export {
  type DroppedTarget,
  ScrapeManager,
  type ScrapeManagerOptions,
} from "./manager.js";
export {
  type MetadataEntry,
  type MetricMetadataQuery,
  metricMetadata,
  type TargetMetadata,
  type TargetMetadataQuery,
  type TargetMetadataRow,
  targetMetadata,
} from "./metadata.js";
export {
  type CompiledRelabel,
  compileRelabel,
  compileRelabelRegex,
  hashMod,
  isValidLabelName,
  relabel,
} from "./relabel.js";
export type { TargetStatus } from "./scrape-loop.js";
export type { RelabelConfig, ScrapeConfig } from "./types.js";
