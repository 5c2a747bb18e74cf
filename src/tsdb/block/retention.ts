/**
 * Which blocks retention deletes. Pure: the caller deletes them with
 * `deleteBlock`. Follows the Prometheus TSDB (tsdb/db.go,
 * `BeyondTimeRetention` and `BeyondSizeRetention`).
 */
import { bug } from "../../lib/errors.js";
import type { BlockMeta } from "./meta.js";

/** Retention limits; an absent or non-positive limit is off. */
export interface RetentionOptions {
  /** Keep this many ms of data, measured back from the newest block's maxTime. */
  readonly retentionMs?: number;
  /** Keep the blocks' total size at or below this many bytes. */
  readonly maxBytes?: number;
  /** Size in bytes of every block, by ULID. */
  readonly sizes: ReadonlyMap<string, number>;
}

/**
 * Blocks to delete, oldest first.
 *
 * By time: every block whose maxTime <= newest maxTime - retentionMs. The
 * clock is the data's, not the wall's, so a server that was down for a month
 * does not wake up and delete everything; and the newest block always stays.
 *
 * By size: walking from the newest block back, the first block that takes the
 * running total over maxBytes and every older one. Whole blocks only, so the
 * total may stay below the limit by up to one block.
 */
export function blocksBeyondRetention(
  metas: readonly BlockMeta[],
  opts: RetentionOptions,
): BlockMeta[] {
  if (metas.length === 0) return [];
  // Newest first: by maxTime, then minTime, then ULID, so the order is total.
  const byAge = [...metas].sort(
    (a, b) =>
      b.maxTime - a.maxTime ||
      b.minTime - a.minTime ||
      (a.ulid < b.ulid ? 1 : a.ulid > b.ulid ? -1 : 0),
  );
  const doomed = new Set<string>();

  const retentionMs = opts.retentionMs ?? 0;
  if (retentionMs > 0) {
    const cutoff = byAge[0].maxTime - retentionMs;
    for (const m of byAge) if (m.maxTime <= cutoff) doomed.add(m.ulid);
  }

  const maxBytes = opts.maxBytes ?? 0;
  if (maxBytes > 0) {
    let total = 0;
    let over = false;
    for (const m of byAge) {
      const size = opts.sizes.get(m.ulid);
      if (size === undefined) throw bug("no size for block", { ulid: m.ulid });
      total += size;
      if (total > maxBytes) over = true;
      if (over) doomed.add(m.ulid);
    }
  }
  return byAge.filter((m) => doomed.has(m.ulid)).reverse();
}
