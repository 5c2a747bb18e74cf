import { isScalar, type Node } from "yaml";
import { type ParseError, parseExpr } from "../../promql/index.js";
import { checkAlertTemplate } from "../../template/index.js";
import { CONFIG_PARSE_OPTIONS } from "../fields.js";
import type { ConfigIssue, KeyPath } from "../issues.js";
import {
  METRIC_NAME_RE,
  type RuleConfig,
  type RuleGroupConfig,
  ruleGroupSchema,
  ruleSchema,
  rulesFileShallowSchema,
} from "../rules-schema.js";
import { issueAt, positionOf, type YamlFile, zodIssuesToConfigIssues } from "../yaml-file.js";
import type { ConfigSection, SectionContext } from "./section.js";
import { uniqueNames } from "./unique-names.js";

/**
 * Checks one alert template (label value or annotation); returns a message, or
 * undefined when it parses. The template package's `checkAlertTemplate`.
 */
export type TemplateChecker = (name: string, text: string) => string | undefined;

/**
 * `rules/*.yaml`: Prometheus rule groups, checked as Prometheus's rulefmt does,
 * plus group names unique across all files (Prometheus: within one file).
 */
export function rulesSectionWith(checkTemplate: TemplateChecker): ConfigSection {
  return {
    id: "rules",
    entry: "rules",
    kind: "dir",
    load(files, ctx) {
      const unique = uniqueNames("rule group", "rules");
      for (const file of files) {
        const shallow = rulesFileShallowSchema.safeParse(file.data ?? {}, CONFIG_PARSE_OPTIONS);
        if (!shallow.success) {
          for (const issue of zodIssuesToConfigIssues(
            file,
            shallow.error.issues,
            rulesFileShallowSchema,
          ))
            ctx.report(issue);
          continue;
        }
        shallow.data.groups.forEach((raw, i) => {
          const at = ["groups", i];
          if (!unique(file, raw, at, ctx)) return;
          const group = loadGroup(file, raw, at, ctx, checkTemplate);
          if (group !== undefined) ctx.draft.rules.push(group);
        });
      }
    },
  };
}

function loadGroup(
  file: YamlFile,
  raw: unknown,
  at: KeyPath,
  ctx: SectionContext,
  checkTemplate: TemplateChecker,
): RuleGroupConfig | undefined {
  const parsed = ruleGroupSchema.safeParse(raw, CONFIG_PARSE_OPTIONS);
  if (!parsed.success) {
    for (const issue of zodIssuesToConfigIssues(file, parsed.error.issues, ruleGroupSchema, at))
      ctx.report(issue);
    return undefined;
  }
  const g = parsed.data;
  const rules: RuleConfig[] = [];
  let ok = true;
  g.rules.forEach((rawRule, j) => {
    const rule = loadRule(file, rawRule, [...at, "rules", j], g.labels, ctx, checkTemplate);
    if (rule === undefined) ok = false;
    else rules.push(rule);
  });
  if (!ok) return undefined;
  return {
    file: file.file,
    name: g.name,
    ...(g.interval !== undefined && g.interval > 0 ? { interval: g.interval } : {}),
    ...(g.query_offset !== undefined ? { queryOffset: g.query_offset } : {}),
    limit: g.limit,
    rules,
  };
}

function loadRule(
  file: YamlFile,
  raw: unknown,
  at: KeyPath,
  groupLabels: Record<string, string>,
  ctx: SectionContext,
  checkTemplate: TemplateChecker,
): RuleConfig | undefined {
  const parsed = ruleSchema.safeParse(raw, CONFIG_PARSE_OPTIONS);
  if (!parsed.success) {
    for (const issue of zodIssuesToConfigIssues(file, parsed.error.issues, ruleSchema, at))
      ctx.report(issue);
    return undefined;
  }
  const r = parsed.data;
  let bad = false;
  const reportIssue = (issue: ConfigIssue) => {
    bad = true;
    ctx.report(issue);
  };
  const report = (path: KeyPath, message: string, hint?: string) =>
    reportIssue(issueAt(file, [...at, ...path], message, hint));
  if (r.record !== undefined && r.alert !== undefined) {
    report(["alert"], "only one of 'record' and 'alert' must be set", "split it into two rules");
  } else if (r.record === undefined && r.alert === undefined) {
    report([], "one of 'record' or 'alert' must be set");
  }
  if (r.expr.trim() === "") {
    report(["expr"], "field 'expr' must be set in rule");
  } else {
    try {
      parseExpr(r.expr);
    } catch (e) {
      if (!isParseError(e)) throw e;
      reportIssue(exprIssue(file, [...at, "expr"], r.expr, e));
    }
  }
  if (r.record !== undefined) {
    if (!METRIC_NAME_RE.test(r.record)) {
      report(
        ["record"],
        `invalid recording rule name: ${r.record}`,
        "metric names are letters, digits, _ and :, not starting with a digit",
      );
    }
    if (r.for !== undefined) report(["for"], "invalid field 'for' in recording rule");
    if (r.keep_firing_for !== undefined)
      report(["keep_firing_for"], "invalid field 'keep_firing_for' in recording rule");
    if (Object.keys(r.annotations).length > 0)
      report(["annotations"], "invalid field 'annotations' in recording rule");
  }
  if (r.alert !== undefined) {
    if (r.alert === "") report(["alert"], "alert name must not be empty");
    for (const [k, v] of Object.entries(r.labels)) {
      const msg = checkTemplate(`__alert_${r.alert}`, v);
      if (msg !== undefined) report(["labels", k], `label "${k}": ${msg}`);
    }
    for (const [k, v] of Object.entries(r.annotations)) {
      const msg = checkTemplate(`__alert_${r.alert}`, v);
      if (msg !== undefined) report(["annotations", k], `annotation "${k}": ${msg}`);
    }
  }
  if (bad) return undefined;
  return {
    kind: r.record !== undefined ? "record" : "alert",
    name: r.record ?? r.alert ?? "",
    expr: r.expr,
    for: r.for ?? 0,
    keepFiringFor: r.keep_firing_for ?? 0,
    labels: { ...groupLabels, ...r.labels },
    annotations: r.annotations,
  };
}

function isParseError(e: unknown): e is ParseError {
  return e instanceof Error && e.name === "ParseError" && "line" in e && "col" in e;
}

/**
 * Maps a PromQL error position inside `expr` to the file: a block scalar
 * (`expr: |`) starts on the line after its indicator, a one-line scalar at its
 * node (after the opening quote for quoted ones).
 */
function exprIssue(file: YamlFile, path: KeyPath, expr: string, e: ParseError): ConfigIssue {
  const node = file.doc.getIn(path, true) as Node | undefined;
  const at = positionOf(file, path);
  const msg = `could not parse expression: ${e.line}:${e.col}: parse error: ${e.message}`;
  const key = issueAt(file, path, msg).key;
  const base = { file: file.file, message: msg };
  if (isScalar(node) && (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED")) {
    // Block content is indented past its key; the key's column + 2 is the usual indent.
    const keyAt = positionOf(file, path, "key");
    return { ...base, key, line: at.line + e.line, column: keyAt.column + 1 + e.col };
  }
  const quoted = isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE");
  if (e.line === 1 || !expr.includes("\n")) {
    return { ...base, key, line: at.line, column: at.column + (quoted ? 1 : 0) + e.col - 1 };
  }
  return { ...base, key, line: at.line + e.line - 1, column: e.col };
}

/** `rules/*.yaml`, templates checked as the template package parses them. */
export const rulesSection: ConfigSection = rulesSectionWith(checkAlertTemplate);
