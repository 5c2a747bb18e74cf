/**
 * Rule files named by a test file: globs resolved relative to it, each file
 * checked exactly as `rules/*.yaml` of the config repo is (the rules section).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, sep } from "node:path";
import {
  type ConfigDraft,
  type ConfigIssue,
  formatConfigIssue,
  MAX_CONFIG_FILE_BYTES,
  parseYamlFile,
  type RuleGroupConfig,
  rulesSection,
  type YamlFile,
} from "../../config/index.js";

/** At most this many files one glob may match. */
const MAX_GLOB_MATCHES = 10_000;

/** `*`, `?` and `[...]` inside one path segment, as Go's filepath.Match. */
function segmentRegExp(seg: string): RegExp {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = seg.indexOf("]", i + 1);
      if (end < 0) throw new Error(`syntax error in pattern ${JSON.stringify(seg)}`);
      let cls = seg.slice(i + 1, end);
      if (cls.startsWith("^")) cls = `!${cls.slice(1)}`;
      re += `[${cls.startsWith("!") ? `^${cls.slice(1)}` : cls}]`;
      i = end;
    } else if (c === "\\" && i + 1 < seg.length) {
      i++;
      re += (seg[i] as string).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

const hasMeta = (s: string) => /[*?[]/.test(s);

/** Files matching `pattern` (Go's filepath.Glob: no match is an empty list), sorted. */
export async function glob(pattern: string): Promise<string[]> {
  if (!hasMeta(pattern)) {
    try {
      await stat(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const parts = pattern.split(/[\\/]/);
  let bases = [isAbsolute(pattern) ? sep : ""];
  if (isAbsolute(pattern)) parts.shift();
  for (const part of parts) {
    const next: string[] = [];
    for (const base of bases) {
      if (!hasMeta(part)) {
        next.push(base === "" ? part : join(base, part));
        continue;
      }
      const re = segmentRegExp(part);
      let names: string[];
      try {
        names = await readdir(base === "" ? "." : base);
      } catch {
        continue;
      }
      for (const n of names.sort()) {
        if (re.test(n)) next.push(base === "" ? n : join(base, n));
        if (next.length > MAX_GLOB_MATCHES) throw new Error(`${pattern} matches too many files`);
      }
    }
    bases = next;
  }
  const out: string[] = [];
  for (const b of bases) {
    try {
      await stat(b);
      out.push(b);
    } catch {
      // A literal segment after a glob may not exist under every match.
    }
  }
  return out;
}

/**
 * Loads the rule files of a test file; returns the groups in file order, or
 * error lines (each naming its file).
 */
export async function loadRuleFiles(
  testFile: string,
  patterns: readonly string[],
): Promise<{ groups: RuleGroupConfig[]; errors: string[] }> {
  const dir = dirname(testFile);
  const files: YamlFile[] = [];
  const errors: string[] = [];
  for (const p of patterns) {
    const full = isAbsolute(p) ? p : join(dir, p);
    let matches: string[];
    try {
      matches = await glob(full);
    } catch (e) {
      errors.push(`rule_files: ${p}: ${(e as Error).message}`);
      continue;
    }
    if (matches.length === 0) {
      errors.push(`rule_files: ${p}: no file matches (looked for ${full})`);
      continue;
    }
    for (const m of matches) {
      let text: string;
      try {
        const st = await stat(m);
        if (st.size > MAX_CONFIG_FILE_BYTES) {
          errors.push(`${m}: rule file is ${st.size} bytes; at most ${MAX_CONFIG_FILE_BYTES}`);
          continue;
        }
        text = await readFile(m, "utf8");
      } catch (e) {
        errors.push(`${m}: cannot read rule file: ${(e as Error).message}`);
        continue;
      }
      const { yaml, issues } = parseYamlFile(m, text);
      for (const i of issues) errors.push(formatConfigIssue(i));
      if (yaml.usable) files.push(yaml);
    }
  }
  const issues: ConfigIssue[] = [];
  // The rules section fills only `draft.rules`; the other fields are never read.
  const draft = { rules: [] as RuleGroupConfig[] } as unknown as ConfigDraft;
  rulesSection.load(files, { draft, report: (i) => issues.push(i) });
  for (const i of issues) errors.push(formatConfigIssue(i));
  return { groups: draft.rules, errors };
}
