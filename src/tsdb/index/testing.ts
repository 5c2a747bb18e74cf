/**
 * Test helpers for this folder: random postings lists drawn from a seeded PRNG
 * (lib/prng.ts), so property tests are reproducible (a failure names its
 * seed). Not part of the public surface.
 */

/** A sorted list of distinct ids drawn from [0, range) with probability `density`. */
export function randomPostings(rand: () => number, range: number, density: number): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < range; i++) if (rand() < density) out.push(i);
  return Uint32Array.from(out);
}
