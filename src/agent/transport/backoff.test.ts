import { describe, expect, it } from "vitest";
import { isReddotError } from "../../lib/errors.js";
import { Backoff } from "./backoff.js";

describe("Backoff", () => {
  it("doubles the ceiling per failure up to the cap, jittered over [0, ceiling)", () => {
    const top = new Backoff({ baseMs: 100, capMs: 1000, random: () => 0.999999 });
    expect(Array.from({ length: 6 }, () => top.next())).toEqual([99, 199, 399, 799, 999, 999]);
    const bottom = new Backoff({ baseMs: 100, capMs: 1000, random: () => 0 });
    expect(Array.from({ length: 3 }, () => bottom.next())).toEqual([0, 0, 0]);
    const half = new Backoff({ baseMs: 100, capMs: 1000, random: () => 0.5 });
    expect(Array.from({ length: 5 }, () => half.next())).toEqual([50, 100, 200, 400, 500]);
  });

  it("starts again from base after reset", () => {
    const b = new Backoff({ baseMs: 10, capMs: 10_000, random: () => 0.5 });
    for (let i = 0; i < 5; i++) b.next();
    expect(b.attempt).toBe(5);
    b.reset();
    expect(b.attempt).toBe(0);
    expect(b.next()).toBe(5);
  });

  it("stays at the cap after very many failures", () => {
    const b = new Backoff({ baseMs: 1, capMs: 60_000, random: () => 0.5 });
    for (let i = 0; i < 5000; i++) b.next();
    expect(b.next()).toBe(30_000);
  });

  it("rejects nonsense settings", () => {
    let err: unknown;
    try {
      new Backoff({ baseMs: 100, capMs: 10 });
    } catch (e) {
      err = e;
    }
    expect(isReddotError(err) && err.code).toBe("RD_AGENT_SEND_OPTIONS");
  });
});
