import { describe, expect, it } from "vitest";
import { prng, randInt } from "../../lib/prng.js";
import { getLabel, type Labels, labelsFromRecord } from "../labels.js";
import type { Matcher, MatchType } from "../types.js";
import { newMatcher } from "./matcher.js";
import { MemPostings } from "./mem-postings.js";

const NAMES = ["__name__", "a", "b", "c"];
const VALUES = ["x", "y", "z", "xy", "yx", "x\ny", "é"];
const REGEXES = [".*", ".+", "x|", "x|y", "x.*", ".*y", "x.", "(x|y)z?", "", "x", "[xy]+", "é|"];
const TYPES: MatchType[] = ["=", "!=", "=~", "!~"];

/** Random label sets; ~30% of labels absent so "missing label" cases are common. */
function randomSeries(rand: () => number, n: number): Labels[] {
  const out: Labels[] = [];
  for (let i = 0; i < n; i++) {
    const rec: Record<string, string> = {};
    for (const name of NAMES) if (rand() < 0.7) rec[name] = VALUES[randInt(rand, VALUES.length)];
    out.push(labelsFromRecord(rec));
  }
  return out;
}

function randomMatcher(rand: () => number): Matcher {
  const type = TYPES[randInt(rand, TYPES.length)];
  // Sometimes a label no series has, to cover "absent everywhere".
  const name = rand() < 0.1 ? "missing" : NAMES[randInt(rand, NAMES.length)];
  const pool = type === "=~" || type === "!~" ? REGEXES : [...VALUES, ""];
  return newMatcher(type, name, pool[randInt(rand, pool.length)]);
}

function bruteForce(series: readonly Labels[], matchers: readonly Matcher[]): number[] {
  const out: number[] = [];
  series.forEach((ls, id) => {
    if (matchers.every((m) => m.matches(getLabel(ls, m.name)))) out.push(id);
  });
  return out;
}

function indexed(series: readonly Labels[]): MemPostings {
  const p = new MemPostings();
  series.forEach((ls, id) => {
    p.add(id, ls);
  });
  return p;
}

const m = newMatcher;

describe("selectPostings (through MemPostings)", () => {
  const series = [
    labelsFromRecord({ __name__: "up", a: "x" }),
    labelsFromRecord({ __name__: "up", a: "y" }),
    labelsFromRecord({ __name__: "up" }),
    labelsFromRecord({ __name__: "cpu", a: "x", b: "1" }),
  ];
  const p = indexed(series);
  const sel = (...ms: Matcher[]) => [...p.select(ms)];

  it("selects series lacking the label when a matcher accepts the empty string", () => {
    expect(sel(m("=", "a", ""))).toEqual([2]);
    expect(sel(m("!=", "a", "x"))).toEqual([1, 2]);
    expect(sel(m("=~", "a", ".*"))).toEqual([0, 1, 2, 3]);
    expect(sel(m("=~", "a", "x|"))).toEqual([0, 2, 3]);
    expect(sel(m("!~", "a", ".+"))).toEqual([2]);
    expect(sel(m("=", "zzz", ""))).toEqual([0, 1, 2, 3]);
  });

  it("intersects matchers that require the label", () => {
    expect(sel(m("=", "__name__", "up"), m("=", "a", "x"))).toEqual([0]);
    expect(sel(m("=~", "a", ".+"))).toEqual([0, 1, 3]);
    expect(sel(m("!=", "a", ""))).toEqual([0, 1, 3]);
    expect(sel(m("=", "__name__", "up"), m("!=", "a", "x"))).toEqual([1, 2]);
    expect(sel(m("=~", "a", ".+"), m("!=", "a", "x"))).toEqual([1]);
    expect(sel(m("=~", "a", "x|"), m("!=", "a", ""))).toEqual([0, 3]);
    expect(sel(m("!~", "a", ".*"))).toEqual([]);
    expect(sel(m("=", "a", "nope"), m("=~", "b", ".*"))).toEqual([]);
    expect(sel()).toEqual([0, 1, 2, 3]);
  });

  it("agrees with brute force on random series and matcher combinations", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const rand = prng(seed);
      const data = randomSeries(rand, 1 + randInt(rand, 60));
      const idx = indexed(data);
      for (let q = 0; q < 5; q++) {
        const ms = Array.from({ length: randInt(rand, 4) }, () => randomMatcher(rand));
        const want = bruteForce(data, ms);
        expect(
          [...idx.select(ms)],
          `seed ${seed}: ${ms.map((x) => `${x.name}${x.type}${JSON.stringify(x.value)}`).join(",")}`,
        ).toEqual(want);
      }
    }
  });

  it("agrees with brute force for matchers not built by newMatcher", () => {
    const rand = prng(7);
    const data = randomSeries(rand, 50);
    const idx = indexed(data);
    for (let q = 0; q < 200; q++) {
      const ms = Array.from({ length: 1 + randInt(rand, 3) }, () => {
        const inner = randomMatcher(rand);
        // A plain object: selectPostings must fall back to testing values.
        return { type: inner.type, name: inner.name, value: inner.value, matches: inner.matches };
      });
      expect([...idx.select(ms)]).toEqual(bruteForce(data, ms));
    }
  });
});
