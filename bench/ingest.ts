/**
 * The remote-write sender. Data is encoded window by window into segments of
 * ready request bodies, outside the timed phase; each segment is then sent
 * with C requests in flight, and the ingest rate is samples over the time
 * spent sending (encoding excluded, reported apart). Samples of one series
 * always arrive in time order: batches of the same series slice are chained.
 */
import http from "node:http";
import { encodeWriteRequest, type WriteSeries } from "../src/ingest/index.js";
import type { DevopsData, Window } from "./data.js";
import { WINDOW_SAMPLES } from "./data.js";

/** One request body, ready to send. */
export interface Batch {
  readonly body: Buffer;
  readonly samples: number;
  /** Which slice of the series it carries; slices are sent in window order. */
  readonly slice: number;
}

/** Batches encoded together, then sent together. */
export interface Segment {
  readonly batches: Batch[];
  readonly samples: number;
  readonly bytes: number;
}

/** How series are cut into batches. */
export interface BatchPlan {
  readonly seriesPerBatch: number;
  readonly slices: number;
  /** Samples in a full batch (series per batch × samples per window). */
  readonly samplesPerBatch: number;
}

/**
 * Aims at `target` samples per request (a remote-write sender's usual size),
 * but cuts at least `concurrency` slices per window so that C requests can be
 * in flight without two of them carrying the same series.
 */
export function planBatches(series: number, concurrency: number, target = 10_000): BatchPlan {
  const wanted = Math.max(1, Math.floor(target / WINDOW_SAMPLES));
  const cap = Math.max(1, Math.ceil(series / concurrency));
  const slices = Math.ceil(series / Math.min(wanted, cap));
  const seriesPerBatch = Math.ceil(series / slices);
  return { seriesPerBatch, slices, samplesPerBatch: seriesPerBatch * WINDOW_SAMPLES };
}

/** Payload limits, in bytes of encoded request bodies. */
export interface PayloadLimits {
  /** Encode this much, then send it, then encode the next segment. */
  readonly segmentBytes: number;
  /** Keep every segment for the next peer when the whole payload is estimated below this. */
  readonly cacheBytes: number;
}

/**
 * The encoded data set, produced segment by segment. When the estimated total
 * fits `cacheBytes`, `prepare` encodes it all before any peer runs and every
 * peer receives the very same bodies; otherwise each peer's pass re-generates
 * the segments from a fresh (identical, seeded) data set between its sends.
 */
export class Payload {
  /** Seconds spent generating and encoding, over the last complete pass. */
  encodeSeconds = 0;
  /** Bytes of request bodies, over the last complete pass. */
  encodedBytes = 0;
  private cache: Segment[] | undefined;

  constructor(
    private readonly makeData: () => DevopsData,
    readonly plan: BatchPlan,
    private readonly limits: PayloadLimits,
  ) {}

  /**
   * Estimates the encoded size from the first window; when it fits the cache
   * limit, encodes everything now. Returns whether the payload is cached.
   */
  prepare(): boolean {
    const data = this.makeData();
    const first = data.generate().next();
    if (first.done === true) return false;
    const batches = this.encodeWindow(data, first.value);
    const bytes = batches.reduce((n, b) => n + b.body.length, 0);
    const samples = batches.reduce((n, b) => n + b.samples, 0);
    if ((bytes / samples) * data.totalSamples > this.limits.cacheBytes) return false;
    this.cache = [...this.encodeAll()];
    return true;
  }

  /** Segments in time order. */
  segments(): Iterable<Segment> {
    return this.cache ?? this.encodeAll();
  }

  private *encodeAll(): Generator<Segment> {
    const data = this.makeData();
    let encodeSeconds = 0;
    let encodedBytes = 0;
    let batches: Batch[] = [];
    let samples = 0;
    let bytes = 0;
    let t0 = performance.now();
    for (const w of data.generate()) {
      for (const b of this.encodeWindow(data, w)) {
        batches.push(b);
        samples += b.samples;
        bytes += b.body.length;
      }
      if (bytes >= this.limits.segmentBytes || w.index === data.windows - 1) {
        encodeSeconds += (performance.now() - t0) / 1000;
        encodedBytes += bytes;
        yield { batches, samples, bytes };
        batches = [];
        samples = 0;
        bytes = 0;
        t0 = performance.now();
      }
    }
    this.encodeSeconds = encodeSeconds;
    this.encodedBytes = encodedBytes;
  }

