import { describe, expect, it } from "vitest";
import { crc32c } from "./crc32c.js";

describe("crc32c", () => {
  it("matches the RFC 3720 check values", () => {
    // RFC 3720 appendix B.4: 32 bytes of zeros, of 0xff, and an ascending run.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    const asc = new Uint8Array(32).map((_, i) => i);
    expect(crc32c(asc)).toBe(0x46dd794e);
    expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
  });

  it("continues across split inputs", () => {
    const data = new TextEncoder().encode("the quick brown fox jumps over the lazy dog");
    const whole = crc32c(data);
    for (let cut = 0; cut <= data.length; cut++) {
      expect(crc32c(data, cut, data.length, crc32c(data, 0, cut))).toBe(whole);
    }
  });
});
