import { ReddotError } from "../lib/errors.js";

/**
 * Units follow Prometheus (`--storage.tsdb.retention.size`, `body_size_limit`,
 * which use alecthomas/units Base2Bytes): `KB` and `KiB` both mean 1024, `MB`
 * and `MiB` both mean 2^20, and so on, so a value copied from a Prometheus
 * config means the same here.
 */
const UNIT_BYTES: Record<string, number> = {
  B: 1,
  KB: 2 ** 10,
  KiB: 2 ** 10,
  MB: 2 ** 20,
  MiB: 2 ** 20,
  GB: 2 ** 30,
  GiB: 2 ** 30,
  TB: 2 ** 40,
  TiB: 2 ** 40,
  PB: 2 ** 50,
  PiB: 2 ** 50,
};

const SIZE_RE = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/;

/**
 * Parses a byte size: a plain integer (bytes) or a number with a unit (`512MB`,
 * `10GiB`, `1.5TB`). `what` names the key in the error. Fractions are rounded
 * down to whole bytes. Throws RD_BAD_BYTE_SIZE on bad input.
 */
export function parseByteSize(text: string | number, what = "size"): number {
  if (typeof text === "number") {
    if (Number.isSafeInteger(text) && text >= 0) return text;
    throw badSize(what, `${text} is not a whole, non-negative number of bytes`);
  }
  const m = SIZE_RE.exec(text.trim());
  if (m === null) {
    throw badSize(what, `cannot parse "${text}" as a byte size; want e.g. 0, 512MB, 10GiB, 1TB`);
  }
  const unit = m[2] === "" ? "B" : m[2];
  const size = UNIT_BYTES[unit];
  if (size === undefined) {
    throw badSize(
      what,
      `unknown unit "${unit}" in "${text}"; want one of ${Object.keys(UNIT_BYTES).join(", ")}`,
    );
  }
  if (m[2] === "" && m[1].includes(".")) {
    throw badSize(what, `"${text}" is not a whole number of bytes`);
  }
  const bytes = Math.floor(Number(m[1]) * size);
  if (!Number.isSafeInteger(bytes)) throw badSize(what, `"${text}" is too large`);
  return bytes;
}

/** Formats bytes with the largest binary unit that divides them exactly (`128MiB`, `0`). */
export function formatByteSize(bytes: number): string {
  if (bytes === 0) return "0";
  for (const unit of ["PiB", "TiB", "GiB", "MiB", "KiB"]) {
    const size = UNIT_BYTES[unit];
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

function badSize(what: string, detail: string): ReddotError {
  return new ReddotError("RD_BAD_BYTE_SIZE", 400, `${what}: ${detail}`);
}
