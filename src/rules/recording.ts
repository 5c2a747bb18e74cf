import type { RuleConfig } from "../config/index.js";
import type { Expr } from "../promql/index.js";
import { type Labels, labelsFromPairs, labelsKey } from "../storage/index.js";

/** One sample a rule writes. */
export interface RuleSample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
  /** labelsKey(labels), when the producer already has it. */
  readonly key?: string;
}

/**
 * A rule evaluation failed (bad result shape, duplicate label sets, limit):
 * shown as the rule's lastError; the rule is retried next interval.
 */
export class RuleEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RuleEvalError";
  }
}

/** A recording rule (Prometheus rules/recording.go): result renamed to `record`, rule labels set. */
export class RecordingRule {
  readonly config: RuleConfig;
  readonly expr: Expr;

  constructor(config: RuleConfig, expr: Expr) {
    this.config = config;
    this.expr = expr;
  }

  /** The samples to write for a query result at `at`; throws RuleEvalError. */
  apply(result: readonly { labels: Labels; v: number }[], at: number, limit: number): RuleSample[] {
    const out: RuleSample[] = [];
    const seen = new Set<string>();
    const extra = Object.entries(this.config.labels).map(([name, value]) => ({ name, value }));
    for (const s of result) {
      // Later pairs win; empty values drop the label, as Prometheus's labels.Builder.
      const labels = labelsFromPairs([
        ...s.labels,
        { name: "__name__", value: this.config.name },
        ...extra,
      ]);
      const key = labelsKey(labels);
      if (seen.has(key)) {
        throw new RuleEvalError(
          "vector contains metrics with the same labelset after applying rule labels",
        );
      }
      seen.add(key);
      out.push({ labels, t: at, v: s.v });
    }
    if (limit > 0 && out.length > limit) {
      throw new RuleEvalError(`exceeded limit ${limit} with ${out.length} series`);
    }
    return out;
  }
}
