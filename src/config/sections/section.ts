import type { CheckSpec } from "../../agent/index.js";
import type { HeartbeatJob } from "../../heartbeats/index.js";
import type { ScrapeConfig } from "../../scrape/index.js";
import type { HostConfig } from "../hosts-schema.js";
import type { ConfigIssue } from "../issues.js";
import type { MaintenanceWindow } from "../maintenance-schema.js";
import type { NotifyConfig } from "../notify-schema.js";
import type { RoleConfig } from "../roles-schema.js";
import type { RuleGroupConfig } from "../rules-schema.js";
import type { ServerConfig } from "../server-schema.js";
import type { YamlFile } from "../yaml-file.js";

/**
 * What the sections build together: one field per section. A section that
 * finds problems reports them and leaves its field at a safe value (defaults,
 * or what parsed) so later sections can still be checked.
 */
export interface ConfigDraft {
  server: ServerConfig;
  scrape: ScrapeConfig[];
  /** Valid checks of checks/*.yaml, in file then list order. */
  checks: CheckSpec[];
  roles: RoleConfig[];
  hosts: HostConfig[];
  /** notify.yaml, when present and valid. */
  notify?: NotifyConfig;
  /** Valid windows of maintenance/*.yaml, in file then list order. */
  maintenance: MaintenanceWindow[];
  /** Valid jobs of heartbeats/*.yaml, in file then list order. */
  heartbeats: HeartbeatJob[];
  /** Valid rule groups of rules/*.yaml, in file then list order. */
  rules: RuleGroupConfig[];
  /**
   * Every check and role name defined, valid or not, so a reference to one
   * whose definition has problems is not also reported as unknown.
   */
  defined: { checks: Set<string>; roles: Set<string> };
  /** reddot.yaml, when present, for issues about its keys found by later sections. */
  serverFile?: YamlFile;
}

/** Given to each section's `load`. */
export interface SectionContext {
  /** Sections earlier in the registry have filled their fields already. */
  readonly draft: ConfigDraft;
  /** Records a problem; loading goes on so every problem is found in one pass. */
  report(issue: ConfigIssue): void;
}

/**
 * One part of the config repo: a top-level file (`reddot.yaml`) or a directory
 * of YAML files (`scrape/`). Adding a part of the repo = one new section file
 * plus one line in the registry.
 */
export interface ConfigSection {
  /** Stable id, e.g. `server`, `scrape`. */
  readonly id: string;
  /** Name of the top-level entry it owns, without a trailing slash. */
  readonly entry: string;
  /** `file`: the entry is one YAML file; `dir`: a directory of `*.yaml` / `*.yml` files. */
  readonly kind: "file" | "dir";
  /** Checks and converts the section's files (those YAML could parse), in name order. */
  load(files: readonly YamlFile[], ctx: SectionContext): void;
}
