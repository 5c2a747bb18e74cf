/**
 * `readonly_mounts`: a filesystem the kernel remounted read-only after an I/O
 * or journal error keeps serving reads, so nothing else notices. CRITICAL lists
 * every mount whose options (/proc/self/mounts) contain `ro`, except pseudo and
 * by-design read-only filesystems (squashfs, iso9660, ...) and ignored ones.
 */
import type { BuiltinImpl } from "./builtin.js";
import { PSEUDO_FSTYPES, readMounts } from "./proc.js";

interface RoParams {
  readonly ignoreFstypes: ReadonlySet<string>;
  readonly ignoreMountpoints: readonly string[];
}

/** An entry ending in `/*` ignores every mountpoint beneath that directory; others match exactly. */
function ignored(mountpoint: string, patterns: readonly string[]): boolean {
  return patterns.some((p) =>
    p.endsWith("/*") ? mountpoint.startsWith(p.slice(0, -1)) : mountpoint === p,
  );
}

export const readonlyMounts: BuiltinImpl<RoParams> = {
  parse(p) {
    const fstypes = p.strings("ignore_fstypes") ?? [];
    const mountpoints = p.strings("ignore_mountpoints") ?? [];
    return {
      ignoreFstypes: new Set([...PSEUDO_FSTYPES, ...fstypes]),
      ignoreMountpoints: mountpoints,
    };
  },

  async check(params, _spec, ctx) {
    const mounts = await readMounts(ctx.procRoot);
    const ro = new Map<string, string>();
    let considered = 0;
    for (const m of mounts) {
      if (params.ignoreFstypes.has(m.fstype) || ignored(m.mountpoint, params.ignoreMountpoints))
        continue;
      considered++;
      if (m.options.includes("ro"))
        ro.set(m.mountpoint, `${m.mountpoint} (${m.fstype} on ${m.device})`);
    }
    const perfdata = [{ label: "readonly_mounts", value: ro.size, uom: "", crit: "0", min: 0 }];
    if (ro.size === 0) {
      return { status: 0, output: `MOUNTS OK: all ${considered} mounts are read-write`, perfdata };
    }
    const list = [...ro.values()];
    return {
      status: 2,
      output: `MOUNTS CRITICAL: read-only: ${list.join(", ")}`,
      longOutput: list.map((l) => `read-only: ${l}`).join("\n"),
      perfdata,
    };
  },
};
