/** Copy-on-write edits of a sorted label set (names ordered by code unit, no empty values). */
import type { Labels } from "../../../storage/index.js";

export { withLabel } from "../signature.js";

/** `labels` without `name` (the same array when it is absent). */
export function withoutLabel(labels: Labels, name: string): Labels {
  return labels.some((l) => l.name === name) ? labels.filter((l) => l.name !== name) : labels;
}
