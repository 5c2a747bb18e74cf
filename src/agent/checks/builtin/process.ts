/**
 * `process`: counts processes by their command name (/proc/PID/comm, which
 * the kernel cuts to 15 bytes, so longer names are compared by their first 15)
 * or by a regular expression searched in the command line (/proc/PID/cmdline,
 * arguments joined by spaces). The agent's own process is never counted.
 */
import { readdir } from "node:fs/promises";
import type { BuiltinImpl } from "./builtin.js";
import { procPath, readBounded } from "./proc.js";

interface ProcParams {
  readonly name: string | undefined;
  readonly cmdline: RegExp | undefined;
  readonly min: number;
  readonly max: number | undefined;
}

/** Longest command line read per process. */
const MAX_CMDLINE = 64 * 1024;
/** The kernel's TASK_COMM_LEN minus the NUL. */
const COMM_LEN = 15;

export const processCheck: BuiltinImpl<ProcParams> = {
  parse(p) {
    const name = p.string("name");
    const cmdline = p.regex("cmdline");
    if ((name === undefined) === (cmdline === undefined) && p.problems.length === 0) {
      p.problem(
        "name",
        "give exactly one of name (the command name) or cmdline (a regular expression)",
      );
    }
    const min = p.number("min", { min: 0, integer: true }) ?? 1;
    const max = p.number("max", { min: 0, integer: true });
    if (max !== undefined && max < min) p.problem("max", `got ${max}; want at least min (${min})`);
    return { name, cmdline, min, max };
  },

  async check(params, _spec, ctx) {
    const root = procPath(ctx.procRoot);
    const self = ctx.procRoot === undefined ? String(process.pid) : "";
    const want = params.name?.slice(0, COMM_LEN);
    let count = 0;
    for (const pid of await readdir(root)) {
      if (!/^\d+$/.test(pid) || pid === self) continue;
      try {
        if (want !== undefined) {
          if (
            (await readBounded(procPath(ctx.procRoot, pid, "comm"), 256)).replace(/\n$/, "") ===
            want
          )
            count++;
        } else if (params.cmdline !== undefined) {
          const raw = await readBounded(procPath(ctx.procRoot, pid, "cmdline"), MAX_CMDLINE);
          const line = raw.replace(/\0+$/, "").replaceAll("\0", " ");
          if (line !== "" && params.cmdline.test(line)) count++;
        }
      } catch (e) {
        // A process that exited between readdir and read is simply not counted.
        if (
          (e as NodeJS.ErrnoException).code !== "ENOENT" &&
          (e as NodeJS.ErrnoException).code !== "ESRCH"
        )
          throw e;
      }
    }
    const what =
      want !== undefined
        ? `named ${JSON.stringify(params.name)}`
        : `matching /${params.cmdline?.source}/`;
    const range =
      params.max === undefined
        ? `at least ${params.min}`
        : params.min === params.max
          ? `exactly ${params.min}`
          : `${params.min} to ${params.max}`;
    const ok = count >= params.min && (params.max === undefined || count <= params.max);
    const status = ok ? 0 : 2;
    const perfdata = [
      { label: "procs", value: count, uom: "", crit: `${params.min}:${params.max ?? ""}`, min: 0 },
    ];
    return {
      status,
      output: `PROCS ${ok ? "OK" : "CRITICAL"}: ${count} process${count === 1 ? "" : "es"} ${what}${ok ? "" : `, want ${range}`}`,
      perfdata,
    };
  },
};
