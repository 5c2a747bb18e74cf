/**
 * Helpers shared by this folder's tests (not exported from index.ts): exact
 * float bit patterns. Values travel in Float64Array, never in number[], so NaN
 * payloads survive. The seeded PRNG is lib/prng.ts.
 */

/** A float64 from its 64-bit pattern. */
export function fromBits(bits: bigint): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

/** The 64-bit pattern of `vs[i]` as 16 hex digits (compares NaN payloads and -0). */
export function bitsAt(vs: Float64Array, i: number): string {
  // A same-buffer view shares the host byte order with the Float64Array.
  const words = new BigUint64Array(vs.buffer, vs.byteOffset, vs.length);
  return words[i].toString(16).padStart(16, "0");
}

/** Bit patterns of every element, for whole-array comparisons. */
export function allBits(vs: Float64Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < vs.length; i++) out.push(bitsAt(vs, i));
  return out;
}

/** Float64Array of values given by their 64-bit patterns. */
export function floatsFromBits(bits: bigint[]): Float64Array {
  return new Float64Array(BigUint64Array.from(bits).buffer);
}
