/**
 * Disk footprint of a peer after ingest: the bytes of its persisted blocks
 * against the samples their meta.json counts, or its whole data dir (less
 * WAL and caches) against every sample sent. See docs/benchmarks.md.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fmt, log } from "./log.js";
import { type PeerProcess, sleep } from "./peers.js";
import { diskUsage } from "./proc.js";

/** Disk figures of a peer after ingest. */
export interface DiskResult {
  readonly mode: "blocks" | "whole";
  /** Bytes counted: block dirs, or the data dir less its WAL and caches. */
  readonly bytes: number;
  /** Samples those bytes hold (from meta.json, or every sample sent). */
  readonly samples: number;
  readonly bytesPerSample: number;
  readonly blocks: number;
  /** Seconds from the end of ingest until the figure was taken. */
  readonly waitSeconds: number;
  /** Whole data dir, and its write-ahead log part, at that moment. */
  readonly dataDirBytes: number;
  readonly walBytes: number;
}

/**
 * `blocks`: waits (up to `waitSeconds`) for a block directory with meta.json,
 * then counts the block dirs' bytes against their meta.json sample counts.
 * `whole`: the data dir (less WAL and caches) against every sample sent. Either way the
 * figure is taken once the size has stopped changing (background merges).
 */
export async function measureDisk(
  proc: PeerProcess,
  sent: number,
  waitSeconds: number,
  notes: string[],
): Promise<DiskResult | undefined> {
  const { def, ctx } = proc;
  const t0 = performance.now();
  const elapsed = (): number => (performance.now() - t0) / 1000;
  let blocks: BlockInfo[] = [];
  if (def.disk === "blocks") {
    log(def.id, `waiting up to ${waitSeconds} s for a block`);
    for (;;) {
      blocks = await findBlocks(ctx.dataDir, def.walEntries);
      if (blocks.length > 0 || elapsed() > waitSeconds) break;
      if (proc.crashed !== undefined) throw new Error(`${def.id} ${proc.crashed}`);
      await sleep(1_000);
    }
    if (blocks.length === 0) {
      notes.push(`no block cut within ${waitSeconds} s: disk figure omitted`);
      return undefined;
    }
  }
  await waitStable(ctx.dataDir, 30);
  if (def.disk === "blocks") blocks = await findBlocks(ctx.dataDir, def.walEntries);
  const whole = await diskUsage(ctx.dataDir);
  const wal = await diskUsage(ctx.dataDir, (rel) => !def.walEntries.some((w) => isUnder(rel, w)));
  const data = await diskUsage(ctx.dataDir, (rel) =>
    [...def.walEntries, ...def.cacheEntries].some((w) => isUnder(rel, w)),
  );
  let bytes = data.bytes;
  let samples = sent;
  if (def.disk === "blocks") {
    bytes = 0;
    samples = 0;
    for (const b of blocks) {
      bytes += (await diskUsage(join(ctx.dataDir, b.path))).bytes;
      if (b.samples === undefined) notes.push(`${b.path}/meta.json has no stats.numSamples`);
      samples += b.samples ?? 0;
    }
  }
  const result: DiskResult = {
    mode: def.disk,
    bytes,
    samples,
    bytesPerSample: samples > 0 ? bytes / samples : Number.NaN,
    blocks: blocks.length,
    waitSeconds: elapsed(),
    dataDirBytes: whole.bytes,
    walBytes: wal.bytes,
  };
  log(
    def.id,
    `disk: ${fmt(bytes)} bytes for ${fmt(samples)} samples (${result.bytesPerSample.toFixed(3)} B/sample, ${blocks.length} blocks)`,
  );
  return result;
}

interface BlockInfo {
  /** Relative to the data dir. */
  readonly path: string;
  readonly samples: number | undefined;
}

function isUnder(rel: string, top: string): boolean {
  return rel === top || rel.startsWith(`${top}/`);
}

/** Directories (depth ≤ 3) holding a meta.json, skipping the WAL and temp dirs being written. */
async function findBlocks(dataDir: string, skip: readonly string[]): Promise<BlockInfo[]> {
  const out: BlockInfo[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    const dir = rel === "" ? dataDir : join(dataDir, rel);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (err instanceof Error && "code" in err && err.code === "ENOENT") return;
      throw err;
    }
    if (rel !== "" && names.includes("meta.json")) {
      out.push({ path: rel, samples: await metaSamples(join(dir, "meta.json")) });
      return;
    }
    if (depth >= 3) return;
    for (const name of names) {
      const child = rel === "" ? name : `${rel}/${name}`;
      if (name.includes(".tmp") || skip.some((s) => isUnder(child, s))) continue;
      const st = await stat(join(dir, name)).catch((err: unknown) => {
        if (err instanceof Error && "code" in err && err.code === "ENOENT") return undefined;
        throw err;
      });
      if (st?.isDirectory()) await walk(child, depth + 1);
    }
  };
  await walk("", 0);
  return out;
}

/** stats.numSamples of a Prometheus-style meta.json (reddot keeps the same field). */
async function metaSamples(path: string): Promise<number | undefined> {
  const meta = JSON.parse(await readFile(path, "utf8")) as {
    stats?: { numSamples?: number };
    numSamples?: number;
  };
  return meta.stats?.numSamples ?? meta.numSamples;
}

/** Waits until the dir's size is the same on two polls 1 s apart (at most `maxSeconds`). */
async function waitStable(dir: string, maxSeconds: number): Promise<void> {
  const t0 = performance.now();
  let prev = -1;
  for (;;) {
    const { bytes } = await diskUsage(dir);
    if (bytes === prev || performance.now() - t0 > maxSeconds * 1000) return;
    prev = bytes;
    await sleep(1_000);
  }
}
