/**
 * A seeded pseudo-random generator for tests, benchmarks and synthetic data:
 * the same seed gives the same sequence on every machine, so a failure
 * reproduces from its seed. Not for anything that must be unpredictable.
 */

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): floats in [0, 1) with 32 bits
 * of randomness each; quality is ample for synthetic data, speed a few ns a call.
 */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n) from one draw of `rand`. */
export function randInt(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

/** One element of `xs` (non-empty) from one draw of `rand`. */
export function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}
