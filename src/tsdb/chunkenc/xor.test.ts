import { describe, expect, it } from "vitest";
import { prng } from "../../lib/prng.js";
import { STALE_NAN } from "../sample.js";
import { decodeXorInto, XorAppender, XorIterator, xorChunkCount } from "./index.js";
import { allBits, floatsFromBits } from "./test-util.js";

/** Encodes ts/vs into one chunk and checks the appender's accessors on the way. */
function encode(ts: Float64Array, vs: Float64Array): Uint8Array {
  const a = new XorAppender();
  for (let i = 0; i < ts.length; i++) a.append(ts[i], vs[i]);
  const bytes = a.bytes();
  expect(a.count).toBe(ts.length);
  expect(a.sizeBytes).toBe(bytes.length);
  expect(xorChunkCount(bytes)).toBe(ts.length);
  if (ts.length > 0) {
    expect(a.minTime).toBe(ts[0]);
    expect(a.maxTime).toBe(ts[ts.length - 1]);
  }
  return bytes;
}

/** Decodes with XorIterator; values go through `it.v` into a Float64Array. */
function decodeWithIterator(bytes: Uint8Array): { ts: Float64Array; vs: Float64Array } {
  const n = xorChunkCount(bytes);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  const it = new XorIterator(bytes);
  let i = 0;
  while (it.next()) {
    ts[i] = it.t;
    vs[i] = it.v;
    i++;
  }
  expect(i).toBe(n);
  expect(it.next()).toBe(false);
  return { ts, vs };
}

/** Encodes, then checks that both decoders return the same timestamps and value bits. */
function expectRoundTrip(ts: Float64Array, vs: Float64Array): Uint8Array {
  const bytes = encode(ts, vs);
  const viaIterator = decodeWithIterator(bytes);
  expect(Array.from(viaIterator.ts)).toEqual(Array.from(ts));
  expect(allBits(viaIterator.vs)).toEqual(allBits(vs));
  const outTs = new Float64Array(ts.length);
  const outVs = new Float64Array(ts.length);
  const end = decodeXorInto(bytes, -Infinity, Infinity, outTs, outVs, 0);
  expect(end).toBe(ts.length);
  expect(Array.from(outTs)).toEqual(Array.from(ts));
  expect(allBits(outVs)).toEqual(allBits(vs));
  return bytes;
}

/** Timestamps start, start + step, ... */
function regular(n: number, start = 1_700_000_000_000, step = 10_000): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => start + i * step);
}

/** A random float64 bit pattern: any value, NaNs with payloads included. */
function randomBits(rand: () => number, vs: Float64Array, i: number): void {
  const words = new Uint32Array(vs.buffer, vs.byteOffset + i * 8, 2);
  words[0] = Math.floor(rand() * 2 ** 32);
  words[1] = Math.floor(rand() * 2 ** 32);
}

function randomTimestamps(rand: () => number, n: number): Float64Array {
  const ts = new Float64Array(n);
  const mode = Math.floor(rand() * 3);
  let t = Math.floor((rand() - 0.5) * 2 ** 50);
  const step = 1 + Math.floor(rand() * 60_000);
  for (let i = 0; i < n; i++) {
    ts[i] = t;
    if (mode === 0)
      t += step + Math.floor(rand() * 7); // scrape interval with jitter
    else if (mode === 1)
      t += 1 + Math.floor(rand() * 2 ** Math.floor(rand() * 40)); // any gap
    else t += rand() < 0.9 ? step : 1 + Math.floor(rand() * 2 ** 30); // regular, rare outages
  }
  return ts;
}

function randomValues(rand: () => number, n: number): Float64Array {
  const vs = new Float64Array(n);
  const mode = Math.floor(rand() * 5);
  let v = Math.round(rand() * 1e6) / 100;
  for (let i = 0; i < n; i++) {
    if (mode === 0) randomBits(rand, vs, i);
    else if (mode === 1) vs[i] = v = Math.round((v + rand() - 0.5) * 100) / 100;
    else if (mode === 2) vs[i] = v = v + Math.floor(rand() * 1000);
    else if (mode === 3) vs[i] = v;
    else if (rand() < 0.3) randomBits(rand, vs, i);
    else vs[i] = rand() < 0.5 ? v : rand() * 10 ** Math.floor(rand() * 20);
  }
  return vs;
}

