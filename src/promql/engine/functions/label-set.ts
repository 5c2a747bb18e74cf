/** Copy-on-write edits of a sorted label set (names ordered by code unit, no empty values). */
import type { Label, Labels } from "../../../storage/index.js";

/** `labels` with `name` set to `value`; an empty value removes the label, as Prometheus's builder. */
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

/** `labels` without `name` (the same array when it is absent). */
export function withoutLabel(labels: Labels, name: string): Labels {
  return labels.some((l) => l.name === name) ? labels.filter((l) => l.name !== name) : labels;
}
