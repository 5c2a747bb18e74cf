/**
 * Benchmark of series selection over 100k series with realistic labels, for
 * the head's MemPostings and a block's IndexReader, plus the index file's
 * write/open cost and the raw-u32 versus delta-varint postings trade-off.
 *
 * Run: npx tsx src/tsdb/index/select.bench.ts
 * Data: 1000 hosts × 100 metric names; labels __name__, hostname, region, az,
 * job, env, team (7 per series). Timings are medians over repeated runs.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareLabels, type Labels, labelsFromRecord } from "../labels.js";
import type { Matcher } from "../types.js";
import { ByteWriter, Decoder } from "./encoding.js";
import { IndexReader } from "./index-reader.js";
import { writeIndex } from "./index-writer.js";
import { matcherToString, newMatcher } from "./matcher.js";
import { MemPostings } from "./mem-postings.js";

const HOSTS = 1000;
const METRICS = 100;
const REGIONS = ["eu-west", "eu-central", "us-east", "us-west", "ap-south"];
const JOBS = ["node", "api", "db", "cache"];
const TEAMS = ["core", "payments", "search", "infra", "data", "web"];

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function hostname(h: number): string {
  const role = JOBS[h % JOBS.length];
  return `${role}-${String(h).padStart(4, "0")}.${REGIONS[h % REGIONS.length]}.example.com`;
}

function makeSeries(): Labels[] {
  const series: Labels[] = [];
  for (let h = 0; h < HOSTS; h++) {
    for (let m = 0; m < METRICS; m++) {
      series.push(
        labelsFromRecord({
          __name__: `metric_${String(m).padStart(3, "0")}_total`,
          hostname: hostname(h),
          region: REGIONS[h % REGIONS.length],
          az: `${REGIONS[h % REGIONS.length]}-${"abc"[h % 3]}`,
          job: JOBS[h % JOBS.length],
          env: h % 10 === 0 ? "staging" : "prod",
          team: TEAMS[h % TEAMS.length],
        }),
      );
    }
  }
  return series.sort(compareLabels);
}

/** Median time per call in µs, running `f` for about `budgetMs`. */
function timeIt(f: () => unknown, budgetMs = 300): number {
  const samples: number[] = [];
  const until = performance.now() + budgetMs;
  for (let i = 0; i < 3; i++) f(); // warm-up
  while (performance.now() < until || samples.length < 5) {
    const t0 = performance.now();
    f();
    samples.push((performance.now() - t0) * 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);

/** Size and decode cost of delta-varint postings, against the raw u32 lists we store. */
function postingsEncodingReport(mem: MemPostings): void {
  const w = new ByteWriter(1 << 20);
  const lists: Uint32Array[] = [];
  let raw = 0;
  for (const name of mem.labelNames()) {
    for (const value of mem.labelValues(name)) {
      const ids = mem.get(name, value).slice();
      lists.push(ids);
      raw += 4 + ids.length * 4;
      w.uvarint(ids.length);
      let prev = 0;
      for (const id of ids) {
        w.uvarint(id - prev);
        prev = id;
      }
    }
  }
  const encoded = w.view().slice();
  const postingsCount = lists.reduce((n, l) => n + l.length, 0);
  const decodeAll = () => {
    const d = new Decoder(encoded, 0, encoded.length);
    while (d.pos < d.end) {
      const n = d.uvarint();
      const ids = new Uint32Array(n);
      let prev = 0;
      for (let i = 0; i < n; i++) {
        prev += d.uvarint();
        ids[i] = prev;
      }
    }
  };
  const rawBuf = new Uint32Array(raw / 4);
  const viewAll = () => {
    let at = 0;
    for (const l of lists) {
      new Uint32Array(rawBuf.buffer, (at + 1) * 4, l.length);
      at += 1 + l.length;
    }
  };
  const dec = timeIt(decodeAll, 500);
  const view = timeIt(viewAll, 500);
  out(`postings: ${lists.length} lists, ${postingsCount} ids`);
  out(`  raw u32 (stored):   ${(raw / 1024).toFixed(0)} KiB, read all as views ${fmt(view)}`);
  out(
    `  delta varint (alt): ${(encoded.length / 1024).toFixed(0)} KiB, decode all ${fmt(dec)} (${((dec * 1000) / postingsCount).toFixed(2)} ns/id)`,
  );
}

async function main(): Promise<void> {
  const series = makeSeries();
  const mem = new MemPostings();
  let t0 = performance.now();
  series.forEach((ls, id) => {
    mem.add(id, ls);
  });
  out(`MemPostings: ${series.length} series indexed in ${(performance.now() - t0).toFixed(0)} ms`);

  const dir = mkdtempSync(join(tmpdir(), "reddot-select-bench-"));
  try {
    const path = join(dir, "index");
    t0 = performance.now();
    await writeIndex(
      path,
      series.map((labels, i) => ({ labels, chunks: [{ mint: 0, maxt: 7_199_000, ref: i * 300 }] })),
    );
    const writeMs = performance.now() - t0;
    t0 = performance.now();
    const reader = IndexReader.open(path);
    const openMs = performance.now() - t0;
    out(
      `index file: ${(reader.sizeBytes / 1024 / 1024).toFixed(2)} MiB, write ${writeMs.toFixed(0)} ms, open+validate ${openMs.toFixed(0)} ms`,
    );
    postingsEncodingReport(mem);

    const m = newMatcher;
    const queries: Matcher[][] = [
      [m("=", "__name__", "metric_042_total")],
      [m("=", "hostname", hostname(42))],
      [m("=", "__name__", "metric_042_total"), m("=", "region", "eu-west")],
      [m("=~", "region", "eu-west|us-east")],
      // Unescaped dots make this a real regex, tested against every hostname;
      // escaped (as Grafana writes multi-value variables) it is a set lookup.
      [m("=~", "hostname", `${hostname(1)}|${hostname(2)}`)],
      [m("=~", "hostname", `${hostname(1)}|${hostname(2)}`.replaceAll(".", "\\."))],
      [m("=", "__name__", "metric_042_total"), m("=~", "job", "api|db")],
      [m("=~", "hostname", "api-00.*")],
      [m("=", "__name__", "metric_042_total"), m("=~", "hostname", "api-0.*")],
      [m("!=", "job", "node")],
      [m("=", "__name__", "metric_042_total"), m("!=", "env", "prod")],
      [m("=~", "hostname", ".*\\.eu-west\\..*"), m("=", "__name__", "metric_007_total")],
    ];
    out("");
    out("| selector | series | MemPostings | IndexReader |");
    out("|---|---:|---:|---:|");
    for (const q of queries) {
      const n = mem.select(q).length;
      if (reader.select(q).length !== n) throw new Error("MemPostings and IndexReader disagree");
      const a = timeIt(() => mem.select(q));
      const b = timeIt(() => reader.select(q));
      out(`| \`{${q.map(matcherToString).join(", ")}}\` | ${n} | ${fmt(a)} | ${fmt(b)} |`);
    }
    const ids = reader.select([m("=", "__name__", "metric_042_total")]);
    out("");
    out(
      `labels() of ${ids.length} series: ${fmt(timeIt(() => ids.map((id) => reader.labels(id).length)))}`,
    );
    out(
      `chunks() of ${ids.length} series: ${fmt(timeIt(() => ids.map((id) => reader.chunks(id).length)))}`,
    );
    reader.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
