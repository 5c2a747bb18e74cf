import { describe, expect, it } from "vitest";
import { prng } from "../../lib/prng.js";
import { ByteWriter, DecodeError, Decoder } from "./encoding.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("varints", () => {
  it("encode as Go's binary.PutUvarint / PutVarint", () => {
    const cases: [number, string][] = [
      [0, "00"],
      [1, "01"],
      [127, "7f"],
      [128, "8001"],
      [300, "ac02"],
      [2 ** 32, "8080808010"],
      [Number.MAX_SAFE_INTEGER, "ffffffffffffff0f"],
    ];
    for (const [v, want] of cases) {
      const w = new ByteWriter(1);
      w.uvarint(v);
      expect(hex(w.view()), String(v)).toBe(want);
    }
    const signed: [number, string][] = [
      [0, "00"],
      [-1, "01"],
      [1, "02"],
      [-64, "7f"],
      [64, "8001"],
      [1000, "d00f"],
      [Number.MAX_SAFE_INTEGER, "feffffffffffff1f"],
      [-Number.MAX_SAFE_INTEGER, "fdffffffffffff1f"],
    ];
    for (const [v, want] of signed) {
      const w = new ByteWriter(1);
      w.varint(v);
      expect(hex(w.view()), String(v)).toBe(want);
    }
  });

  it("round-trip random safe integers", () => {
    const rand = prng(9);
    const values: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const mag = Math.floor(rand() * 2 ** Math.floor(rand() * 54));
      values.push(Math.min(mag, Number.MAX_SAFE_INTEGER));
    }
    const w = new ByteWriter(1);
    for (const v of values) {
      w.uvarint(v);
      w.varint(v);
      w.varint(-v);
    }
    const d = new Decoder(w.view(), 0, w.length);
    for (const v of values) {
      expect(d.uvarint()).toBe(v);
      expect(d.varint()).toBe(v);
      expect(d.varint()).toBe(v === 0 ? 0 : -v);
    }
    expect(d.pos).toBe(w.length);
  });

  it("refuses truncated, overlong and out-of-range input", () => {
    const dec = (bytes: number[]) => new Decoder(Uint8Array.from(bytes), 0, bytes.length);
    expect(() => dec([0x80]).uvarint()).toThrow(DecodeError);
    expect(() => dec([]).varint()).toThrow(DecodeError);
    expect(() => dec([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).uvarint()).toThrow(
      /too long/,
    );
    expect(() => dec([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]).uvarint()).toThrow(
      /out of range/,
    );
    expect(() => dec([1, 2, 3]).u32()).toThrow(/past end/);
  });
});

describe("fixed-width integers", () => {
  it("are little-endian", () => {
    const w = new ByteWriter(1);
    w.u32(0x01020304);
    w.u64(2 ** 40 + 5);
    expect(hex(w.view())).toBe("04030201" + "0500000000010000");
    const d = new Decoder(w.view(), 0, w.length);
    expect(d.u32()).toBe(0x01020304);
  });
});
