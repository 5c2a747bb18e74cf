import { z } from "zod";
import { durationField, LABEL_NAME_RE } from "./fields.js";

/*
 * `rules:` of reddot.yaml: the rule manager's defaults and reddot's built-in
 * rules (docs/rules.md, "Built-in rules"). Durations in ms.
 */

export interface KeepaliveSettings {
  readonly enabled: boolean;
  readonly for: number;
  /** A host is silent after this many missed report intervals. */
  readonly missedIntervals: number;
}
export interface CheckFailingSettings {
  readonly enabled: boolean;
  /** Runs in a row that must be non-OK. */
  readonly consecutive: number;
}
export interface ReadonlyFsSettings {
  readonly enabled: boolean;
  readonly for: number;
}
export interface DiskFullSoonSettings {
  readonly enabled: boolean;
  readonly horizon: number;
  readonly lookback: number;
  readonly for: number;
}
export interface EnabledSettings {
  readonly enabled: boolean;
}
export interface ConfigManagementSettings {
  readonly enabled: boolean;
  readonly staleAfter: number;
}

/** Settings of every built-in rule group. */
export interface BuiltinRulesSettings {
  readonly keepalive: KeepaliveSettings;
  readonly checkFailing: CheckFailingSettings;
  readonly readonlyFs: ReadonlyFsSettings;
  readonly diskFullSoon: DiskFullSoonSettings;
  readonly backupTooOld: EnabledSettings;
  readonly configManagement: ConfigManagementSettings;
  readonly self: EnabledSettings;
}

/** `rules:` of reddot.yaml. */
export interface RulesSettings {
  /** Interval of groups without their own `interval`. */
  readonly evaluationInterval: number;
  readonly resendDelay: number;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly builtin: BuiltinRulesSettings;
}

const enabled = () => z.boolean().default(true).describe("false turns the rule group off");

const DAY = 86_400_000;

const builtinSchema = z
  .strictObject({
    keepalive: z
      .strictObject({
        enabled: enabled(),
        for: durationField({ max: DAY })
          .prefault("1m")
          .describe("How long a host must stay silent"),
        missed_intervals: z
          .int()
          .min(1)
          .max(1000)
          .default(3)
          .describe("Silent = no report for this many report intervals (30s each)"),
      })
      .prefault({})
      .describe("HostSilent: a host's agent stopped reporting"),
    check_failing: z
      .strictObject({
        enabled: enabled(),
        consecutive: z
          .int()
          .min(1)
          .max(100)
          .default(3)
          .describe("Runs in a row that must be WARNING, CRITICAL or UNKNOWN"),
      })
      .prefault({})
      .describe("CheckFailing: a check not OK for N consecutive runs"),
    readonly_fs: z
      .strictObject({
        enabled: enabled(),
        for: durationField({ max: DAY }).prefault("0s").describe("How long before it fires"),
      })
      .prefault({})
      .describe("FilesystemReadOnly: a writable filesystem mounted read-only"),
    disk_full_soon: z
      .strictObject({
        enabled: enabled(),
        horizon: durationField({ min: 60_000, max: 365 * DAY })
          .prefault("24h")
          .describe("Fire when the filesystem is predicted full within this long"),
        lookback: durationField({ min: 60_000, max: 30 * DAY })
          .prefault("6h")
          .describe("History the linear prediction is fitted on"),
        for: durationField({ max: DAY })
          .prefault("30m")
          .describe("How long the prediction must hold"),
      })
      .prefault({})
      .describe("DiskFullSoon: a filesystem predicted to fill up"),
    backup_too_old: z
      .strictObject({ enabled: enabled() })
      .prefault({})
      .describe("BackupTooOld, HeartbeatLate/Failed/Overlong: backups and scheduled jobs"),
    config_management: z
      .strictObject({
        enabled: enabled(),
        stale_after: durationField({ min: 60_000, max: 30 * DAY })
          .prefault("2h")
          .describe("Puppet's last run older than this is stale"),
      })
      .prefault({})
      .describe("PuppetStale/PuppetFailed/PuppetDisabled: configuration management"),
    self: z
      .strictObject({ enabled: enabled() })
      .prefault({})
      .describe("reddot's own health: store, WAL, ingestion, rules, notifications"),
  })
  .transform(
    (b): BuiltinRulesSettings => ({
      keepalive: {
        enabled: b.keepalive.enabled,
        for: b.keepalive.for,
        missedIntervals: b.keepalive.missed_intervals,
      },
      checkFailing: { enabled: b.check_failing.enabled, consecutive: b.check_failing.consecutive },
      readonlyFs: b.readonly_fs,
      diskFullSoon: b.disk_full_soon,
      backupTooOld: b.backup_too_old,
      configManagement: {
        enabled: b.config_management.enabled,
        staleAfter: b.config_management.stale_after,
      },
      self: b.self,
    }),
  );

const externalLabelsSchema = z.record(z.string(), z.string()).superRefine((m, ctx) => {
  for (const name of Object.keys(m)) {
    if (LABEL_NAME_RE.test(name) && !name.startsWith("__")) continue;
    ctx.addIssue({
      code: "custom",
      path: [name],
      message: `"${name}" is not a valid external label name`,
      params: { hint: "letters, digits and _, not starting with a digit or __", target: "key" },
    });
  }
});

/** `rules:` of reddot.yaml. */
export const rulesSettingsSchema = z
  .strictObject({
    evaluation_interval: durationField({ min: 1000, max: DAY })
      .prefault("15s")
      .describe("Evaluation interval of rule groups without their own interval"),
    resend_delay: durationField({ min: 1000, max: DAY })
      .prefault("1m")
      .describe("How often firing alerts are sent again"),
    external_labels: externalLabelsSchema
      .default({})
      .describe("Labels added to every alert sent (as Prometheus's global.external_labels)"),
    builtin: builtinSchema.prefault({}).describe("reddot's built-in rules; each on by default"),
  })
  .transform(
    (r): RulesSettings => ({
      evaluationInterval: r.evaluation_interval,
      resendDelay: r.resend_delay,
      externalLabels: r.external_labels,
      builtin: r.builtin,
    }),
  );
