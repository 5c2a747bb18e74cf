import { describe, expect, it } from "vitest";
import { pick, prng, randInt } from "./prng.js";

describe("prng", () => {
  it("repeats its sequence for a seed, and is mulberry32", () => {
    const a = prng(42);
    const b = prng(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    // Pinned: seeded tests and benches rely on this exact sequence (mulberry32, seed 0).
    const z = prng(0);
    expect([z() * 2 ** 32, z() * 2 ** 32]).toEqual([1144304738, 1416247]);
    expect(prng(1)()).not.toBe(prng(2)());
  });

  it("stays in [0, 1), and randInt/pick in range", () => {
    const r = prng(7);
    for (let i = 0; i < 1000; i++) {
      const x = r();
      expect(x >= 0 && x < 1).toBe(true);
      expect(randInt(r, 3)).toBeLessThan(3);
      expect(["a", "b"]).toContain(pick(r, ["a", "b"]));
    }
  });
});
