import { open, readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { CheckSpec } from "../agent/index.js";
import type { HeartbeatJob } from "../heartbeats/index.js";
import type { ScrapeConfig } from "../scrape/index.js";
import type { HostConfig } from "./hosts-schema.js";
import { ConfigError, type ConfigIssue } from "./issues.js";
import type { MaintenanceWindow } from "./maintenance-schema.js";
import type { NotifyConfig } from "./notify-schema.js";
import type { RoleConfig } from "./roles-schema.js";
import type { RuleGroupConfig } from "./rules-schema.js";
import { CONFIG_SECTIONS, checkSectionRegistry } from "./sections/registry.js";
import type { ConfigDraft, ConfigSection } from "./sections/section.js";
import { defaultServerConfig, type ServerConfig } from "./server-schema.js";
import { unknownNameHint } from "./suggest.js";
import { parseYamlFile, type YamlFile } from "./yaml-file.js";

/** Largest config file read: a config repo is text written by people, never this big. */
export const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024;

/** A config repo, loaded and checked. */
export interface LoadedConfig {
  /** Absolute path of the config directory. */
  readonly dir: string;
  readonly server: ServerConfig;
  /** Scrape jobs from `scrape/*.yaml`, in file then list order. */
  readonly scrape: ScrapeConfig[];
  /** Checks from `checks/*.yaml`, in file then list order (durations in ms). */
  readonly checks: readonly CheckSpec[];
  /** Roles from `roles/*.yaml`, in file then list order. */
  readonly roles: readonly RoleConfig[];
  /** Declared hosts from `hosts/*.yaml`, in file then list order. */
  readonly hosts: readonly HostConfig[];
  /** Rule groups from `rules/*.yaml`, in file then list order. */
  readonly rules: readonly RuleGroupConfig[];
  /** notify.yaml; undefined when there is none (alerts are then only logged). */
  readonly notify?: NotifyConfig;
  /** Maintenance windows from `maintenance/*.yaml`, in file then list order. */
  readonly maintenance: readonly MaintenanceWindow[];
  /** Heartbeat jobs from `heartbeats/*.yaml`, in file then list order. */
  readonly heartbeats: readonly HeartbeatJob[];
  /** Absolute path of every file read, for reload checks. */
  readonly files: string[];
}

/**
 * Loads the config repo at `dir`: `reddot.yaml` (optional: defaults) and the
 * sections in CONFIG_SECTIONS. Checks everything before failing, then throws
 * one ConfigError (RD_CONFIG_INVALID) listing every issue in every file.
 */
export async function loadConfigDir(dir: string): Promise<LoadedConfig> {
  checkSectionRegistry(CONFIG_SECTIONS);
  const root = resolve(dir);
  const issues: ConfigIssue[] = [];
  const report = (issue: ConfigIssue) => issues.push(issue);
  const rootProblem = await directoryProblem(root);
  if (rootProblem !== undefined) {
    throw new ConfigError([{ file: root, line: 0, column: 0, key: "", message: rootProblem }]);
  }

  const present = await topLevelEntries(root, report);
  const files: string[] = [];
  const draft: ConfigDraft = {
    server: defaultServerConfig(),
    scrape: [],
    checks: [],
    roles: [],
    hosts: [],
    rules: [],
    maintenance: [],
    heartbeats: [],
    defined: { checks: new Set(), roles: new Set() },
  };
  for (const section of CONFIG_SECTIONS) {
    const kind = present.get(section.entry);
    if (kind === undefined) continue;
    if (kind !== section.kind) {
      const want = section.kind === "dir" ? "a directory" : "a file";
      report(entryIssue(section.entry, `${section.entry} must be ${want}`));
      continue;
    }
    const names =
      section.kind === "file" ? [section.entry] : await sectionFiles(root, section, report);
    const yamls: YamlFile[] = [];
    for (const name of names) {
      const text = await readBounded(root, name, report);
      if (text === undefined) continue;
      files.push(join(root, name));
      const { yaml, issues: yamlIssues } = parseYamlFile(name, text);
      yamlIssues.forEach(report);
      if (yaml.usable) yamls.push(yaml);
    }
    section.load(yamls, { draft, report });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const { server, scrape, checks, roles, hosts, rules, notify, maintenance, heartbeats } = draft;
  return {
    dir: root,
    server,
    scrape,
    checks,
    roles,
    hosts,
    rules,
    ...(notify === undefined ? {} : { notify }),
    maintenance,
    heartbeats,
    files,
  };
}

function entryIssue(file: string, message: string, hint?: string): ConfigIssue {
  const issue = { file, line: 0, column: 0, key: "", message };
  return hint === undefined ? issue : { ...issue, hint };
}

/** Entries reddot never reads: hidden ones (`.git`, `.gitignore`) and Markdown notes. */
function ignored(name: string): boolean {
  return name.startsWith(".") || name.toLowerCase().endsWith(".md");
}

/** The top-level entries sections own, by kind; unknown entries are reported. */
async function topLevelEntries(
  root: string,
  report: (issue: ConfigIssue) => void,
): Promise<Map<string, "file" | "dir">> {
  const known = CONFIG_SECTIONS.map((s) => (s.kind === "dir" ? `${s.entry}/` : s.entry));
  const present = new Map<string, "file" | "dir">();
  for (const name of (await readdir(root)).sort()) {
    if (ignored(name)) continue;
    const kind = await entryKind(join(root, name));
    if (CONFIG_SECTIONS.some((s) => s.entry === name) && kind !== undefined) {
      present.set(name, kind);
      continue;
    }
    const shown = kind === "dir" ? `${name}/` : name;
    report(
      entryIssue(
        shown,
        `unknown entry ${shown} in the config directory`,
        unknownNameHint(shown, known),
      ),
    );
  }
  return present;
}

/** The YAML files of a directory section, relative to root, sorted; anything else is reported. */
async function sectionFiles(
  root: string,
  section: ConfigSection,
  report: (issue: ConfigIssue) => void,
): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(join(root, section.entry))).sort()) {
    if (name.startsWith(".")) continue;
    const rel = `${section.entry}/${name}`;
    const kind = await entryKind(join(root, rel));
    if (kind === undefined) {
      report(entryIssue(rel, "not a regular file (a dangling symlink?)"));
    } else if (kind === "dir") {
      report(
        entryIssue(
          `${rel}/`,
          `subdirectories of ${section.entry}/ are not read`,
          `move its files up into ${section.entry}/`,
        ),
      );
    } else if (!/\.ya?ml$/.test(name)) {
      report(
        entryIssue(
          rel,
          `${section.entry}/ holds only .yaml files`,
          "rename it to .yaml, or move it out",
        ),
      );
    } else {
      out.push(rel);
    }
  }
  return out;
}

