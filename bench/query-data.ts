/**
 * Data for the query benchmark: N hosts × 100 series each, scraped every
 * 60 s (a coarse interval keeps 24 h of 10k series at 14.4 M samples), in
 * remote-write requests cut by time window then by series slice, so every
 * series' samples arrive in time order and no request holds an hour of one
 * series (Prometheus refuses samples older than its newest minus 1 h).
 *
 * Per host: 70 `http_requests_total{path}` counters, a classic histogram
 * `http_request_duration_seconds` (12 buckets incl. +Inf, `_sum`, `_count`)
 * and 16 `node_cpu_seconds_total{cpu,mode}` counters.
 */
import { encodeWriteRequest, type WriteSeries } from "../src/ingest/index.js";
import { prng, randInt } from "../src/lib/prng.js";
import { type Labels, labelsFromRecord } from "../src/storage/index.js";

export const SERIES_PER_HOST = 100;
const PATHS = 70;
const BOUNDS = [
  "0.005",
  "0.01",
  "0.025",
  "0.05",
  "0.1",
  "0.25",
  "0.5",
  "1",
  "2.5",
  "5",
  "10",
  "+Inf",
];
const CPU_MODES = ["user", "system", "idle", "iowait"];

export interface QueryDataShape {
  readonly hosts: number;
  readonly hours: number;
  readonly intervalSeconds: number;
  readonly seed: number;
}

type Kind =
  | { kind: "counter"; perScrape: number }
  | { kind: "bucket"; host: number; b: number }
  | { kind: "hsum"; host: number };

/** The generated set: labels up front, samples produced window by window. */
export class QueryData {
  readonly labels: Labels[] = [];
  readonly start: number;
  readonly end: number;
  readonly samplesPerSeries: number;
  private readonly kinds: Kind[] = [];
  /** Millisecond offset of each host's scrapes: never on a whole second. */
  private readonly hostJitter: number[] = [];

  constructor(
    readonly shape: QueryDataShape,
    now: number,
  ) {
    const interval = shape.intervalSeconds * 1000;
    this.samplesPerSeries = Math.floor((shape.hours * 3600_000) / interval);
    this.end = Math.floor(now / 60_000) * 60_000 - 60_000;
    this.start = this.end - this.samplesPerSeries * interval;
    const rand = prng(shape.seed);
    for (let h = 0; h < shape.hosts; h++) {
      this.hostJitter.push(100 + randInt(rand, 800));
      const host = `host-${String(h).padStart(3, "0")}`;
      const base = { job: "bench", host };
      for (let p = 0; p < PATHS; p++) {
        this.push(
          { __name__: "http_requests_total", ...base, path: `/api/v1/p${p}` },
          {
            kind: "counter",
            perScrape: 1 + rand() * 200,
          },
        );
      }
      BOUNDS.forEach((le, b) => {
        this.push(
          { __name__: "http_request_duration_seconds_bucket", ...base, le },
          { kind: "bucket", host: h, b },
        );
      });
      this.push(
        { __name__: "http_request_duration_seconds_sum", ...base },
        { kind: "hsum", host: h },
      );
      this.push(
        { __name__: "http_request_duration_seconds_count", ...base },
        { kind: "bucket", host: h, b: BOUNDS.length - 1 },
      );
      for (let cpu = 0; cpu < 4; cpu++) {
        for (const mode of CPU_MODES) {
          this.push(
            { __name__: "node_cpu_seconds_total", ...base, cpu: String(cpu), mode },
            {
              kind: "counter",
              perScrape: mode === "idle" ? 40 + rand() * 15 : rand() * 15,
            },
          );
        }
      }
    }
  }

  get series(): number {
    return this.labels.length;
  }

  get totalSamples(): number {
    return this.series * this.samplesPerSeries;
  }

  private push(record: Record<string, string>, kind: Kind): void {
    this.labels.push(labelsFromRecord(record));
    this.kinds.push(kind);
  }

  /**
   * Request bodies, window by window (`windowSamples` scrapes each); within a
   * window, one body per `seriesPerRequest` series. Deterministic for the seed.
   */
  *windows(windowSamples = 10, seriesPerRequest = 1000): Generator<Buffer[]> {
    const rand = prng(this.shape.seed + 1);
    const interval = this.shape.intervalSeconds * 1000;
    const n = this.series;
    const value = new Float64Array(n).map(() => 1e4 + rand() * 1e6);
    // Histogram state per host: cumulative bucket counts and the sum.
    const buckets = Array.from({ length: this.shape.hosts }, () => new Float64Array(BOUNDS.length));
    const sums = new Float64Array(this.shape.hosts);
    for (let w0 = 0; w0 < this.samplesPerSeries; w0 += windowSamples) {
      const k = Math.min(windowSamples, this.samplesPerSeries - w0);
      const ts = this.hostJitter.map((j) =>
        Float64Array.from({ length: k }, (_, i) => this.start + (w0 + i + 1) * interval + j),
      );
      const vs = new Float64Array(n * k);
      for (let i = 0; i < k; i++) {
        for (let h = 0; h < this.shape.hosts; h++) {
          const observations = 50 + randInt(rand, 200);
          for (let o = 0; o < observations; o++) {
            const r = rand() ** 2 * 12;
            const from = Math.min(BOUNDS.length - 1, Math.floor(r));
            for (let b = from; b < BOUNDS.length; b++) buckets[h][b]++;
            sums[h] += r * 0.1;
          }
        }
        for (let s = 0; s < n; s++) {
          const kind = this.kinds[s];
          if (kind.kind === "counter") value[s] += kind.perScrape * (0.5 + rand());
          else if (kind.kind === "bucket") value[s] = buckets[kind.host][kind.b];
          else value[s] = sums[kind.host];
          vs[s * k + i] = value[s];
        }
      }
      const bodies: Buffer[] = [];
      for (let lo = 0; lo < n; lo += seriesPerRequest) {
        const batch: WriteSeries[] = [];
        for (let s = lo; s < Math.min(n, lo + seriesPerRequest); s++) {
          const host = Math.floor(s / SERIES_PER_HOST);
          batch.push({ labels: this.labels[s], ts: ts[host], vs: vs.subarray(s * k, (s + 1) * k) });
        }
        bodies.push(encodeWriteRequest(batch));
      }
      yield bodies;
    }
  }
}
