import { z } from "zod";
import { isReddotError } from "../lib/errors.js";
import { compileRelabelRegex, type RelabelConfig } from "../scrape/index.js";
import { LABEL_NAME_RE, labelNameField } from "./fields.js";

/*
 * `relabel_configs` / `metric_relabel_configs` entries, checked as Prometheus
 * checks them when it loads a file (model/relabel `Config.Validate`), but each
 * problem reported on the key at fault rather than once per rule.
 */

/** Relabel actions, as Prometheus names them. */
export const RELABEL_ACTIONS = [
  "replace",
  "keep",
  "drop",
  "keepequal",
  "dropequal",
  "hashmod",
  "labelmap",
  "labeldrop",
  "labelkeep",
  "lowercase",
  "uppercase",
] as const;

/** Prometheus' defaults for a relabel rule's optional fields. */
const DEFAULTS = { separator: ";", regex: "(.*)", replacement: "$1", action: "replace" } as const;

/** What Prometheus accepts as a `replace` target or `labelmap` replacement that uses `$1`-style refs. */
const TARGET_TEMPLATE_RE = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

const NEEDS_TARGET = new Set([
  "replace",
  "hashmod",
  "lowercase",
  "uppercase",
  "keepequal",
  "dropequal",
]);
const TARGET_MUST_BE_NAME = new Set([
  "hashmod",
  "lowercase",
  "uppercase",
  "keepequal",
  "dropequal",
]);
const NO_REPLACEMENT = new Set(["lowercase", "uppercase", "keepequal", "dropequal"]);

/** A regex in Go RE2 syntax, checked with the same translation the scraper uses at run time. */
export function regexField() {
  return z.string().superRefine((source, ctx) => {
    try {
      compileRelabelRegex(source, "regex");
    } catch (e) {
      if (!isReddotError(e)) throw e;
      ctx.addIssue({
        code: "custom",
        input: source,
        message: e.message.replace(/^regex: /, ""),
        params: { hint: "regexes use Go RE2 syntax and must match the whole value" },
      });
    }
  });
}

// Prometheus lowercases the action when it reads it (relabel.Action.UnmarshalYAML).
const actionField = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(RELABEL_ACTIONS));

/** Schema of one relabel rule: snake_case in, `RelabelConfig` out. */
export const relabelConfigSchema = z
  .strictObject({
    source_labels: z
      .array(labelNameField())
      .optional()
      .describe("Labels whose values are joined with separator and matched against regex"),
    separator: z.string().optional().describe('Joins source label values; default ";"'),
    regex: regexField().optional().describe('Go RE2 regex, anchored at both ends; default "(.*)"'),
    modulus: z.int().positive().optional().describe("For hashmod: the modulus of the hash"),
    target_label: z
      .string()
      .optional()
      .describe(
        "Label written by replace, hashmod, lowercase, uppercase; compared by keepequal/dropequal",
      ),
    replacement: z
      .string()
      .optional()
      .describe('Value written by replace; may refer to regex groups as $1 or $name; default "$1"'),
    action: actionField.optional().describe('What to do on a match; default "replace"'),
  })
  .superRefine((r, ctx) => {
    const action = r.action ?? DEFAULTS.action;
    const fail = (path: string, message: string, hint?: string) =>
      ctx.addIssue({ code: "custom", path: [path], message, params: { hint } });
    if (action === "hashmod" && r.modulus === undefined) {
      fail("modulus", "required by action hashmod", "e.g. modulus: 4");
    }
    const target = r.target_label;
    if (NEEDS_TARGET.has(action) && (target === undefined || target === "")) {
      const which = r.action === undefined ? `${action} (the default)` : action;
      fail("target_label", `required by action ${which}`, "name the label to write");
    } else if (target !== undefined) {
      if (action === "replace" && target.includes("$") && !TARGET_TEMPLATE_RE.test(target)) {
        fail("target_label", `"${target}" is not a valid target_label template`);
      } else if (action === "replace" && !target.includes("$") && !LABEL_NAME_RE.test(target)) {
        fail("target_label", `"${target}" is not a valid label name`);
      } else if (TARGET_MUST_BE_NAME.has(action) && !LABEL_NAME_RE.test(target)) {
        fail("target_label", `"${target}" is not a valid label name for action ${action}`);
      }
    }
    if (
      NO_REPLACEMENT.has(action) &&
      (r.replacement ?? DEFAULTS.replacement) !== DEFAULTS.replacement
    ) {
      fail("replacement", `replacement cannot be set for action ${action}`);
    }
    if (action === "labelmap" && !TARGET_TEMPLATE_RE.test(r.replacement ?? DEFAULTS.replacement)) {
      fail(
        "replacement",
        `"${r.replacement}" is not a valid label name template for action labelmap`,
      );
    }
    if (action === "keepequal" || action === "dropequal") {
      const extra = extraFields(r, ["regex", "modulus", "separator", "replacement"]);
      if (extra !== undefined) {
        fail(
          extra,
          `action ${action} takes only source_labels and target_label`,
          `remove ${extra}`,
        );
      }
    }
    if (action === "labeldrop" || action === "labelkeep") {
      const extra =
        r.source_labels !== undefined
          ? "source_labels"
          : extraFields(r, ["target_label", "modulus", "separator", "replacement"]);
      if (extra !== undefined) {
        fail(extra, `action ${action} takes only regex`, `remove ${extra}`);
      }
    }
  })
  .transform((r): RelabelConfig => {
    const out: RelabelConfig = {
      sourceLabels: r.source_labels ?? [],
      separator: r.separator ?? DEFAULTS.separator,
      regex: r.regex ?? DEFAULTS.regex,
      replacement: r.replacement ?? DEFAULTS.replacement,
      action: r.action ?? DEFAULTS.action,
    };
    if (r.modulus !== undefined) out.modulus = r.modulus;
    if (r.target_label !== undefined) out.targetLabel = r.target_label;
    return out;
  })
  .describe("A Prometheus relabel_config");

type RawRelabel = {
  separator?: string;
  regex?: string;
  modulus?: number;
  target_label?: string;
  replacement?: string;
};

/** The first of `keys` set to something other than Prometheus' default (as Prometheus compares). */
function extraFields(r: RawRelabel, keys: readonly (keyof RawRelabel)[]): string | undefined {
  for (const k of keys) {
    const v = r[k];
    if (v === undefined) continue;
    if (k === "modulus") return k;
    if (k === "target_label") {
      if (v !== "") return k;
      continue;
    }
    if (v !== DEFAULTS[k as "separator" | "regex" | "replacement"]) return k;
  }
  return undefined;
}
