/**
 * Label sets, as in the Prometheus data model: a metric name (`__name__`) plus
 * label pairs. A `Labels` value is always sorted by name, names are unique, and
 * labels with an empty value are absent (Prometheus treats `a=""` as "no label a").
 */
export interface Label {
  readonly name: string;
  readonly value: string;
}

/** Sorted by name, unique names, no empty values. Treat as immutable. */
export type Labels = readonly Label[];

/** The label that holds the metric name. */
export const METRIC_NAME = "__name__";

/** Builds a canonical `Labels` from a plain object: sorts and drops empty values. */
export function labelsFromRecord(record: Readonly<Record<string, string>>): Labels {
  const out: Label[] = [];
  for (const name of Object.keys(record)) {
    const value = record[name];
    if (value !== undefined && value !== "") out.push({ name, value });
  }
  out.sort((a, b) => compareStrings(a.name, b.name));
  return out;
}

/** Sorts a list of pairs into a canonical `Labels`; later duplicates win, empty values dropped. */
export function labelsFromPairs(pairs: readonly Label[]): Labels {
  const byName = new Map<string, string>();
  for (const p of pairs) byName.set(p.name, p.value);
  const out: Label[] = [];
  for (const [name, value] of byName) if (value !== "") out.push({ name, value });
  out.sort((a, b) => compareStrings(a.name, b.name));
  return out;
}

/** The labels as a plain object (for JSON answers). */
export function labelsToRecord(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of labels) out[l.name] = l.value;
  return out;
}

/** The value of label `name`, or "" when absent. */
export function getLabel(labels: Labels, name: string): string {
  for (const l of labels) if (l.name === name) return l.value;
  return "";
}

/**
 * A canonical string key for a label set, unique per set: names and values are
 * joined with separators that cannot appear in valid UTF-8 text (0xff), as
 * Prometheus does for its label hashes.
 */
export function labelsKey(labels: Labels): string {
  let s = "";
  for (const l of labels) s += `${l.name}\xff${l.value}\xff`;
  return s;
}

/** Byte-wise (code unit) string order, the order Prometheus sorts labels in. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders label sets as Prometheus does: pair by pair, then by length. */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a[i].name, b[i].name) || compareStrings(a[i].value, b[i].value);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** True when both sets hold the same pairs. */
export function labelsEqual(a: Labels, b: Labels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].name !== b[i].name || a[i].value !== b[i].value) return false;
  }
  return true;
}

/** Renders `name{a="b", c="d"}` the way Prometheus prints series. */
export function labelsToString(labels: Labels): string {
  let name = "";
  const parts: string[] = [];
  for (const l of labels) {
    if (l.name === METRIC_NAME) name = l.value;
    else parts.push(`${l.name}=${JSON.stringify(l.value)}`);
  }
  return parts.length === 0 && name !== "" ? name : `${name}{${parts.join(", ")}}`;
}
