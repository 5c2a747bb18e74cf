/**
 * Bounded reads of /proc (or a fixture directory standing in for it) and the
 * mount table shared by `disk` and `readonly_mounts`.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";

/** Files read from /proc are small; anything past this is cut off. */
const MAX_PROC_FILE = 1 << 20;

/** Read buffer shared by every call: reads are synchronous, so calls never interleave. */
let scratch: Buffer | undefined;

/**
 * Reads at most `max` bytes of a file as UTF-8 (proc files report size 0, so no stat).
 * Files under the real /proc are read synchronously: procfs answers from
 * memory in microseconds, while the async open/read/close of fs/promises
 * costs three thread-pool round trips and a 64 KiB buffer per file, which
 * dominated the `process` check (one /proc/PID/cmdline per process). Any
 * other path (a fixture procRoot, puppet's summary, which may be a FIFO or
 * a slow disk) keeps the async read so it can never block the event loop.
 * Rejects (ENOENT for a process that has exited) either way.
 */
export async function readBounded(path: string, max = MAX_PROC_FILE): Promise<string> {
  if (path.startsWith("/proc/")) return readBoundedSync(path, max);
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(Math.min(max, 64 * 1024));
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < max) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, max - total), null);
      if (bytesRead === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, bytesRead)));
      total += bytesRead;
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    await fh.close();
  }
}

/** The synchronous read {@link readBounded} uses for /proc; never for a path that may block. */
export function readBoundedSync(path: string, max = MAX_PROC_FILE): string {
  const fd = openSync(path, "r");
  try {
    scratch ??= Buffer.allocUnsafe(64 * 1024);
    const buf = scratch;
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < max) {
      const last = readSync(fd, buf, 0, Math.min(buf.length, max - total), null);
      if (last === 0) break;
      total += last;
      chunks.push(Buffer.from(buf.subarray(0, last)));
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** `ctx.procRoot` or `/proc`. */
export function procPath(procRoot: string | undefined, ...parts: string[]): string {
  return join(procRoot ?? "/proc", ...parts);
}

/** One line of /proc/self/mounts. */
export interface Mount {
  readonly device: string;
  readonly mountpoint: string;
  readonly fstype: string;
  readonly options: readonly string[];
}

/** Undoes the octal escapes the kernel writes for space, tab, newline and backslash (`\040`). */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Parses /proc/self/mounts (fstab format: device mountpoint fstype options dump pass). */
export function parseMounts(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    out.push({
      device: unescapeMount(f[0] as string),
      mountpoint: unescapeMount(f[1] as string),
      fstype: f[2] as string,
      options: (f[3] as string).split(","),
    });
  }
  return out;
}

/** Reads the mount table from `<procRoot>/self/mounts`. */
export async function readMounts(procRoot: string | undefined): Promise<Mount[]> {
  return parseMounts(await readBounded(procPath(procRoot, "self", "mounts")));
}

/**
 * Kernel and virtual filesystems that hold no user data: never full in a way
 * that matters, and read-only by design when they are (squashfs snaps, CD images).
 */
export const PSEUDO_FSTYPES: ReadonlySet<string> = new Set([
  "autofs",
  "binfmt_misc",
  "bpf",
  "cgroup",
  "cgroup2",
  "configfs",
  "debugfs",
  "devpts",
  "devtmpfs",
  "efivarfs",
  "erofs",
  "fusectl",
  "fuse.snapfuse",
  "hugetlbfs",
  "iso9660",
  "mqueue",
  "nsfs",
  "proc",
  "pstore",
  "ramfs",
  "rpc_pipefs",
  "securityfs",
  "selinuxfs",
  "squashfs",
  "sysfs",
  "tracefs",
  "udf",
]);
