/**
 * Label-set projections shared by aggregations (`by`/`without`) and vector
 * matching (`on`/`ignoring`), computed once per Labels object.
 *
 * Follows Prometheus 3.14 (model/labels HashForLabels, HashWithoutLabels,
 * BytesWithLabels/BytesWithoutLabels, and promql/engine.go rangeEval): a
 * "keep" list (`by`, `on`) selects exactly the listed labels, `__name__`
 * included only when listed; a "drop" list (`without`, `ignoring`) selects all
 * other labels and always leaves out `__name__`.
 *
 * The evaluator hands the same Labels object for a series at every step of a
 * range query, so caching by object identity makes the per-step cost one
 * WeakMap lookup per sample.
 */
import { type Label, type Labels, METRIC_NAME } from "../../storage/index.js";
import { goQuote } from "../go-format.js";

/** Labels that describe a metric's schema; arithmetic drops them all (Prometheus schema.IsMetadataLabel). */
const METADATA_LABELS: ReadonlySet<string> = new Set([METRIC_NAME, "__type__", "__unit__"]);

/**
 * An unambiguous string key for a list of label pairs: each name and value is
 * prefixed by its length, so no choice of label text can make two different
 * sets collide.
 */
export function pairsKey(labels: Labels): string {
  let s = "";
  for (const l of labels) s += `${l.name.length}:${l.name}${l.value.length}:${l.value}`;
  return s;
}

/**
 * One `by`/`on` or `without`/`ignoring` list: which labels of a series form
 * its group (or match) key.
 */
export class LabelProjection {
  private readonly names: ReadonlySet<string>;
  private readonly keepListed: boolean;
  private readonly keys = new WeakMap<Labels, string>();
  private readonly projected = new WeakMap<Labels, Labels>();
  /** Projected label sets by key, so equal projections share one Labels object across series and steps. */
  private readonly canonical = new Map<string, Labels>();

  /** `keepListed`: true for `by`/`on`, false for `without`/`ignoring`. */
  constructor(names: readonly string[], keepListed: boolean) {
    this.names = new Set(names);
    this.keepListed = keepListed;
  }

  /** Whether the projection keeps label `name`. */
  keeps(name: string): boolean {
    if (this.keepListed) return this.names.has(name);
    return name !== METRIC_NAME && !this.names.has(name);
  }

  /** The group/match key of a series. */
  key(labels: Labels): string {
    let k = this.keys.get(labels);
    if (k === undefined) {
      k = this.computeKey(labels);
      this.keys.set(labels, k);
    }
    return k;
  }

  /**
   * The projected labels (Prometheus generateGroupingLabels / MatchLabels).
   * The same object is returned for every series with the same key.
   */
  labels(labels: Labels): Labels {
    let p = this.projected.get(labels);
    if (p === undefined) {
      const k = this.key(labels);
      p = this.canonical.get(k);
      if (p === undefined) {
        p = labels.filter((l) => this.keeps(l.name));
        this.canonical.set(k, p);
      }
      this.projected.set(labels, p);
    }
    return p;
  }

  private computeKey(labels: Labels): string {
    let s = "";
    for (const l of labels) {
      if (this.keeps(l.name)) s += `${l.name.length}:${l.name}${l.value.length}:${l.value}`;
    }
    return s;
  }
}

/**
 * Dense small-integer ids for keys, so per-step bookkeeping can live in typed
 * arrays indexed by id instead of maps rebuilt at every step.
 */
export class KeyOrdinals {
  private readonly projection: LabelProjection;
  private readonly byLabels = new WeakMap<Labels, number>();
  private readonly byKey = new Map<string, number>();

  constructor(projection: LabelProjection) {
    this.projection = projection;
  }

  /** How many distinct keys have been seen so far. */
  get size(): number {
    return this.byKey.size;
  }

  of(labels: Labels): number {
    let id = this.byLabels.get(labels);
    if (id === undefined) {
      const k = this.projection.key(labels);
      id = this.byKey.get(k);
      if (id === undefined) {
        id = this.byKey.size;
        this.byKey.set(k, id);
      }
      this.byLabels.set(labels, id);
    }
    return id;
  }
}

/** The labels without `__name__`, `__type__` and `__unit__`; the same object when none is present. */
export function withoutMetadataLabels(labels: Labels): Labels {
  let found = false;
  for (const l of labels) {
    if (METADATA_LABELS.has(l.name)) {
      found = true;
      break;
    }
  }
  return found ? labels.filter((l) => !METADATA_LABELS.has(l.name)) : labels;
}

/** Returns `labels` with `name` set to `value` (removed when `value` is ""), keeping the sort order. */
export function withLabel(labels: Labels, name: string, value: string): Labels {
  const out: Label[] = [];
  let placed = value === "";
  for (const l of labels) {
    if (l.name === name) continue;
    if (!placed && l.name > name) {
      out.push({ name, value });
      placed = true;
    }
    out.push(l);
  }
  if (!placed) out.push({ name, value });
  return out;
}

const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A label set as Prometheus's `labels.Labels.String()` prints it in error
 * messages: `{__name__="up", job="node"}`, names quoted only when they are
 * not legacy identifiers.
 */
export function labelsToPromString(labels: Labels): string {
  const parts: string[] = [];
  for (const l of labels) {
    const name = LEGACY_LABEL_NAME.test(l.name) ? l.name : goQuote(l.name);
    parts.push(`${name}=${goQuote(l.value)}`);
  }
  return `{${parts.join(", ")}}`;
}
