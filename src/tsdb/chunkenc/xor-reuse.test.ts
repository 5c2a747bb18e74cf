import { describe, expect, it } from "vitest";
import { XorAppender } from "./xor-append.js";
import { decodeXorInto } from "./xor-read.js";

function fill(app: XorAppender, start: number, n: number, seed: number): void {
  let v = seed;
  for (let i = 0; i < n; i++) {
    v += Math.round(Math.sin(i * seed) * 100) / 100;
    app.append(start + i * 10_000 + (i % 3), v);
  }
}

describe("XorAppender reuse", () => {
  it("bytesInto writes exactly what bytes() returns, at any offset", () => {
    const app = new XorAppender();
    fill(app, 1_700_000_000_000, 120, 7);
    const want = app.bytes();
    const target = new Uint8Array(want.length + 13).fill(0xaa);
    app.bytesInto(target, 5);
    expect(target.subarray(5, 5 + want.length)).toEqual(want);
    expect(target[4]).toBe(0xaa);
    expect(target[5 + want.length]).toBe(0xaa);
    expect(app.sizeBytes).toBe(want.length);
  });

  it("a reset appender encodes the next chunk exactly as a fresh one", () => {
    const reused = new XorAppender();
    fill(reused, 0, 120, 3);
    reused.reset();
    expect(reused.count).toBe(0);
    expect(reused.minTime).toBe(Number.POSITIVE_INFINITY);
    fill(reused, 5_000_000, 57, 11);
    const fresh = new XorAppender();
    fill(fresh, 5_000_000, 57, 11);
    expect(reused.bytes()).toEqual(fresh.bytes());
    const ts = new Float64Array(57);
    const vs = new Float64Array(57);
    expect(decodeXorInto(reused.bytes(), 0, Number.MAX_SAFE_INTEGER, ts, vs, 0)).toBe(57);
    expect(ts[0]).toBe(5_000_000);
  });
});
