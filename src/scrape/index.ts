/** Scrape manager: static targets from scrape configs, relabeling, scrape loops. */
export { compileGoRegex } from "./go-regex.js";
export {
  type DroppedTarget,
  ScrapeManager,
  type ScrapeManagerOptions,
} from "./manager.js";
export {
  type CompiledRelabel,
  compileRelabel,
  hashMod,
  isValidLabelName,
  relabel,
} from "./relabel.js";
export type { TargetStatus } from "./scrape-loop.js";
export type { RelabelConfig, ScrapeConfig } from "./types.js";
