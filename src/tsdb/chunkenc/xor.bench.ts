/**
 * Throughput and size of the XOR chunk on realistic series.
 * Run: npx tsx src/tsdb/chunkenc/xor.bench.ts
 *
 * Each data set is CHUNKS chunks of SAMPLES_PER_CHUNK samples (the head's
 * chunk size), scraped every 10 s (see makeTimestamps for the jitter). Encode
 * (appends plus the final bytes() copy) and decode run ROUNDS times; the best
 * round is reported, since a shared machine only ever makes a round slower.
 */

import { prng, randInt } from "../../lib/prng.js";
import { decodeXorInto, XorAppender, XorIterator } from "./index.js";

const SAMPLES_PER_CHUNK = 120;
const CHUNKS = 1000;
const ROUNDS = 25;
const N = SAMPLES_PER_CHUNK * CHUNKS;

interface DataSet {
  name: string;
  ts: Float64Array;
  vs: Float64Array;
}

/**
 * Scrape timestamps 10 s apart. `jitterShare` of them are off by 1 to 5 ms
 * either way; the rest are exact, as when the scraper aligns timestamps that
 * fall within a few ms of the schedule (Prometheus: scrape.timestamp-tolerance).
 */
function makeTimestamps(rand: () => number, jitterShare: number): Float64Array {
  const ts = new Float64Array(N);
  for (let c = 0; c < CHUNKS; c++) {
    const start = 1_700_000_000_000 + c * 7_200_000;
    for (let i = 0; i < SAMPLES_PER_CHUNK; i++) {
      let jitter = 0;
      if (rand() < jitterShare) jitter = (1 + randInt(rand, 5)) * (rand() < 0.5 ? -1 : 1);
      ts[c * SAMPLES_PER_CHUNK + i] = start + i * 10_000 + jitter;
    }
  }
  return ts;
}

function makeData(): DataSet[] {
  const rand = prng(42);
  const ts = makeTimestamps(rand, 0.1);
  const jittery = makeTimestamps(rand, 1);
  const gauge = new Float64Array(N);
  const counter = new Float64Array(N);
  const constant = new Float64Array(N).fill(1);
  let g = 50;
  let k = 1_000_000;
  for (let i = 0; i < N; i++) {
    g = Math.round((g + (rand() - 0.5) * 2) * 100) / 100;
    gauge[i] = g;
    k += randInt(rand, 1000);
    counter[i] = k;
  }
  return [
    { name: "gauge, random walk with 2 decimals", ts, vs: gauge },
    { name: "counter, increasing integers", ts, vs: counter },
    { name: "constant", ts, vs: constant },
    { name: "constant, every timestamp jittered", ts: jittery, vs: constant },
  ];
}

function encodeAll(d: DataSet): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let c = 0; c < CHUNKS; c++) {
    const a = new XorAppender();
    const base = c * SAMPLES_PER_CHUNK;
    for (let i = 0; i < SAMPLES_PER_CHUNK; i++) a.append(d.ts[base + i], d.vs[base + i]);
    out.push(a.bytes());
  }
  return out;
}

function best(run: () => number): { seconds: number; check: number } {
  let seconds = Number.POSITIVE_INFINITY;
  let check = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    check += run();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds, check };
}

/** Millions of samples per second, right-aligned in a column. */
function rate(samples: number, seconds: number): string {
  return (samples / seconds / 1e6).toFixed(1).padStart(14);
}

function main(): void {
  const outTs = new Float64Array(SAMPLES_PER_CHUNK);
  const outVs = new Float64Array(SAMPLES_PER_CHUNK);
  const lines: string[] = [];
  for (const d of makeData()) {
    const chunks = encodeAll(d);
    const bytes = chunks.reduce((s, c) => s + c.length, 0);
    const enc = best(() => encodeAll(d).length);
    const iter = best(() => {
      let n = 0;
      for (const c of chunks) {
        const it = new XorIterator(c);
        while (it.next()) n++;
      }
      return n;
    });
    const into = best(() => {
      let n = 0;
      for (const c of chunks) {
        n += decodeXorInto(c, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, outTs, outVs, 0);
      }
      return n;
    });
    lines.push(
      [
        d.name.padEnd(38),
        (bytes / N).toFixed(2).padStart(12),
        rate(N, enc.seconds),
        rate(N, iter.seconds),
        rate(N, into.seconds),
      ].join(""),
    );
  }
  process.stdout.write(
    `XOR chunks: ${CHUNKS} x ${SAMPLES_PER_CHUNK} samples per data set, best of ${ROUNDS}; ` +
      "rates in millions of samples/s\n",
  );
  const header = ["data set".padEnd(38), "bytes/sample", "encode", "iterate", "decodeXorInto"];
  lines.unshift(header.map((h, i) => (i === 0 ? h : h.padStart(i === 1 ? 12 : 14))).join(""));
  process.stdout.write(`${lines.join("\n")}\n`);
}

main();
