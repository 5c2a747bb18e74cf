/**
 * Exposition parse throughput. Plain script:
 *   npx tsx src/ingest/exposition/parse.bench.ts
 *
 * A generated 10,000-line body shaped like node_exporter output (HELP/TYPE
 * per family, cpu/mode, device, filesystem and histogram series). Measures
 * lines per CPU second: parse alone (the steady state, where the scrape cache
 * knows every key and no labels are built), and parse plus building every
 * entry's labels (a first scrape); both formats.
 */
import { parseExposition } from "./parse.js";

const TARGET_LINES = 10_000;
const ROUNDS = 100;

function generate(): string {
  const out: string[] = [];
  const family = (name: string, type: string, help: string) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const modes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"];
  family("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.");
  for (let cpu = 0; cpu < 32; cpu++) {
    for (const mode of modes) {
      out.push(
        `node_cpu_seconds_total{cpu="${cpu}",mode="${mode}"} ${(cpu * 1234.56 + mode.length).toFixed(2)}`,
      );
    }
  }
  family(
    "go_gc_duration_seconds",
    "summary",
    "A summary of the pause duration of garbage collection cycles.",
  );
  for (const q of ["0", "0.25", "0.5", "0.75", "1"])
    out.push(`go_gc_duration_seconds{quantile="${q}"} 2.9194e-05`);
  out.push("go_gc_duration_seconds_sum 0.00123", "go_gc_duration_seconds_count 42");
  let f = 0;
  while (out.length < TARGET_LINES) {
    f++;
    if (f % 10 === 0) {
      const name = `node_request_duration_seconds_${f}`;
      family(name, "histogram", "Request latencies.");
      for (const le of [
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
      ]) {
        out.push(`${name}_bucket{handler="/metrics",le="${le}"} ${f * 3}`);
      }
      out.push(
        `${name}_sum{handler="/metrics"} 12.5`,
        `${name}_count{handler="/metrics"} ${f * 3}`,
      );
    } else if (f % 3 === 0) {
      const name = `node_filesystem_metric_${f}_bytes`;
      family(name, "gauge", "Filesystem size in bytes.");
      for (let d = 0; d < 12; d++) {
        out.push(
          `${name}{device="/dev/sd${String.fromCharCode(97 + d)}1",fstype="ext4",mountpoint="/mnt/data${d}"} ${1.2e11 + d * 4096}`,
        );
      }
    } else {
      const name = `node_disk_metric_${f}_total`;
      family(name, "counter", "Disk statistics counter.");
      for (let d = 0; d < 16; d++) out.push(`${name}{device="nvme${d}n1"} ${f * 100003 + d}`);
    }
  }
  out.length = TARGET_LINES;
  return `${out.join("\n")}\n`;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median lines per CPU second of `fn` (CPU time resists a busy shared machine better than wall time). */
function measure(lines: number, fn: () => void): number {
  for (let i = 0; i < 10; i++) fn();
  const rates: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const before = process.cpuUsage();
    fn();
    const used = process.cpuUsage(before);
    rates.push((lines * 1e6) / Math.max(1, used.user + used.system));
  }
  return median(rates);
}

const text = generate();
const om = `${text}# EOF\n`;
const lines = TARGET_LINES;
const samples = parseExposition(text, undefined, 0).entries.length;
const out = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (r: number) => `${(r / 1e6).toFixed(2)} M lines/s`;
out(`body: ${lines} lines, ${samples} samples, ${text.length} characters`);

const textParse = measure(lines, () => parseExposition(text, "text/plain; version=0.0.4", 0));
const textLabels = measure(lines, () => {
  for (const e of parseExposition(text, "text/plain; version=0.0.4", 0).entries) void e.labels;
});
const omParse = measure(lines, () => parseExposition(om, "application/openmetrics-text", 0));

out(`text, parse only (cache hits)     ${fmt(textParse)}`);
out(`text, parse + build labels        ${fmt(textLabels)}`);
out(`OpenMetrics, parse only           ${fmt(omParse)}`);
