import { describe, expect, it } from "vitest";
import { isStaleNaN, STALE_NAN } from "../sample.js";
import { mergeRuns, runsAreSorted } from "./merge.js";

function runs(...rs: [number, number][][]): {
  ts: Float64Array;
  vs: Float64Array;
  starts: number[];
} {
  const flat = rs.flat();
  const starts = [0];
  for (const r of rs) starts.push(starts[starts.length - 1] + r.length);
  return {
    ts: Float64Array.from(flat.map((s) => s[0])),
    vs: Float64Array.from(flat.map((s) => s[1])),
    starts,
  };
}

function merge(...rs: [number, number][][]): [number, number][] {
  const { ts, vs, starts } = runs(...rs);
  const outTs = new Float64Array(ts.length);
  const outVs = new Float64Array(ts.length);
  const n = mergeRuns(ts, vs, starts, outTs, outVs);
  return Array.from({ length: n }, (_, i) => [outTs[i], outVs[i]]);
}

describe("mergeRuns", () => {
  it("interleaves runs by time", () => {
    expect(
      merge(
        [
          [1, 1],
          [4, 4],
        ],
        [
          [2, 2],
          [3, 3],
          [5, 5],
        ],
      ),
    ).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
  });

  it("lets the later run win on equal timestamps", () => {
    expect(
      merge(
        [
          [1, 10],
          [2, 20],
          [3, 30],
        ],
        [[2, 21]],
        [
          [2, 22],
          [3, 32],
        ],
      ),
    ).toEqual([
      [1, 10],
      [2, 22],
      [3, 32],
    ]);
    expect(merge([[1, 10]], [], [[1, 11]])).toEqual([[1, 11]]);
  });

  it("handles empty input", () => {
    expect(merge()).toEqual([]);
    expect(merge([], [])).toEqual([]);
  });

  it("keeps the stale marker's bits", () => {
    const { ts, vs, starts } = runs([[1, 0]], [[1, 0]]);
    vs[1] = STALE_NAN;
    const outTs = new Float64Array(2);
    const outVs = new Float64Array(2);
    expect(mergeRuns(ts, vs, starts, outTs, outVs)).toBe(1);
    expect(isStaleNaN(outVs[0])).toBe(true);
  });
});

describe("runsAreSorted", () => {
  it("tells disjoint ordered runs from overlapping ones", () => {
    expect(
      runsAreSorted(
        runs(
          [
            [1, 0],
            [2, 0],
          ],
          [],
          [[3, 0]],
        ).ts,
        [0, 2, 2, 3],
      ),
    ).toBe(true);
    expect(
      runsAreSorted(
        runs(
          [
            [1, 0],
            [3, 0],
          ],
          [[3, 0]],
        ).ts,
        [0, 2, 3],
      ),
    ).toBe(false);
    expect(runsAreSorted(runs([[5, 0]], [[1, 0]]).ts, [0, 1, 2])).toBe(false);
  });
});
