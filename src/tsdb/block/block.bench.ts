/**
 * Block write, read and compaction throughput on realistic data.
 * Run: npx tsx src/tsdb/block/block.bench.ts [series] [samplesPerSeries]
 *
 * Default: 10k series × 720 samples (a 2 h block at a 10 s interval, a few ms
 * of jitter); half random-walk gauges with 2 decimals, half counters. Chunks
 * are encoded before timing, so "write" measures the block writer (chunk
 * files, index, fsyncs), not the XOR encoder.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prng } from "../../lib/prng.js";
import { XorAppender } from "../chunkenc/index.js";
import { newMatcher } from "../index/index.js";
import { compareLabels, type Labels, labelsFromRecord } from "../labels.js";
import { Block } from "./block.js";
import { type ChunkInput, writeBlock } from "./block-writer.js";
import { compactBlocks } from "./compact.js";

const SERIES = Number(process.argv[2] ?? 10_000);
const SAMPLES = Number(process.argv[3] ?? 720);
const STEP = 10_000;
const PER_CHUNK = 120;

function makeBlockInput(start: number, seed: number): { labels: Labels; chunks: ChunkInput[] }[] {
  const rand = prng(seed);
  const out: { labels: Labels; chunks: ChunkInput[] }[] = [];
  for (let i = 0; i < SERIES; i++) {
    const gauge = i % 2 === 0;
    const labels = labelsFromRecord({
      __name__: gauge ? "node_memory_used_percent" : "http_requests_total",
      instance: `host-${String(Math.floor(i / 50)).padStart(4, "0")}:9100`,
      job: gauge ? "node" : "api",
      id: String(i),
    });
    let v = gauge ? Math.round(rand() * 10000) / 100 : Math.floor(rand() * 1e6);
    const chunks: ChunkInput[] = [];
    let app = new XorAppender();
    for (let k = 0; k < SAMPLES; k++) {
      const t = start + k * STEP + Math.floor(rand() * 5);
      v = gauge ? Math.round((v + (rand() - 0.5) * 2) * 100) / 100 : v + Math.floor(rand() * 100);
      app.append(t, v);
      if (app.count === PER_CHUNK || k === SAMPLES - 1) {
        chunks.push({ mint: app.minTime, maxt: app.maxTime, data: app.bytes() });
        app = new XorAppender();
      }
    }
    out.push({ labels, chunks });
  }
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}

/** Prints one result line (benchmarks report on stdout; `console` is linted out of src). */
function report(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const parent = mkdtempSync(join(tmpdir(), "reddot-block-bench-"));
  try {
    const span = SAMPLES * STEP;
    const inputs = [0, 1, 2].map((k) => makeBlockInput(1_700_000_000_000 + k * span, k + 1));
    const metas = [];
    const writeMs: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      metas.push(
        await writeBlock(parent, {
          minTime: 1_700_000_000_000 + k * span,
          maxTime: 1_700_000_000_000 + (k + 1) * span,
          series: inputs[k],
        }),
      );
      writeMs.push(performance.now() - t0);
    }
    const blocks = metas.map((m) => Block.open(join(parent, m.ulid)));
    const size = blocks[0].sizeBytes();
    const samples = metas[0].stats.numSamples;
    const bestWrite = Math.min(...writeMs);
    report(`${SERIES} series × ${SAMPLES} samples = ${samples} samples per block`);
    report(
      `write: ${bestWrite.toFixed(0)} ms (best of 3), ${(size / 1e6 / (bestWrite / 1000)).toFixed(1)} MB/s, ` +
        `${(((samples / bestWrite) * 1000) / 1e6).toFixed(2)} M samples/s`,
    );
    report(
      `size: ${(size / 1e6).toFixed(2)} MB, ${(size / samples).toFixed(3)} bytes/sample ` +
        `(chunks+index+meta)`,
    );

    const indexBytes = statSync(join(parent, metas[0].ulid, "index")).size;
    report(
      `  of which index ${(indexBytes / 1e6).toFixed(2)} MB (${(indexBytes / SERIES).toFixed(0)} B/series), ` +
        `chunks ${((size - indexBytes) / samples).toFixed(3)} bytes/sample`,
    );

    const all = [newMatcher("=~", "__name__", ".+")];
    let t0 = performance.now();
    const sel = blocks[0].select(all, metas[0].minTime, metas[0].maxTime);
    const selectMs = performance.now() - t0;
    t0 = performance.now();
    let n = 0;
    for (const s of sel) n += s.samples(metas[0].minTime, metas[0].maxTime).length;
    const decodeMs = performance.now() - t0;
    report(
      `read: select all ${selectMs.toFixed(0)} ms; decode ${n} samples ${decodeMs.toFixed(0)} ms ` +
        `(${(((n / decodeMs) * 1000) / 1e6).toFixed(2)} M samples/s)`,
    );
    t0 = performance.now();
    const one = blocks[0].select(
      [newMatcher("=", "id", "4242")],
      metas[0].minTime,
      metas[0].maxTime,
    );
    one[0]?.samples(metas[0].minTime, metas[0].maxTime);
    report(`read: one series by label ${(performance.now() - t0).toFixed(2)} ms`);

    t0 = performance.now();
    const out = await compactBlocks(parent, blocks);
    const compactMs = performance.now() - t0;
    report(
      `compact 3 blocks → level ${out.compaction.level}: ${compactMs.toFixed(0)} ms, ` +
        `${(((out.stats.numSamples / compactMs) * 1000) / 1e6).toFixed(2)} M samples/s`,
    );
    for (const b of blocks) b.close();
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

await main();
