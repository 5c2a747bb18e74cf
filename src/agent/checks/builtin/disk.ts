/**
 * `disk`: space and inode use per filesystem, measured with statfs(2) as df
 * does: used = blocks - bfree, percent = used / (used + bavail), so blocks
 * reserved for root count as unavailable (coreutils df.c).
 */
import { statfs } from "node:fs/promises";
import type { CheckStatus, PerfDatum } from "../../types.js";
import type { BuiltinImpl } from "./builtin.js";
import { PSEUDO_FSTYPES, readMounts } from "./proc.js";
import { above, formatBytes, perf, why, worst } from "./result.js";

interface DiskParams {
  readonly mountpoints: readonly string[] | undefined;
  readonly warn: number;
  readonly crit: number;
  readonly warnInodes: number | undefined;
  readonly critInodes: number | undefined;
}

export const disk: BuiltinImpl<DiskParams> = {
  parse(p) {
    const mountpoints = p.strings("mountpoints");
    for (const m of mountpoints ?? [])
      if (!m.startsWith("/"))
        p.problem("mountpoints", `got ${JSON.stringify(m)}; want an absolute path`);
    const warn = p.number("warn_percent_used", { required: true, min: 0, max: 100 });
    const crit = p.number("crit_percent_used", { required: true, min: 0, max: 100 });
    const warnInodes = p.number("warn_inodes_percent_used", { min: 0, max: 100 });
    const critInodes = p.number("crit_inodes_percent_used", { min: 0, max: 100 });
    p.order("warn_percent_used", warn, "crit_percent_used", crit);
    p.order("warn_inodes_percent_used", warnInodes, "crit_inodes_percent_used", critInodes);
    return { mountpoints, warn: warn ?? 0, crit: crit ?? 0, warnInodes, critInodes };
  },

  async check(params, _spec, ctx) {
    let targets = params.mountpoints;
    if (targets === undefined) {
      const seen = new Set<string>();
      const list: string[] = [];
      for (const m of await readMounts(ctx.procRoot)) {
        if (PSEUDO_FSTYPES.has(m.fstype) || seen.has(m.mountpoint)) continue;
        seen.add(m.mountpoint);
        list.push(m.mountpoint);
      }
      targets = list;
    }
    let status: CheckStatus = 0;
    const bad: string[] = [];
    const lines: string[] = [];
    const perfdata: PerfDatum[] = [];
    let fullest: { mount: string; pct: number } | undefined;
    let measured = 0;
    for (const mount of targets) {
      let s: Awaited<ReturnType<typeof statfs>>;
      try {
        s = await statfs(mount);
      } catch (e) {
        status = worst(status, 3);
        bad.push(`${mount} cannot be measured (${why(e)})`);
        lines.push(`${mount}: UNKNOWN: ${why(e)}`);
        continue;
      }
      // Pseudo filesystems not in our list report 0 blocks: nothing to judge.
      if (s.blocks === 0 && params.mountpoints === undefined) continue;
      measured++;
      const used = (s.blocks - s.bfree) * s.bsize;
      const avail = s.bavail * s.bsize;
      const size = s.blocks * s.bsize;
      const pct = used + avail > 0 ? (used / (used + avail)) * 100 : 0;
      let st = above(pct, params.warn, params.crit);
      let line = `${mount}: ${pct.toFixed(1)}% used, ${formatBytes(avail)} free of ${formatBytes(size)}`;
      const problems: string[] = [];
      if (st !== 0) problems.push(`${mount} ${pct.toFixed(1)}% used (${formatBytes(avail)} free)`);
      perfdata.push(
        perf(`${mount} used`, used, "B", {
          warn: Math.floor(((used + avail) * params.warn) / 100),
          crit: Math.floor(((used + avail) * params.crit) / 100),
          min: 0,
          max: size,
        }),
        perf(`${mount} used_pct`, pct, "%", {
          warn: params.warn,
          crit: params.crit,
          min: 0,
          max: 100,
        }),
      );
      if (s.files > 0) {
        const ipct = ((s.files - s.ffree) / s.files) * 100;
        const ist = above(ipct, params.warnInodes, params.critInodes);
        line += `, inodes ${ipct.toFixed(1)}% used`;
        if (ist !== 0) problems.push(`${mount} inodes ${ipct.toFixed(1)}% used`);
        st = worst(st, ist);
        const extra: { warn?: number; crit?: number; min: number; max: number } = {
          min: 0,
          max: 100,
        };
        if (params.warnInodes !== undefined) extra.warn = params.warnInodes;
        if (params.critInodes !== undefined) extra.crit = params.critInodes;
        perfdata.push(perf(`${mount} inodes_used_pct`, ipct, "%", extra));
      }
      status = worst(status, st);
      bad.push(...problems);
      lines.push(line);
      if (fullest === undefined || pct > fullest.pct) fullest = { mount, pct };
    }
    const name = ["OK", "WARNING", "CRITICAL", "UNKNOWN"][status];
    let output: string;
    if (bad.length > 0) output = `DISK ${name}: ${bad.join(", ")}`;
    else if (fullest !== undefined)
      output = `DISK OK: ${measured} filesystem${measured === 1 ? "" : "s"}, fullest ${fullest.mount} at ${fullest.pct.toFixed(1)}% used`;
    else return { status: 3, output: "DISK UNKNOWN: no filesystems to check" };
    return { status, output, longOutput: lines.join("\n"), perfdata };
  },
};
