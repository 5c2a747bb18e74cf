/**
 * Test and benchmark helpers for this folder: deterministic, realistic series
 * (random-walk gauges with 2 decimals, counters, stale markers) cut into XOR
 * chunks. Not part of the public surface.
 */
import { prng, randInt } from "../../lib/prng.js";
import { XorAppender } from "../chunkenc/index.js";
import { compareLabels, type Labels, labelsFromRecord } from "../labels.js";
import { STALE_NAN } from "../sample.js";
import type { ChunkInput, SeriesInput } from "./block-writer.js";

/** Samples of one series in typed arrays (so NaN payloads survive). */
export interface TestSeries {
  readonly labels: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
}

/** Options of `makeSeries`. */
export interface MakeSeriesOptions {
  readonly seed: number;
  readonly count: number;
  readonly samples: number;
  /** First timestamp, ms. */
  readonly start: number;
  /** Scrape interval, ms. */
  readonly step: number;
  /** Probability that a sample is the stale marker instead. */
  readonly staleRate?: number;
  /** Max random deviation from the interval, ms (scrape jitter). */
  readonly jitter?: number;
}

/**
 * `count` series sorted by labels: even ones random-walk gauges rounded to 2
 * decimals, odd ones monotonic counters; with jitter and stale markers.
 */
export function makeSeries(o: MakeSeriesOptions): TestSeries[] {
  const rand = prng(o.seed);
  const out: TestSeries[] = [];
  for (let i = 0; i < o.count; i++) {
    const gauge = i % 2 === 0;
    const labels = labelsFromRecord({
      __name__: gauge ? "node_load" : "http_requests_total",
      instance: `host-${String(Math.floor(i / 10)).padStart(4, "0")}:9100`,
      job: i % 3 === 0 ? "node" : "api",
      series: String(i),
    });
    const ts = new Float64Array(o.samples);
    const vs = new Float64Array(o.samples);
    let v = gauge ? Math.round(rand() * 10000) / 100 : randInt(rand, 1000);
    for (let k = 0; k < o.samples; k++) {
      const jitter = o.jitter ? randInt(rand, o.jitter) : 0;
      ts[k] = o.start + k * o.step + jitter;
      if (gauge) v = Math.round((v + (rand() - 0.5) * 2) * 100) / 100;
      else v += randInt(rand, 50);
      vs[k] = o.staleRate && rand() < o.staleRate ? STALE_NAN : v;
    }
    out.push({ labels, ts, vs });
  }
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}

/** The samples of `s` with from <= index < to cut into XOR chunks of `perChunk` samples. */
export function toChunks(s: TestSeries, perChunk = 120, from = 0, to = s.ts.length): ChunkInput[] {
  const chunks: ChunkInput[] = [];
  for (let i = from; i < to; i += perChunk) {
    const end = Math.min(to, i + perChunk);
    const app = new XorAppender();
    for (let k = i; k < end; k++) app.append(s.ts[k], s.vs[k]);
    chunks.push({ mint: s.ts[i], maxt: s.ts[end - 1], data: app.bytes() });
  }
  return chunks;
}

/** `series` as `writeBlock` input. */
export function toInput(series: readonly TestSeries[], perChunk = 120): SeriesInput[] {
  return series.map((s) => ({ labels: s.labels, chunks: toChunks(s, perChunk) }));
}

/** True when both values have the same bits (NaN payloads included). */
export function sameBits(a: number, b: number): boolean {
  // Stored one by one: an array literal of doubles may canonicalise NaN.
  const x = new Float64Array(2);
  x[0] = a;
  x[1] = b;
  const w = new Uint32Array(x.buffer);
  return w[0] === w[2] && w[1] === w[3];
}
