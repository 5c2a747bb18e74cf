/**
 * Deterministic generator of a TSBS-like "devops" data set: N hosts × K metrics,
 * one sample every 10 s. Labels per series follow the TSBS cpu-only host tags
 * (hostname, region, datacenter, rack, os, arch, team, service, service_version,
 * service_environment); each metric has its own name instead of a field label.
 * Values mix random-walk gauges (1–2 decimals), monotonic counters and
 * constants so each store sees realistic compressibility.
 */
import { pick, prng, randInt } from "../src/lib/prng.js";
import type { Label, Labels } from "../src/storage/index.js";

/** Scrape interval of the generated data, in milliseconds. */
export const INTERVAL_MS = 10_000;

/** Samples per series per window: 2 minutes at 10 s. Fixed so data does not depend on batching. */
export const WINDOW_SAMPLES = 12;

/** Prometheus block range: the start is aligned to it so the first block holds a full 2 h. */
const BLOCK_RANGE_MS = 2 * 3600 * 1000;

/** Shape of a generated data set. */
export interface DataShape {
  readonly hosts: number;
  readonly metrics: number;
  readonly hours: number;
  readonly seed: number;
}

/** Kinds of generated series; each compresses differently. */
type MetricKind =
  | { kind: "gauge"; lo: number; hi: number; step: number; decimals: number }
  | { kind: "counter"; rate: number; chance: number }
  | { kind: "constant"; lo: number; hi: number };

interface MetricTemplate {
  readonly name: string;
  readonly spec: MetricKind;
}

const pct = (decimals: number, step = 1.5): MetricKind => ({
  kind: "gauge",
  lo: 0,
  hi: 100,
  step,
  decimals,
});
const gauge = (lo: number, hi: number, step: number, decimals: number): MetricKind => ({
  kind: "gauge",
  lo,
  hi,
  step,
  decimals,
});
const counter = (rate: number, chance = 1): MetricKind => ({ kind: "counter", rate, chance });
const constant = (lo: number, hi: number): MetricKind => ({ kind: "constant", lo, hi });

/**
 * Base metrics, grouped as TSBS devops groups them. The order of names used is
 * round-robin over groups (see `metricCatalogue`), so that any K takes a mix of
 * kinds rather than ten CPU gauges first.
 */
const GROUPS: readonly (readonly MetricTemplate[])[] = [
  [
    "user",
    "system",
    "idle",
    "nice",
    "iowait",
    "irq",
    "softirq",
    "steal",
    "guest",
    "guest_nice",
  ].map((f) => ({ name: `cpu_usage_${f}`, spec: pct(2) })),
  [
    { name: "mem_used_percent", spec: pct(1, 0.5) },
    { name: "mem_total_bytes", spec: constant(8e9, 6.4e10) },
    { name: "mem_available_percent", spec: pct(1, 0.5) },
    { name: "mem_buffered_percent", spec: pct(2, 0.2) },
    { name: "mem_cached_gigabytes", spec: gauge(0, 32, 0.05, 2) },
  ],
  [
    { name: "diskio_reads", spec: counter(40) },
    { name: "diskio_writes", spec: counter(120) },
    { name: "diskio_read_bytes", spec: counter(400_000) },
    { name: "diskio_write_bytes", spec: counter(2_000_000) },
    { name: "diskio_io_time_ms", spec: counter(300) },
  ],
  [
    { name: "disk_used_percent", spec: pct(1, 0.05) },
    { name: "disk_total_bytes", spec: constant(1e11, 2e12) },
    { name: "disk_inodes_total", spec: constant(1e6, 1e8) },
    { name: "disk_inodes_used_percent", spec: pct(2, 0.01) },
  ],
  [
    { name: "kernel_context_switches", spec: counter(50_000) },
    { name: "kernel_boot_time_seconds", spec: constant(1.6e9, 1.7e9) },
    { name: "kernel_interrupts", spec: counter(20_000) },
    { name: "kernel_processes_forked", spec: counter(30, 0.7) },
  ],
  [
    { name: "net_bytes_recv", spec: counter(1_500_000) },
    { name: "net_bytes_sent", spec: counter(900_000) },
    { name: "net_packets_recv", spec: counter(2_000) },
    { name: "net_packets_sent", spec: counter(1_500) },
    { name: "net_err_in", spec: counter(1, 0.01) },
    { name: "net_drop_in", spec: counter(2, 0.02) },
  ],
  [
    { name: "system_load1", spec: gauge(0, 16, 0.3, 2) },
    { name: "system_load5", spec: gauge(0, 16, 0.1, 2) },
    { name: "system_load15", spec: gauge(0, 16, 0.05, 2) },
    { name: "system_n_cpus", spec: constant(2, 64) },
    { name: "system_uptime_seconds", spec: counter(10) },
  ],
  [
    { name: "nginx_requests", spec: counter(800) },
    { name: "nginx_active_connections", spec: gauge(0, 500, 8, 0) },
    { name: "nginx_accepts", spec: counter(60) },
    { name: "nginx_request_time_seconds", spec: gauge(0, 2, 0.02, 2) },
  ],
  [
    { name: "postgresql_xact_commit", spec: counter(400) },
    { name: "postgresql_numbackends", spec: gauge(0, 200, 2, 0) },
    { name: "postgresql_blks_hit", spec: counter(90_000) },
    { name: "postgresql_tup_fetched", spec: counter(40_000) },
    { name: "postgresql_deadlocks", spec: counter(1, 0.001) },
    { name: "postgresql_cache_hit_ratio", spec: gauge(90, 100, 0.05, 2) },
  ],
  [
    { name: "redis_connected_clients", spec: gauge(0, 1000, 5, 0) },
    { name: "redis_used_memory_gigabytes", spec: gauge(0, 16, 0.01, 2) },
    { name: "redis_mem_fragmentation_ratio", spec: gauge(1, 3, 0.01, 2) },
    { name: "redis_keyspace_hits", spec: counter(3_000) },
    { name: "redis_repl_backlog_size", spec: constant(1e6, 1e8) },
  ],
];

