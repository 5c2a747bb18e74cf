/**
 * The rule unit-test file, promtool's format (cmd/promtool/unittest.go and
 * docs/configuration/unit_testing_rules.md): `rule_files`, `evaluation_interval`,
 * `group_eval_order`, `fuzzy_compare`, `tests`.
 */
import { z } from "zod";
import {
  CONFIG_PARSE_OPTIONS,
  type ConfigIssue,
  parseYamlFile,
  zodIssuesToConfigIssues,
} from "../../config/index.js";
import { parseDuration } from "../../lib/duration.js";
import { isReddotError } from "../../lib/errors.js";

/** Bounds on input: a test file is small, hand-written YAML. */
export const MAX_TEST_FILE_BYTES = 4 << 20;
export const MAX_TEST_GROUPS = 10_000;
export const MAX_CASES = 100_000;
/** The longest time a test may evaluate rules up to (number of steps is also bounded). */
export const MAX_EVAL_STEPS = 1_000_000;

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Go's YAML decoder turns scalars into strings for string fields; so do we. */
const scalarText = () => z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** A Prometheus duration (`5m`, `1h30m`, `0`), ms. Go's YAML reads `0` as the string "0". */
const duration = () =>
  z.union([z.string(), z.number()]).transform((raw, ctx) => {
    const text = String(raw);
    if (text === "0") return 0;
    try {
      return parseDuration(text);
    } catch (e) {
      if (!isReddotError(e)) throw e;
      ctx.addIssue({
        code: "custom",
        input: raw,
        message: `"${text}" is not a duration`,
        params: { hint: "write a number and a unit, largest first: 15s, 1m30s, 2h, 1d" },
      });
      return z.NEVER;
    }
  });

const labelMap = () =>
  z.record(z.string(), scalarText()).superRefine((m, ctx) => {
    for (const name of Object.keys(m)) {
      if (LABEL_NAME_RE.test(name)) continue;
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `"${name}" is not a valid label name`,
        params: { target: "key" },
      });
    }
  });

const seriesSchema = z.strictObject({
  series: z.string().min(1).describe('A series in the usual notation: metric{label="value"}'),
  values: scalarText().default("").describe("Expanding notation: 1 2 _ stale 1+2x10 1-1x5 3x4 _x2"),
});

const expAlertSchema = z.strictObject({
  exp_labels: labelMap().default({}),
  exp_annotations: z.record(z.string(), scalarText()).default({}),
});

const alertTestSchema = z.strictObject({
  eval_time: duration(),
  alertname: z.string().default(""),
  exp_alerts: z.array(expAlertSchema).max(MAX_CASES).default([]),
});

const expSampleSchema = z.strictObject({
  labels: z.string().default(""),
  value: z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      if (typeof v === "number") return v;
      const n = goFloat(v);
      if (n === undefined) {
        ctx.addIssue({ code: "custom", input: v, message: `"${v}" is not a number` });
        return z.NEVER;
      }
      return n;
    })
    .default(0),
  histogram: z.string().optional(),
});

const exprTestSchema = z.strictObject({
  expr: scalarText(),
  eval_time: duration(),
  exp_samples: z.array(expSampleSchema).max(MAX_CASES).default([]),
});

const testGroupSchema = z.strictObject({
  name: z.string().default(""),
  interval: duration().optional(),
  input_series: z.array(seriesSchema).max(MAX_CASES).default([]),
  alert_rule_test: z.array(alertTestSchema).max(MAX_CASES).default([]),
  promql_expr_test: z.array(exprTestSchema).max(MAX_CASES).default([]),
  external_labels: labelMap().default({}),
  external_url: z.string().default(""),
});

export const testFileSchema = z.strictObject({
  rule_files: z.array(z.string().min(1)).max(10_000).default([]),
  evaluation_interval: duration().default(60_000),
  group_eval_order: z.array(z.string()).max(10_000).default([]),
  fuzzy_compare: z.boolean().default(false),
  tests: z.array(testGroupSchema).max(MAX_TEST_GROUPS).default([]),
});

export type TestFile = z.output<typeof testFileSchema>;
export type TestGroup = TestFile["tests"][number];
export type AlertTestCase = TestGroup["alert_rule_test"][number];
export type ExprTestCase = TestGroup["promql_expr_test"][number];

/** Go's ParseFloat spellings that YAML leaves as strings: NaN, Inf, +Inf, -Inf, numbers. */
function goFloat(s: string): number | undefined {
  const t = s.trim().toLowerCase();
  if (t === "nan") return Number.NaN;
  if (t === "inf" || t === "+inf" || t === "infinity" || t === "+infinity")
    return Number.POSITIVE_INFINITY;
  if (t === "-inf" || t === "-infinity") return Number.NEGATIVE_INFINITY;
  if (t === "" || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** Parses a test file's text; issues carry file:line:column. */
export function parseTestFile(
  file: string,
  text: string,
): { test?: TestFile; issues: ConfigIssue[] } {
  const { yaml, issues } = parseYamlFile(file, text);
  if (!yaml.usable) return { issues };
  const parsed = testFileSchema.safeParse(yaml.data ?? {}, CONFIG_PARSE_OPTIONS);
  if (!parsed.success) {
    return {
      issues: [...issues, ...zodIssuesToConfigIssues(yaml, parsed.error.issues, testFileSchema)],
    };
  }
  if (issues.length > 0) return { issues };
  return { test: parsed.data, issues: [] };
}