/** File or directory (following symlinks, as a checkout may hold them); undefined for anything else. */
async function entryKind(path: string): Promise<"file" | "dir" | undefined> {
  let s: Awaited<ReturnType<typeof stat>>;
  try {
    s = await stat(path);
  } catch (e) {
    // A dangling symlink: reported by the caller as an entry it cannot use.
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  if (s.isFile()) return "file";
  if (s.isDirectory()) return "dir";
  return undefined;
}

async function directoryProblem(root: string): Promise<string | undefined> {
  try {
    const s = await stat(root);
    return s.isDirectory() ? undefined : "not a directory";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "config directory does not exist";
    if (code === "EACCES") return "config directory is not readable";
    throw e;
  }
}

/**
 * Reads one file as UTF-8 text, refusing files over MAX_CONFIG_FILE_BYTES. The
 * size is checked on the open handle and again on what was read, in case the
 * file grew in between.
 */
async function readBounded(
  root: string,
  rel: string,
  report: (issue: ConfigIssue) => void,
): Promise<string | undefined> {
  const tooLarge = (size: number) =>
    report(
      entryIssue(
        rel,
        `file is ${size} bytes; config files may be at most ${MAX_CONFIG_FILE_BYTES} bytes (4 MiB)`,
        "split it into several files",
      ),
    );
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(join(root, rel), "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    report(entryIssue(rel, `cannot read the file (${code})`));
    return undefined;
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_CONFIG_FILE_BYTES) {
      tooLarge(size);
      return undefined;
    }
    const buf = await handle.readFile();
    if (buf.length > MAX_CONFIG_FILE_BYTES) {
      tooLarge(buf.length);
      return undefined;
    }
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(buf);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      report(entryIssue(rel, "file is not valid UTF-8 text"));
      return undefined;
    }
  } finally {
    await handle.close();
  }
}
