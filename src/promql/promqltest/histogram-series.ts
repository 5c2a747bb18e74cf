/**
 * Which loaded series hold native histograms. reddot's store and engine have
 * no native histograms yet, so an eval whose selectors reach such a series
 * (or whose expected result contains one) is skipped, not failed.
 */
import {
  getLabel,
  type Labels,
  labelsFromPairs,
  labelsKey,
  METRIC_NAME,
} from "../../storage/index.js";
import type { Expr } from "../ast.js";
import { vectorSelectors } from "./ast-walk.js";
import { parseGoNumber } from "./go-syntax.js";
import type { LoadCommand } from "./script-types.js";

/**
 * The native-histogram series stored since the last `clear` (or, with
 * `startTimestamps`, the series given start timestamps by `@st` lines: the
 * store keeps no start timestamps yet, so evals reading them are skipped too).
 */
export class HistogramSeries {
  private readonly byKey = new Map<string, Labels>();
  private readonly startTimestamps: boolean;

  constructor(opts: { startTimestamps?: boolean } = {}) {
    this.startTimestamps = opts.startTimestamps === true;
  }

  get size(): number {
    return this.byKey.size;
  }

  clear(): void {
    this.byKey.clear();
  }

  /** Records the native-histogram series a load block creates. */
  addLoad(cmd: LoadCommand): void {
    for (const s of cmd.series) {
      if (this.startTimestamps) {
        if (s.startOffsets?.some((o) => o !== undefined))
          this.byKey.set(labelsKey(s.labels), s.labels);
        continue;
      }
      if (s.values.some((v) => v.kind === "histogram"))
        this.byKey.set(labelsKey(s.labels), s.labels);
      if (!cmd.withNhcb || !s.values.some((v) => v.kind === "float")) continue;
      const nhcb = nhcbSeriesOf(s.labels);
      if (nhcb !== undefined) this.byKey.set(labelsKey(nhcb), nhcb);
    }
  }

  /** A histogram series one of the expression's selectors matches, if any. */
  matchedBy(expr: Expr): Labels | undefined {
    if (this.byKey.size === 0) return undefined;
    for (const sel of vectorSelectors(expr)) {
      for (const labels of this.byKey.values()) {
        if (sel.matchers.every((m) => m.matches(getLabel(labels, m.name)))) return labels;
      }
    }
    return undefined;
  }
}

/**
 * The native histogram with custom buckets that `load_with_nhcb` builds from
 * a classic-histogram float series (upstream convertnhcb): `X_bucket` (with a
 * numeric `le`), `X_count` and `X_sum` become `X` without `le`.
 */
export function nhcbSeriesOf(labels: Labels): Labels | undefined {
  const name = getLabel(labels, METRIC_NAME);
  const suffix = ["_bucket", "_count", "_sum"].find((s) => name.endsWith(s));
  if (suffix === undefined) return undefined;
  if (suffix === "_bucket") {
    const le = parseGoNumber(getLabel(labels, "le"));
    if (le === undefined || Number.isNaN(le)) return undefined;
  }
  const base = name.slice(0, name.length - suffix.length);
  return labelsFromPairs([
    ...labels.filter((l) => l.name !== "le" && l.name !== METRIC_NAME),
    { name: METRIC_NAME, value: base },
  ]);
}
