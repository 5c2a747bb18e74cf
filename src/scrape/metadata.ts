/**
 * Metric metadata (TYPE, HELP, UNIT) kept per target from its last parsed
 * scrape, and the two views Prometheus' API gives of it (web/api/v1
 * metricMetadata and targetMetadata): per metric family deduplicated across
 * targets, and per target. As in Prometheus it lives with the active targets:
 * a target that goes away takes its metadata with it.
 */
import type { MetricMetadata } from "../ingest/index.js";
import { getLabel, type Labels, labelsToRecord, type Matcher } from "../storage/index.js";

/** One target's metadata, by metric family name, as its last parsed scrape declared it. */
export interface TargetMetadata {
  /** The target's labels (job, instance, ...). */
  readonly target: Labels;
  readonly families: ReadonlyMap<string, MetricMetadata>;
}

/** One metadata entry as the API shows it. */
export interface MetadataEntry {
  type: string;
  help: string;
  unit: string;
}

/** Options of `/api/v1/metadata`; limits below 0 mean none, as in Prometheus. */
export interface MetricMetadataQuery {
  /** Only this family ("" = all). */
  readonly metric: string;
  /** Most families returned. */
  readonly limit: number;
  /** Most distinct entries per family. */
  readonly limitPerMetric: number;
}

/**
 * Metadata per family, deduplicated across targets: a family whose targets
 * disagree (different HELP texts) lists each distinct entry.
 */
export function metricMetadata(
  targets: readonly TargetMetadata[],
  q: MetricMetadataQuery,
): Record<string, MetadataEntry[]> {
  const byFamily = new Map<string, Map<string, MetadataEntry>>();
  const add = (family: string, m: MetricMetadata) => {
    let set = byFamily.get(family);
    if (set !== undefined && q.limitPerMetric > 0 && set.size >= q.limitPerMetric) return;
    if (set === undefined) {
      set = new Map();
      byFamily.set(family, set);
    }
    const entry = toEntry(m);
    set.set(`${entry.type}\xff${entry.help}\xff${entry.unit}`, entry);
  };
  for (const t of targets) {
    if (q.metric === "") {
      for (const [family, m] of t.families) add(family, m);
    } else {
      const m = t.families.get(q.metric);
      if (m !== undefined) add(q.metric, m);
    }
  }
  const out: Record<string, MetadataEntry[]> = {};
  let n = 0;
  for (const [family, set] of byFamily) {
    if (q.limit >= 0 && n >= q.limit) break;
    out[family] = [...set.values()];
    n++;
  }
  return out;
}

/** Options of `/api/v1/targets/metadata`. */
export interface TargetMetadataQuery {
  /** Targets whose labels match all of these (none = every target). */
  readonly matchTarget: readonly Matcher[];
  readonly metric: string;
  /** Most targets looked at (below 0 = all). */
  readonly limit: number;
}

/** One row of `/api/v1/targets/metadata`; `metric` only when no metric was asked for. */
export interface TargetMetadataRow extends MetadataEntry {
  target: Record<string, string>;
  metric?: string;
}

/** Metadata per target, as Prometheus' targetMetadata lists it. */
export function targetMetadata(
  targets: readonly TargetMetadata[],
  q: TargetMetadataQuery,
): TargetMetadataRow[] {
  const out: TargetMetadataRow[] = [];
  for (const t of targets) {
    // As Prometheus: the limit counts rows, checked before each target.
    if (q.limit >= 0 && out.length >= q.limit) break;
    if (q.matchTarget.length > 0 && !matchesAll(t.target, q.matchTarget)) continue;
    const target = labelsToRecord(t.target);
    if (q.metric === "") {
      for (const [family, m] of t.families) out.push({ target, metric: family, ...toEntry(m) });
      continue;
    }
    const m = t.families.get(q.metric);
    if (m !== undefined) out.push({ target, ...toEntry(m) });
  }
  return out;
}

/** The text format's `untyped` and a family without a TYPE line are Prometheus' `unknown`. */
function toEntry(m: MetricMetadata): MetadataEntry {
  const type = m.type === "" || m.type === "untyped" ? "unknown" : m.type;
  return { type, help: m.help, unit: m.unit };
}

function matchesAll(labels: Labels, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => m.matches(getLabel(labels, m.name)));
}
