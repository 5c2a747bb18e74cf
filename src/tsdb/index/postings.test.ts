import { describe, expect, it } from "vitest";
import { prng, randInt } from "../../lib/prng.js";
import { gallop, intersect, subtract, union } from "./postings.js";
import { randomPostings } from "./testing.js";

/** Naive references over Sets. */
function refIntersect(lists: readonly Uint32Array[]): number[] {
  if (lists.length === 0) return [];
  const sets = lists.map((l) => new Set(l));
  return [...lists[0]].filter((x) => sets.every((s) => s.has(x)));
}
function refUnion(lists: readonly Uint32Array[]): number[] {
  const s = new Set<number>();
  for (const l of lists) for (const x of l) s.add(x);
  return [...s].sort((a, b) => a - b);
}
function refSubtract(a: Uint32Array, b: Uint32Array): number[] {
  const s = new Set(b);
  return [...a].filter((x) => !s.has(x));
}

/** Element-wise equality; far cheaper than a deep `toEqual` on 100k elements. */
function same(got: Uint32Array, want: ArrayLike<number>): boolean {
  if (got.length !== want.length) return false;
  for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) return false;
  return true;
}

/** Lists with very different sizes and densities, so every code path runs. */
function randomLists(rand: () => number): Uint32Array[] {
  const count = randInt(rand, 6);
  const range = [10, 1000, 5000, 30_000][randInt(rand, 4)];
  const lists: Uint32Array[] = [];
  if (rand() < 0.2) {
    // Sparse ids over the whole u32 range (the sort-based union), sharing a few values.
    const shared = Array.from({ length: 5 }, () => randInt(rand, 2 ** 32));
    for (let i = 0; i < count; i++) {
      const ids = Array.from({ length: randInt(rand, 50) }, () => randInt(rand, 2 ** 32));
      for (const x of shared) if (rand() < 0.5) ids.push(x);
      lists.push(Uint32Array.from(new Set(ids)).sort());
    }
    return lists;
  }
  for (let i = 0; i < count; i++) {
    const density = [0, 0.001, 0.01, 0.2, 0.9, 1][randInt(rand, 6)];
    lists.push(randomPostings(rand, range, density));
  }
  return lists;
}

describe("gallop", () => {
  it("finds the first index at or after `from` holding a value >= target", () => {
    const a = Uint32Array.from([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    for (let from = 0; from <= a.length; from++) {
      for (let t = 0; t <= 21; t++) {
        let want = from;
        while (want < a.length && a[want] < t) want++;
        expect(gallop(a, from, t), `from ${from} target ${t}`).toBe(want);
      }
    }
  });
});

describe("postings operations", () => {
  it("match naive Set-based references on random inputs", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rand = prng(seed);
      const lists = randomLists(rand);
      const copies = lists.map((l) => l.slice());
      expect(same(intersect(lists), refIntersect(lists)), `intersect seed ${seed}`).toBe(true);
      expect(same(union(lists), refUnion(lists)), `union seed ${seed}`).toBe(true);
      if (lists.length >= 2) {
        const [a, b] = lists;
        expect(same(subtract(a, b), refSubtract(a, b)), `subtract seed ${seed}`).toBe(true);
        expect(same(subtract(b, a), refSubtract(b, a)), `subtract seed ${seed}`).toBe(true);
      }
      // Inputs are left untouched.
      expect(lists.every((l, i) => same(l, copies[i]))).toBe(true);
    }
  });

  it("handles sparse ids up to 2^32-1 (sort-based union)", () => {
    const a = Uint32Array.from([0, 5, 0xfffffff0, 0xffffffff]);
    const b = Uint32Array.from([5, 6, 0xffffffff]);
    const c = Uint32Array.from([1, 0x80000000]);
    expect([...union([a, b, c])]).toEqual([0, 1, 5, 6, 0x80000000, 0xfffffff0, 0xffffffff]);
    expect([...intersect([a, b])]).toEqual([5, 0xffffffff]);
    expect([...subtract(a, b)]).toEqual([0, 0xfffffff0]);
  });

  it("gallops correctly between a tiny and a huge list", () => {
    const huge = Uint32Array.from({ length: 200_000 }, (_, i) => i * 2);
    const tiny = Uint32Array.from([0, 1, 77_776, 77_777, 399_998, 400_000]);
    expect([...intersect([huge, tiny])]).toEqual([0, 77_776, 399_998]);
    expect([...subtract(tiny, huge)]).toEqual([1, 77_777, 400_000]);
    const rest = subtract(huge, tiny);
    expect(rest.length).toBe(huge.length - 3);
    expect(rest[0]).toBe(2);
    expect(rest[rest.length - 1]).toBe(399_996);
  });

  it("returns fresh arrays, never views of the inputs", () => {
    const a = Uint32Array.from([1, 2, 3]);
    for (const r of [intersect([a]), union([a]), subtract(a, new Uint32Array(0))]) {
      expect(r.buffer).not.toBe(a.buffer);
      expect([...r]).toEqual([1, 2, 3]);
    }
    expect(intersect([]).length).toBe(0);
    expect(union([]).length).toBe(0);
  });
});
