/**
 * reddot's built-in rules: ordinary rule groups built in code from the
 * `rules.builtin` settings of reddot.yaml, over the series reddot itself
 * writes (src/fleet/series.ts, src/heartbeats, node_exporter names of the
 * agent, src/self/metrics.ts). Documented in docs/rules.md, "Built-in rules".
 */
import type { BuiltinRulesSettings, RuleConfig, RuleGroupConfig } from "../../config/index.js";

/** The `file` of every built-in group. */
export const BUILTIN_FILE = "<builtin>";

/** Report interval assumed for agents (their `--interval` is not stored). */
export const ASSUMED_REPORT_INTERVAL_S = 30;
/** Check interval assumed for checks the caller did not describe. */
export const ASSUMED_CHECK_INTERVAL_MS = 60_000;
/** How long the last-seen time of a silent host is remembered (and alerted on). */
export const SILENT_HOST_MEMORY_S = 7 * 86_400;

/** What the built-in rules may know of the configured checks (a CheckSpec fits). */
export interface BuiltinCheckInfo {
  readonly name: string;
  readonly intervalMs: number;
  readonly kind: string;
  readonly builtin?: string;
}

export interface BuiltinRulesContext {
  /**
   * The checks of the config repo. With them, CheckFailing uses each check's
   * interval and BackupTooOld/Puppet* select checks by their builtin; without,
   * a 1m interval is assumed and those checks are recognised by their perfdata.
   */
  readonly checks?: readonly BuiltinCheckInfo[];
}

const RUNBOOK = "docs/rules.md#built-in-rules";

function alert(
  name: string,
  expr: string,
  opts: {
    for?: number;
    keepFiringFor?: number;
    severity: "critical" | "warning";
    summary: string;
    description: string;
    runbook: string;
  },
): RuleConfig {
  return {
    kind: "alert",
    name,
    expr,
    for: opts.for ?? 0,
    keepFiringFor: opts.keepFiringFor ?? 0,
    labels: { severity: opts.severity },
    annotations: {
      summary: opts.summary,
      description: opts.description,
      runbook: `${opts.runbook} (${RUNBOOK})`,
    },
  };
}

function record(name: string, expr: string): RuleConfig {
  return { kind: "record", name, expr, for: 0, keepFiringFor: 0, labels: {}, annotations: {} };
}

function group(name: string, rules: RuleConfig[]): RuleGroupConfig {
  return { file: BUILTIN_FILE, name: `reddot.builtin.${name}`, limit: 0, rules };
}

/** Seconds as PromQL duration text (`90s`). */
const dur = (ms: number) => `${Math.max(1, Math.round(ms / 1000))}s`;

/** A PromQL double-quoted string holding `s`. */
const str = (s: string) => JSON.stringify(s);

/** A regex matching exactly one of `names`. */
function namesRegex(names: readonly string[]): string {
  return names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
}

/**
 * The built-in rule groups enabled in `settings`, named `reddot.builtin.<key>`
 * with file `<builtin>`.
 */
