import { describe, expect, it } from "vitest";
import { prng } from "../../lib/prng.js";
import { XorAppender } from "./xor-append.js";
import { decodeXorFromInto, decodeXorInto } from "./xor-read.js";

/** Values that exercise every XOR case: repeats, small and large changes, NaN payloads, ±0, ±Inf. */
function valueAt(rand: () => number, prev: number): number {
  const r = rand();
  if (r < 0.2) return prev;
  if (r < 0.3) return prev + 1;
  if (r < 0.35)
    return [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][
      Math.floor(rand() * 5)
    ] as number;
  if (r < 0.4) return (rand() - 0.5) * 1e300;
  return Math.round(rand() * 1e6) / 100;
}

/** Timestamps with regular steps, jitter, and rare huge gaps (64-bit delta-of-delta). */
function nextT(rand: () => number, prev: number): number {
  const r = rand();
  if (r < 0.6) return prev + 15_000;
  if (r < 0.9) return prev + 15_000 + Math.floor((rand() - 0.5) * 2000);
  if (r < 0.98) return prev + Math.floor(rand() * 600_000) + 1;
  return prev + Math.floor(rand() * 2 ** 40) + 1;
}

function decodeAll(
  bytes: Uint8Array,
  mint: number,
  maxt: number,
): { ts: number[]; bits: string[] } {
  const ts = new Float64Array(200);
  const vs = new Float64Array(200);
  const n = decodeXorInto(bytes, mint, maxt, ts, vs, 0);
  return { ts: Array.from(ts.subarray(0, n)), bits: bitsOf(vs.subarray(0, n)) };
}

function bitsOf(vs: Float64Array): string[] {
  const u = new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
  const out: string[] = [];
  for (let i = 0; i < vs.length; i++)
    out.push(`${u[2 * i + 1]?.toString(16)}:${u[2 * i]?.toString(16)}`);
  return out;
}

describe("XOR chunk checkpoints", () => {
  it("resume decoding to exactly the samples a full decode gives after them", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = prng(seed);
      const app = new XorAppender();
      let t = 1_700_000_000_000 + Math.floor(rand() * 1e6);
      let v = 1;
      let checked = 0;
      for (let i = 0; i < 120; i++) {
        t = nextT(rand, t);
        v = valueAt(rand, v);
        app.append(t, v);
        const cp = app.checkpoint;
        if (cp === null) continue;
        expect(cp.count % 32).toBe(0);
        const bytes = app.bytes();
        // Everything after the checkpoint, and a window in the middle of it.
        for (const [mint, maxt] of [
          [cp.t + 1, Number.MAX_SAFE_INTEGER],
          [cp.t + 1 + Math.floor(rand() * (t - cp.t)), t - Math.floor(rand() * 1000)],
        ] as const) {
          const want = decodeAll(bytes, mint, maxt);
          const ts = new Float64Array(200);
          const vs = new Float64Array(200);
          const n = decodeXorFromInto(bytes, cp, mint, maxt, ts, vs, 0);
          expect(Array.from(ts.subarray(0, n))).toEqual(want.ts);
          expect(bitsOf(vs.subarray(0, n))).toEqual(want.bits);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
    }
  });

  it("has none before 32 samples and forgets it on reset", () => {
    const app = new XorAppender();
    for (let i = 0; i < 31; i++) app.append(i * 1000, i);
    expect(app.checkpoint).toBeNull();
    app.append(31_000, 31);
    expect(app.checkpoint?.count).toBe(32);
    expect(app.checkpoint?.t).toBe(31_000);
    app.reset();
    expect(app.checkpoint).toBeNull();
  });
});