/** Base metric names in the order they are taken: round-robin over groups. */
function baseMetrics(): MetricTemplate[] {
  const out: MetricTemplate[] = [];
  const longest = Math.max(...GROUPS.map((g) => g.length));
  for (let i = 0; i < longest; i++) {
    for (const group of GROUPS) {
      const m = group[i];
      if (m !== undefined) out.push(m);
    }
  }
  return out;
}

/** K metrics: the base list, then again with suffixes `_2`, `_3`, … when K exceeds it. */
function metricCatalogue(k: number): MetricTemplate[] {
  const base = baseMetrics();
  const out: MetricTemplate[] = [];
  for (let i = 0; i < k; i++) {
    const m = base[i % base.length];
    const round = Math.floor(i / base.length);
    out.push(round === 0 ? m : { name: `${m.name}_${round + 1}`, spec: m.spec });
  }
  return out;
}

const REGIONS = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "eu-central-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
];
const OSES = ["Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"];
const ARCHES = ["x64", "x86"];
const TEAMS = ["SF", "NYC", "LON", "CHI"];
const ENVIRONMENTS = ["production", "staging", "test"];

/** The host tags of TSBS cpu-only, as label pairs (without `__name__`). */
function hostLabels(host: number, rand: () => number): Label[] {
  const region = pick(rand, REGIONS);
  return [
    { name: "arch", value: pick(rand, ARCHES) },
    { name: "datacenter", value: `${region}${pick(rand, ["a", "b", "c"])}` },
    { name: "hostname", value: `host_${host}` },
    { name: "os", value: pick(rand, OSES) },
    { name: "rack", value: String(randInt(rand, 100)) },
    { name: "region", value: region },
    { name: "service", value: String(randInt(rand, 20)) },
    { name: "service_environment", value: pick(rand, ENVIRONMENTS) },
    { name: "service_version", value: String(randInt(rand, 2)) },
    { name: "team", value: pick(rand, TEAMS) },
  ];
}

/** One window of generated samples: `ts` per host, `vs` per series, `samples` per series each. */
export interface Window {
  readonly index: number;
  /** Samples per series in this window (the last window may be short). */
  readonly samples: number;
  /** Timestamps (ms), host h at `[h * samples, (h + 1) * samples)`. */
  readonly ts: Float64Array;
  /** Values, series i at `[i * samples, (i + 1) * samples)`. */
  readonly vs: Float64Array;
}

/**
 * The data set: series labels and a generator of windows in time order. The
 * random stream is consumed in a fixed order (window, series, sample), so the
 * same shape and seed always give the same samples, whatever the batching.
 */
