/**
 * count_values: one output series per group and distinct sample value, the
 * value written into a label. Semantics follow Prometheus 3.14
 * `promql/engine.go` aggregationCountValues(): the value label is set on each
 * input series first, then the series is grouped; with `by`, the value label
 * is one of the grouping labels; with `without`, it stays unless listed.
 */
import type { Labels } from "../../storage/index.js";
import type { VectorSample } from "../values.js";
import { LabelProjection, withLabel } from "./signature.js";

export class CountValuesAggregator {
  private readonly valueLabel: string;
  private readonly projection: LabelProjection;

  constructor(valueLabel: string, grouping: readonly string[], without: boolean) {
    this.valueLabel = valueLabel;
    this.projection = without
      ? new LabelProjection(grouping, false)
      : new LabelProjection([...grouping, valueLabel], true);
  }

  step(input: readonly VectorSample[], t: number): VectorSample[] {
    const groups = new Map<string, { labels: Labels; count: number }>();
    for (const s of input) {
      const labels = withLabel(s.labels, this.valueLabel, formatGoFloatF(s.v));
      const key = this.projection.key(labels);
      const group = groups.get(key);
      if (group === undefined)
        groups.set(key, { labels: this.projection.labels(labels), count: 1 });
      else group.count++;
    }
    const out: VectorSample[] = [];
    for (const g of groups.values()) out.push({ labels: g.labels, t, v: g.count });
    return out;
  }
}

/**
 * Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits that
 * round-trip, never an exponent (`1e21` is "1000000000000000000000"), and
 * `NaN`, `+Inf`, `-Inf`, `-0`.
 */
export function formatGoFloatF(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  const s = Math.abs(v).toExponential();
  const e = s.indexOf("e");
  const digits = s.slice(0, e).replace(".", "");
  const dp = Number(s.slice(e + 1)) + 1;
  if (dp <= 0) return `${sign}0.${"0".repeat(-dp)}${digits}`;
  if (dp >= digits.length) return `${sign}${digits}${"0".repeat(dp - digits.length)}`;
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}
