/**
 * Filesystems as node_exporter's `filesystem` collector: mounts from
 * /proc/1/mounts (the host's mount namespace; /proc/self/mounts when that is
 * unreadable), Debian's default exclusions, one statfs per mount, bounded by
 * a timeout so a hung NFS server cannot stall collection.
 */
import { statfs } from "node:fs/promises";
import { join } from "node:path";
import type { Emit } from "./emit.js";
import { fields, readText } from "./read.js";

/** Debian node_exporter 1.5's `--collector.filesystem.mount-points-exclude` default. */
export const MOUNT_POINTS_EXCLUDE =
  /^\/(dev|proc|run|sys|mnt|media|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;

/** node_exporter's `--collector.filesystem.fs-types-exclude` default. */
export const FS_TYPES_EXCLUDE =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/;

export interface Mount {
  readonly device: string;
  readonly mountpoint: string;
  readonly fstype: string;
  readonly readonly: boolean;
}

/** `\040` (space), `\011` (tab), `\012`, `\134` as the kernel escapes them in mounts files. */
function unescapeOctal(s: string): string {
  if (!s.includes("\\")) return s;
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Mounts to report, excluded ones and duplicates (same device, type and mount point) removed. */
export function parseMounts(text: string): Mount[] {
  const out: Mount[] = [];
  const seen = new Set<string>();
  for (const line of text.split("\n")) {
    const f = fields(line);
    if (f.length < 4) continue;
    const mountpoint = unescapeOctal(f[1]);
    const fstype = f[2];
    if (MOUNT_POINTS_EXCLUDE.test(mountpoint) || FS_TYPES_EXCLUDE.test(fstype)) continue;
    const device = unescapeOctal(f[0]);
    const key = `${device}\0${fstype}\0${mountpoint}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ device, mountpoint, fstype, readonly: f[3].split(",").includes("ro") });
  }
  return out;
}

export async function readMounts(procRoot: string): Promise<Mount[]> {
  const text =
    (await readText(join(procRoot, "1/mounts"))) ?? (await readText(join(procRoot, "self/mounts")));
  return text === undefined ? [] : parseMounts(text);
}

import type { StatsFs } from "node:fs";

type StatfsResult = StatsFs;

function statfsWithin(path: string, timeoutMs: number): Promise<StatfsResult | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    statfs(path, { bigint: false }).then(
      (s) => {
        clearTimeout(timer);
        resolve(s);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/**
 * Emits device_error and readonly per mount, and size/free/avail/files/
 * files_free unless statfs fails or times out (then device_error is 1).
 * `rootfsPath` is the host's root as seen by the agent (`/` unless the agent
 * runs in a container with the host mounted elsewhere).
 */
export async function collectFilesystems(
  mounts: readonly Mount[],
  emit: Emit,
  rootfsPath = "/",
  timeoutMs = 5_000,
): Promise<void> {
  const stats = await Promise.all(
    mounts.map((m) =>
      statfsWithin(rootfsPath === "/" ? m.mountpoint : join(rootfsPath, m.mountpoint), timeoutMs),
    ),
  );
  for (let i = 0; i < mounts.length; i++) {
    const m = mounts[i];
    const s = stats[i];
    const labels = { device: m.device, fstype: m.fstype, mountpoint: m.mountpoint };
    emit("node_filesystem_device_error", labels, s === undefined ? 1 : 0);
    // From the mount options, so known even when statfs is not.
    emit("node_filesystem_readonly", labels, m.readonly ? 1 : 0);
    if (s === undefined) continue;
    emit("node_filesystem_size_bytes", labels, s.blocks * s.bsize);
    emit("node_filesystem_free_bytes", labels, s.bfree * s.bsize);
    emit("node_filesystem_avail_bytes", labels, s.bavail * s.bsize);
    emit("node_filesystem_files", labels, s.files);
    emit("node_filesystem_files_free", labels, s.ffree);
  }
}
