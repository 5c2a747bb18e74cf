/**
 * ULIDs name blocks: 26 Crockford base32 characters, 48 bits of Unix time in
 * milliseconds followed by 80 random bits (https://github.com/ulid/spec). The
 * time comes first, so the names of blocks sort by creation time, as in the
 * Prometheus TSDB, which names its block directories the same way.
 */
import { randomFillSync } from "node:crypto";
import { bug } from "../../lib/errors.js";

/** Crockford's base32 alphabet: no I, L, O, U, so names are unambiguous to read. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
/** Largest time a ULID can hold: 2^48 - 1 ms (year 10889). */
const MAX_TIME = 2 ** 48 - 1;
const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/**
 * A new ULID for time `ms` (default now). `random` supplies the 80 random bits
 * (10 bytes); tests pass fixed bytes, production uses the crypto generator.
 */
export function newUlid(ms: number = Date.now(), random?: Uint8Array): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIME) {
    throw bug("ULID time out of range", { ms });
  }
  const bytes = random ?? randomFillSync(new Uint8Array(10));
  if (bytes.length !== 10) throw bug("ULID needs 10 random bytes", { got: bytes.length });
  let out = "";
  // Time: most significant 5-bit group first, so the string sorts like the number.
  let t = ms;
  const timeChars: string[] = new Array(TIME_CHARS);
  for (let i = TIME_CHARS - 1; i >= 0; i--) {
    timeChars[i] = ALPHABET[t % 32];
    t = Math.floor(t / 32);
  }
  out += timeChars.join("");
  // Randomness: 80 bits read 5 at a time from the big-endian byte string.
  let acc = 0;
  let bits = 0;
  let byte = 0;
  for (let i = 0; i < RANDOM_CHARS; i++) {
    while (bits < 5) {
      acc = ((acc << 8) | bytes[byte++]) & 0xfff;
      bits += 8;
    }
    bits -= 5;
    out += ALPHABET[(acc >>> bits) & 31];
  }
  return out;
}

/** True when `s` is a well-formed ULID (upper case, as we write them). */
export function isUlid(s: string): boolean {
  return ULID_RE.test(s);
}

/** The millisecond timestamp encoded in a ULID. */
export function ulidTime(ulid: string): number {
  if (!isUlid(ulid)) throw bug("not a ULID", { ulid });
  let t = 0;
  for (let i = 0; i < TIME_CHARS; i++) t = t * 32 + ALPHABET.indexOf(ulid[i]);
  return t;
}
