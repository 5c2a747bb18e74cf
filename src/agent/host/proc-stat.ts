/**
 * /proc/stat: CPU time per mode, context switches, interrupts, boot time,
 * forks and runnable/blocked processes. Names as node_exporter's `cpu` and
 * `stat` collectors. CPU columns are in USER_HZ, 100 per second on every
 * Linux architecture's user ABI.
 */
import { type Emit, NO_LABELS } from "./emit.js";
import { fields } from "./read.js";

export const USER_HZ = 100;

/** Column order of a `cpuN` line; guest and guest_nice are reported apart, as node_exporter does. */
const MODES = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"] as const;

export function parseStat(text: string, emit: Emit): void {
  for (const line of text.split("\n")) {
    if (line.startsWith("cpu")) {
      if (line.charCodeAt(3) === 32) continue; // the "cpu " total line
      const f = fields(line);
      const cpu = f[0].slice(3);
      for (let i = 0; i < MODES.length && i + 1 < f.length; i++) {
        emit("node_cpu_seconds_total", { cpu, mode: MODES[i] }, Number(f[i + 1]) / USER_HZ);
      }
      if (f.length > 10) {
        emit("node_cpu_guest_seconds_total", { cpu, mode: "user" }, Number(f[9]) / USER_HZ);
        emit("node_cpu_guest_seconds_total", { cpu, mode: "nice" }, Number(f[10]) / USER_HZ);
      }
      continue;
    }
    const sp = line.indexOf(" ");
    if (sp < 0) continue;
    const key = line.slice(0, sp);
    const name = STAT_KEYS[key];
    if (name === undefined) continue;
    // `intr` is followed by per-IRQ counts; the first number is the total.
    const end = line.indexOf(" ", sp + 1);
    const v = Number(line.slice(sp + 1, end < 0 ? undefined : end));
    if (Number.isFinite(v)) emit(name, NO_LABELS, v);
  }
}

const STAT_KEYS: Readonly<Record<string, string>> = {
  ctxt: "node_context_switches_total",
  intr: "node_intr_total",
  btime: "node_boot_time_seconds",
  processes: "node_forks_total",
  procs_running: "node_procs_running",
  procs_blocked: "node_procs_blocked",
};

/** /proc/loadavg: `0.28 0.65 1.05 1/234 5678`. */
export function parseLoadavg(text: string, emit: Emit): void {
  const f = fields(text.trim());
  if (f.length < 3) return;
  emit("node_load1", NO_LABELS, Number(f[0]));
  emit("node_load5", NO_LABELS, Number(f[1]));
  emit("node_load15", NO_LABELS, Number(f[2]));
}

/**
 * /proc/meminfo: `MemTotal:  24731708 kB` becomes node_memory_MemTotal_bytes
 * (kB × 1024); lines without a unit (`HugePages_Total: 0`) keep their name
 * without `_bytes`; `Active(anon)` becomes `Active_anon`.
 */
export function parseMeminfo(text: string, emit: Emit): void {
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const f = fields(line.slice(colon + 1));
    if (f.length === 0) continue;
    let key = line.slice(0, colon);
    const paren = key.indexOf("(");
    if (paren >= 0) key = `${key.slice(0, paren)}_${key.slice(paren + 1, key.indexOf(")", paren))}`;
    const v = Number(f[0]);
    if (!Number.isFinite(v)) continue;
    if (f[1] === "kB") emit(`node_memory_${key}_bytes`, NO_LABELS, v * 1024);
    else emit(`node_memory_${key}`, NO_LABELS, v);
  }
}
