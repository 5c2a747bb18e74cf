/**
 * `memory`: used = MemTotal - MemAvailable from /proc/meminfo (the kernel's
 * estimate of what can be allocated without swapping; Linux 3.14+). Older
 * kernels lack MemAvailable: MemFree + Buffers + Cached stands in.
 */
import type { BuiltinImpl } from "./builtin.js";
import { procPath, readBounded } from "./proc.js";
import { above, formatBytes, perf } from "./result.js";

interface MemParams {
  readonly warn: number;
  readonly crit: number;
}

/** /proc/meminfo as bytes by key (values are in kB). */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (m) out.set(m[1] as string, Number(m[2]) * (line.trimEnd().endsWith("kB") ? 1024 : 1));
  }
  return out;
}

export const memory: BuiltinImpl<MemParams> = {
  parse(p) {
    const warn = p.number("warn_percent_used", { required: true, min: 0, max: 100 });
    const crit = p.number("crit_percent_used", { required: true, min: 0, max: 100 });
    p.order("warn_percent_used", warn, "crit_percent_used", crit);
    return { warn: warn ?? 0, crit: crit ?? 0 };
  },

  async check(params, _spec, ctx) {
    const info = parseMeminfo(await readBounded(procPath(ctx.procRoot, "meminfo")));
    const total = info.get("MemTotal");
    if (total === undefined || total === 0)
      return { status: 3, output: "MEMORY UNKNOWN: no MemTotal in /proc/meminfo" };
    const available =
      info.get("MemAvailable") ??
      (info.get("MemFree") ?? 0) + (info.get("Buffers") ?? 0) + (info.get("Cached") ?? 0);
    const used = total - available;
    const pct = (used / total) * 100;
    const status = above(pct, params.warn, params.crit);
    const name = ["OK", "WARNING", "CRITICAL", "UNKNOWN"][status];
    return {
      status,
      output: `MEMORY ${name}: ${pct.toFixed(1)}% used, ${formatBytes(available)} available of ${formatBytes(total)}`,
      perfdata: [
        perf("mem_used_pct", pct, "%", { warn: params.warn, crit: params.crit, min: 0, max: 100 }),
        perf("mem_used", used, "B", {
          warn: Math.floor((total * params.warn) / 100),
          crit: Math.floor((total * params.crit) / 100),
          min: 0,
          max: total,
        }),
      ],
    };
  },
};
