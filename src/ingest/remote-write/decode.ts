/**
 * Remote write 1.0 decoder: snappy block format around a protobuf
 * `prometheus.WriteRequest` (docs/formats/remote-write.md), read by hand
 * straight from the decompressed Buffer.
 *
 * All-or-nothing: `decodeWriteRequest` returns a batch in which every series
 * and sample passed every check, or throws a ReddotError naming the field path;
 * the caller appends nothing from a rejected body.
 */
import { uncompressSync } from "snappy";
import { bug, ReddotError } from "../../lib/errors.js";
import { RequestDecoder } from "./request-decoder.js";
import {
  DEFAULT_REMOTE_WRITE_LIMITS,
  type DecodedWriteRequest,
  type RemoteWriteLimits,
} from "./types.js";

/**
 * Decodes and validates a snappy-compressed remote-write 1.0 body.
 * Throws RD_TOO_LARGE (413), RD_BAD_SNAPPY, RD_BAD_PROTOBUF, RD_BAD_LABELS or
 * RD_TOO_MANY_SAMPLES (400); see docs/formats/remote-write.md.
 */
export function decodeWriteRequest(
  body: Uint8Array,
  limits?: Partial<RemoteWriteLimits>,
): DecodedWriteRequest {
  const lim = resolveLimits(limits);
  if (body.length > lim.maxBodyBytes) {
    throw new ReddotError(
      "RD_TOO_LARGE",
      413,
      `request body is ${body.length} bytes, limit ${lim.maxBodyBytes}`,
    );
  }
  const size = snappyDecodedLength(body);
  if (size > lim.maxDecompressedBytes) {
    throw new ReddotError(
      "RD_TOO_LARGE",
      413,
      `request body decompresses to ${size} bytes (snappy length preamble), limit ${lim.maxDecompressedBytes}`,
    );
  }
  let raw: string | Buffer;
  try {
    raw = uncompressSync(body, { asBuffer: true });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ReddotError("RD_BAD_SNAPPY", 400, `request body is not snappy block format: ${why}`, {
      cause: e,
    });
  }
  if (typeof raw === "string") throw bug("snappy returned a string despite asBuffer", {});
  return new RequestDecoder(raw, lim).decode();
}

function resolveLimits(limits: Partial<RemoteWriteLimits> | undefined): RemoteWriteLimits {
  const out = { ...DEFAULT_REMOTE_WRITE_LIMITS };
  if (limits === undefined) return out;
  for (const k of Object.keys(out) as (keyof RemoteWriteLimits)[]) {
    const v = limits[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Reads the uvarint length preamble of a snappy block (at most 5 bytes, up to
 * 2^32−1), so that an oversized body is refused before any memory is
 * allocated for it (snappy format_description.txt, "Preamble").
 */
function snappyDecodedLength(body: Uint8Array): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 5 && i < body.length; i++) {
    const b = body[i];
    result += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (result > 0xffffffff) break;
      return result;
    }
    mul *= 128;
  }
  const why = body.length === 0 ? "it is empty" : "its length preamble is invalid";
  throw new ReddotError("RD_BAD_SNAPPY", 400, `request body is not snappy block format: ${why}`);
}
