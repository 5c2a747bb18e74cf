/**
 * String keys of label sets, computed once per Labels object: output series
 * are gathered by key at every step of a range query, and the same Labels
 * objects recur at every step.
 */
import { type Labels, labelsKey } from "../../storage/index.js";

export class LabelKeys {
  private readonly cache = new WeakMap<Labels, string>();

  of(labels: Labels): string {
    let k = this.cache.get(labels);
    if (k === undefined) {
      k = labelsKey(labels);
      this.cache.set(labels, k);
    }
    return k;
  }
}
