/**
 * Process and disk measurements read from Linux /proc and the file system:
 * resident memory (VmRSS, VmHWM), CPU time (utime + stime) and the size of a
 * directory tree. Linux only, as is the benchmark machine.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

/** Memory figures of a process, in bytes. */
export interface MemoryStatus {
  /** Resident set size now (VmRSS). */
  readonly rss: number;
  /** Peak resident set size over the process lifetime (VmHWM). */
  readonly hwm: number;
}

/** Reads VmRSS and VmHWM from /proc/<pid>/status; undefined once the process is gone. */
export function readMemory(pid: number): MemoryStatus | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

let clockTicks: number | undefined;

/** Clock ticks per second for /proc/<pid>/stat times (USER_HZ, nearly always 100). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch (err) {
      console.error(`getconf CLK_TCK failed (${String(err)}); assuming 100`);
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds (user + system) used so far by a process; undefined once it is gone. */
export function readCpuSeconds(pid: number): number | undefined {
  return readCpuTimes(pid)?.own;
}

/**
 * A process's own CPU seconds (utime + stime) and those of its children it
 * has reaped (cutime + cstime); undefined once it is gone.
 */
export function readCpuTimes(pid: number): { own: number; children: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  // What follows starts at field 3 (state); utime, stime, cutime, cstime are fields 14 to 17.
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const hz = ticksPerSecond();
  return {
    own: (Number(f[11]) + Number(f[12])) / hz,
    children: (Number(f[13]) + Number(f[14])) / hz,
  };
}

/**
 * CPU seconds all processes have been busy since boot, summed over cores
 * (first line of /proc/stat, everything but idle and iowait). With a peer's
 * and the benchmark's own CPU time, it tells how much else ran meanwhile.
 */
export function readSystemBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  // Fields: user nice system idle iowait irq softirq steal guest guest_nice;
  // guest time is already counted in user, so it is taken off again.
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const guest = (ticks[8] ?? 0) + (ticks[9] ?? 0);
  return (total - idle - guest) / ticksPerSecond();
}

/**
 * Samples a process's VmRSS every `intervalMs` (200 ms by default) to record
 * the peak seen during a phase; VmHWM covers the whole lifetime instead.
 */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  private peak = 0;
  private last = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 200,
  ) {}

  /** Starts sampling; the peak restarts from zero. */
  start(): void {
    this.stop();
    this.peak = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Stops sampling and returns the peak and last VmRSS seen, in bytes. */
  stop(): { peak: number; last: number } {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.sample();
    }
    return { peak: this.peak, last: this.last };
  }

  private sample(): void {
    const m = readMemory(this.pid);
    if (m === undefined) return;
    this.last = m.rss;
    if (m.rss > this.peak) this.peak = m.rss;
  }
}

/** Size of a directory tree. */
export interface DiskUsage {
  /** Sum of file sizes (apparent bytes). */
  readonly bytes: number;
  /** Sum of allocated blocks × 512 (what `du` shows; counts preallocation). */
  readonly allocated: number;
  readonly files: number;
}

/**
 * Walks a directory tree, counting regular files; `skip` gets the path
 * relative to `root` and excludes that entry (and a directory's subtree).
 * Files that vanish during the walk (a compaction renaming them) are ignored,
 * which is why a measurement is taken only after the store is quiet.
 */
export async function diskUsage(
  root: string,
  skip: (relative: string) => boolean = () => false,
): Promise<DiskUsage> {
  let bytes = 0;
  let allocated = 0;
  let files = 0;
  const walk = async (dir: string, rel: string): Promise<void> => {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    for (const name of entries) {
      const relative = rel === "" ? name : `${rel}/${name}`;
      if (skip(relative)) continue;
      const path = join(dir, name);
      let st: Awaited<ReturnType<typeof lstat>>;
      try {
        st = await lstat(path);
      } catch (err) {
        if (isMissing(err)) continue;
        throw err;
      }
      if (st.isDirectory()) await walk(path, relative);
      else if (st.isFile()) {
        bytes += st.size;
        allocated += st.blocks * 512;
        files++;
      }
    }
  };
  await walk(root, "");
  return { bytes, allocated, files };
}

function isMissing(err: unknown): boolean {
  return err instanceof Error && "code" in err && (err.code === "ENOENT" || err.code === "ESRCH");
}