describe("XOR chunk round trip", () => {
  it("reproduces random series exactly (500 seeded trials)", () => {
    for (let trial = 0; trial < 500; trial++) {
      const rand = prng(trial);
      const sizes = [1, 2, 3, 120, 1 + Math.floor(rand() * 400)];
      const n = sizes[trial % sizes.length];
      expectRoundTrip(randomTimestamps(rand, n), randomValues(rand, n));
    }
  });

  it("handles 1, 2, 120 and 5000 samples", () => {
    const rand = prng(99);
    for (const n of [1, 2, 120, 5000]) {
      const vs = Float64Array.from({ length: n }, () => Math.round(rand() * 1e4) / 100);
      expectRoundTrip(regular(n), vs);
    }
  });

  it("keeps special values bit for bit", () => {
    const specials = floatsFromBits([
      0x7ff8000000000000n, // NaN, as produced by 0/0
      0x7ff0000000000002n, // Prometheus stale marker
      0xfff8000000000001n, // negative quiet NaN with a payload
      0x7ff0000000000001n, // signalling NaN
      0x7fffffffffffffffn, // NaN, all payload bits set
      0x7ff0000000000000n, // +Inf
      0xfff0000000000000n, // -Inf
      0x0000000000000000n, // +0
      0x8000000000000000n, // -0
      0x0000000000000000n, // +0 again: XOR with -0 is the sign bit alone
      0x8000000000000001n, // -5e-324: XOR with +0 has 0 leading and 0 trailing zeros (64 bits)
      0x0000000000000001n, // 5e-324, smallest denormal
      0x000fffffffffffffn, // largest denormal
      0x7fefffffffffffffn, // Number.MAX_VALUE
      0xffefffffffffffffn, // -Number.MAX_VALUE
      0x3ff0000000000000n, // 1
      0x3ff0000000000000n, // 1 again: identical
      0x3ff0000000000001n, // 1 + epsilon: 63 leading zeros, capped to 31
      0x7ff0000000000002n, // stale marker after a normal value
    ]);
    const bytes = expectRoundTrip(regular(specials.length), specials);
    const it = new XorIterator(bytes);
    const seen: number[] = [];
    while (it.next()) seen.push(it.v);
    expect(Object.is(seen[7], 0)).toBe(true);
    expect(Object.is(seen[8], -0)).toBe(true);
    expect(seen[5]).toBe(Infinity);
    expect(seen[6]).toBe(-Infinity);
    expect(seen[13]).toBe(Number.MAX_VALUE);
    expect(seen[11]).toBe(Number.MIN_VALUE);
  });

  it("keeps STALE_NAN from sample.ts between ordinary values", () => {
    const vs = new Float64Array([1, STALE_NAN, 2, STALE_NAN, STALE_NAN, Number.NaN, 3]);
    expectRoundTrip(regular(vs.length), vs);
  });

  it("handles constant values and equal deltas", () => {
    const bytes = expectRoundTrip(regular(120), new Float64Array(120).fill(42.5));
    // Header 2 bytes, zigzag(1.7e12) < 2^42 takes 6 varint bytes, value 8, delta
    // 10000 < 2^14 takes 2; then '0' for value 2 and '0' + '0' for each later sample.
    expect(bytes.length).toBe(2 + 6 + 8 + 2 + Math.ceil((1 + 118 * 2) / 8));
  });

  it("handles negative timestamps, gaps beyond 2^32 and timestamps near 2^53", () => {
    const max = Number.MAX_SAFE_INTEGER;
    const cases = [
      [-5_000_000, -4_000_000, -10, 0, 7],
      [-(2 ** 52), -(2 ** 52) + 1, 2 ** 52], // delta of 2^53 - 1, dod of 2^53 - 2
      [0, 2 ** 52, 2 ** 52 + 1], // dod of 1 - 2^52
      [max - 3000, max - 2000, max - 1000, max],
      [-max, -max + 1, -max + 2 ** 33, -max + 2 ** 34],
      [1, 2 ** 32 + 1, 2 ** 33 + 5, 2 ** 33 + 6, 2 ** 40],
    ];
    for (const c of cases) {
      const ts = Float64Array.from(c);
      expectRoundTrip(
        ts,
        Float64Array.from(c, (_, i) => i * 0.5),
      );
    }
  });

  it("decodes delta-of-deltas on both sides of every bucket edge", () => {
    const base = 2 ** 21; // large enough that base + dod stays positive
    const edges = [0, 1, 2 ** 13, 2 ** 16, 2 ** 19, 2 ** 30, 2 ** 40];
    for (const e of edges) {
      for (const dod of [e - 1, e, e + 1, -e - 1, -e, -e + 1]) {
        if (base + dod <= 0) continue;
        const ts = Float64Array.from([0, base, 2 * base + dod, 3 * base + 2 * dod + 5]);
        expectRoundTrip(ts, new Float64Array([1, 2, 3, 4]));
      }
    }
  });
});

