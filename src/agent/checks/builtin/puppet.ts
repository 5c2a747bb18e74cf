/**
 * `puppet`: the last Puppet agent run from `last_run_summary.yaml` (written by
 * the agent after every run; keys `time.last_run` in epoch seconds,
 * `resources.failed`, `events.failure`, `version.config`) and the
 * `agent_disabled.lock` that `puppet agent --disable "msg"` leaves beside it
 * (JSON `{"disabled_message": "msg"}`).
 */
import { access } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { CheckStatus } from "../../types.js";
import type { BuiltinImpl } from "./builtin.js";
import { readBounded } from "./proc.js";
import { above, formatAge, perf, why, worst } from "./result.js";

/**
 * Where Puppet keeps the summary: Puppet 7+ writes it to its `publicdir`
 * (AIO packages, then Debian/Ubuntu packages), older releases to `statedir`.
 */
export const PUPPET_SUMMARY_PATHS = [
  "/opt/puppetlabs/puppet/public/last_run_summary.yaml",
  "/var/cache/puppet/public/last_run_summary.yaml",
  "/opt/puppetlabs/puppet/cache/state/last_run_summary.yaml",
  "/var/lib/puppet/state/last_run_summary.yaml",
] as const;

/**
 * `puppet agent --disable` writes `agent_disabled.lock` into `statedir`:
 * beside a summary in `statedir`, or in `../state` of a summary in `publicdir`.
 */
export function defaultLockPath(summaryPath: string): string {
  const dir = dirname(summaryPath);
  if (basename(dir) === "public") return join(dirname(dir), "state", "agent_disabled.lock");
  return join(dir, "agent_disabled.lock");
}

const MAX_SUMMARY = 1 << 20;

interface PuppetParams {
  readonly summaryPath: string | undefined;
  readonly lockPath: string | undefined;
  readonly warnAge: number;
  readonly critAge: number;
  readonly critFailed: number;
  readonly disabledStatus: CheckStatus;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    // Absent or unreadable: either way not the file to use.
    return false;
  }
}

/** The disabled message, or undefined when the agent is not disabled. */
async function disabledMessage(lockPath: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readBounded(lockPath, 64 * 1024);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  try {
    const j: unknown = JSON.parse(text);
    if (isRecord(j) && typeof j.disabled_message === "string") return j.disabled_message;
  } catch {
    // Older Puppet wrote an empty lock file: disabled, without a reason.
  }
  return "no reason given";
}

export const puppet: BuiltinImpl<PuppetParams> = {
  parse(p) {
    const summaryPath = p.string("summary_path");
    const lockPath = p.string("lock_path");
    for (const [k, v] of [
      ["summary_path", summaryPath],
      ["lock_path", lockPath],
    ] as const) {
      if (v !== undefined && !v.startsWith("/"))
        p.problem(k, `got ${JSON.stringify(v)}; want an absolute path`);
    }
    const warnAge = p.number("warn_age_seconds", { required: true, min: 0 });
    const critAge = p.number("crit_age_seconds", { required: true, min: 0 });
    const critFailed = p.number("crit_failed_resources", { min: 0, integer: true }) ?? 0;
    const disabled = p.string("disabled_status") ?? "warning";
    if (disabled !== "warning" && disabled !== "critical")
      p.problem("disabled_status", `got ${JSON.stringify(disabled)}; want "warning" or "critical"`);
    p.order("warn_age_seconds", warnAge, "crit_age_seconds", critAge);
    return {
      summaryPath,
      lockPath,
      warnAge: warnAge ?? 0,
      critAge: critAge ?? 0,
      critFailed,
      disabledStatus: disabled === "critical" ? 2 : 1,
    };
  },

  async check(params) {
    let summaryPath = params.summaryPath;
    if (summaryPath === undefined) {
      for (const candidate of PUPPET_SUMMARY_PATHS) {
        if (await exists(candidate)) {
          summaryPath = candidate;
          break;
        }
      }
    }
    if (summaryPath === undefined) {
      return {
        status: 3,
        output: `PUPPET UNKNOWN: no last_run_summary.yaml (looked in ${PUPPET_SUMMARY_PATHS.join(", ")}); has Puppet ever run here?`,
      };
    }
    const lockPath = params.lockPath ?? defaultLockPath(summaryPath);
    const disabled = await disabledMessage(lockPath);

    let doc: unknown;
    try {
      doc = parseYaml(await readBounded(summaryPath, MAX_SUMMARY));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT")
        return {
          status: 3,
          output: `PUPPET UNKNOWN: ${summaryPath} does not exist; has Puppet ever run here?`,
        };
      return { status: 3, output: `PUPPET UNKNOWN: cannot read ${summaryPath}: ${why(e)}` };
    }
    if (!isRecord(doc) || !isRecord(doc.time) || num(doc.time.last_run) === undefined) {
      return { status: 3, output: `PUPPET UNKNOWN: ${summaryPath} has no time.last_run` };
    }
    const lastRun = num(doc.time.last_run) as number;
    const age = Math.max(0, Date.now() / 1000 - lastRun);
    const resources = isRecord(doc.resources) ? doc.resources : undefined;
    const failed = num(resources?.failed) ?? 0;
    const failedToRestart = num(resources?.failed_to_restart) ?? 0;
    const eventFailures = isRecord(doc.events) ? (num(doc.events.failure) ?? 0) : 0;
    const config = isRecord(doc.version) ? doc.version.config : undefined;

    const problems: string[] = [];
    let status: CheckStatus = 0;
    if (disabled !== undefined) {
      status = params.disabledStatus;
      problems.push(`agent disabled: ${disabled}`);
    }
    const ageStatus = above(age, params.warnAge, params.critAge);
    if (ageStatus !== 0) problems.push(`last run ${formatAge(age)} ago`);
    status = worst(status, ageStatus);
    // A failed resource shows as a failed event too; events alone count when no resource is marked failed.
    if (failed > params.critFailed || failedToRestart > 0) {
      status = 2;
      problems.push(
        `${failed} failed resource${failed === 1 ? "" : "s"}${failedToRestart > 0 ? `, ${failedToRestart} failed to restart` : ""}`,
      );
    } else if (failed === 0 && eventFailures > params.critFailed) {
      status = 2;
      problems.push(`${eventFailures} failed event${eventFailures === 1 ? "" : "s"}`);
    }
    if (resources === undefined) {
      // Puppet writes no resource metrics when it could not get or apply a catalog.
      status = 2;
      problems.push("last run applied no catalog (catalog compilation or retrieval failed)");
    }
    const name = ["OK", "WARNING", "CRITICAL"][status];
    const configText = config === undefined || config === null ? "" : `, config ${String(config)}`;
    const output =
      problems.length > 0
        ? `PUPPET ${name}: ${problems.join(", ")}${configText}`
        : `PUPPET OK: last run ${formatAge(age)} ago, ${num(resources?.total) ?? 0} resources, none failed${configText}`;
    return {
      status,
      output,
      perfdata: [
        perf("last_run_age", Math.round(age), "s", {
          warn: params.warnAge,
          crit: params.critAge,
          min: 0,
        }),
        perf("failed_resources", failed, "", { crit: params.critFailed, min: 0 }),
        perf("failed_events", eventFailures, "", { min: 0 }),
        perf("disabled", disabled === undefined ? 0 : 1, "", { min: 0, max: 1 }),
      ],
    };
  },
};
