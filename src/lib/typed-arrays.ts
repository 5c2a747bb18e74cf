/**
 * A copy of `a` in a new array of `size` elements (size >= a.length); the
 * growth step of the growable typed-array buffers on the sample paths.
 * Typed arrays, not number[], so NaN payloads (stale markers) survive.
 */
export function grownFloat64(a: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(size);
  out.set(a);
  return out;
}
