import { describe, expect, it } from "vitest";
import { prng } from "../../lib/prng.js";
import { BitReader, BitWriter, CORRUPT_CHUNK } from "./bstream.js";

/** Bytes as a string of '0'/'1', most significant bit of each byte first. */
function bitString(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(2).padStart(8, "0")).join("");
}

describe("BitWriter", () => {
  it("writes most significant bits first and zero-pads the last byte", () => {
    const w = new BitWriter();
    w.writeBit(1);
    w.writeBits(0b010, 3);
    w.writeBits(0x3, 2);
    expect(w.bitLength).toBe(6);
    expect(w.byteLength).toBe(1);
    expect(bitString(w.bytes())).toBe("10101100");
  });

  it("keeps only the low n bits of the value", () => {
    const w = new BitWriter();
    w.writeBits(0xff, 4);
    w.writeBits(-1, 4);
    expect(Array.from(w.bytes())).toEqual([0xff]);
    const w2 = new BitWriter();
    w2.writeBits(0x1f0, 4);
    expect(Array.from(w2.bytes())).toEqual([0x00]);
  });

  it("writes whole 32-bit words, signed or not", () => {
    const w = new BitWriter();
    w.writeBits(0xdeadbeef, 32);
    w.writeBits(-2, 32);
    w.writeBit(1);
    expect(Array.from(w.bytes())).toEqual([0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff, 0xfe, 0x80]);
  });

  it("grows past its initial capacity and after reserve", () => {
    const w = new BitWriter(4);
    for (let i = 0; i < 1000; i++) w.writeBits(i & 0xff, 8);
    w.reserve(5000);
    for (let i = 1000; i < 3000; i++) w.writeBits(i & 0xff, 8);
    const bytes = w.bytes();
    expect(bytes.length).toBe(3000);
    expect(bytes.every((b, i) => b === (i & 0xff))).toBe(true);
  });

  it("returns a copy that later writes do not change", () => {
    const w = new BitWriter();
    w.writeBits(0xab, 8);
    const first = w.bytes();
    w.writeBits(0xcd, 8);
    expect(Array.from(first)).toEqual([0xab]);
    expect(Array.from(w.bytes())).toEqual([0xab, 0xcd]);
  });
});

describe("BitReader", () => {
  it("reads back random runs of widths 1..32", () => {
    for (let trial = 0; trial < 50; trial++) {
      const rand = prng(1000 + trial);
      const widths: number[] = [];
      const values: number[] = [];
      const w = new BitWriter(4);
      for (let i = 0; i < 500; i++) {
        const n = 1 + Math.floor(rand() * 32);
        const v = Math.floor(rand() * 2 ** n);
        widths.push(n);
        values.push(v);
        if (n === 1 && rand() < 0.5) w.writeBit(v);
        else w.writeBits(v, n);
      }
      const r = new BitReader(w.bytes());
      // 32-bit reads come back as int32; compare the unsigned value.
      const got = widths.map((n) => (n === 1 ? r.readBit() : r.readBits(n)) >>> 0);
      expect(got).toEqual(values);
      expect(r.bitPosition).toBe(w.bitLength);
    }
  });

  it("starts at a byte offset", () => {
    const r = new BitReader(new Uint8Array([0xff, 0x12, 0x34]), 1);
    expect(r.readBits(16)).toBe(0x1234);
  });

  it("reads the zero padding of the last byte but not past it", () => {
    const r = new BitReader(new Uint8Array([0x80, 0x01]));
    expect(r.readBit()).toBe(1);
    expect(r.readBits(15)).toBe(1);
    expect(() => r.readBit()).toThrow(expect.objectContaining({ code: CORRUPT_CHUNK }));
    const r2 = new BitReader(new Uint8Array([1, 2, 3]));
    expect(() => r2.readBits(32)).toThrow(/truncated/);
  });
});
