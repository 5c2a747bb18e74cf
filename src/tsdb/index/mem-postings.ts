/**
 * The head's in-memory inverted index: for each label pair, the ascending ids
 * of the series carrying it (Prometheus: tsdb/index/postings.go, MemPostings).
 *
 * The head assigns dense increasing ids, so `add` almost always appends: each
 * list is a growable Uint32Array (capacity doubles, so appends are amortised
 * O(1) and a posting costs 4-8 bytes, never a boxed JS number). An id lower
 * than a list's last is inserted in place (binary search + copyWithin).
 */

import { bug } from "../../lib/errors.js";
import { compareStrings, type Labels } from "../labels.js";
import type { Matcher } from "../types.js";
import { gallop } from "./postings.js";
import { type PostingsSource, selectPostings } from "./select.js";

const EMPTY = new Uint32Array(0);
/** Most label pairs (e.g. one instance) hold few series: start small. */
const INITIAL_CAPACITY = 4;

/** A growable ascending id list; `buf[0, len)` is meaningful. */
class IdList {
  buf = new Uint32Array(INITIAL_CAPACITY);
  len = 0;

  /** Adds `id`, keeping order; false when it was already present. */
  add(id: number): boolean {
    const n = this.len;
    if (n === this.buf.length) {
      const grown = new Uint32Array(n * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    if (n === 0 || this.buf[n - 1] < id) {
      this.buf[n] = id;
      this.len = n + 1;
      return true;
    }
    // Out-of-order id (rare): insert at its sorted position.
    const at = gallop(this.buf.subarray(0, n), 0, id);
    if (this.buf[at] === id) return false;
    this.buf.copyWithin(at + 1, at, n);
    this.buf[at] = id;
    this.len = n + 1;
    return true;
  }

  /** Removes the ids in ascending `gone`, compacting in place. */
  remove(gone: Uint32Array): void {
    const buf = this.buf;
    const n = this.len;
    let k = 0;
    let j = 0;
    for (let i = 0; i < n; i++) {
      const x = buf[i];
      j = gallop(gone, j, x);
      if (j < gone.length && gone[j] === x) continue;
      buf[k++] = x;
    }
    this.len = k;
    // Give memory back when a list shrank a lot (series churn).
    if (k * 4 < buf.length && buf.length > INITIAL_CAPACITY)
      this.buf = buf.slice(0, Math.max(k * 2, INITIAL_CAPACITY));
  }

  view(): Uint32Array {
    return this.buf.subarray(0, this.len);
  }
}

/**
 * In-memory postings for the head. Views returned by `get` and `all` alias the
 * index's storage: they are valid until the next `add` or `delete` and must not
 * be modified. Everything else returns fresh arrays.
 */
export class MemPostings {
  /** name → value → ids. */
  private readonly byName = new Map<string, Map<string, IdList>>();
  private readonly allIds = new IdList();
  /** Sorted values per name, rebuilt lazily after a value appears or vanishes. */
  private readonly sortedValues = new Map<string, string[]>();
  private sortedNames: string[] | undefined;
  /** The `PostingsSource` view used by `select`; reads the caches without copying. */
  private readonly source: PostingsSource = {
    get: (name, value) => this.get(name, value),
    labelValues: (name) => this.valuesOf(name),
    all: () => this.all(),
  };

  /** Number of series indexed. */
  get seriesCount(): number {
    return this.allIds.len;
  }

  /**
   * Indexes series `id` (a uint32) under each of its labels. Adding an id that
   * is already indexed is a no-op, so a replayed series record is harmless.
   */
  add(id: number, labels: Labels): void {
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) {
      throw bug("MemPostings.add: id is not a uint32", { id });
    }
    if (!this.allIds.add(id)) return;
    for (const { name, value } of labels) {
      if (value === "") continue; // an empty value means "no such label"
      let values = this.byName.get(name);
      if (values === undefined) {
        values = new Map();
        this.byName.set(name, values);
        this.sortedNames = undefined;
      }
      let list = values.get(value);
      if (list === undefined) {
        list = new IdList();
        values.set(value, list);
        this.sortedValues.delete(name);
      }
      list.add(id);
    }
  }

  /**
   * Removes the given series ids from every list. Cost is one pass over all
   * postings (galloping through the deleted ids), which suits the head's
   * periodic garbage collection rather than per-series removal.
   */
  delete(ids: ReadonlySet<number>): void {
    if (ids.size === 0) return;
    const gone = Uint32Array.from(ids).sort();
    this.allIds.remove(gone);
    for (const [name, values] of this.byName) {
      for (const [value, list] of values) {
        list.remove(gone);
        if (list.len === 0) {
          values.delete(value);
          this.sortedValues.delete(name);
        }
      }
      if (values.size === 0) {
        this.byName.delete(name);
        this.sortedNames = undefined;
      }
    }
  }

  /** Ids with label `name`=`value`: a view valid until the next add/delete. */
  get(name: string, value: string): Uint32Array {
    return this.byName.get(name)?.get(value)?.view() ?? EMPTY;
  }

  /** All label names in use, sorted. */
  labelNames(): string[] {
    this.sortedNames ??= [...this.byName.keys()].sort(compareStrings);
    return [...this.sortedNames];
  }

  /** The values of label `name`, sorted; empty when the name is unknown. */
  labelValues(name: string): string[] {
    return [...this.valuesOf(name)];
  }

  /** Ids of all series: a view valid until the next add/delete. */
  all(): Uint32Array {
    return this.allIds.view();
  }

  /** Ids of the series every matcher accepts, ascending, in a fresh array. */
  select(matchers: readonly Matcher[]): Uint32Array {
    return selectPostings(this.source, matchers);
  }

  /** Cached sorted values of `name`; callers must not modify the array. */
  private valuesOf(name: string): readonly string[] {
    let sorted = this.sortedValues.get(name);
    if (sorted === undefined) {
      const values = this.byName.get(name);
      if (values === undefined) return [];
      sorted = [...values.keys()].sort(compareStrings);
      this.sortedValues.set(name, sorted);
    }
    return sorted;
  }
}
