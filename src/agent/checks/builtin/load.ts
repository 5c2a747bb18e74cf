/**
 * `load`: the 1, 5 and 15 minute load averages from /proc/loadavg against
 * thresholds per average (as check_load -w 1m,5m,15m), optionally per CPU
 * (check_load -r): then thresholds are multiplied by the CPU count from /proc/stat.
 */

import type { CheckStatus } from "../../types.js";
import type { BuiltinImpl } from "./builtin.js";
import type { Params } from "./params.js";
import { procPath, readBounded } from "./proc.js";
import { above, perf, worst } from "./result.js";

type Triple = readonly [number, number, number];

interface LoadParams {
  readonly warn: Triple;
  readonly crit: Triple;
  readonly perCpu: boolean;
}

/** A number (all three averages) or a list of three. */
function triple(p: Params, name: string): Triple {
  const v = p.any(name);
  if (v === undefined || v === null) {
    p.problem(name, "is required");
  } else if (typeof v === "number" && Number.isFinite(v) && v >= 0) {
    return [v, v, v];
  } else if (
    Array.isArray(v) &&
    v.length === 3 &&
    v.every((x) => typeof x === "number" && Number.isFinite(x) && x >= 0)
  ) {
    return v as unknown as Triple;
  } else {
    p.problem(
      name,
      `got ${JSON.stringify(v)}; want a number or a list of three numbers [1m, 5m, 15m], none negative`,
    );
  }
  return [0, 0, 0];
}

const WINDOWS = ["load1", "load5", "load15"] as const;

export const load: BuiltinImpl<LoadParams> = {
  parse(p) {
    const warn = triple(p, "warn");
    const crit = triple(p, "crit");
    const perCpu = p.boolean("per_cpu") ?? false;
    for (let i = 0; i < 3; i++) p.order(`warn[${i}]`, warn[i], `crit[${i}]`, crit[i]);
    return { warn, crit, perCpu };
  },

  async check(params, _spec, ctx) {
    const text = await readBounded(procPath(ctx.procRoot, "loadavg"), 4096);
    const f = text.trim().split(/\s+/).slice(0, 3).map(Number);
    if (f.length !== 3 || f.some((x) => !Number.isFinite(x))) {
      return {
        status: 3,
        output: `LOAD UNKNOWN: cannot parse loadavg: ${JSON.stringify(text.slice(0, 80))}`,
      };
    }
    let cpus = 1;
    if (params.perCpu) {
      const stat = await readBounded(procPath(ctx.procRoot, "stat"));
      cpus = stat.split("\n").filter((l) => /^cpu\d+\s/.test(l)).length;
      if (cpus === 0) return { status: 3, output: "LOAD UNKNOWN: cannot count CPUs in /proc/stat" };
    }
    let status: CheckStatus = 0;
    const perfdata = f.map((v, i) => {
      const w = (params.warn[i] as number) * cpus;
      const c = (params.crit[i] as number) * cpus;
      status = worst(status, above(v, w, c));
      return perf(WINDOWS[i] as string, v, "", { warn: w, crit: c, min: 0 });
    });
    const name = ["OK", "WARNING", "CRITICAL", "UNKNOWN"][status];
    const per = params.perCpu ? ` on ${cpus} CPU${cpus === 1 ? "" : "s"}` : "";
    return {
      status,
      output: `LOAD ${name}: load average ${f.map((v) => v.toFixed(2)).join(", ")}${per}`,
      perfdata,
    };
  },
};
