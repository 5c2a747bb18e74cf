/**
 * Test helpers for this folder: a seeded PRNG so property tests are
 * reproducible (a failure names its seed). Not part of the public surface.
 */

/** A deterministic PRNG (mulberry32) returning floats in [0, 1). */
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

/** A random integer in [0, n). */
export function randInt(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

/** A sorted list of distinct ids drawn from [0, range) with probability `density`. */
export function randomPostings(rand: () => number, range: number, density: number): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < range; i++) if (rand() < density) out.push(i);
  return Uint32Array.from(out);
}
