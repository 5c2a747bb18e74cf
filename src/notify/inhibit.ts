import type { InhibitRule } from "../config/index.js";
import { matchesLabels } from "./matchers.js";

/** Anything with labels: an Alert, or a bare label set in tests and tools. */
export interface Labeled {
  readonly labels: Readonly<Record<string, string>>;
}

function equalOn(
  names: readonly string[],
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  // A label missing on both sides counts as equal (both are "").
  return names.every((n) => (a[n] ?? "") === (b[n] ?? ""));
}

/**
 * Whether an alert with `targetLabels` is inhibited, as Alertmanager's
 * Inhibitor.Mutes: some rule's target matchers match it, and some firing
 * alert matches that rule's source matchers with the same values of the
 * `equal` labels. When the target also matches the source side, source alerts
 * that match both sides are not counted, so an alert never inhibits itself
 * (nor another alert of the same two-sided kind). `firing` must hold only
 * alerts that are firing now.
 */
export function inhibits(
  rules: readonly InhibitRule[],
  firing: readonly Labeled[],
  targetLabels: Readonly<Record<string, string>>,
): boolean {
  return inhibitingRule(rules, firing, targetLabels) !== undefined;
}

/** The first rule (and source alert) that inhibits the target, for logs and `reddot test routes`. */
export function inhibitingRule(
  rules: readonly InhibitRule[],
  firing: readonly Labeled[],
  targetLabels: Readonly<Record<string, string>>,
): { rule: InhibitRule; source: Labeled } | undefined {
  for (const rule of rules) {
    if (!matchesLabels(rule.targetMatchers, targetLabels)) continue;
    const twoSided = matchesLabels(rule.sourceMatchers, targetLabels);
    for (const a of firing) {
      if (!matchesLabels(rule.sourceMatchers, a.labels)) continue;
      if (!equalOn(rule.equal, a.labels, targetLabels)) continue;
      if (twoSided && matchesLabels(rule.targetMatchers, a.labels)) continue;
      return { rule, source: a };
    }
  }
  return undefined;
}
