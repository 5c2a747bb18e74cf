/**
 * Sample values. Timestamps are int64 milliseconds held in JS numbers (exact up
 * to 2^53 ms, far past year 200,000). Values are float64.
 *
 * Staleness markers are the special NaN Prometheus uses (bits 0x7ff0000000000002).
 * V8 keeps NaN payloads in typed arrays and number values but may canonicalise
 * them when a NaN is stored in a plain JS array of doubles, so samples travel in
 * Float64Array buffers, never in `number[]`.
 */

const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** Low and high 32-bit words of the stale-marker NaN (little-endian layout). */
const STALE_LO = 0x00000002;
const STALE_HI = 0x7ff00000;

scratchBits[0] = STALE_LO;
scratchBits[1] = STALE_HI;
/** The staleness marker value. Compare with `isStaleNaN`, never with `===`. */
export const STALE_NAN: number = scratch[0];

/** True when `v` carries the exact bit pattern of the staleness marker. */
export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false; // the common case: no bit inspection
  scratch[0] = v;
  return scratchBits[0] === STALE_LO && scratchBits[1] === STALE_HI;
}
