import { describe, expect, it } from "vitest";
import { WalCorruptionError } from "./errors.js";
import { ByteReader, putUvarint, putVarint } from "./varint.js";

function uvarintBytes(v: number): number[] {
  const b = new Uint8Array(16);
  return Array.from(b.subarray(0, putUvarint(b, 0, v)));
}

function varintBytes(v: number): number[] {
  const b = new Uint8Array(16);
  return Array.from(b.subarray(0, putVarint(b, 0, v)));
}

describe("varints", () => {
  it("match Go's binary.PutUvarint / PutVarint bytes", () => {
    expect(uvarintBytes(0)).toEqual([0x00]);
    expect(uvarintBytes(127)).toEqual([0x7f]);
    expect(uvarintBytes(300)).toEqual([0xac, 0x02]);
    expect(uvarintBytes(2 ** 32)).toEqual([0x80, 0x80, 0x80, 0x80, 0x10]);
    // zigzag: 0 -> 0, -1 -> 1, 1 -> 2, -64 -> 127, 64 -> 128
    expect(varintBytes(0)).toEqual([0x00]);
    expect(varintBytes(-1)).toEqual([0x01]);
    expect(varintBytes(1)).toEqual([0x02]);
    expect(varintBytes(-64)).toEqual([0x7f]);
    expect(varintBytes(64)).toEqual([0x80, 0x01]);
    expect(varintBytes(-1000)).toEqual([0xcf, 0x0f]);
  });

  it("round-trip the whole safe-integer range", () => {
    const values = [
      0,
      1,
      63,
      64,
      127,
      128,
      16383,
      16384,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      1_700_000_000_000,
      2 ** 52,
      Number.MAX_SAFE_INTEGER,
    ];
    const buf = new Uint8Array(1024);
    let pos = 0;
    for (const v of values) {
      pos = putUvarint(buf, pos, v);
      pos = putVarint(buf, pos, v);
      pos = putVarint(buf, pos, 0 - v);
      pos = putVarint(buf, pos, -v - 1);
    }
    const r = new ByteReader(buf.subarray(0, pos));
    for (const v of values) {
      expect(r.uvarint()).toBe(v);
      expect(r.varint()).toBe(v);
      expect(r.varint()).toBe(0 - v);
      expect(r.varint()).toBe(-v - 1);
    }
    expect(r.remaining).toBe(0);
  });

  it("reject truncated and oversized varints", () => {
    expect(() => new ByteReader(Uint8Array.of(0x80)).uvarint()).toThrow(WalCorruptionError);
    expect(() => new ByteReader(Uint8Array.of()).varint()).toThrow(WalCorruptionError);
    const huge = new Uint8Array(10).fill(0xff);
    huge[9] = 0x01;
    expect(() => new ByteReader(huge).uvarint()).toThrow(/exceeds 2\^53/);
  });
});
