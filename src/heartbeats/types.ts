import type { CronSchedule } from "./cron.js";

/** One job declared in `heartbeats/*.yaml`, parsed. Durations in ms. */
export interface HeartbeatJob {
  readonly name: string;
  /** Either a cron schedule or a fixed period (`every`). */
  readonly schedule:
    | { readonly kind: "cron"; readonly cron: CronSchedule }
    | { readonly kind: "every"; readonly everyMs: number };
  readonly timezone: string;
  readonly graceMs: number;
  readonly maxDurationMs?: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly description?: string;
  /** The file it came from, relative to the config directory. */
  readonly file?: string;
}

/** One stored heartbeat (a row of `heartbeat_runs`). Times in ms. */
export interface HeartbeatRun {
  readonly id: number;
  readonly job: string;
  readonly runId: string | null;
  readonly kind: "start" | "success" | "failure";
  readonly at: number;
  readonly exitCode: number | null;
  readonly durationMs: number | null;
  readonly message: string | null;
}

/** Summary state of a job, most severe first: overlong, failed, late, running, never, ok. */
export type HeartbeatState = "ok" | "late" | "failed" | "running" | "overlong" | "never";

/** Status of one job, computed from stored runs. */
export interface HeartbeatStatus {
  readonly job: string;
  readonly state: HeartbeatState;
  readonly late: boolean;
  readonly failed: boolean;
  readonly overlong: boolean;
  readonly running: boolean;
  readonly lastSuccess?: number;
  readonly lastFailure?: number;
  readonly lastStart?: number;
  readonly lastExitCode?: number;
  readonly lastDurationMs?: number;
  /** When the next success is due (before grace), or undefined if the schedule never fires again. */
  readonly nextExpected?: number;
  readonly labels: Readonly<Record<string, string>>;
}
