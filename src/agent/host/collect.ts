/**
 * Host metrics for the agent, Linux only, read from /proc and /sys without
 * running any command. Names, labels and units are node_exporter's (checked
 * against a real node_exporter by test/e2e/agent-host-metrics.test.ts), so
 * dashboards and rules written for it work unchanged.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { AgentSample } from "../types.js";
import { parseDiskstats } from "./diskstats.js";
import { type Emit, NO_LABELS } from "./emit.js";
import { collectFilesystems, readMounts } from "./filesystem.js";
import { parseNetDev } from "./netdev.js";
import { parseLoadavg, parseMeminfo, parseStat } from "./proc-stat.js";
import { readText } from "./read.js";
import { collectHwmon, collectThermal } from "./sensors.js";

export interface HostMetricsOptions {
  /** Where procfs is mounted; default `/proc`. */
  readonly procRoot?: string;
  /** Where sysfs is mounted; default `/sys`. */
  readonly sysRoot?: string;
  /** Sample time, ms since epoch; default `Date.now()`. */
  readonly now?: number;
  /** The host's root as the agent sees it (statfs goes through it); default `/`. */
  readonly rootfsPath?: string;
  /** Bound on each filesystem's statfs; default 5000 ms. */
  readonly statfsTimeoutMs?: number;
}

/** One collection: every sample stamped with the same time. Missing sources are skipped, never fatal. */
export async function collectHostMetrics(opts: HostMetricsOptions = {}): Promise<AgentSample[]> {
  const proc = opts.procRoot ?? "/proc";
  const sys = opts.sysRoot ?? "/sys";
  const t = opts.now ?? Date.now();
  const out: AgentSample[] = [];
  const emit: Emit = (name, labels, v) => {
    out.push({ name, labels, t, v });
  };

  const [stat, loadavg, meminfo, diskstats, netdev, mounts, pids] = await Promise.all([
    readText(join(proc, "stat")),
    readText(join(proc, "loadavg")),
    readText(join(proc, "meminfo")),
    readText(join(proc, "diskstats")),
    readText(join(proc, "net/dev")),
    readMounts(proc),
    countPids(proc),
  ]);
  if (stat !== undefined) parseStat(stat, emit);
  if (loadavg !== undefined) parseLoadavg(loadavg, emit);
  if (meminfo !== undefined) parseMeminfo(meminfo, emit);
  if (diskstats !== undefined) parseDiskstats(diskstats, emit);
  if (netdev !== undefined) parseNetDev(netdev, emit);
  if (pids !== undefined) emit("node_processes_pids", NO_LABELS, pids);
  emit("node_time_seconds", NO_LABELS, t / 1000);
  await Promise.all([
    collectFilesystems(mounts, emit, opts.rootfsPath ?? "/", opts.statfsTimeoutMs),
    collectHwmon(sys, emit),
    collectThermal(sys, emit),
  ]);
  return out;
}

/** Number of processes: the numeric entries of /proc. */
async function countPids(proc: string): Promise<number | undefined> {
  let names: string[];
  try {
    names = await readdir(proc);
  } catch {
    return undefined;
  }
  let n = 0;
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}
