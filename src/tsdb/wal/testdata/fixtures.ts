/**
 * Test helpers for the WAL: a deterministic stream of records and a canonical
 * text form of decoded records, so tests can compare bit for bit.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STALE_NAN } from "../../sample.js";
import type { WalOptions } from "../options.js";
import { decodeRecord } from "../record-decode.js";
import { type DecodedRecord, encodeSamplesRecord, encodeSeriesRecord } from "../records.js";
import { Wal } from "../wal.js";

/** Record `i` of the test stream: every 5th is a series record, the rest samples (one stale). */
export function makeRecord(i: number): Uint8Array {
  if (i % 5 === 0) {
    return encodeSeriesRecord([
      {
        ref: i,
        labels: [
          { name: "__name__", value: `metric_${i}` },
          { name: "host", value: `hôst-${i % 3}` },
        ],
      },
    ]);
  }
  const n = 1 + (i % 7);
  const refs = new Uint32Array(n);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    refs[j] = i * 10 + j;
    ts[j] = 1_700_000_000_000 + i * 1000 - j;
    vs[j] = j === 3 ? STALE_NAN : i + j / 8;
  }
  return encodeSamplesRecord(refs, ts, vs, n);
}

/** The canonical text of record `i` of the test stream. */
export function expectedKey(i: number): string {
  const rec = makeRecord(i);
  return recordKey(decodeRecord(rec[0], rec.subarray(1)));
}

/** A canonical text of a decoded record; values as hex bytes so NaN payloads count. */
export function recordKey(rec: DecodedRecord): string {
  if (rec.type === "series") {
    return `series ${rec.series
      .map((s) => `${s.ref}{${s.labels.map((l) => `${l.name}=${l.value}`).join(",")}}`)
      .join(" ")}`;
  }
  const bits = Buffer.from(rec.vs.buffer, rec.vs.byteOffset, rec.length * 8).toString("hex");
  return `samples ${Array.from(rec.refs.subarray(0, rec.length)).join(",")} ${Array.from(
    rec.ts.subarray(0, rec.length),
  ).join(",")} ${bits}`;
}

/** Canonical texts of records `[from, to)` of the test stream. */
export function expectedKeys(from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(expectedKey(i));
  return out;
}

/** A fresh temporary directory; remove it with `removeTmp`. */
export async function makeTmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), "reddot-wal-"));
}

/** Removes a temporary directory made by `makeTmp`. */
export async function removeTmp(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Opens the WAL in `dir`, replays it, closes it; returns the records' texts and the stats. */
export async function replayAll(
  dir: string,
  opts: Partial<WalOptions> = {},
): Promise<{ keys: string[]; tornTailsRepaired: number }> {
  const wal = await Wal.open({ dir, fsync: "never", ...opts });
  const keys: string[] = [];
  try {
    const stats = await wal.replay((rec) => keys.push(recordKey(rec)));
    return { keys, tornTailsRepaired: stats.tornTailsRepaired };
  } finally {
    await wal.close();
  }
}

/** Offsets of the frames in a segment file's bytes (assumes a valid file). */
export function frameOffsets(file: Uint8Array): number[] {
  const out: number[] = [];
  let pos = 8;
  while (pos + 9 <= file.length) {
    const len =
      file[pos + 1] | (file[pos + 2] << 8) | (file[pos + 3] << 16) | (file[pos + 4] << 24);
    if (pos + 9 + len > file.length) break;
    out.push(pos);
    pos += 9 + len;
  }
  return out;
}
