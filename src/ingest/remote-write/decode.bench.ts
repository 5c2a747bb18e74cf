/**
 * Remote-write decode throughput. Plain script:
 *   npx tsx src/ingest/remote-write/decode.bench.ts
 *
 * A realistic request: 2,000 series x 5 samples, 10 labels each (the shape of
 * a Prometheus remote-write batch of node_exporter data). Measures, in
 * samples per second: decode alone; decode + append with a warm ref cache
 * (the steady state: no label decoded); decode + append with a cold cache
 * (every series' labels decoded). Rates are per CPU second of this process.
 */
import { uncompressSync } from "snappy";
import type { Appender, CommitResult, Labels } from "../../storage/index.js";
import { appendWriteRequest } from "./append.js";
import { decodeWriteRequest } from "./decode.js";
import { encodeWriteRequest, type WriteSeries } from "./encode.js";

const SERIES = 2_000;
const SAMPLES = 5;
const ROUNDS = 200;

function buildRequest(): Buffer {
  const series: WriteSeries[] = [];
  const t0 = 1_700_000_000_000;
  for (let s = 0; s < SERIES; s++) {
    const labels: Labels = [
      { name: "__name__", value: `node_metric_${s % 100}_total` },
      { name: "cluster", value: "eu-west-1-prod" },
      { name: "cpu", value: String(s % 16) },
      { name: "datacenter", value: "dc-paris-2" },
      { name: "device", value: `sd${String.fromCharCode(97 + (s % 8))}` },
      { name: "env", value: "production" },
      { name: "instance", value: `host-${Math.floor(s / 20)}.example.internal:9100` },
      { name: "job", value: "node" },
      { name: "mode", value: ["idle", "user", "system", "iowait"][s % 4] },
      { name: "rack", value: `r${s % 40}` },
    ];
    const ts = new Float64Array(SAMPLES);
    const vs = new Float64Array(SAMPLES);
    for (let i = 0; i < SAMPLES; i++) {
      ts[i] = t0 + i * 15_000;
      vs[i] = s * 1000 + i * 0.25;
    }
    series.push({ labels, ts, vs });
  }
  return encodeWriteRequest(series);
}

/** The store side reduced to ref bookkeeping, so the figure is the decoder's. */
function refAppender(): Appender {
  const refs = new Map<string, number>();
  return {
    append(ref, labels, _t, _v) {
      if (ref !== 0) return ref;
      let key = "";
      for (const l of labels) key += `${l.name}\xff${l.value}\xff`;
      let r = refs.get(key);
      if (r === undefined) {
        r = refs.size + 1;
        refs.set(key, r);
      }
      return r;
    },
    commit: async (): Promise<CommitResult> => ({ accepted: 0, refused: {} }),
    rollback() {},
  };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Runs `fn` ROUNDS times after a warm-up; returns the median samples/s over
 * CPU time (user + system) of this process, which a busy shared machine
 * disturbs less than wall time does.
 */
function measure(fn: () => number): number {
  for (let i = 0; i < 20; i++) fn();
  const rates: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const before = process.cpuUsage();
    const n = fn();
    const used = process.cpuUsage(before);
    const us = Math.max(1, used.user + used.system);
    rates.push((n * 1e6) / us);
  }
  return median(rates);
}

function fmt(rate: number): string {
  return `${(rate / 1e6).toFixed(2)} M samples/s`;
}

const body = buildRequest();
const raw = uncompressSync(body, { asBuffer: true }) as Buffer;
const out = (line: string) => process.stdout.write(`${line}\n`);
out(`request: ${SERIES} series x ${SAMPLES} samples, 10 labels each`);
out(`  compressed ${body.length} bytes, decompressed ${raw.length} bytes`);

const snappyOnly = measure(() => {
  uncompressSync(body, { asBuffer: true });
  return SERIES * SAMPLES;
});
const decodeOnly = measure(() => decodeWriteRequest(body).sampleCount);

const warmCache = new Map<string, number>();
const warmApp = refAppender();
appendWriteRequest(warmApp, decodeWriteRequest(body), warmCache);
const warm = measure(() => appendWriteRequest(warmApp, decodeWriteRequest(body), warmCache));

const cold = measure(() =>
  appendWriteRequest(refAppender(), decodeWriteRequest(body), new Map<string, number>()),
);

const encode = measure(() => {
  buildRequest();
  return SERIES * SAMPLES;
});

out(`snappy decompress alone          ${fmt(snappyOnly)}`);
out(`decode (snappy + protobuf)       ${fmt(decodeOnly)}`);
out(`decode + append, warm ref cache  ${fmt(warm)}`);
out(`decode + append, cold ref cache  ${fmt(cold)}`);
out(`build + encode (load generator)  ${fmt(encode)}`);
