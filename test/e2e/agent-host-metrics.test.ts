/**
 * The agent's host metrics against a real node_exporter on the same host:
 * every family both emit must have the same name and label names, the same
 * series (devices, mounts, interfaces: the default exclusions agree), and
 * values that agree within tolerance.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectHostMetrics } from "../../src/agent/host/collect.js";
import type { AgentSample } from "../../src/agent/types.js";
import {
  freePort,
  hasBinary,
  startProcess,
  type TestProcess,
  waitReady,
} from "./support/processes.js";

const NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";

interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly v: number;
}

/** Prometheus text format, enough for node_exporter's output (no exemplars, no timestamps). */
function parseExposition(text: string): Series[] {
  const out: Series[] = [];
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const l of text.split("\n")) {
    if (l === "" || l.startsWith("#")) continue;
    const m = line.exec(l);
    if (m === null) throw new Error(`unparsed exposition line: ${l}`);
    const labels: Record<string, string> = {};
    for (const lm of (m[2] ?? "").matchAll(label)) {
      labels[lm[1]] = lm[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    out.push({ name: m[1], labels, v: Number(m[3]) });
  }
  return out;
}

function key(s: { name: string; labels: Readonly<Record<string, string>> }): string {
  const l = Object.keys(s.labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(s.labels[k])}`)
    .join(",");
  return `${s.name}{${l}}`;
}

function families<T extends { name: string }>(xs: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const list = m.get(x.name);
    if (list === undefined) m.set(x.name, [x]);
    else list.push(x);
  }
  return m;
}

function labelNames(xs: readonly { labels: Readonly<Record<string, string>> }[]): string[] {
  return [...new Set(xs.map((x) => Object.keys(x.labels).sort().join(",")))].sort();
}

/** Devices /proc/diskstats lists that node_exporter's default exclusion keeps. */
function diskDevices(): string[] {
  const text = readFileSync("/proc/diskstats", "latin1");
  return text
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[2])
    .filter((d) => d !== undefined && !/^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/.test(d));
}

describe("agent host metrics against a real node_exporter", () => {
  let ne: TestProcess | undefined;
  let before: Series[] = [];
  let after: Series[] = [];
  let ours: AgentSample[] = [];
  let neByKey = new Map<string, number>();
  let afterByKey = new Map<string, number>();

  beforeAll(async () => {
    if (!hasBinary(NODE_EXPORTER)) {
      throw new Error(
        `${NODE_EXPORTER} missing: install the Debian package prometheus-node-exporter (CI installs it)`,
      );
    }
    const port = await freePort();
    ne = startProcess(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`]);
    const url = `http://127.0.0.1:${port}/metrics`;
    await waitReady(url, ne);
    const scrape = async () => parseExposition(await (await fetch(url)).text());
    // Ours is taken between two scrapes, so counters can be bracketed.
    before = await scrape();
    ours = await collectHostMetrics();
    after = await scrape();
    neByKey = new Map(before.map((s) => [key(s), s.v]));
    afterByKey = new Map(after.map((s) => [key(s), s.v]));
  });

  afterAll(async () => {
    await ne?.stop();
  });

  it("uses node_exporter's label names for every family both emit, and lists what we lack", () => {
    const theirs = families(before.filter((s) => s.name.startsWith("node_")));
    const mine = families(ours);
    const shared: string[] = [];
    for (const [name, xs] of mine) {
      const t = theirs.get(name);
      if (t === undefined) continue;
      shared.push(name);
      expect(labelNames(xs), name).toEqual(labelNames(t));
    }
    const onlyTheirs = [...theirs.keys()].filter((n) => !mine.has(n)).sort();
    const onlyOurs = [...mine.keys()].filter((n) => !theirs.has(n)).sort();
    console.log(
      `node_exporter families also emitted by the agent (${shared.length}):\n  ${shared.sort().join("\n  ")}`,
    );
    console.log(
      `node_exporter families the agent does not emit (${onlyTheirs.length}, informational):\n  ${onlyTheirs.join("\n  ")}`,
    );
    console.log(
      `agent families node_exporter did not emit here (${onlyOurs.length}):\n  ${onlyOurs.join("\n  ")}`,
    );
    expect(shared.length).toBeGreaterThan(0);
  });

  it("emits the core families", () => {
    const names = new Set(ours.map((s) => s.name));
    const core = [
      "node_cpu_seconds_total",
      "node_load1",
      "node_load5",
      "node_load15",
      "node_memory_MemTotal_bytes",
      "node_memory_MemAvailable_bytes",
      "node_memory_SwapTotal_bytes",
      "node_filesystem_size_bytes",
      "node_filesystem_avail_bytes",
      "node_filesystem_files_free",
      "node_filesystem_readonly",
      "node_network_receive_bytes_total",
      "node_network_transmit_bytes_total",
      "node_boot_time_seconds",
      "node_time_seconds",
      "node_procs_running",
      "node_context_switches_total",
      "node_intr_total",
      "node_forks_total",
    ];
    // Containers can lack block devices; when /proc/diskstats lists some, we must report them.
    if (diskDevices().length > 0)
      core.push("node_disk_reads_completed_total", "node_disk_io_time_seconds_total");
    expect(core.filter((n) => !names.has(n))).toEqual([]);
  });

  it("reports the same series (cpus, disks, mounts, interfaces) as node_exporter", () => {
    for (const name of [
      "node_cpu_seconds_total",
      "node_disk_reads_completed_total",
      "node_filesystem_size_bytes",
      "node_filesystem_readonly",
      "node_network_receive_bytes_total",
    ]) {
      const mine = ours
        .filter((s) => s.name === name)
        .map(key)
        .sort();
      const theirs = before
        .filter((s) => s.name === name)
        .map(key)
        .sort();
      expect(mine, name).toEqual(theirs);
    }
  });

  it("agrees exactly on memory totals, filesystem sizes and flags, and boot time", () => {
    const exact = ours.filter(
      (s) =>
        s.name === "node_memory_MemTotal_bytes" ||
        s.name === "node_memory_SwapTotal_bytes" ||
        s.name === "node_memory_Hugepagesize_bytes" ||
        s.name === "node_filesystem_size_bytes" ||
        s.name === "node_filesystem_files" ||
        s.name === "node_filesystem_readonly" ||
        s.name === "node_filesystem_device_error" ||
        s.name === "node_boot_time_seconds",
    );
    expect(exact.length).toBeGreaterThan(4);
    for (const s of exact) expect(s.v, key(s)).toBe(neByKey.get(key(s)));
  });

  it("agrees on counters within their movement between two node_exporter scrapes", () => {
    const bracketed = ours.filter(
      (s) =>
        s.name === "node_cpu_seconds_total" ||
        s.name.startsWith("node_disk_") ||
        s.name.startsWith("node_network_") ||
        s.name === "node_context_switches_total" ||
        s.name === "node_intr_total" ||
        s.name === "node_forks_total",
    );
    expect(bracketed.length).toBeGreaterThan(0);
    for (const s of bracketed) {
      const lo = neByKey.get(key(s));
      const hi = afterByKey.get(key(s));
      if (lo === undefined || hi === undefined) continue; // series sets are compared above
      // CPU seconds: a few seconds of slack (USER_HZ rounding, busy neighbours); gauges such as
      // io_now move both ways; other counters move only up, by what the host did meanwhile.
      const slack =
        s.name === "node_cpu_seconds_total" ? 3 : s.name === "node_disk_io_now" ? 50 : 0;
      expect(s.v, key(s)).toBeGreaterThanOrEqual(Math.min(lo, hi) - slack);
      expect(s.v, key(s)).toBeLessThanOrEqual(Math.max(lo, hi) + slack);
    }
  });

  it("agrees on load within 1 and on filesystem free space within 1 GiB", () => {
    for (const name of ["node_load1", "node_load5", "node_load15"]) {
      const mine = ours.find((s) => s.name === name)?.v;
      expect(mine, name).toBeDefined();
      expect(
        Math.abs((mine ?? 0) - (neByKey.get(`${name}{}`) ?? Number.NaN)),
        name,
      ).toBeLessThanOrEqual(1);
    }
    for (const s of ours.filter((x) => x.name === "node_filesystem_avail_bytes")) {
      const theirs = neByKey.get(key(s));
      expect(theirs, key(s)).toBeDefined();
      expect(Math.abs(s.v - (theirs ?? 0)), key(s)).toBeLessThanOrEqual(2 ** 30);
    }
    const memAvail = ours.find((s) => s.name === "node_memory_MemAvailable_bytes")?.v ?? 0;
    const theirsAvail = neByKey.get("node_memory_MemAvailable_bytes{}") ?? Number.NaN;
    expect(Math.abs(memAvail - theirsAvail)).toBeLessThanOrEqual(2 ** 30);
    const now = ours.find((s) => s.name === "node_time_seconds")?.v ?? 0;
    expect(Math.abs(now - (neByKey.get("node_time_seconds{}") ?? Number.NaN))).toBeLessThanOrEqual(
      60,
    );
  });
});
