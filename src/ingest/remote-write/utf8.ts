/**
 * UTF-8 validation straight over bytes, without building a string.
 *
 * Accepts exactly the well-formed sequences of the Unicode Standard, Table 3-7
 * (no overlong forms, no surrogates U+D800..U+DFFF, nothing above U+10FFFF):
 * the same set Go's `utf8.Valid` accepts, which is what Prometheus checks on
 * label strings.
 */

/** True when `b[start, end)` is well-formed UTF-8. */
export function isValidUtf8(b: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c < 0xc2) return false; // stray continuation byte, or overlong 2-byte lead (C0, C1)
    if (c < 0xe0) {
      if (i + 1 >= end || (b[i + 1] & 0xc0) !== 0x80) return false;
      i += 2;
      continue;
    }
    if (c < 0xf0) {
      if (i + 2 >= end) return false;
      const c1 = b[i + 1];
      // E0 needs A0..BF (no overlongs); ED needs 80..9F (no surrogates).
      const lo = c === 0xe0 ? 0xa0 : 0x80;
      const hi = c === 0xed ? 0x9f : 0xbf;
      if (c1 < lo || c1 > hi || (b[i + 2] & 0xc0) !== 0x80) return false;
      i += 3;
      continue;
    }
    if (c < 0xf5) {
      if (i + 3 >= end) return false;
      const c1 = b[i + 1];
      // F0 needs 90..BF (no overlongs); F4 needs 80..8F (nothing past U+10FFFF).
      const lo = c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xf4 ? 0x8f : 0xbf;
      if (c1 < lo || c1 > hi || (b[i + 2] & 0xc0) !== 0x80 || (b[i + 3] & 0xc0) !== 0x80) {
        return false;
      }
      i += 4;
      continue;
    }
    return false; // F5..FF never start a sequence
  }
  return true;
}
