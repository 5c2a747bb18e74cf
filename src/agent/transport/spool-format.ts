/**
 * The agent spool's file format (docs/formats/agent-spool.md): one report
 * batch per file, a 16-byte header then the payload. Pure encoding, no I/O.
 *
 * ```
 * offset 0   4 bytes  magic "RDSP"
 *        4   u8       format version (1)
 *        5   3 bytes  reserved, zero
 *        8   u32 LE   payload length in bytes
 *       12   u32 LE   CRC-32C of the payload
 *       16   ...      payload (a gzipped JSON report for the sender)
 * ```
 */
import { crc32c } from "../../lib/crc32c.js";

/** On-disk format version of a spool file; bumped on any incompatible change. */
export const SPOOL_VERSION = 1;
/** Bytes before the payload. */
export const HEADER_BYTES = 16;
/** "RDSP" in ASCII. */
const MAGIC = [0x52, 0x44, 0x53, 0x50] as const;

/** A spool file's bytes: header (magic, version, payload length, CRC-32C of the payload) and payload. */
export function encodeSpoolFile(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  out.set(MAGIC, 0);
  out[4] = SPOOL_VERSION;
  const view = new DataView(out.buffer);
  view.setUint32(8, payload.length, true);
  view.setUint32(12, crc32c(payload), true);
  out.set(payload, HEADER_BYTES);
  return out;
}

/**
 * The payload of a spool file, or a reason it is unusable (torn, corrupt, not
 * a spool file, unknown version). The payload is a view into `file`.
 */
export function decodeSpoolFile(file: Uint8Array): { payload: Uint8Array } | { problem: string } {
  if (file.length < HEADER_BYTES) {
    return {
      problem: `file is ${file.length} bytes; want at least the ${HEADER_BYTES}-byte header`,
    };
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (file[i] !== MAGIC[i]) return { problem: "bad magic; want RDSP" };
  }
  if (file[4] !== SPOOL_VERSION) {
    return { problem: `format version ${file[4]}; want ${SPOOL_VERSION}` };
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const length = view.getUint32(8, true);
  if (HEADER_BYTES + length !== file.length) {
    return {
      problem: `header says ${length} payload bytes; file holds ${file.length - HEADER_BYTES} (torn write?)`,
    };
  }
  const payload = file.subarray(HEADER_BYTES);
  const want = view.getUint32(12, true);
  const got = crc32c(payload);
  if (got !== want) {
    return { problem: `CRC-32C 0x${hex8(got)}; header says 0x${hex8(want)}` };
  }
  return { payload };
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}
