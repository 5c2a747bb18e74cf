import { z } from "zod";
import { durationField, LABEL_NAME_RE } from "./fields.js";

/*
 * `rules/*.yaml`: Prometheus rule files, unchanged (model/rulefmt/rulefmt.go):
 * `groups:` of `{name, interval, limit, query_offset, labels, rules}`, each rule
 * a recording rule (`record`) or an alerting rule (`alert`). The checks that
 * need more than a field's type (one of record/alert, PromQL, templates, group
 * names unique across files) are in sections/rules-section.ts.
 */

/** One rule, checked. Durations in ms; 0 = not set. */
export interface RuleConfig {
  readonly kind: "record" | "alert";
  /** The `record` metric name or the `alert` name. */
  readonly name: string;
  /** PromQL text as written (parsed when the rule manager loads it). */
  readonly expr: string;
  /** `for` (alerting rules), ms. */
  readonly for: number;
  /** `keep_firing_for` (alerting rules), ms. */
  readonly keepFiringFor: number;
  /** The rule's labels, group labels merged under them (rule labels win). */
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** One rule group, checked. */
export interface RuleGroupConfig {
  /** The rule file, relative to the config directory (`rules/node.yaml`). */
  readonly file: string;
  /** Unique across all rule files. */
  readonly name: string;
  /** Evaluation interval, ms; undefined = the rule manager's default. */
  readonly interval?: number;
  /** Most series (recording) or alerts (alerting) one rule may produce; 0 = no limit. */
  readonly limit: number;
  /** Evaluate at `t - queryOffset`, ms; undefined = the manager's default (0). */
  readonly queryOffset?: number;
  readonly rules: readonly RuleConfig[];
}

/** Legacy metric names, as Prometheus's `model.IsValidLegacyMetricName`. */
export const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Most groups one file holds, and rules one group holds: bounds on input. */
export const MAX_RULE_GROUPS_PER_FILE = 10_000;
export const MAX_RULES_PER_GROUP = 10_000;

/** Go's YAML decoder turns scalars into strings for map[string]string; so do we. */
const scalarText = () => z.union([z.string(), z.number(), z.boolean()]).transform(String);

// Keys are checked here rather than with a key schema so that each bad name is
// reported at its own key, with a hint (as scrape-schema's label sets).
const keyMap = (what: "label" | "annotation") =>
  z.record(z.string(), scalarText()).superRefine((m, ctx) => {
    for (const name of Object.keys(m)) {
      const bad = !LABEL_NAME_RE.test(name)
        ? `"${name}" is not a valid ${what} name`
        : what === "label" && name === "__name__"
          ? "the __name__ label cannot be set by a rule"
          : undefined;
      if (bad === undefined) continue;
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: bad,
        params: {
          hint: "names are letters, digits and _, not starting with a digit; __name__ is the record",
          target: "key",
        },
      });
    }
  });

/** One rule as written; which fields fit which kind is checked by the section. */
export const ruleSchema = z
  .strictObject({
    record: z.string().optional().describe("Name of the series a recording rule writes"),
    alert: z.string().optional().describe("Name of the alert an alerting rule raises"),
    expr: z
      .union([z.string(), z.number()])
      .transform(String)
      .describe("PromQL expression evaluated each interval"),
    for: durationField()
      .optional()
      .describe("Alerting: how long the condition must hold before the alert fires"),
    keep_firing_for: durationField()
      .optional()
      .describe("Alerting: how long the alert keeps firing after the condition clears"),
    labels: keyMap("label")
      .default({})
      .describe("Labels added to the output (templates for alerts)"),
    annotations: keyMap("annotation").default({}).describe("Alerting: annotations, as templates"),
  })
  .describe("A recording rule (record) or an alerting rule (alert)");

/** One group as written. */
export const ruleGroupSchema = z
  .strictObject({
    name: z.string().min(1).max(1024).describe("Name of the group, unique across rule files"),
    interval: durationField()
      .optional()
      .describe("How often the group is evaluated (default: the evaluation interval)"),
    query_offset: durationField()
      .optional()
      .describe("Evaluate this long in the past, for data that arrives late"),
    limit: z
      .int()
      .nonnegative()
      .default(0)
      .describe("Most series or alerts one rule may produce; 0 = no limit"),
    labels: keyMap("label").default({}).describe("Labels added to every rule of the group"),
    rules: z.array(z.unknown()).max(MAX_RULES_PER_GROUP).default([]).describe("The rules"),
  })
  .describe("A group of rules evaluated together, in order");

/** First pass over a rule file: each group is then parsed on its own. */
export const rulesFileShallowSchema = z.strictObject({
  groups: z.array(z.unknown()).max(MAX_RULE_GROUPS_PER_FILE).default([]),
});
