import { describe, expect, it } from "vitest";
import { formatByteSize, parseByteSize } from "./byte-size.js";

describe("parseByteSize", () => {
  it("parses plain bytes and units, MB meaning MiB as in Prometheus", () => {
    expect(parseByteSize("0")).toBe(0);
    expect(parseByteSize("1234")).toBe(1234);
    expect(parseByteSize(4096)).toBe(4096);
    expect(parseByteSize("512MB")).toBe(512 * 2 ** 20);
    expect(parseByteSize("512MiB")).toBe(512 * 2 ** 20);
    expect(parseByteSize("10GiB")).toBe(10 * 2 ** 30);
    expect(parseByteSize("1TB")).toBe(2 ** 40);
    expect(parseByteSize("1.5KiB")).toBe(1536);
    expect(parseByteSize("100B")).toBe(100);
  });

  it("rejects bad text naming the key", () => {
    for (const bad of ["", "12 MB", "-1", "1.5", "10XB", "MB", "1e3", "10mb"]) {
      expect(() => parseByteSize(bad, "storage.retention_size")).toThrow(
        /^storage\.retention_size: /,
      );
    }
    expect(() => parseByteSize(-1, "x")).toThrow(/x: -1 is not a whole/);
    expect(() => parseByteSize(1.5, "x")).toThrow(/x: 1.5 is not a whole/);
    expect(() => parseByteSize("99999PiB", "x")).toThrow(/too large/);
  });

  it("carries the stable code", () => {
    expect(() => parseByteSize("x")).toThrow(expect.objectContaining({ code: "RD_BAD_BYTE_SIZE" }));
  });

  it("formats back to the same size", () => {
    for (const n of [0, 1, 1024, 128 * 2 ** 20, 10 * 2 ** 30, 1500]) {
      expect(parseByteSize(formatByteSize(n))).toBe(n);
    }
    expect(formatByteSize(128 * 2 ** 20)).toBe("128MiB");
  });
});
