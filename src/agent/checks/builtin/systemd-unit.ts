/**
 * `systemd_unit`: the unit's LoadState, ActiveState and SubState from
 * `systemctl show -p ... -- UNIT` (no shell, bounded output and time). Read as
 * `Key=Value` lines rather than `--value`, whose order follows systemd's
 * property table and not the `-p` list.
 */
import { runBounded } from "../../run-bounded.js";
import type { BuiltinImpl } from "./builtin.js";
import { innerTimeout, why } from "./result.js";

interface UnitParams {
  readonly unit: string;
}

/** Unit names: systemd's allowed characters (unit-name.c VALID_CHARS plus `@` and the type suffix). */
const UNIT_NAME = /^[A-Za-z0-9:_.\\@-]+$/;
const MAX_OUTPUT = 64 * 1024;

interface Run {
  readonly code: number | string | null;
  readonly stdout: string;
  readonly stderr: string;
}

async function systemctl(args: string[], timeoutMs: number): Promise<Run> {
  // Bounded, no shell, and only a minimal environment (never the agent's).
  const r = await runBounded("systemctl", args, { timeoutMs, maxStdoutBytes: MAX_OUTPUT });
  const code = r.spawnError ? (r.spawnError.code ?? null) : r.timedOut ? "TIMEOUT" : r.code;
  return { code, stdout: r.stdout, stderr: r.stderr };
}

export const systemdUnit: BuiltinImpl<UnitParams> = {
  parse(p) {
    const unit = p.string("unit", { required: true });
    if (unit !== undefined && (!UNIT_NAME.test(unit) || unit.startsWith("-"))) {
      p.problem("unit", `got ${JSON.stringify(unit)}; want a unit name such as "nginx.service"`);
    }
    return { unit: unit ?? "" };
  },

  async check(params, spec) {
    const r = await systemctl(
      ["show", "-p", "LoadState,ActiveState,SubState", "--", params.unit],
      innerTimeout(undefined, spec.timeoutMs),
    );
    if (r.code === "ENOENT")
      return {
        status: 3,
        output: `UNIT UNKNOWN: systemctl is not installed, cannot check ${params.unit}`,
      };
    if (r.code === "TIMEOUT")
      return {
        status: 3,
        output: `UNIT UNKNOWN: systemctl did not answer within ${innerTimeout(undefined, spec.timeoutMs)} ms`,
      };
    if (r.code !== 0) {
      const msg = (r.stderr.trim().split("\n")[0] ?? "").slice(0, 300);
      const notBooted =
        /not been booted with systemd|Failed to connect to bus|System has not been booted/i.test(
          r.stderr,
        );
      return {
        status: 3,
        output: notBooted
          ? `UNIT UNKNOWN: systemd is not running on this host (not PID 1, e.g. a container), cannot check ${params.unit}: ${msg}`
          : `UNIT UNKNOWN: systemctl failed (${r.code}): ${msg || "no message"}`,
      };
    }
    const props = new Map<string, string>();
    for (const line of r.stdout.split("\n")) {
      const i = line.indexOf("=");
      if (i > 0) props.set(line.slice(0, i), line.slice(i + 1).trim());
    }
    const loadState = props.get("LoadState") ?? "";
    const active = props.get("ActiveState") ?? "";
    const sub = props.get("SubState") ?? "";
    if (active === "")
      return {
        status: 3,
        output: `UNIT UNKNOWN: systemctl gave no ActiveState for ${params.unit}`,
      };
    if (loadState === "not-found")
      return {
        status: 2,
        output: `UNIT CRITICAL: ${params.unit} does not exist (LoadState=not-found)`,
      };
    const status =
      active === "active" ? 0 : active === "activating" || active === "reloading" ? 1 : 2;
    const name = ["OK", "WARNING", "CRITICAL"][status];
    return {
      status,
      output: `UNIT ${name}: ${params.unit} is ${active} (${sub})`,
      perfdata: [
        {
          label: "active",
          value: active === "active" ? 1 : 0,
          uom: "",
          crit: "1:",
          min: 0,
          max: 1,
        },
      ],
    };
  },
};

/** Why systemctl could not run, for callers probing the host (tests). */
export async function systemdUsable(): Promise<string | undefined> {
  try {
    const r = await systemctl(["is-system-running"], 5000);
    const state = r.stdout.trim();
    return r.code === 0 || state === "degraded" || state === "running"
      ? undefined
      : `systemctl is-system-running: ${state || r.stderr.trim() || r.code}`;
  } catch (e) {
    return why(e);
  }
}