export function builtinRuleGroups(
  settings: BuiltinRulesSettings,
  ctx: BuiltinRulesContext = {},
): RuleGroupConfig[] {
  const out: RuleGroupConfig[] = [];
  const checks = ctx.checks;
  const ofBuiltin = (b: string) =>
    checks?.filter((c) => c.kind === "builtin" && c.builtin === b).map((c) => c.name);
  const fileAge = ofBuiltin("file_age");
  const puppet = ofBuiltin("puppet");

  if (settings.keepalive.enabled) {
    const silentAfter = settings.keepalive.missedIntervals * ASSUMED_REPORT_INTERVAL_S;
    // The raw series disappears from instant queries 5m after the last report,
    // so the last-seen time is carried forward by a recording rule that reads
    // its own previous value (kept for SILENT_HOST_MEMORY_S).
    const last = "reddot_builtin:agent_last_seen_timestamp_seconds";
    out.push(
      group("keepalive", [
        record(
          last,
          `max by (host) (reddot_agent_last_seen_timestamp) or (${last} > (time() - ${SILENT_HOST_MEMORY_S}))`,
        ),
        alert("HostSilent", `time() - ${last} > ${silentAfter}`, {
          for: settings.keepalive.for,
          severity: "critical",
          summary: "Host {{ $labels.host }} stopped reporting",
          description:
            "No report from the reddot agent on {{ $labels.host }} for {{ $value | humanizeDuration }}.",
          runbook:
            "Is the host up? Is reddot-agent running (systemctl status reddot-agent), and can it reach the server (its log shows delivery failures)?",
        }),
      ]),
    );
  }

  if (settings.checkFailing.enabled) {
    const n = settings.checkFailing.consecutive;
    // Checks with their own rules elsewhere are left to those.
    const excluded = new Set([
      ...(settings.backupTooOld.enabled ? (fileAge ?? []) : []),
      ...(settings.configManagement.enabled ? (puppet ?? []) : []),
    ]);
    const byInterval = new Map<number, string[]>();
    for (const c of checks ?? []) {
      if (excluded.has(c.name)) continue;
      byInterval.set(c.intervalMs, [...(byInterval.get(c.intervalMs) ?? []), c.name]);
    }
    const rules: RuleConfig[] = [];
    const failing = (selector: string, intervalMs: number) => {
      // The window (t - N × interval, t] holds exactly the last N runs of a check
      // that runs every `interval`, wherever t falls between runs. All of them
      // non-OK, and at least N (a late run delays the alert, never fakes it).
      const w = dur(n * intervalMs);
      const s = `reddot_check_status${selector}`;
      return `last_over_time(${s}[${w}]) > 0 and on (host, check) min_over_time(${s}[${w}]) > 0 and on (host, check) count_over_time(${s}[${w}]) >= ${n}`;
    };
    const opts = {
      severity: "warning" as const,
      summary: "Check {{ $labels.check }} on {{ $labels.host }} is failing",
      description: `{{ $labels.check }} on {{ $labels.host }} has not been OK for ${n} runs in a row (status {{ $value }}: 1 WARNING, 2 CRITICAL, 3 UNKNOWN).`,
      runbook: "reddot check output on the host page shows why; run the check by hand on the host.",
    };
    if (checks === undefined) {
      rules.push(alert("CheckFailing", failing("", ASSUMED_CHECK_INTERVAL_MS), opts));
    } else {
      for (const [interval, names] of [...byInterval].sort((a, b) => a[0] - b[0])) {
        const sel = `{check=~${str(namesRegex(names))}}`;
        rules.push(alert("CheckFailing", failing(sel, interval), opts));
      }
    }
    if (rules.length > 0) out.push(group("check_failing", rules));
  }

  if (settings.readonlyFs.enabled) {
    out.push(
      group("readonly_fs", [
        alert(
          "FilesystemReadOnly",
          `node_filesystem_readonly{fstype!~"iso9660|squashfs|udf|erofs|cramfs|romfs"} == 1`,
          {
            for: settings.readonlyFs.for,
            severity: "critical",
            summary: "{{ $labels.mountpoint }} on {{ $labels.host }} is read-only",
            description:
              "{{ $labels.device }} ({{ $labels.fstype }}) mounted at {{ $labels.mountpoint }} on {{ $labels.host }} is read-only: usually the kernel remounted it after I/O errors.",
            runbook:
              "dmesg on the host for I/O or filesystem errors; check the disk before remounting rw.",
          },
        ),
      ]),
    );
  }

  if (settings.diskFullSoon.enabled) {
    const d = settings.diskFullSoon;
    const fs = `{fstype!~"tmpfs|ramfs|iso9660|squashfs|udf|erofs|cramfs|romfs"}`;
    const horizonText = dur(d.horizon);
    out.push(
      group("disk_full_soon", [
        alert(
          "DiskFullSoon",
          `predict_linear(node_filesystem_avail_bytes${fs}[${dur(d.lookback)}], ${Math.round(d.horizon / 1000)}) < 0` +
            ` and on (host, device, mountpoint) (node_filesystem_avail_bytes${fs} / node_filesystem_size_bytes${fs} < 0.4)` +
            ` and on (host, device, mountpoint) node_filesystem_readonly${fs} == 0`,
          {
            for: d.for,
            severity: "warning",
            summary: `{{ $labels.mountpoint }} on {{ $labels.host }} will be full within ${horizonText}`,
            description: `At the rate of the last ${dur(d.lookback)}, {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.host }} fills up within ${horizonText} (predicted free space: {{ $value | humanize1024 }}B).`,
            runbook:
              "du -x on the mountpoint for what grows; rotate logs, prune old backups, or grow the filesystem.",
          },
        ),
      ]),
    );
  }

  if (settings.backupTooOld.enabled) {
    let expr: string;
    if (fileAge === undefined) {
      // Recognised by their perfdata (`age` in s); remembered a day, so a file that
      // disappeared (no perfdata then) is still recognised.
      expr = `last_over_time(reddot_check_status[1h]) != 0 and on (host, check) last_over_time(reddot_check_perfdata{item="age",uom="s"}[1d])`;
    } else {
      const maxInterval = Math.max(
        5 * 60_000,
        ...(checks ?? []).filter((c) => fileAge.includes(c.name)).map((c) => 2 * c.intervalMs),
      );
      expr = `last_over_time(reddot_check_status{check=~${str(namesRegex(fileAge))}}[${dur(maxInterval)}]) != 0`;
    }
    const rules: RuleConfig[] = [];
    if (fileAge === undefined || fileAge.length > 0) {
      rules.push(
        alert("BackupTooOld", expr, {
          severity: "critical",
          summary: "Backup {{ $labels.check }} on {{ $labels.host }} is too old or missing",
          description:
            "The file_age check {{ $labels.check }} on {{ $labels.host }} is not OK (status {{ $value }}): the file is missing, too old, or too small.",
          runbook:
            "Look at the backup job's log on the host; the check output names the file and its age.",
        }),
      );
    }
    rules.push(
      alert("HeartbeatLate", "reddot_heartbeat_late == 1", {
        severity: "warning",
        summary: "Job {{ $labels.job }} did not run on time",
        description:
          "The heartbeat of {{ $labels.job }} did not arrive within its schedule and grace.",
        runbook:
          "Is the job's timer or cron entry still there, and its host up? reddot heartbeats lists its runs.",
      }),
      alert("HeartbeatFailed", "reddot_heartbeat_failed == 1", {
        severity: "critical",
        summary: "Job {{ $labels.job }} failed",
        description: "The last run of {{ $labels.job }} reported a failure.",
        runbook: "The job's own log; reddot heartbeats shows the exit code of the last run.",
      }),
      alert("HeartbeatOverlong", "reddot_heartbeat_overlong == 1", {
        severity: "warning",
        summary: "Job {{ $labels.job }} runs longer than allowed",
        description:
          "A run of {{ $labels.job }} started and has not finished within its max_duration.",
        runbook:
          "Is the job hung (ps on its host)? A stuck lock or a slow remote end are usual causes.",
      }),
    );
    out.push(group("backup_too_old", rules));
  }

  if (settings.configManagement.enabled && (puppet === undefined || puppet.length > 0)) {
    const sel = puppet === undefined ? "" : `,check=~${str(namesRegex(puppet))}`;
    const age = `reddot_check_perfdata{item="last_run_age",uom="s"${sel}}`;
    const item = (name: string) => `reddot_check_perfdata{item=${str(name)}${sel}}`;
    const staleAfter = Math.round(settings.configManagement.staleAfter / 1000);
    out.push(
      group("config_management", [
        alert("PuppetStale", `${age} > ${staleAfter}`, {
          severity: "warning",
          summary: "Puppet has not run on {{ $labels.host }} for {{ $value | humanizeDuration }}",
          description: `The last Puppet run on {{ $labels.host }} was {{ $value | humanizeDuration }} ago (more than ${dur(settings.configManagement.staleAfter)}).`,
          runbook: "systemctl status puppet; puppet agent -t by hand shows why runs stopped.",
        }),
        alert("PuppetFailed", `${item("failed_resources")} > 0 and on (host, check) ${age}`, {
          severity: "critical",
          summary: "Puppet run failed on {{ $labels.host }}",
          description:
            "The last Puppet run on {{ $labels.host }} had {{ $value }} failed resources.",
          runbook: "puppet agent -t on the host shows the failing resources.",
        }),
        alert("PuppetDisabled", `${item("disabled")} == 1 and on (host, check) ${age}`, {
          severity: "warning",
          summary: "Puppet is disabled on {{ $labels.host }}",
          description:
            "puppet agent --disable was run on {{ $labels.host }}; the check output shows its message.",
          runbook:
            "Ask whoever disabled it (the message says why); puppet agent --enable when done.",
        }),
      ]),
    );
  }

  if (settings.self.enabled) {
    out.push(
      group("self", [
        alert(
          "ReddotDataDiskFull",
          "reddot_data_dir_avail_bytes / reddot_data_dir_size_bytes < 0.1",
          {
            for: 5 * 60_000,
            severity: "critical",
            summary: "reddot's data disk is almost full",
            description:
              "Only {{ $value | humanizePercentage }} of the filesystem of reddot's data_dir is free.",
            runbook: "Lower storage.retention or retention_size in reddot.yaml, or grow the disk.",
          },
        ),
        alert("ReddotWalErrors", "increase(reddot_tsdb_wal_write_failures_total[15m]) > 0", {
          severity: "critical",
          summary: "reddot cannot write its WAL",
          description:
            "{{ $value }} WAL writes failed in 15 minutes: data sent now may be lost on a crash.",
          runbook: "The server log names the error (disk full, I/O error, permissions).",
        }),
        alert("ReddotWalRepaired", "increase(reddot_tsdb_wal_torn_tails_repaired_total[1h]) > 0", {
          severity: "warning",
          summary: "reddot repaired a torn WAL at startup",
          description:
            "A WAL segment ended in a partial record (a crash or power loss); the partial record was dropped.",
          runbook: "Find why the server stopped uncleanly (journalctl, OOM killer, power).",
        }),
        alert(
          "ReddotCompactionsFailing",
          "increase(reddot_tsdb_compactions_failed_total[1h]) > 0",
          {
            severity: "critical",
            summary: "reddot's store compactions fail",
            description:
              "{{ $value }} compactions failed in the last hour; the head grows until they succeed.",
            runbook: "The server log names the error; check free disk space of data_dir.",
          },
        ),
        alert(
          "ReddotRuleEvaluationFailures",
          "rate(reddot_rule_evaluation_failures_total[5m]) > 0",
          {
            for: 5 * 60_000,
            severity: "warning",
            summary: "Rule evaluations fail",
            description: "{{ $value | humanize }} rule evaluations fail per second.",
            runbook: "/api/v1/rules shows each rule's health and last error.",
          },
        ),
        alert(
          "ReddotIngestionRefused",
          `sum without (code) (rate(reddot_remote_write_requests_total{code=~"4.."}[5m])) > 0`,
          {
            for: 10 * 60_000,
            severity: "warning",
            summary: "reddot refuses remote-write requests",
            description:
              "{{ $value | humanize }} remote-write requests per second are refused with a 4xx status.",
            runbook:
              "The server log names the sender and the reason (bad token, too large, bad labels).",
          },
        ),
      ]),
    );
  }
  return out;
}