describe("XorAppender", () => {
  it("is empty before the first append", () => {
    const a = new XorAppender();
    expect(a.count).toBe(0);
    expect(a.minTime).toBe(Infinity);
    expect(a.maxTime).toBe(-Infinity);
    expect(Array.from(a.bytes())).toEqual([0, 0]);
    expect(new XorIterator(a.bytes()).next()).toBe(false);
  });

  it("rejects timestamps that do not increase or are not safe integers", () => {
    const a = new XorAppender();
    a.append(1000, 1);
    expect(() => a.append(1000, 2)).toThrow(/^BUG: /);
    expect(() => a.append(999, 2)).toThrow(/^BUG: /);
    expect(() => a.append(Number.NaN, 2)).toThrow(/^BUG: /);
    expect(() => a.append(1000.5, 2)).toThrow(/^BUG: /);
    expect(() => a.append(2 ** 53, 2)).toThrow(/^BUG: /);
    // The failed appends left the chunk unchanged.
    a.append(2000, 2);
    expect(a.count).toBe(2);
    const far = new XorAppender();
    far.append(-Number.MAX_SAFE_INTEGER, 0);
    expect(() => far.append(Number.MAX_SAFE_INTEGER, 0)).toThrow(/gap beyond 2\^53/);
  });

  it("holds at most 65535 samples, the limit of the 2-byte count", () => {
    const a = new XorAppender();
    for (let i = 0; i < 65535; i++) a.append(i, i % 7);
    expect(() => a.append(65535, 0)).toThrow(/chunk full/);
    const bytes = a.bytes();
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0xff, 0xff]);
    let n = 0;
    const it = new XorIterator(bytes);
    while (it.next()) {
      if (it.t !== n || it.v !== n % 7) throw new Error(`sample ${n}: got ${it.t}, ${it.v}`);
      n++;
    }
    expect(n).toBe(65535);
  });

  it("returns a snapshot: bytes() taken earlier still decode after more appends", () => {
    const a = new XorAppender();
    a.append(1, 10);
    a.append(2, 20);
    const early = a.bytes();
    for (let t = 3; t < 200; t++) a.append(t, t * 10);
    expect(decodeWithIterator(early).vs).toEqual(new Float64Array([10, 20]));
    expect(decodeWithIterator(a.bytes()).ts.length).toBe(199);
  });
});

describe("corrupt chunks", () => {
  it("throws RD_CORRUPT_CHUNK on truncated bytes", () => {
    const a = new XorAppender();
    for (let i = 0; i < 50; i++) a.append(i * 1000 + (i % 3), i * 1.1);
    const bytes = a.bytes();
    for (const cut of [0, 1, 5, 12, bytes.length - 5]) {
      const truncated = bytes.subarray(0, cut);
      const read = () => {
        const it = new XorIterator(truncated);
        while (it.next()) {
          // drain
        }
      };
      expect(read).toThrow(expect.objectContaining({ code: "RD_CORRUPT_CHUNK" }));
    }
  });
});
