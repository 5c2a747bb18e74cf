import { describe, expect, it } from "vitest";
import { crc32c } from "./crc32c.js";
import { prng, randInt } from "./prng.js";

/** Bit at a time, straight from the definition: the reference the tables must match. */
function crc32cBitwise(data: Uint8Array, start: number, end: number, crc: number): number {
  let c = ~crc >>> 0;
  for (let i = start; i < end; i++) {
    c ^= data[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

/** Deterministic pseudo-random bytes, so a failure reproduces. */
function randomBytes(n: number, seed: number): Uint8Array {
  const rand = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = randInt(rand, 256);
  return out;
}

describe("crc32c", () => {
  it("matches the RFC 3720 check values", () => {
    // RFC 3720 appendix B.4: 32 bytes of zeros, of 0xff, and an ascending run.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    const asc = new Uint8Array(32).map((_, i) => i);
    expect(crc32c(asc)).toBe(0x46dd794e);
    const desc = new Uint8Array(32).map((_, i) => 31 - i);
    expect(crc32c(desc)).toBe(0x113fdb5c);
    expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
  });

  it("continues across split inputs", () => {
    const data = new TextEncoder().encode("the quick brown fox jumps over the lazy dog");
    const whole = crc32c(data);
    for (let cut = 0; cut <= data.length; cut++) {
      expect(crc32c(data, cut, data.length, crc32c(data, 0, cut))).toBe(whole);
    }
  });

  it("matches the bitwise definition for every length 0..300 at every alignment", () => {
    const buf = randomBytes(320, 0x9e3779b9);
    for (let len = 0; len <= 300; len++) {
      for (let off = 0; off < 8; off++) {
        const seed = (len * 2654435761 + off) >>> 0;
        expect(crc32c(buf, off, off + len, seed)).toBe(crc32cBitwise(buf, off, off + len, seed));
      }
    }
  });

  it("matches on views that start anywhere in their buffer, and on large inputs", () => {
    const backing = randomBytes(70_000, 12345);
    for (const viewStart of [0, 1, 2, 3, 5, 4096 + 7]) {
      for (const len of [63, 64, 65, 1000, 4099, 65_537]) {
        const view = new Uint8Array(backing.buffer, viewStart, len + 3);
        for (const s of [0, 1, 3]) {
          expect(crc32c(view, s, s + len)).toBe(crc32cBitwise(view, s, s + len, 0));
        }
      }
    }
    // Node Buffers from the shared pool start at arbitrary offsets of their ArrayBuffer.
    const pooled = Buffer.from(randomBytes(777, 99));
    expect(crc32c(pooled)).toBe(crc32cBitwise(pooled, 0, pooled.length, 0));
  });

  it("does not read outside [start, end)", () => {
    const buf = randomBytes(512, 7);
    const want = crc32c(buf, 100, 400);
    buf.fill(0xaa, 0, 100);
    buf.fill(0x55, 400);
    expect(crc32c(buf, 100, 400)).toBe(want);
  });
});
