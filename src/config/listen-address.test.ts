import { describe, expect, it } from "vitest";
import { formatListenAddress, parseListenAddress } from "./listen-address.js";

describe("parseListenAddress", () => {
  it("parses IPv4, names, bracketed IPv6 and an empty host", () => {
    expect(parseListenAddress("127.0.0.1:9190")).toEqual({ host: "127.0.0.1", port: 9190 });
    expect(parseListenAddress("localhost:80")).toEqual({ host: "localhost", port: 80 });
    expect(parseListenAddress("[::1]:9190")).toEqual({ host: "::1", port: 9190 });
    expect(parseListenAddress(":9190")).toEqual({ host: "0.0.0.0", port: 9190 });
    expect(parseListenAddress("127.0.0.1:0")).toEqual({ host: "127.0.0.1", port: 0 });
  });

  it("rejects what is not HOST:PORT, naming the input", () => {
    for (const bad of ["", "9190", "127.0.0.1", "::1:9190", "host:99999", "host:x", "a b:1"]) {
      expect(() => parseListenAddress(bad, "--listen")).toThrow(/^--listen: cannot parse/);
    }
  });

  it("formats back", () => {
    for (const text of ["127.0.0.1:9190", "[::1]:9190"]) {
      expect(formatListenAddress(parseListenAddress(text))).toBe(text);
    }
  });
});
