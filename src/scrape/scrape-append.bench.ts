/**
 * Cost of one scrape after the body arrived: parse, then label work and
 * appends, with the raw-series cache warm (every scrape after the first) and
 * cold (the first). The body has node_exporter's shape and size (~2,000
 * samples, a few labels each). Run: npx vitest bench --run src/scrape
 */
import { bench, describe } from "vitest";
import { parseExposition } from "../ingest/index.js";
import type { Appender } from "../storage/index.js";
import { labelsFromRecord } from "../storage/index.js";
import { compileRelabel } from "./relabel.js";
import { type AppendOptions, appendScrape } from "./scrape-append.js";
import { ScrapeCache } from "./scrape-cache.js";

function nodeExporterLike(): string {
  const lines: string[] = [];
  const modes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"];
  lines.push("# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.");
  lines.push("# TYPE node_cpu_seconds_total counter");
  for (let cpu = 0; cpu < 32; cpu++) {
    for (const mode of modes)
      lines.push(
        `node_cpu_seconds_total{cpu="${cpu}",mode="${mode}"} ${cpu * 1000.25 + mode.length}`,
      );
  }
  const devices = ["sda", "sdb", "nvme0n1", "nvme1n1", "dm-0", "dm-1"];
  for (const m of [
    "reads_completed",
    "writes_completed",
    "read_bytes",
    "written_bytes",
    "io_time_seconds",
  ]) {
    lines.push(`# TYPE node_disk_${m}_total counter`);
    for (const d of devices) lines.push(`node_disk_${m}_total{device="${d}"} ${d.length * 12345}`);
  }
  for (let i = 0; i < 1400; i++) {
    const fam = `node_family_${i % 140}`;
    if (i % 10 === 0) lines.push(`# TYPE ${fam} gauge`);
    lines.push(
      `${fam}{device="eth${i % 10}",fstype="ext4",mountpoint="/srv/${i % 10}"} ${i * 1.5e6}`,
    );
  }
  lines.push("# TYPE node_scrape_collector_duration_seconds gauge");
  for (let i = 0; i < 40; i++)
    lines.push(`node_scrape_collector_duration_seconds{collector="c${i}"} 0.00${i}`);
  return `${lines.join("\n")}\n`;
}

const body = nodeExporterLike();
const contentType = "text/plain; version=0.0.4; charset=utf-8";
const ts = 1_700_000_000_000;
const entries = parseExposition(body, contentType, ts).entries;
const opts: AppendOptions = {
  targetLabels: labelsFromRecord({ instance: "db1:9100", job: "node" }),
  honorLabels: false,
  honorTimestamps: true,
  metricRelabel: compileRelabel([
    {
      sourceLabels: ["__name__"],
      separator: ";",
      regex: "go_.*",
      replacement: "$1",
      action: "drop",
    },
  ]),
  sampleLimit: 0,
  labelLimit: 0,
};

/** Hands out refs and keeps nothing: what is measured is the scrape code, not a store. */
function nullAppender(): Appender {
  let next = 1;
  return {
    append: (ref) => (ref !== 0 ? ref : next++),
    commit: async () => ({ accepted: 0, refused: {} }),
    rollback: () => {},
  };
}

const warm = new ScrapeCache();
warm.begin();
appendScrape(nullAppender(), warm, entries, ts, opts);
warm.commit();

describe(`one scrape of ${entries.length} samples (${body.length} bytes)`, () => {
  bench("parse", () => {
    parseExposition(body, contentType, ts);
  });
  bench("append, warm cache", () => {
    warm.begin();
    appendScrape(nullAppender(), warm, entries, ts, opts);
    warm.commit();
  });
  bench("append, cold cache", () => {
    const cold = new ScrapeCache();
    cold.begin();
    appendScrape(nullAppender(), cold, entries, ts, opts);
    cold.commit();
  });
  bench("parse + append, warm cache", () => {
    warm.begin();
    appendScrape(nullAppender(), warm, parseExposition(body, contentType, ts).entries, ts, opts);
    warm.commit();
  });
});
