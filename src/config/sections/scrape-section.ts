import { isReddotError } from "../../lib/errors.js";
import { compileRelabel } from "../../scrape/index.js";
import { CONFIG_PARSE_OPTIONS } from "../fields.js";
import {
  resolveScrapeJob,
  scrapeFileShallowSchema,
  scrapeJobSchema,
  UNSUPPORTED_SCRAPE_KEYS,
} from "../scrape-schema.js";
import { issueAt, positionOf, type YamlFile, zodIssuesToConfigIssues } from "../yaml-file.js";
import type { ConfigSection, SectionContext } from "./section.js";

const FILE_LEVEL_HINTS = {
  global: "global scrape defaults go in reddot.yaml, under scrape: (interval, timeout)",
};

/** `scrape/*.yaml`: Prometheus scrape jobs; job names are unique across all files. */
export const scrapeSection: ConfigSection = {
  id: "scrape",
  entry: "scrape",
  kind: "dir",
  load(files, ctx) {
    const seen = new Map<string, string>();
    for (const file of files) loadFile(file, ctx, seen);
  },
};

function loadFile(file: YamlFile, ctx: SectionContext, seen: Map<string, string>): void {
  const shallow = scrapeFileShallowSchema.safeParse(file.data ?? {}, CONFIG_PARSE_OPTIONS);
  if (!shallow.success) {
    const issues = zodIssuesToConfigIssues(
      file,
      shallow.error.issues,
      scrapeFileShallowSchema,
      [],
      FILE_LEVEL_HINTS,
    );
    for (const issue of issues) ctx.report(issue);
    return;
  }
  shallow.data.scrape_configs.forEach((raw, i) => {
    const at = ["scrape_configs", i];
    checkUniqueName(file, raw, at, ctx, seen);
    const parsed = scrapeJobSchema.safeParse(raw, CONFIG_PARSE_OPTIONS);
    if (!parsed.success) {
      const issues = zodIssuesToConfigIssues(
        file,
        parsed.error.issues,
        scrapeJobSchema,
        at,
        UNSUPPORTED_SCRAPE_KEYS,
      );
      for (const issue of issues) ctx.report(issue);
      return;
    }
    const { config, issues } = resolveScrapeJob(parsed.data, ctx.draft.server.scrape);
    for (const issue of issues)
      ctx.report(issueAt(file, [...at, ...issue.path], issue.message, issue.hint));
    if (issues.length > 0) return;
    // Belt and braces: the scraper compiles relabel rules with its own checks;
    // anything it would refuse at run time must fail validation too.
    for (const key of ["relabel_configs", "metric_relabel_configs"] as const) {
      const rules = key === "relabel_configs" ? config.relabelConfigs : config.metricRelabelConfigs;
      try {
        compileRelabel(rules, key);
      } catch (e) {
        if (!isReddotError(e)) throw e;
        ctx.report(issueAt(file, [...at, key], e.message));
        return;
      }
    }
    ctx.draft.scrape.push(config);
  });
}

function checkUniqueName(
  file: YamlFile,
  raw: unknown,
  at: (string | number)[],
  ctx: SectionContext,
  seen: Map<string, string>,
): void {
  if (typeof raw !== "object" || raw === null || !("job_name" in raw)) return;
  const name = raw.job_name;
  if (typeof name !== "string" || name === "") return;
  const path = [...at, "job_name"];
  const first = seen.get(name);
  if (first === undefined) {
    const p = positionOf(file, path);
    seen.set(name, `${file.file}:${p.line}:${p.column}`);
    return;
  }
  ctx.report(
    issueAt(
      file,
      path,
      `job_name "${name}" is already used at ${first}`,
      "job names must be unique across all files in scrape/; rename one",
    ),
  );
}
