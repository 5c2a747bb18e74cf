import { ReddotError } from "../lib/errors.js";

/**
 * One problem found in the config repo. `line` and `column` are 1-based; both
 * are 0 when the problem is about a whole file or directory (too large, unknown
 * entry), and `key` is "" when no key is involved.
 */
export interface ConfigIssue {
  /** Path relative to the config directory, with `/` separators (`scrape/node.yaml`). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path to the offending key: `storage.wal.fsync`, `scrape_configs[0].targets[1]`. */
  readonly key: string;
  readonly message: string;
  /** How to fix it, when we can tell (`did you mean "retention"?`). */
  readonly hint?: string;
}

/** A path inside a YAML document, as zod reports it: map keys and sequence indexes. */
export type KeyPath = readonly (string | number)[];

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Renders a key path as `a.b[0].c`; keys that are not identifiers are quoted: `labels["a b"]`. */
export function formatKeyPath(path: KeyPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENT_RE.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Orders issues by file, then position, so output is stable whatever the load order. */
export function sortConfigIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}

/** One issue as one line: `file:line:col: key: message (hint: ...)`; absent parts are left out. */
export function formatConfigIssue(issue: ConfigIssue): string {
  let where = issue.file;
  if (issue.line > 0) where += `:${issue.line}:${issue.column}`;
  const key = issue.key === "" ? "" : `${issue.key}: `;
  const hint = issue.hint === undefined ? "" : ` (hint: ${issue.hint})`;
  return `${where}: ${key}${issue.message}${hint}`;
}

/** Formats issues one per line, in the order given. */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  return issues.map(formatConfigIssue).join("\n");
}

/**
 * The config repo is invalid. Carries every issue found (across all files, not
 * only the first) so `reddot validate` and a failed apply can show them all.
 */
export class ConfigError extends ReddotError {
  /** Every issue, sorted by file and position. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const sorted = sortConfigIssues(issues);
    const noun = sorted.length === 1 ? "issue" : "issues";
    super(
      "RD_CONFIG_INVALID",
      400,
      `invalid config (${sorted.length} ${noun}):\n${formatConfigIssues(sorted)}`,
    );
    this.name = "ConfigError";
    this.issues = sorted;
  }
}

/** True when `e` is a ConfigError. */
export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof ConfigError;
}
