/**
 * Series selection by label matchers, shared by the head (MemPostings) and the
 * block index reader so both answer a selector identically.
 */

import type { Matcher } from "../types.js";
import { isNegative, matcherShape } from "./matcher.js";
import { intersect, subtract, union } from "./postings.js";

/**
 * What `selectPostings` needs from an index. Lists returned by `get` and `all`
 * may be views into the source's storage: they are only read, and only until
 * `selectPostings` returns.
 */
export interface PostingsSource {
  /** Ids of the series with label `name` = `value` (`value` non-empty), ascending; empty if none. */
  get(name: string, value: string): Uint32Array;
  /** The distinct non-empty values of label `name`, sorted by `compareStrings`. */
  labelValues(name: string): readonly string[];
  /** Ids of every series, ascending. */
  all(): Uint32Array;
}

/** First index in `values` (sorted by `compareStrings`) whose entry is >= `s`; `values.length` if none. */
export function lowerBound(values: readonly string[], s: string): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The postings lists of the values of `m.name` that the positive half of `m`
 * accepts (`want` true: the regex or equality as written) or rejects (`want`
 * false). Uses the matcher's shape to avoid scanning every value. Lists may be
 * empty; their union is the answer.
 */
function valueLists(src: PostingsSource, m: Matcher, want: boolean): Uint32Array[] {
  const shape = matcherShape(m);
  const name = m.name;
  const lists: Uint32Array[] = [];
  if (want && shape.kind === "set") {
    // Fast path: look the listed values up directly ("" has no postings).
    for (const v of shape.values) if (v !== "") lists.push(src.get(name, v));
    return lists;
  }
  if (shape.kind === "all" || shape.kind === "nonEmpty") {
    // Every stored value is non-empty, so both accept all of them.
    if (want) for (const v of src.labelValues(name)) lists.push(src.get(name, v));
    return lists;
  }
  const values = src.labelValues(name);
  if (want && shape.kind === "prefix") {
    // Fast path: values are sorted, so those with the prefix are one run.
    for (let i = lowerBound(values, shape.prefix); i < values.length; i++) {
      if (!values[i].startsWith(shape.prefix)) break;
      lists.push(src.get(name, values[i]));
    }
    return lists;
  }
  // m.matches(v) is the positive test for =, =~ and its negation for !=, !~.
  const flip = isNegative(m);
  for (const v of values) if ((m.matches(v) !== flip) === want) lists.push(src.get(name, v));
  return lists;
}

/** Total length of `lists`. */
function total(lists: readonly Uint32Array[]): number {
  let n = 0;
  for (const l of lists) n += l.length;
  return n;
}

/**
 * True when combining a running result of `size` ids with each list of `lists`
 * separately is cheaper than building their union first: each step then costs
 * about `size` (galloping through the list), against `total(lists)` for the union.
 */
function perList(size: number, lists: readonly Uint32Array[]): boolean {
  return lists.length === 1 || size * lists.length * 4 < total(lists);
}

/** `acc ∩ (∪ lists)`, using A ∩ (B ∪ C) = (A ∩ B) ∪ (A ∩ C) when `acc` is small. */
function intersectWith(acc: Uint32Array, lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 1) return intersect([acc, lists[0]]);
  if (!perList(acc.length, lists)) return intersect([acc, union(lists)]);
  return union(lists.map((l) => intersect([acc, l])));
}

/** `acc \ (∪ lists)`, one list at a time when `acc` is small. */
function subtractAll(acc: Uint32Array, lists: readonly Uint32Array[]): Uint32Array {
  if (!perList(acc.length, lists)) return subtract(acc, union(lists));
  for (const l of lists) acc = subtract(acc, l);
  return acc;
}

/**
 * Ids of the series for which every matcher accepts the series' value of its
 * label ("" when the label is absent), ascending, in a fresh array.
 *
 * The plan follows Prometheus' PostingsForMatchers (tsdb/querier.go). A label
 * "must be set" when some matcher on it rejects "". Per matcher:
 *
 *   matcher                               example                 action
 *   =~".*"                                a=~".*"                 skip (accepts everything)
 *   rejects ""                            a="x" a=~".+" a!=""     intersect ∪ postings(accepted values)
 *   positive, accepts "", label must be   a=~"x|" with a!=""      intersect ∪ postings(accepted values)
 *     set (so "" never occurs)
 *   negative, accepts "", label must be   a!="x" with a=~".+"     subtract ∪ postings(rejected values)
 *     set
 *   accepts "", label need not be set     a="" a!="x" a=~"x|"     subtract ∪ postings(rejected values)
 *                                         a!~".+"
 *
 * A matcher that accepts "" also selects series lacking the label, so it can
 * only remove series; when no matcher intersects, subtraction starts from all
 * series. Intersections run before subtractions, the matcher with the fewest
 * postings first, so the running result only shrinks; a small result is
 * combined with each value's list in turn instead of with their union.
 */
export function selectPostings(src: PostingsSource, matchers: readonly Matcher[]): Uint32Array {
  // Labels that some matcher requires to be present (non-empty).
  const mustBeSet = new Set<string>();
  for (const m of matchers) if (!m.matches("")) mustBeSet.add(m.name);

  const its: Uint32Array[][] = [];
  const nots: Uint32Array[][] = [];
  for (const m of matchers) {
    const shape = matcherShape(m);
    if (shape.kind === "all" && m.type === "=~") continue;
    const subtracting = !mustBeSet.has(m.name) || (isNegative(m) && m.matches(""));
    const lists = valueLists(src, m, subtracting === isNegative(m)).filter((l) => l.length > 0);
    if (subtracting) {
      if (lists.length > 0) nots.push(lists);
    } else {
      if (lists.length === 0) return new Uint32Array(0);
      its.push(lists);
    }
  }
  its.sort((a, b) => total(a) - total(b));
  let acc: Uint32Array | undefined;
  for (const lists of its) {
    acc = acc === undefined ? union(lists) : intersectWith(acc, lists);
    if (acc.length === 0) return acc;
  }
  if (acc === undefined) {
    // Subtract straight from the source's list; copy only if nothing is removed.
    if (nots.length === 0) return src.all().slice();
    acc = subtract(src.all(), union(nots[0]));
    nots.shift();
  }
  for (const lists of nots) {
    if (acc.length === 0) break;
    acc = subtractAll(acc, lists);
  }
  return acc;
}
