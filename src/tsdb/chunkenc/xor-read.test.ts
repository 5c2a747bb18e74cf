import { describe, expect, it } from "vitest";
import { decodeXorInto, XorAppender, xorChunkCount } from "./index.js";

/** A chunk with samples at t = 1000, 2000, ..., 10000 and v = t / 1000. */
function tenSamples(): Uint8Array {
  const a = new XorAppender();
  for (let t = 1000; t <= 10000; t += 1000) a.append(t, t / 1000);
  return a.bytes();
}

function decodeRange(bytes: Uint8Array, mint: number, maxt: number): number[] {
  const ts = new Float64Array(xorChunkCount(bytes));
  const vs = new Float64Array(xorChunkCount(bytes));
  const end = decodeXorInto(bytes, mint, maxt, ts, vs, 0);
  expect(Array.from(vs.subarray(0, end))).toEqual(Array.from(ts.subarray(0, end), (t) => t / 1000));
  return Array.from(ts.subarray(0, end));
}

describe("decodeXorInto", () => {
  const bytes = tenSamples();

  it("includes samples exactly at mint and maxt", () => {
    expect(decodeRange(bytes, 3000, 5000)).toEqual([3000, 4000, 5000]);
    expect(decodeRange(bytes, 1000, 1000)).toEqual([1000]);
    expect(decodeRange(bytes, 10000, 10000)).toEqual([10000]);
  });

  it("excludes samples one millisecond outside the range", () => {
    expect(decodeRange(bytes, 3001, 4999)).toEqual([4000]);
    expect(decodeRange(bytes, 2001, 2999)).toEqual([]);
  });

  it("handles ranges before, after, around and inverted", () => {
    expect(decodeRange(bytes, 0, 999)).toEqual([]);
    expect(decodeRange(bytes, 10001, 20000)).toEqual([]);
    expect(decodeRange(bytes, -Infinity, Infinity)).toHaveLength(10);
    expect(decodeRange(bytes, 0, 2500)).toEqual([1000, 2000]);
    expect(decodeRange(bytes, 9500, 1e15)).toEqual([10000]);
    expect(decodeRange(bytes, 5000, 4000)).toEqual([]);
  });

  it("writes from offset on and leaves the rest of the arrays alone", () => {
    const ts = new Float64Array(15).fill(-1);
    const vs = new Float64Array(15).fill(-1);
    const end = decodeXorInto(bytes, 2000, 4000, ts, vs, 5);
    expect(end).toBe(8);
    expect(Array.from(ts)).toEqual([
      -1, -1, -1, -1, -1, 2000, 3000, 4000, -1, -1, -1, -1, -1, -1, -1,
    ]);
    expect(Array.from(vs.subarray(5, 8))).toEqual([2, 3, 4]);
    // Appending a second chunk's samples after the first, as a query does.
    const next = decodeXorInto(bytes, 9000, 10000, ts, vs, end);
    expect(next).toBe(10);
    expect(Array.from(ts.subarray(0, next)).slice(5)).toEqual([2000, 3000, 4000, 9000, 10000]);
  });

  it("returns offset unchanged for an empty chunk", () => {
    const empty = new XorAppender().bytes();
    expect(
      decodeXorInto(empty, -Infinity, Infinity, new Float64Array(0), new Float64Array(0), 0),
    ).toBe(0);
  });

  it("ignores bytes after the last sample (Prometheus < 3.0 padded a zero byte)", () => {
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes);
    expect(decodeRange(padded, -Infinity, Infinity)).toEqual(
      decodeRange(bytes, -Infinity, Infinity),
    );
  });
});