export class DevopsData {
  readonly shape: DataShape;
  /** Series i = host × metrics + metric; labels sorted by name. */
  readonly labels: Labels[];
  readonly samplesPerSeries: number;
  /** First sample time (ms), aligned to a 2 h block boundary. */
  readonly start: number;
  readonly windows: number;
  private readonly specs: MetricKind[];
  private readonly hostPhase: Float64Array;
  private readonly rand: () => number;
  /** Current value per series (the random walk / counter position). */
  private readonly state: Float64Array;
  private next = 0;

  constructor(shape: DataShape, now = Date.now()) {
    this.shape = shape;
    this.samplesPerSeries = Math.floor((shape.hours * 3600 * 1000) / INTERVAL_MS);
    // The last sample lands at most 2 h before now; aligning the start lets the
    // first block of Prometheus (and of reddot, which cuts on the same 2 h grid)
    // hold exactly 2 h of data, so bytes/sample do not depend on the clock.
    const span = this.samplesPerSeries * INTERVAL_MS;
    this.start = Math.floor((now - span) / BLOCK_RANGE_MS) * BLOCK_RANGE_MS;
    this.windows = Math.ceil(this.samplesPerSeries / WINDOW_SAMPLES);
    const rand = prng(shape.seed);
    const catalogue = metricCatalogue(shape.metrics);
    this.specs = catalogue.map((m) => m.spec);
    this.labels = [];
    this.hostPhase = new Float64Array(shape.hosts);
    for (let h = 0; h < shape.hosts; h++) {
      const tags = hostLabels(h, rand);
      // A fixed per-host offset inside the interval, as scrapes of different
      // targets are spread; still perfectly regular per series.
      this.hostPhase[h] = randInt(rand, INTERVAL_MS);
      for (const m of catalogue) {
        this.labels.push([{ name: "__name__", value: m.name }, ...tags]);
      }
    }
    this.rand = prng(shape.seed ^ 0x5eed);
    this.state = new Float64Array(this.labels.length);
    for (let i = 0; i < this.state.length; i++) this.state[i] = this.initial(this.spec(i));
  }

  /** Number of series. */
  get series(): number {
    return this.labels.length;
  }

  /** Total number of samples in the data set. */
  get totalSamples(): number {
    return this.series * this.samplesPerSeries;
  }

  /** End of the covered range (ms, exclusive; per-host phases add up to one interval). */
  get end(): number {
    return this.start + this.samplesPerSeries * INTERVAL_MS;
  }

  /** Generates the windows in order; each can be generated once. */
  *generate(): Generator<Window> {
    while (this.next < this.windows) yield this.window(this.next++);
  }

  private spec(series: number): MetricKind {
    return this.specs[series % this.shape.metrics];
  }

  private initial(spec: MetricKind): number {
    const r = this.rand();
    switch (spec.kind) {
      case "gauge":
        return round(spec.lo + r * (spec.hi - spec.lo), spec.decimals);
      case "counter":
        return Math.floor(r * spec.rate * 100_000);
      case "constant":
        return Math.round(spec.lo + r * (spec.hi - spec.lo));
    }
  }

  private window(index: number): Window {
    const first = index * WINDOW_SAMPLES;
    const samples = Math.min(WINDOW_SAMPLES, this.samplesPerSeries - first);
    const ts = new Float64Array(this.shape.hosts * samples);
    for (let h = 0; h < this.shape.hosts; h++) {
      const base = this.start + this.hostPhase[h] + first * INTERVAL_MS;
      for (let j = 0; j < samples; j++) ts[h * samples + j] = base + j * INTERVAL_MS;
    }
    const vs = new Float64Array(this.series * samples);
    const rand = this.rand;
    for (let i = 0; i < this.series; i++) {
      const spec = this.spec(i);
      let v = this.state[i];
      for (let j = 0; j < samples; j++) {
        if (spec.kind === "gauge") {
          // Sum of three uniforms: a cheap bell-shaped step.
          v += (rand() + rand() + rand() - 1.5) * 2 * spec.step;
          if (v < spec.lo) v = 2 * spec.lo - v;
          if (v > spec.hi) v = 2 * spec.hi - v;
          v = round(v, spec.decimals);
        } else if (spec.kind === "counter") {
          if (rand() < spec.chance) v += Math.floor(rand() * 2 * spec.rate);
        }
        vs[i * samples + j] = v;
      }
      this.state[i] = v;
    }
    return { index, samples, ts, vs };
  }
}

function round(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}
