/**
 * The checks built into the agent, by stable id (`BuiltinCheckName`). Each
 * validates its own params (problems name the param) and answers in the
 * Nagios plugin contract; a run never throws: a failure to measure is UNKNOWN
 * with the reason.
 */
import type { BuiltinCheckName, BuiltinCheckSpec, CheckResult } from "../../types.js";
import type { BuiltinContext, BuiltinImpl } from "./builtin.js";
import { disk } from "./disk.js";
import { fileAge } from "./file-age.js";
import { http } from "./http.js";
import { load } from "./load.js";
import { memory } from "./memory.js";
import { Params } from "./params.js";
import { processCheck } from "./process.js";
import { puppet } from "./puppet.js";
import { readonlyMounts } from "./readonly-mounts.js";
import type { Outcome } from "./result.js";
import { why } from "./result.js";
import { systemdUnit } from "./systemd-unit.js";
import { tcp } from "./tcp.js";

export type { BuiltinContext } from "./builtin.js";

/** One builtin check as the agent's check runner sees it. */
export interface BuiltinCheck {
  /** Problems with `params`, each starting with the param's name; empty when valid. */
  validate(params: Record<string, unknown>): string[];
  /** Runs once. Never rejects: bad params or a failure to measure give UNKNOWN. */
  run(spec: BuiltinCheckSpec, ctx: BuiltinContext): Promise<CheckResult>;
}

const MAX_OUTPUT = 1024;
const MAX_LONG_OUTPUT = 8 * 1024;

/**
 * The check's outcome, or UNKNOWN once `spec.timeoutMs` has passed: a statfs
 * on a hung NFS mount or a read of a FIFO never returns, and the agent must not
 * wait with it. (The blocked libuv thread is not freed; Node cannot cancel it.)
 */
async function withDeadline(work: Promise<Outcome>, spec: BuiltinCheckSpec): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          status: 3,
          output: `UNKNOWN: builtin ${spec.builtin} did not finish within ${spec.timeoutMs} ms`,
        }),
      spec.timeoutMs,
    );
  });
  // The losing side may still reject later; it is handled here so it is never unhandled.
  const guarded = work.catch(
    (e: unknown): Outcome => ({
      status: 3,
      output: `UNKNOWN: builtin ${spec.builtin} failed: ${why(e)}`,
    }),
  );
  try {
    return await Promise.race([guarded, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function wrap<P>(impl: BuiltinImpl<P>): BuiltinCheck {
  const parse = (raw: Record<string, unknown>): { params: P; problems: string[] } => {
    const p = new Params(raw);
    const params = impl.parse(p);
    return { params, problems: p.finish() };
  };
  return {
    validate: (raw) => parse(raw).problems,
    async run(spec, ctx) {
      const startedAt = Date.now();
      const t0 = performance.now();
      let out: Outcome;
      try {
        const { params, problems } = parse({ ...spec.params });
        out =
          problems.length > 0
            ? {
                status: 3,
                output: `UNKNOWN: bad params for builtin ${spec.builtin}: ${problems.join("; ")}`,
              }
            : await withDeadline(impl.check(params, spec, ctx), spec);
      } catch (e) {
        out = { status: 3, output: `UNKNOWN: builtin ${spec.builtin} failed: ${why(e)}` };
      }
      return {
        check: spec.name,
        status: out.status,
        output: out.output.split("\n")[0]?.slice(0, MAX_OUTPUT) ?? "",
        longOutput: (out.longOutput ?? "").slice(0, MAX_LONG_OUTPUT),
        perfdata: out.perfdata ?? [],
        startedAt,
        durationMs: performance.now() - t0,
      };
    },
  };
}

/** Every builtin check by id. */
export const BUILTIN_CHECKS: ReadonlyMap<BuiltinCheckName, BuiltinCheck> = new Map<
  BuiltinCheckName,
  BuiltinCheck
>([
  ["disk", wrap(disk)],
  ["readonly_mounts", wrap(readonlyMounts)],
  ["load", wrap(load)],
  ["memory", wrap(memory)],
  ["process", wrap(processCheck)],
  ["systemd_unit", wrap(systemdUnit)],
  ["tcp", wrap(tcp)],
  ["http", wrap(http)],
  ["file_age", wrap(fileAge)],
  ["puppet", wrap(puppet)],
]);
