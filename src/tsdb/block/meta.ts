/**
 * `meta.json`: what a block holds. Written last into the temporary directory,
 * so a block directory that has a valid meta.json is complete. Modelled on the
 * Prometheus block meta (tsdb/block.go, BlockMeta), trimmed to what we use.
 */
import { readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { ReddotError } from "../../lib/errors.js";
import { isUlid } from "./ulid.js";

/** Version of the meta.json format; bumped on any change of its fields. */
export const META_VERSION = 1;
/** File name of the block meta inside a block directory. */
export const META_FILE = "meta.json";

/** Counts over the whole block. */
export interface BlockStats {
  readonly numSeries: number;
  readonly numSamples: number;
  readonly numChunks: number;
}

/** Where a block comes from. */
export interface BlockCompaction {
  /** 1 for a block cut from the head; max of the inputs + 1 for a compacted one. */
  readonly level: number;
  /** ULIDs of the level-1 blocks whose data this block holds, sorted. */
  readonly sources: readonly string[];
}

/** The contents of meta.json. */
export interface BlockMeta {
  readonly ulid: string;
  /** First millisecond the block may hold (inclusive). */
  readonly minTime: number;
  /** End of the block's time range, ms, exclusive. */
  readonly maxTime: number;
  readonly stats: BlockStats;
  readonly compaction: BlockCompaction;
  readonly version: number;
}

/** Writes `meta` as `<dir>/meta.json` and fsyncs it. */
export async function writeMeta(dir: string, meta: BlockMeta): Promise<void> {
  const fh = await open(join(dir, META_FILE), "wx");
  try {
    await fh.writeFile(`${JSON.stringify(meta, null, 2)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Reads and validates `<dir>/meta.json`; RD_BLOCK_CORRUPT names the file and the field. */
export function readMeta(dir: string): BlockMeta {
  const path = join(dir, META_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ReddotError("RD_BLOCK_CORRUPT", 500, `${path}: cannot read: ${String(e)}`, {
      cause: e,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ReddotError("RD_BLOCK_CORRUPT", 500, `${path}: not valid JSON: ${String(e)}`, {
      cause: e,
    });
  }
  return parseMeta(path, raw);
}

/** Validates a parsed meta.json; `path` names the file in errors. */
export function parseMeta(path: string, raw: unknown): BlockMeta {
  const fail = (field: string, want: string, got: unknown): never => {
    throw new ReddotError(
      "RD_BLOCK_CORRUPT",
      500,
      `${path}: bad field ${field}: got ${JSON.stringify(got) ?? "undefined"}; want ${want}`,
    );
  };
  const obj = (v: unknown, field: string): Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : fail(field, "an object", v);
  const int = (v: unknown, field: string, min: number): number =>
    typeof v === "number" && Number.isSafeInteger(v) && v >= min
      ? v
      : fail(field, `an integer >= ${min}`, v);

  const m = obj(raw, "(root)");
  if (m.version !== META_VERSION) fail("version", String(META_VERSION), m.version);
  const ulid =
    typeof m.ulid === "string" && isUlid(m.ulid) ? m.ulid : fail("ulid", "a ULID", m.ulid);
  const minTime = int(m.minTime, "minTime", Number.MIN_SAFE_INTEGER);
  const maxTime = int(m.maxTime, "maxTime", Number.MIN_SAFE_INTEGER);
  if (maxTime <= minTime) fail("maxTime", `> minTime (${minTime})`, maxTime);
  const s = obj(m.stats, "stats");
  const stats: BlockStats = {
    numSeries: int(s.numSeries, "stats.numSeries", 0),
    numSamples: int(s.numSamples, "stats.numSamples", 0),
    numChunks: int(s.numChunks, "stats.numChunks", 0),
  };
  const c = obj(m.compaction, "compaction");
  const level = int(c.level, "compaction.level", 1);
  const src = c.sources;
  if (!Array.isArray(src) || src.length === 0) {
    fail("compaction.sources", "a non-empty array of ULIDs", src);
  }
  const sources = (src as unknown[]).map((u, i) =>
    typeof u === "string" && isUlid(u) ? u : fail(`compaction.sources[${i}]`, "a ULID", u),
  );
  return { ulid, minTime, maxTime, stats, compaction: { level, sources }, version: META_VERSION };
}
