/** Scrape manager: static targets from scrape configs, relabeling, scrape loops. */
export { compileGoRegex } from "./go-regex.js";
export {
  type CompiledRelabel,
  compileRelabel,
  hashMod,
  isValidLabelName,
  relabel,
} from "./relabel.js";
export type { RelabelConfig, ScrapeConfig } from "./types.js";
