/**
 * The two 32-bit halves of a float64, read and written through a
 * Float64Array/Int32Array alias. Typed-array stores and loads keep NaN
 * payloads (the stale marker among them) and -0 bit for bit, which a plain
 * `number[]` does not promise. The words are signed so they stay small
 * integers in V8 (a uint32 above 2^31 would be boxed as a double).
 */

// The alias depends on the host's byte order; almost always little-endian.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Index in the word view of the word holding bits 63..32 (sign, exponent, top of mantissa). */
export const HI = LITTLE_ENDIAN ? 1 : 0;
/** Index in the word view of the word holding bits 31..0. */
export const LO = LITTLE_ENDIAN ? 0 : 1;

/** A one-element float and a two-word int32 view of the same 8 bytes. */
export interface FloatAlias {
  readonly f64: Float64Array;
  readonly words: Int32Array;
}

/**
 * A new scratch alias. Each hot module takes its own into module-local
 * constants: that measured faster than reading an imported binding per access.
 */
export function floatAlias(): FloatAlias {
  const f64 = new Float64Array(1);
  return { f64, words: new Int32Array(f64.buffer) };
}
