/**
 * Set operations on postings lists: strictly ascending Uint32Array lists of
 * series ids. All functions are pure: they never modify their inputs and
 * return arrays that share no memory with them (possibly a view of a somewhat
 * larger fresh buffer), so callers may pass views that are only valid for the
 * duration of the call.
 *
 * Two-list steps are merges; when one list is much longer than the other, the
 * longer one is searched with galloping (exponential then binary search), which
 * costs O(small * log(large / small)) instead of O(small + large). Prometheus
 * gets the same effect from `Seek` on its postings iterators (tsdb/index/postings.go).
 */

/** Shared empty result; a zero-length array cannot be mutated. */
const EMPTY = new Uint32Array(0);

/**
 * The first `n` entries of `buf` (a buffer this module allocated). Trimming
 * copies, and on large arrays the fresh pages cost more than the copy, so a
 * view is returned unless more than half of `buf` would be wasted.
 */
function firstN(buf: Uint32Array, n: number): Uint32Array {
  return n * 2 >= buf.length ? buf.subarray(0, n) : buf.slice(0, n);
}

/** Above this length ratio a two-list step gallops through the longer list. */
const GALLOP_RATIO = 16;

/**
 * First index `i >= from` with `a[i] >= target`, or `a.length` when none.
 * Probes from, from+1, from+3, from+7... then binary-searches the last gap, so
 * short hops stay cheap.
 */
export function gallop(a: Uint32Array, from: number, target: number): number {
  const n = a.length;
  if (from >= n || a[from] >= target) return from;
  // Invariant: a[lo] < target; the answer lies in (lo, hi].
  let lo = from;
  let step = 1;
  let hi = from + 1;
  while (hi < n && a[hi] < target) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > n) hi = n;
  let l = lo + 1;
  while (l < hi) {
    const mid = (l + hi) >>> 1;
    if (a[mid] < target) l = mid + 1;
    else hi = mid;
  }
  return l;
}

/** Writes `a ∩ b` into `out` (which may be `a` itself) and returns its length. */
function intersectInto(a: Uint32Array, b: Uint32Array, out: Uint32Array): number {
  let small = a;
  let large = b;
  if (a.length > b.length) {
    small = b;
    large = a;
  }
  let k = 0;
  if (large.length > small.length * GALLOP_RATIO) {
    // Fast path: probe the long list for each element of the short one.
    let j = 0;
    for (let i = 0; i < small.length && j < large.length; i++) {
      const x = small[i];
      j = gallop(large, j, x);
      if (j < large.length && large[j] === x) out[k++] = x;
    }
    return k;
  }
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      out[k++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return k;
}

/**
 * Ids present in every list. Lists are processed shortest first so the running
 * result only shrinks. The intersection of no lists is empty (callers that mean
 * "everything" pass the all-series list).
 */
export function intersect(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 0) return EMPTY;
  const sorted = [...lists].sort((x, y) => x.length - y.length);
  if (sorted[0].length === 0) return EMPTY;
  if (sorted.length === 1) return sorted[0].slice();
  const acc = new Uint32Array(sorted[0].length);
  let n = intersectInto(sorted[0], sorted[1], acc);
  for (let i = 2; i < sorted.length && n > 0; i++) {
    n = intersectInto(acc.subarray(0, n), sorted[i], acc);
  }
  return firstN(acc, n);
}

/** Merges two sorted lists, dropping duplicates. */
function union2(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x <= y) {
      out[k++] = x;
      i++;
      if (x === y) j++;
    } else {
      out[k++] = y;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return firstN(out, k);
}

/** Union of many lists through a bitmap over [0, max]; cheap when ids are dense. */
function unionBitmap(lists: readonly Uint32Array[], max: number): Uint32Array {
  const words = new Uint32Array((max >>> 5) + 1);
  for (const l of lists) for (let i = 0; i < l.length; i++) words[l[i] >>> 5] |= 1 << (l[i] & 31);
  let count = 0;
  for (let w = 0; w < words.length; w++) {
    // Population count (SWAR): bits set in one 32-bit word.
    let v = words[w];
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    count += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
  }
  const out = new Uint32Array(count);
  let k = 0;
  for (let w = 0; w < words.length; w++) {
    let v = words[w];
    const base = w * 32;
    while (v !== 0) {
      const low = v & -v;
      out[k++] = base + 31 - Math.clz32(low);
      v ^= low;
    }
  }
  return out;
}

/** Union of many lists by concatenating, sorting and dropping duplicates. */
function unionSort(lists: readonly Uint32Array[], total: number): Uint32Array {
  const all = new Uint32Array(total);
  let k = 0;
  for (const l of lists) {
    all.set(l, k);
    k += l.length;
  }
  all.sort(); // typed arrays sort numerically
  let n = 0;
  for (let i = 0; i < all.length; i++) if (n === 0 || all[i] !== all[n - 1]) all[n++] = all[i];
  return firstN(all, n);
}

/**
 * Ids present in any list. Two lists merge; more go through a bitmap when the
 * id range is small next to the number of ids (the usual case: ids are dense),
 * else through one numeric sort.
 */
export function union(lists: readonly Uint32Array[]): Uint32Array {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return EMPTY;
  if (nonEmpty.length === 1) return nonEmpty[0].slice();
  if (nonEmpty.length === 2) return union2(nonEmpty[0], nonEmpty[1]);
  let total = 0;
  let max = 0;
  for (const l of nonEmpty) {
    total += l.length;
    if (l[l.length - 1] > max) max = l[l.length - 1];
  }
  // A bitmap word covers 32 ids; scanning it is cheaper than sorting an id.
  return max / 32 <= total * 4 ? unionBitmap(nonEmpty, max) : unionSort(nonEmpty, total);
}

/** Ids of `a` that are not in `b`. */
export function subtract(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0) return EMPTY;
  if (b.length === 0 || b[0] > a[a.length - 1] || b[b.length - 1] < a[0]) return a.slice();
  const out = new Uint32Array(a.length);
  let k = 0;
  if (b.length > a.length * GALLOP_RATIO) {
    // Fast path: look each id of the short `a` up in the long `b`.
    let j = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      j = gallop(b, j, x);
      if (j >= b.length || b[j] !== x) out[k++] = x;
    }
  } else if (a.length > b.length * GALLOP_RATIO) {
    // Fast path: skip through the long `a` to each id of the short `b`, copying runs.
    let i = 0;
    for (let j = 0; j < b.length && i < a.length; j++) {
      const next = gallop(a, i, b[j]);
      out.set(a.subarray(i, next), k);
      k += next - i;
      i = next < a.length && a[next] === b[j] ? next + 1 : next;
    }
    out.set(a.subarray(i), k);
    k += a.length - i;
  } else {
    let j = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      while (j < b.length && b[j] < x) j++;
      if (j >= b.length || b[j] !== x) out[k++] = x;
    }
  }
  return firstN(out, k);
}
