import { describe, expect, it } from "vitest";
import { isUlid, newUlid, ulidTime } from "./ulid.js";

describe("ulid", () => {
  it("encodes the spec's example time and all-ones randomness", () => {
    // ulid/spec: time 1469918176385 encodes as 01ARYZ6S41.
    const u = newUlid(1469918176385, new Uint8Array(10).fill(0xff));
    expect(u).toBe("01ARYZ6S41ZZZZZZZZZZZZZZZZ");
    expect(newUlid(0, new Uint8Array(10))).toBe("00000000000000000000000000");
  });

  it("round-trips the time and is well formed", () => {
    for (const ms of [0, 1, 1_700_000_000_000, 2 ** 48 - 1]) {
      const u = newUlid(ms);
      expect(u).toHaveLength(26);
      expect(isUlid(u)).toBe(true);
      expect(ulidTime(u)).toBe(ms);
    }
  });

  it("sorts by time as strings", () => {
    const times = [5, 1_000, 1_700_000_000_000, 1_700_000_000_001, 2 ** 42];
    const ids = times.map((t) => newUlid(t));
    expect([...ids].sort()).toEqual(ids);
  });

  it("puts the random bits in order", () => {
    const r = new Uint8Array(10);
    r[9] = 1; // the lowest bit
    expect(newUlid(0, r)).toBe("00000000000000000000000001");
    r[9] = 0;
    r[0] = 0x80; // the highest random bit: top of the first random char
    expect(newUlid(0, r)).toBe("0000000000G000000000000000");
  });

  it("rejects what is not a ULID", () => {
    expect(isUlid("01ARYZ6S41ZZZZZZZZZZZZZZZ")).toBe(false);
    expect(isUlid("81ARYZ6S41ZZZZZZZZZZZZZZZZ")).toBe(false);
    expect(isUlid("01ARYZ6S41ZZZZZZZZZZZZZZZI")).toBe(false);
    expect(isUlid("01aryz6s41zzzzzzzzzzzzzzzz")).toBe(false);
    expect(() => newUlid(-1)).toThrow(/BUG/);
  });
});
