import { describe, expect, it } from "vitest";
import { labelsFromRecord } from "../../storage/index.js";
import { labelsHashBytes, xxh64 } from "./xxhash.js";

const utf8 = new TextEncoder();
const hex = (s: string) => xxh64(utf8.encode(s)).toString(16).padStart(16, "0");

describe("xxh64", () => {
  // Published XXH64 (seed 0) vectors: cespare/xxhash's tests and xxhsum output.
  it.each([
    ["", "ef46db3751d8e999"],
    ["\0", "e934a84adb052768"],
    ["a", "d24ec4f1a98c6e5b"],
    ["abc", "44bc2cf5ad770999"],
    ["abcd", "de0327b0d25d92cc"],
    ["abcdefgh", "3ad351775b4634b7"],
    ["heiå", "b9d3d990d2001a1a"],
    ["123456789112345", "3fe21a05d12d6937"],
    ["1234567891123456", "2658b09cc412f64b"],
    ["12345678911234567", "27ea21dee5d4e44d"],
    ["12345678911234567892", "40a3274a7cd71a84"],
    ["123456789112345678921", "00556809f6f92f9f"],
    ["12345678911234567892123456789312", "4d2be36beec5c9b1"],
    ["123456789112345678921234567893123", "9c9679e3ca2e9baa"],
    ["123456789112345678921234567893123456", "65ea0593c02478de"],
    ["1234567891123456789212345678931234567", "acbd027696f9c7f6"],
    ["message digest", "066ed728fceeb3be"],
  ])("xxh64(%j) = %s", (input, want) => {
    expect(hex(input)).toBe(want);
  });
});

describe("labelsHashBytes", () => {
  it("length-prefixes names and values in UTF-8 bytes, long strings with 255 + 3 bytes", () => {
    const bytes = labelsHashBytes(labelsFromRecord({ a: "é", b: "x".repeat(300) }));
    expect([...bytes.slice(0, 5)]).toEqual([1, 97, 2, 0xc3, 0xa9]);
    expect([...bytes.slice(5, 12)]).toEqual([1, 98, 255, 300 & 0xff, 300 >> 8, 0, 120]);
    expect(bytes.length).toBe(5 + 2 + 4 + 300);
  });
});
