/**
 * The XOR chunk format as written in docs/formats/xor-chunk.md. Expected bytes
 * are built here from the doc's rules, bit string by bit string, without the
 * encoder, so an encoder bug cannot hide behind a matching decoder bug.
 */

import { describe, expect, it } from "vitest";
import { BitReader } from "./bstream.js";
import { decodeXorInto, XorAppender, XorIterator } from "./index.js";

/** Packs a string of '0'/'1' (spaces ignored) into bytes, zero-padding the last one. */
function packBits(...parts: string[]): number[] {
  const bits = parts.join("").replaceAll(" ", "");
  const out: number[] = [];
  for (let i = 0; i < bits.length; i += 8)
    out.push(Number.parseInt(bits.slice(i, i + 8).padEnd(8, "0"), 2));
  return out;
}

/** `n` as an unsigned binary string of `width` digits (two's complement for negatives). */
function bin(n: number, width: number): string {
  return (n < 0 ? 2 ** width + n : n).toString(2).padStart(width, "0");
}

describe("XOR chunk fixture from the format doc", () => {
  // Samples (1000, 1.0), (11000, 2.5), (20995, 3.0): the doc's example.
  const expected = new Uint8Array([
    0x00,
    0x03, // count = 3, big-endian
    0xd0,
    0x0f, // t0: zigzag(1000) = 2000 = 15 * 128 + 80 -> 0x80 | 80, 15
    0x3f,
    0xf0,
    0,
    0,
    0,
    0,
    0,
    0, // v0: bits of 1.0
    0x90,
    0x4e, // t1 - t0 = 10000 = 78 * 128 + 16 -> 0x80 | 16, 78
    ...packBits(
      // v1: x = 0x3ff0000000000000 ^ 0x4004000000000000 = 0x7ff4000000000000.
      // 1 leading zero; 0x7ff4 ends in binary 0100, so bit 50 is the lowest set
      // bit: 50 trailing zeros, 64 - 1 - 50 = 13 significant bits. No window yet: '11'.
      "11",
      bin(1, 5),
      bin(13, 6),
      "1111111111101",
      // t2: deltas 10000 then 9995, dod = -5, in the 14-bit bucket: '10'.
      "10",
      bin(-5, 14),
      // v2: x = 0x4004000000000000 ^ 0x4008000000000000 = 0x000c000000000000:
      // 12 leading, 50 trailing zeros, inside the window (1, 50): '10' + bits 62..50 = 3.
      "10",
      bin(3, 13),
    ),
  ]);

  it("decodes with XorIterator and decodeXorInto", () => {
    const it = new XorIterator(expected);
    const got: Array<[number, number]> = [];
    while (it.next()) got.push([it.t, it.v]);
    expect(got).toEqual([
      [1000, 1.0],
      [11000, 2.5],
      [20995, 3.0],
    ]);
    const ts = new Float64Array(3);
    const vs = new Float64Array(3);
    expect(decodeXorInto(expected, 0, 30000, ts, vs, 0)).toBe(3);
    expect(Array.from(vs)).toEqual([1.0, 2.5, 3.0]);
  });

  it("is exactly what XorAppender writes", () => {
    const a = new XorAppender();
    a.append(1000, 1.0);
    a.append(11000, 2.5);
    a.append(20995, 3.0);
    expect(Array.from(a.bytes())).toEqual(Array.from(expected));
    expect(expected.length).toBe(22); // as stated in the doc
  });
});

describe("delta-of-delta buckets", () => {
  /** The prefix and payload the doc assigns to `dod`. */
  function docRecord(dod: number): string {
    if (dod === 0) return "0";
    if (dod >= -8191 && dod <= 8192) return `10${bin(dod, 14)}`;
    if (dod >= -65535 && dod <= 65536) return `110${bin(dod, 17)}`;
    if (dod >= -524287 && dod <= 524288) return `1110${bin(dod, 20)}`;
    return `1111${BigInt.asUintN(64, BigInt(dod)).toString(2).padStart(64, "0")}`;
  }

  it("picks Prometheus' asymmetric ranges at every edge", () => {
    // Chunk of (0, 0), (B, 0), (2B + dod, 0) with B = 2^21: 16 header bits, 8 for
    // varint(0), 64 for v0, 32 for uvarint(2^21), 1 for v1 = '0'; then the record.
    const B = 2 ** 21;
    const recordStart = 16 + 8 + 64 + 32 + 1;
    const dods = [0, 1, -1, 8191, -8191, 8192, -8192, 8193, -8193, 65535, -65535, 65536];
    dods.push(-65536, 65537, -65537, 524287, -524287, 524288, -524288, 524289, -524289);
    dods.push(2 ** 40, -(2 ** 20) - 5);
    for (const dod of dods) {
      const a = new XorAppender();
      a.append(0, 0);
      a.append(B, 0);
      a.append(2 * B + dod, 0);
      const want = docRecord(dod);
      const r = new BitReader(a.bytes());
      for (let skip = recordStart; skip > 0; skip -= Math.min(skip, 32))
        r.readBits(Math.min(skip, 32));
      let got = "";
      for (let i = 0; i < want.length; i++) got += r.readBit();
      expect({ dod, record: got }).toEqual({ dod, record: want });
      expect(r.readBit()).toBe(0); // v2 = '0': unchanged value
    }
  });
});
