/**
 * Protobuf wire-format reading over a Buffer, for the hand-written
 * remote-write decoder. Follows the encoding rules of
 * https://protobuf.dev/programming-guides/encoding/ (varints, tags as
 * `field << 3 | wire type`, length-delimited fields, groups).
 *
 * The reader knows nothing of the message being read: every failure goes
 * through `fail`, which the decoder overrides to name the field path.
 */

/** Wire types (encoding guide, "Message Structure"). */
export const WIRE_VARINT = 0;
/** 8 bytes, little-endian (double, fixed64). */
export const WIRE_I64 = 1;
/** Varint length, then that many bytes (strings, messages, packed fields). */
export const WIRE_LEN = 2;
/** Start of a group (deprecated, still skipped as upstream parsers do). */
export const WIRE_SGROUP = 3;
/** End of a group. */
export const WIRE_EGROUP = 4;
/** 4 bytes, little-endian (float, fixed32). */
export const WIRE_I32 = 5;

const WIRE_NAMES = [
  "varint",
  "i64",
  "len",
  "sgroup",
  "egroup",
  "i32",
  "6 (invalid)",
  "7 (invalid)",
];

/** Human name of a wire type, for error messages. */
export function wireName(wt: number): string {
  return WIRE_NAMES[wt & 7];
}

/** Groups nested deeper than this are refused rather than recursed into. */
const MAX_GROUP_DEPTH = 32;

/** Largest integer a JS number holds exactly: timestamps beyond it are refused. */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A cursor over `buf`. Methods take the end of the enclosing message so that
 * nothing is read across a message boundary.
 */
export abstract class WireReader {
  /** Next byte to read. */
  pos = 0;

  constructor(readonly buf: Buffer) {}

  /** Builds the error thrown for malformed input at byte `at`. */
  abstract fail(what: string, at: number): Error;

  /** Reads an unsigned varint up to 64 bits; exact below 2^53, approximate above (fine for sizes and tags, which are refused there). */
  readVarint(end: number): number {
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= end) throw this.fail("truncated varint", start);
      const b = buf[p++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (i === 9 && b > 1) throw this.fail("varint overflows 64 bits", start);
        this.pos = p;
        return result;
      }
      mul *= 128;
    }
    throw this.fail("varint longer than 10 bytes", start);
  }

  /**
   * Reads an int64 varint (two's complement: negative values take 10 bytes)
   * and refuses values a double cannot hold exactly (beyond ±(2^53−1)).
   */
  readInt64(end: number): number {
    // Fast path: up to 7 bytes (49 bits) is non-negative and exact in a double;
    // millisecond timestamps of this era take 6 bytes.
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (p >= end) throw this.fail("truncated varint", start);
      const b = buf[p++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = p;
        return result;
      }
      mul *= 128;
    }
    return this.readInt64Slow(end);
  }

  private readInt64Slow(end: number): number {
    const start = this.pos;
    let p = start;
    let v = 0n;
    for (let i = 0; ; i++) {
      if (i === 10) throw this.fail("varint longer than 10 bytes", start);
      if (p >= end) throw this.fail("truncated varint", start);
      const b = this.buf[p++];
      if (i === 9 && b > 1) throw this.fail("varint overflows 64 bits", start);
      v |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) break;
    }
    const signed = BigInt.asIntN(64, v);
    if (signed > MAX_SAFE || signed < -MAX_SAFE) {
      throw this.fail(`value ${signed} outside ±(2^53-1)`, start);
    }
    this.pos = p;
    return Number(signed);
  }

  /** Reads a tag; refuses field number 0 and tags past 32 bits. */
  readTag(end: number): number {
    const p = this.pos;
    if (p < end) {
      const b = this.buf[p];
      if (b >= 8 && b < 0x80) {
        this.pos = p + 1;
        return b;
      }
    }
    const tag = this.readVarint(end);
    if (tag < 8 || tag > 0xffffffff) throw this.fail(`invalid tag ${tag}`, p);
    return tag;
  }

  /** Reads the length of a LEN field and checks it fits before `end`. */
  readLength(end: number): number {
    const at = this.pos;
    const len = this.readVarint(end);
    if (len > end - this.pos) {
      throw this.fail(`length ${len} runs past the end (${end - this.pos} bytes left)`, at);
    }
    return len;
  }

  /** Skips the value of a field whose tag was just read. */
  skipField(tag: number, end: number, depth = 0): void {
    const at = this.pos;
    switch (tag & 7) {
      case WIRE_VARINT:
        this.readVarint(end);
        return;
      case WIRE_I64:
        this.skipBytes(8, end, at);
        return;
      case WIRE_LEN: {
        // Read the length first: `this.pos += f()` would add to the position before f moved it.
        const skip = this.readLength(end);
        this.pos += skip;
        return;
      }
      case WIRE_I32:
        this.skipBytes(4, end, at);
        return;
      case WIRE_SGROUP:
        this.skipGroup(tag >>> 3, end, depth);
        return;
      case WIRE_EGROUP:
        throw this.fail("end-group without a start-group", at);
      default:
        throw this.fail(`invalid wire type ${tag & 7}`, at);
    }
  }

  /** Checks that `n` bytes remain before `end` and steps over them. */
  skipBytes(n: number, end: number, at: number): void {
    if (end - this.pos < n) throw this.fail(`truncated: ${n} bytes needed`, at);
    this.pos += n;
  }

  private skipGroup(field: number, end: number, depth: number): void {
    const at = this.pos;
    if (depth >= MAX_GROUP_DEPTH) throw this.fail("groups nested too deep", at);
    for (;;) {
      if (this.pos >= end) throw this.fail(`group ${field} not terminated`, at);
      const tag = this.readTag(end);
      if ((tag & 7) === WIRE_EGROUP) {
        if (tag >>> 3 !== field) throw this.fail(`group ${field} ended by ${tag >>> 3}`, at);
        return;
      }
      this.skipField(tag, end, depth + 1);
    }
  }
}
