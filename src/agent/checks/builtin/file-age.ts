/** `file_age`: a backup or export that stopped being written, or was written empty (check_file_age). */
import { stat } from "node:fs/promises";
import type { BuiltinImpl } from "./builtin.js";
import { above, formatAge, formatBytes, perf, why } from "./result.js";

interface FileAgeParams {
  readonly path: string;
  readonly warnSeconds: number;
  readonly critSeconds: number;
  readonly minSize: number | undefined;
}

export const fileAge: BuiltinImpl<FileAgeParams> = {
  parse(p) {
    const path = p.string("path", { required: true });
    if (path !== undefined && !path.startsWith("/"))
      p.problem("path", `got ${JSON.stringify(path)}; want an absolute path`);
    const warnSeconds = p.number("warn_seconds", { required: true, min: 0 });
    const critSeconds = p.number("crit_seconds", { required: true, min: 0 });
    const minSize = p.number("min_size_bytes", { min: 0, integer: true });
    p.order("warn_seconds", warnSeconds, "crit_seconds", critSeconds);
    return {
      path: path ?? "",
      warnSeconds: warnSeconds ?? 0,
      critSeconds: critSeconds ?? 0,
      minSize,
    };
  },

  async check(params) {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(params.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT")
        return { status: 2, output: `FILE_AGE CRITICAL: ${params.path} does not exist` };
      return { status: 3, output: `FILE_AGE UNKNOWN: cannot stat ${params.path}: ${why(e)}` };
    }
    const age = Math.max(0, (Date.now() - st.mtimeMs) / 1000);
    let status = above(age, params.warnSeconds, params.critSeconds);
    const problems: string[] = [];
    if (status !== 0) problems.push(`last modified ${formatAge(age)} ago`);
    if (params.minSize !== undefined && st.size < params.minSize) {
      status = 2;
      problems.push(`${formatBytes(st.size)}, smaller than ${formatBytes(params.minSize)}`);
    }
    const name = ["OK", "WARNING", "CRITICAL"][status];
    const detail =
      problems.length > 0 ? problems.join(", ") : `${formatAge(age)} old, ${formatBytes(st.size)}`;
    const sizeExtra: { crit?: string; min: number } = { min: 0 };
    if (params.minSize !== undefined) sizeExtra.crit = `${params.minSize}:`;
    return {
      status,
      output: `FILE_AGE ${name}: ${params.path} ${detail}`,
      perfdata: [
        perf("age", Math.round(age), "s", {
          warn: params.warnSeconds,
          crit: params.critSeconds,
          min: 0,
        }),
        perf("size", st.size, "B", sizeExtra),
      ],
    };
  },
};
