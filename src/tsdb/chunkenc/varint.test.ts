import { describe, expect, it } from "vitest";
import { prng } from "../../lib/prng.js";
import { BitWriter } from "./bstream.js";
import { readUvarint, readVarint, writeUvarint, writeVarint } from "./varint.js";

function uvarintBytes(n: number): number[] {
  const w = new BitWriter();
  writeUvarint(w, n);
  return Array.from(w.bytes());
}

function varintBytes(x: number): number[] {
  const w = new BitWriter();
  writeVarint(w, x);
  return Array.from(w.bytes());
}

describe("varints", () => {
  it("match the LEB128 and zigzag encodings of Go's encoding/binary", () => {
    // Worked out by hand: 7 bits per byte, low group first, 0x80 = "more".
    expect(uvarintBytes(0)).toEqual([0x00]);
    expect(uvarintBytes(127)).toEqual([0x7f]);
    expect(uvarintBytes(128)).toEqual([0x80, 0x01]);
    expect(uvarintBytes(300)).toEqual([0xac, 0x02]);
    expect(uvarintBytes(2 ** 32)).toEqual([0x80, 0x80, 0x80, 0x80, 0x10]);
    expect(uvarintBytes(2 ** 53 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    // Zigzag: 0, -1, 1, -2, 2 ... map to 0, 1, 2, 3, 4 ...
    expect(varintBytes(0)).toEqual([0x00]);
    expect(varintBytes(-1)).toEqual([0x01]);
    expect(varintBytes(1)).toEqual([0x02]);
    expect(varintBytes(-64)).toEqual([0x7f]);
    expect(varintBytes(64)).toEqual([0x80, 0x01]);
    // -(2^53 - 1) zigzags to 2^54 - 3, which no double holds exactly.
    expect(varintBytes(-(2 ** 53 - 1))).toEqual([0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f]);
    expect(varintBytes(2 ** 53 - 1)).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f]);
  });

  it("round-trip edge and random safe integers", () => {
    const rand = prng(7);
    const values = [
      0,
      1,
      -1,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      2 ** 32,
      -(2 ** 32),
      -(2 ** 32) - 1,
    ];
    values.push(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1_700_000_000_000);
    for (let i = 0; i < 2000; i++) {
      const magnitude = Math.floor(rand() * 2 ** Math.floor(rand() * 54));
      values.push(rand() < 0.5 ? 0 - magnitude : magnitude); // 0 - 0 is +0, not -0
    }
    const w = new BitWriter();
    for (const v of values) {
      writeVarint(w, v);
      if (v >= 0) writeUvarint(w, v);
    }
    const r = { data: w.bytes(), p: 0 };
    for (const v of values) {
      expect(readVarint(r)).toBe(v);
      if (v >= 0) expect(readUvarint(r)).toBe(v);
    }
  });

  it("reject varints that are too long or beyond 2^53", () => {
    const tooLong = new Uint8Array(11).fill(0x80);
    expect(() => readUvarint({ data: new Uint8Array([0x80]), p: 0 })).toThrow(/truncated/);
    expect(() => readUvarint({ data: tooLong, p: 0 })).toThrow(/longer than 10 bytes/);
    const big = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]); // 2^53
    expect(() => readUvarint({ data: big, p: 0 })).toThrow(/beyond 2\^53/);
    // Zigzag 2^54 - 1 is -(2^53): one past the safe range.
    const low = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f]);
    expect(() => readVarint({ data: low, p: 0 })).toThrow(/safe integer/);
  });
});