  /** One request per series slice for window `w`. */
  private encodeWindow(data: DevopsData, w: Window): Batch[] {
    const out: Batch[] = [];
    for (let slice = 0; slice < this.plan.slices; slice++) {
      const lo = slice * this.plan.seriesPerBatch;
      const hi = Math.min(data.series, lo + this.plan.seriesPerBatch);
      const series: WriteSeries[] = [];
      for (let i = lo; i < hi; i++) {
        const host = Math.floor(i / data.shape.metrics);
        series.push({
          labels: data.labels[i],
          ts: w.ts.subarray(host * w.samples, (host + 1) * w.samples),
          vs: w.vs.subarray(i * w.samples, (i + 1) * w.samples),
        });
      }
      out.push({ body: encodeWriteRequest(series), samples: (hi - lo) * w.samples, slice });
    }
    return out;
  }
}

/** Progress of a send, for the progress line. */
export interface SendProgress {
  readonly samples: number;
  readonly seconds: number;
}

/** Outcome of sending a whole payload to one peer. */
export interface IngestResult {
  readonly samples: number;
  readonly requests: number;
  readonly bytes: number;
  /** Wall time spent sending (encoding between segments excluded). */
  readonly seconds: number;
  readonly samplesPerSecond: number;
  /** CPU seconds of this benchmark process while sending (HTTP client). */
  readonly clientCpuSeconds: number;
}

/**
 * Sends every segment to `url` with `concurrency` requests in flight. Throws
 * on the first non-2xx answer or transport error (the peer then counts as
 * failed); `check` is called between requests and may throw (a crashed peer).
 */
export async function sendPayload(
  url: string,
  payload: Payload,
  concurrency: number,
  onProgress: (p: SendProgress) => void,
  check: () => void,
): Promise<IngestResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const last = new Map<number, Promise<void>>();
  let samples = 0;
  let requests = 0;
  let bytes = 0;
  let seconds = 0;
  let clientCpu = 0;
  try {
    for (const segment of payload.segments()) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let next = 0;
      let failed = false;
      const worker = async (): Promise<void> => {
        try {
          while (!failed && next < segment.batches.length) {
            check();
            const batch = segment.batches[next++];
            // Chain on the previous batch of the same slice, so a series never
            // has two requests in flight and its samples arrive in order.
            const prev = last.get(batch.slice) ?? Promise.resolve();
            const p = prev.then(() => post(agent, url, batch.body));
            last.set(batch.slice, p);
            await p;
            samples += batch.samples;
            requests++;
            bytes += batch.body.length;
            onProgress({ samples, seconds: seconds + (performance.now() - t0) / 1000 });
          }
        } catch (err) {
          // Stop the other workers from taking more batches; the first error wins.
          failed = true;
          throw err;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      seconds += (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      clientCpu += (cpu.user + cpu.system) / 1e6;
    }
  } finally {
    agent.destroy();
  }
  return {
    samples,
    requests,
    bytes,
    seconds,
    samplesPerSecond: seconds > 0 ? samples / seconds : 0,
    clientCpuSeconds: clientCpu,
  };
}

/** One remote-write 1.0 request; resolves on 2xx, rejects with the answer otherwise. */
export function post(agent: http.Agent, url: string, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        timeout: 120_000,
        headers: {
          "Content-Type": "application/x-protobuf",
          "Content-Encoding": "snappy",
          "Content-Length": body.length,
          "X-Prometheus-Remote-Write-Version": "0.1.0",
          "User-Agent": "reddot-bench",
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (d: Buffer) => parts.push(d));
        res.on("error", reject);
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else {
            const text = Buffer.concat(parts).toString("utf8").slice(0, 500).trim();
            reject(new Error(`POST ${url} answered ${status}: ${text}`));
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`POST ${url}: no answer in 120 s`)));
    req.on("error", reject);
    req.end(body);
  });
}
